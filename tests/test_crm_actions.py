"""Every planned action kind through the built-in store CRM, Salesforce and HubSpot, with the same
outcome: create a lead, mark a departed contact, update a promoted contact's title, and link to a record
the CRM already has (by e-mail, personal e-mail, LinkedIn, or name at the company)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from fakes.hubspot import ENV as HS_ENV
from fakes.hubspot import FakeHubSpot
from fakes.salesforce import FakeSalesforce
from fakes.salesforce_setup import ENV, ORG_EXTERNAL_IDS, ORG_FIELDS, sf_settings
from jobshift.config import HubSpotSection
from jobshift.connectors.crm.hubspot import HubSpotConnector
from jobshift.connectors.crm.salesforce import SalesforceConnector
from jobshift.services.program.pushing import push
from jobshift.services.workspace import Workspace
from jobshift.store.schema import accounts, contacts, leads, outbox, signals
from program_data import DETECTED

NOW = DETECTED.replace(hour=9)


def _signal(sid: str, kind: str, **kw: Any) -> dict[str, Any]:
    base = {
        "signal_id": sid, "type": kind, "contact_id": None, "person_key": f"pk:{sid}", "full_name": None,
        "linkedin_url": None, "email": None, "past_account_id": None, "past_company": None,
        "past_title": None,
        "new_company": "NewCo", "new_company_domain": "newco.com", "new_title": "VP Engineering",
        "matched_account_id": None, "is_customer_company": False, "is_target_company": True,
        "job_started_date": "2026-09", "persona_match": True, "confidence": 0.95, "detected_at": DETECTED,
        "observed_at": "2026-11-10", "status": "new",
    }  # fmt: skip
    return {**base, **kw}


@pytest.fixture(params=["store", "salesforce", "hubspot"])
def world(request: pytest.FixtureRequest, workspace_env: Path, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A workspace and its CRM: accounts OldCo / NewCo, contacts, and records the CRM already has."""
    fake: Any = None
    hs: FakeHubSpot | None = None
    if request.param == "hubspot":
        hs = FakeHubSpot().__enter__()
        ids = {k: hs.add("companies", name=n) for k, n in (("old", "OldCo"), ("new", "NewCo"))}
    elif request.param == "salesforce":
        fake = FakeSalesforce(tmp_path, custom_fields=ORG_FIELDS, external_ids=ORG_EXTERNAL_IDS).__enter__()
        ids = {
            k: fake.add(o, Name=n) for k, o, n in (("old", "Account", "OldCo"), ("new", "Account", "NewCo"))
        }
    else:
        ids = {"old": "a-old", "new": "a-new"}

    def contact(key: str, acc: str, first: str, last: str, email: str, **kw: Any) -> None:
        if hs is not None:
            title = kw.get("Title")
            ids[key] = hs.add("contacts", firstname=first, lastname=last, email=email, jobtitle=title)
            hs.associate("contacts", ids[key], "companies", ids[acc], 1)
        elif fake is not None:
            ids[key] = fake.add(
                "Contact", AccountId=ids[acc], FirstName=first, LastName=last, Email=email, **kw
            )
        else:
            ids[key] = f"c-{key}"

    contact("c1", "old", "Jo", "Moves", "jo@oldco.com")
    contact("c2", "old", "Pat", "Climbs", "pat@oldco.com", Title="Director")
    contact("c3", "old", "Sam", "Again", "sam@oldco.com")
    contact("c4", "new", "Sam", "Again", "sam.again@gmail.com")  # personal e-mail, already at NewCo
    contact("c5", "new", "Ann", "Lee", "ann@newco.com")  # same name at NewCo
    existing_lead = {
        "LastName": "Roe",
        "Company": "NewCo",
        "LinkedIn_URL__c": "https://linkedin.com/in/rick-roe",
    }
    if hs is not None:
        ids["lead"] = hs.add("contacts", lastname="Roe", company="NewCo", lifecyclestage="lead",
                             hs_linkedin_url="https://linkedin.com/in/rick-roe")  # fmt: skip
    elif fake is not None:
        ids["lead"] = fake.add("Lead", IsConverted=False, **existing_lead)
    else:
        ids["lead"] = "l-existing"
    ws = Workspace.open(workspace_env)
    local_contacts = [
        ("c1", "old", "Jo", "Moves", "jo@oldco.com", "Engineer"),
        ("c2", "old", "Pat", "Climbs", "pat@oldco.com", "Director"),
        ("c3", "old", "Sam", "Again", "sam@oldco.com", "Analyst"),
    ]
    crm_only = [
        ("c4", "new", "Sam", "Again", "sam.again@gmail.com", None),
        ("c5", "new", "Ann", "Lee", "ann@newco.com", None),
    ]
    with ws.store.begin() as conn:
        conn.execute(
            insert(accounts), [{"id": ids["old"], "name": "OldCo"}, {"id": ids["new"], "name": "NewCo"}]
        )
        remote = fake is not None or hs is not None
        rows = local_contacts + (crm_only if not remote else [])  # a remote CRM alone has them
        conn.execute(
            insert(contacts),
            [{"id": ids[k], "account_id": ids[a], "first_name": f, "last_name": la, "email": e,
              "email_norm": e, "title": t, "no_longer_at_company": False} for k, a, f, la, e, t in rows],
        )  # fmt: skip
        if not remote:
            conn.execute(
                insert(leads),
                [{"id": "l-existing", "last_name": "Roe", "company": "NewCo",
                  "linkedin_url": "https://linkedin.com/in/rick-roe",
                  "linkedin_norm": "linkedin.com/in/rick-roe"}],
            )  # fmt: skip
        conn.execute(
            insert(signals),
            [
                _signal("s-create", "job_change", contact_id=ids["c1"], full_name="Jo Moves",
                        email="jo@newco.com", past_account_id=ids["old"], matched_account_id=ids["new"]),
                _signal("s-title", "promotion", contact_id=ids["c2"], full_name="Pat Climbs",
                        new_company="OldCo", matched_account_id=ids["old"], new_title="VP Sales"),
                _signal("s-personal", "job_change", contact_id=ids["c3"], full_name="Sam Again",
                        email="sam.again@gmail.com", past_account_id=ids["old"],
                        matched_account_id=ids["new"]),
                _signal("s-linkedin", "new_hire", full_name="Rick Roe",
                        linkedin_url="https://www.linkedin.com/in/rick-roe/"),
                _signal("s-name", "new_hire", full_name="Ann Lee", matched_account_id=ids["new"]),
            ],
        )  # fmt: skip
    connector: Any = None
    if fake is not None:
        connector = SalesforceConnector(sf_settings(fake), env=ENV)
    if hs is not None:
        connector = HubSpotConnector(HubSpotSection(base_url=hs.url, backoff_base_seconds=0), env=HS_ENV)
    yield {"ws": ws, "ids": ids, "fake": fake, "hs": hs, "connector": connector, "mode": request.param}
    ws.close()
    if fake is not None:
        fake.__exit__(None, None, None)
    if hs is not None:
        hs.__exit__(None, None, None)


