"""The one contract every CRM connector passes: the built-in store, the fake Salesforce, the fake HubSpot
(leads as contacts, and as contacts + Leads objects on a portal with HubSpot's Leads object).

Pull (full, then incremental), create a lead with its evidence fields, mark a departed contact, find
an existing person to link instead of creating, exactly-once results through 20% injected faults (429,
5xx, answers lost after the CRM processed the call, dropped connections), and a poison record that
fails alone.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from contract.harness import MODES, Harness, ids_of, lead_key, make
from jobshift.connectors.crm.protocol import (
    ContactUpdate,
    CrmConnector,
    LeadCreate,
    PersonLookup,
    WriteResult,
)

EVIDENCE = {
    "first_name": "Jo", "last_name": "Moves", "email": "jo@newco.com", "company": "NewCo",
    "title": "VP Engineering", "linkedin_url": "https://www.linkedin.com/in/jo-moves", "status": "New",
    "lead_source": "jobshift Contact Tracking", "past_title": "Engineer", "job_started_date": "2026-09",
    "is_target_company": True, "is_customer_company": False, "signal_id": "s-1",
}  # fmt: skip


@pytest.fixture(params=MODES)
def crm(request: pytest.FixtureRequest, workspace_env: Path, tmp_path: Path) -> Iterator[Harness]:
    h = make(request.param, workspace_env, tmp_path)
    try:
        yield h
    finally:
        h.close()


def _settle(conn: CrmConnector, intents: list[LeadCreate], rounds: int = 12) -> dict[str, WriteResult]:
    """Apply ``intents`` as the outbox does: retry the retryable ones until none is left."""
    done: dict[str, WriteResult] = {}
    todo = intents
    for _ in range(rounds):
        results = conn.create_leads(todo)
        done.update({r.idempotency_key: r for r in results if r.ok or not r.retryable})
        todo = [i for i in todo if i.idempotency_key not in done]
        if not todo:
            break
    assert not todo, f"{len(todo)} intents still retryable"
    return done


def test_pull_full_then_incremental(crm: Harness) -> None:
    acc = crm.account("OldCo", "oldco.com")
    first = {crm.contact(acc, "Ann", f"Lee{i}", f"ann{i}@oldco.com") for i in range(3)}
    conn = crm.connector()
    rows = list(conn.read("contacts"))
    assert ids_of(rows) == first
    assert {r["email_norm"] for r in rows} == {f"ann{i}@oldco.com" for i in range(3)}
    assert {r["account_id"] for r in rows} == {acc} and ids_of(list(conn.read("accounts"))) == {acc}
    time.sleep(0.05)
    since = datetime.utcnow() - timedelta(milliseconds=10)
    time.sleep(0.05)
    later = crm.contact(acc, "Bo", "New", "bo@oldco.com")
    assert ids_of(list(crm.connector().read("contacts", since))) == {later}


def test_create_lead_with_evidence_fields(crm: Harness) -> None:
    conn = crm.connector()
    [res] = conn.create_leads([LeadCreate("k-1", EVIDENCE)])
    assert res.ok and res.record_id and res.duplicate_of is None
    if crm.mode.startswith("hubspot"):  # the month-only date fitted to the date property, and said so
        assert any("2026-09" in n for n in res.notes)
    [again] = conn.create_leads([LeadCreate("k-1", EVIDENCE)])  # re-sent: the same record, no second one
    assert again.ok and again.record_id == res.record_id and again.related == res.related
    assert bool(res.related) is (crm.mode == "hubspot-leads")  # the Lead object beside the contact
    assert crm.created_keys() == {lead_key(crm, "k-1"): [res.record_id]}


def test_mark_departed_contact_and_new_title(crm: Harness) -> None:
    acc = crm.account("OldCo", "oldco.com")
    gone, promoted = (
        crm.contact(acc, "Jo", "Moves", "jo@oldco.com"),
        crm.contact(acc, "Pat", "Up", "p@oldco.com"),
    )
    departed = {"no_longer_at_company": True, "no_longer_at_company_at": datetime(2026, 11, 20, 9),
                "status": "Disqualified", "disqualified_reason": "No Longer at Company"}  # fmt: skip
    results = crm.connector().update_contacts(
        [ContactUpdate("u-1", gone, departed), ContactUpdate("u-2", promoted, {"title": "VP Sales"})]
    )
    assert [r.ok for r in results] == [True, True]
    assert crm.contact_state(gone)[0] is True
    assert crm.contact_state(promoted) == (False, "VP Sales")


def test_find_existing_links_instead_of_creating(crm: Harness) -> None:
    acc = crm.account("NewCo", "newco.com")
    ann = crm.contact(acc, "Ann", "Lee", "ann@newco.com")
    people = [
        PersonLookup("by-email", emails=("ann@newco.com",), account_id=acc, company_domain="newco.com"),
        PersonLookup(
            "by-name", first_name="Ann", last_name="Lee", account_id=acc, company_domain="newco.com"
        ),
        PersonLookup("elsewhere", first_name="Ann", last_name="Lee", company_domain="other.com"),
        PersonLookup("nobody", emails=("zed@newco.com",), account_id=acc, company_domain="newco.com"),
    ]
    found = crm.connector().find_existing(people)
    assert set(found) == {"by-email", "by-name"}
    assert {f.record_id for f in found.values()} == {ann} and {f.object for f in found.values()} == {
        "contacts"
    }
    assert found["by-email"].matched_by.startswith("email") and found["by-name"].matched_by.startswith("name")


def test_faults_give_exactly_once_results(crm: Harness) -> None:
    intents = [
        LeadCreate(f"k-{i}", {**EVIDENCE, "email": f"p{i}@newco.com", "last_name": f"P{i}"})
        for i in range(150)
    ]
    conn = crm.connector(batch=5)
    crm.faults(0.2)
    done = _settle(conn, intents)
    crm.faults(0.0)
    if crm.remote:
        kinds = crm.fault_counts()
        assert sum(kinds.values()) >= 10, kinds
        if crm.mode.startswith("hubspot"):
            assert {"429", "502", "lost", "dropped"} <= set(kinds), kinds
    assert all(r.ok and r.duplicate_of is None for r in done.values())
    created = crm.created_keys()
    assert len(created) == 150 and all(len(v) == 1 for v in created.values())
    assert {done[i.idempotency_key].record_id for i in intents} == {v[0] for v in created.values()}


def test_a_poison_record_does_not_block_the_rest(crm: Harness) -> None:
    acc = crm.account("OldCo", "oldco.com")
    good = [crm.contact(acc, "A", f"N{i}", f"a{i}@oldco.com") for i in range(3)]
    intents = [ContactUpdate(f"u-{i}", cid, {"title": f"T{i}"}) for i, cid in enumerate(good)]
    intents.insert(1, ContactUpdate("u-bad", "999999999", {"title": "nobody"}))
    results = crm.connector().update_contacts(intents)
    assert [r.ok for r in results] == [True, False, True, True]
    assert not results[1].retryable and results[1].error
    assert [crm.contact_state(c)[1] for c in good] == ["T0", "T1", "T2"]