def test_each_action_kind_lands_the_same_in_every_crm(world: dict[str, Any]) -> None:
    ws, ids, fake = world["ws"], world["ids"], world["fake"]
    s = push(ws, connector=world["connector"], clock=lambda: NOW)
    assert s.applied.failed == 0 and s.applied.retry_later == 0, s.applied
    with ws.store.connect() as conn:
        sig = {r.signal_id: (r.status, r.lead_id) for r in conn.execute(select(signals))}
        kinds = sorted((r.signal_id, r.kind) for r in conn.execute(select(outbox)))
        payload = conn.execute(select(outbox.c.payload).where(outbox.c.kind == "link_existing")).all()
    assert kinds == [
        ("s-create", "create_lead"), ("s-create", "update_contact"),
        ("s-linkedin", "link_existing"),
        ("s-name", "link_existing"),
        ("s-personal", "link_existing"), ("s-personal", "update_contact"),
        ("s-title", "update_title"),
    ]  # fmt: skip
    assert sig["s-linkedin"] == ("duplicate", ids["lead"])
    assert sig["s-name"] == ("duplicate", ids["c5"])
    assert sig["s-personal"] == ("duplicate", ids["c4"])
    assert sig["s-title"] == ("pushed", None) and sig["s-create"][0] == "pushed"
    assert sorted(p.payload["matched_by"].split("+")[0] for p in payload) == ["email", "linkedin", "name"]
    with ws.store.connect() as conn:  # the local copy has what was written (write-through)
        local = {r.id: r for r in conn.execute(select(contacts))}
        lead = conn.execute(select(leads).where(leads.c.id == sig["s-create"][1])).mappings().one()
    assert local[ids["c1"]].no_longer_at_company and local[ids["c1"]].status == "Disqualified"
    assert local[ids["c2"]].title == "VP Sales" and not local[ids["c2"]].no_longer_at_company
    assert lead["email_norm"] == "jo@newco.com" and lead["routing_reason"] and lead["lead_source"]
    if fake is not None:
        recs = {r["Id"]: r for r in fake.records("Contact")}
        assert recs[ids["c1"]]["UG_No_Longer_At_Company__c"] is True
        assert recs[ids["c3"]]["Status__c"] == "Disqualified"
        assert recs[ids["c2"]]["Title"] == "VP Sales"
        new = [r for r in fake.records("Lead") if r.get("Jobshift_Key__c")]
        assert [r["Id"] for r in new] == [sig["s-create"][1]] and new[0]["LastName"] == "Moves"
    hs = world["hs"]
    if hs is not None:
        recs = {r["id"]: r for r in hs.records("contacts")}
        assert recs[ids["c1"]]["jobshift_no_longer_at_company"] == "true"
        assert recs[ids["c1"]]["hs_lead_status"] == recs[ids["c3"]]["hs_lead_status"] == "UNQUALIFIED"
        assert recs[ids["c2"]]["jobtitle"] == "VP Sales"
        new = [r for r in recs.values() if r.get("jobshift_key")]
        assert [r["id"] for r in new] == [sig["s-create"][1]] and new[0]["lastname"] == "Moves"
        assert new[0]["associatedcompanyid"] == ids["new"] and new[0]["lifecyclestage"] == "lead"
        assert new[0]["hs_lead_status"] == "NEW" and new[0]["jobshift_signal_id"] == "s-create"
