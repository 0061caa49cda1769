"""Salesforce connector writes: REST collections, Bulk 2.0, idempotency, faults, field checks, API pause."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from fakes.salesforce import FakeSalesforce
from fakes.salesforce_setup import ENV, ORG_EXTERNAL_IDS, ORG_FIELDS, sf_settings
from jobshift.connectors.crm.protocol import ContactUpdate, LeadCreate
from jobshift.connectors.crm.salesforce import SalesforceConnector
from jobshift.errors import FatalError, RetryableError


def _org(tmp_path: Path, **kw: object) -> FakeSalesforce:
    return FakeSalesforce(tmp_path, custom_fields=ORG_FIELDS, external_ids=ORG_EXTERNAL_IDS, **kw)  # type: ignore[arg-type]


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeSalesforce]:
    with _org(tmp_path) as f:
        yield f


def _leads(n: int, start: int = 0) -> list[LeadCreate]:
    return [
        LeadCreate(
            f"key-{i}",
            {
                "first_name": "Jo",
                "last_name": f"Doe{i}",
                "email": f"jo{i}@newco.com",
                "company": "NewCo",
                "status": "New",
                "lead_source": "jobshift Contact Tracking",
                "is_target_company": i % 2 == 0,
                "job_started_date": "2024-09",
                "past_title": "VP Eng",
            },
        )
        for i in range(start, start + n)
    ]


def _exactly_once(fake: FakeSalesforce, n: int) -> None:
    keys = Counter(r["Jobshift_Key__c"] for r in fake.records("Lead"))
    assert len(keys) == n and set(keys.values()) == {1}, "every lead exactly once"


def test_rest_creates_are_idempotent_upserts(fake: FakeSalesforce) -> None:
    conn = SalesforceConnector(sf_settings(fake), env=ENV)
    results = conn.create_leads(_leads(450))
    assert all(r.ok and r.record_id for r in results) and [r.idempotency_key for r in results][:2] == [
        "key-0",
        "key-1",
    ]
    assert fake.calls["composite"] == 3  # ≤ 200 records per call
    again = conn.create_leads(_leads(450))  # a retried batch: same keys, no new records
    assert [r.record_id for r in again] == [r.record_id for r in results]
    _exactly_once(fake, 450)
    rec = fake.records("Lead")[0]
    assert rec["Jobshift_Is_Target_Company__c"] is True and rec["Jobshift_Past_Title__c"] == "VP Eng"
    assert conn.stats.records_written == 900 and conn.stats.bulk_jobs == 0


def test_bulk_path_and_per_record_errors(fake: FakeSalesforce) -> None:
    conn = SalesforceConnector(sf_settings(fake, bulk_threshold=100), env=ENV)
    intents = _leads(150)
    intents[7] = LeadCreate("key-7", {"first_name": "No", "company": "NewCo"})  # LastName missing
    results = conn.create_leads(intents)
    assert conn.stats.bulk_jobs == 1 and fake.calls["composite"] == 0
    bad = [r for r in results if not r.ok]
    assert [(r.idempotency_key, r.retryable) for r in bad] == [("key-7", False)]
    assert bad[0].error is not None and "REQUIRED_FIELD_MISSING" in bad[0].error
    assert len(fake.records("Lead")) == 149
    # the same batch again (e.g. after a crash) updates, never duplicates
    assert sum(r.ok for r in conn.create_leads(intents)) == 149
    assert len(fake.records("Lead")) == 149


def test_contact_updates_with_custom_field(fake: FakeSalesforce) -> None:
    ids = [fake.add("Contact", LastName=f"L{i}", Email=f"l{i}@old.com") for i in range(3)]
    conn = SalesforceConnector(sf_settings(fake), env=ENV)
    when = datetime(2024, 9, 24, 8, 30)
    fields = {
        "no_longer_at_company": True,
        "status": "Disqualified",
        "disqualified_reason": "No Longer at Company",
        "no_longer_at_company_at": when,
    }
    intents = [ContactUpdate(f"u-{c}", c, fields) for c in ids[:2]]
    intents.append(ContactUpdate("u-missing", "003999999999999999", fields))
    results = conn.update_contacts(intents)
    assert [r.ok for r in results] == [True, True, False] and not results[2].retryable
    recs = {r["Id"]: r for r in fake.records("Contact")}
    assert recs[ids[0]]["UG_No_Longer_At_Company__c"] is True
    assert recs[ids[0]]["Status__c"] == "Disqualified"
    assert recs[ids[0]]["No_Longer_at_Company_Date__c"] == "2024-09-24T08:30:00.000+0000"
    assert recs[ids[2]]["UG_No_Longer_At_Company__c"] is None
    # bulk update by Id
    bulk = SalesforceConnector(sf_settings(fake, bulk_threshold=2), env=ENV)
    res = bulk.update_contacts([ContactUpdate(f"b-{c}", c, {"title": "Gone"}) for c in ids])
    assert all(r.ok for r in res) and {r["Title"] for r in fake.records("Contact")} == {"Gone"}


def test_missing_field_stops_before_anything_is_written(fake: FakeSalesforce) -> None:
    settings = sf_settings(fake, fields={"contacts": {"no_longer_at_company": "UG_Does_Not_Exist__c"}})
    conn = SalesforceConnector(settings, env=ENV)
    c = fake.add("Contact", LastName="X")
    with pytest.raises(FatalError, match="UG_Does_Not_Exist__c"):
        conn.update_contacts([ContactUpdate("k", c, {"title": "T", "no_longer_at_company": True})])
    assert fake.calls["composite"] == 0 and fake.calls["bulk"] == 0
    no_ext = SalesforceConnector(sf_settings(fake, lead_external_id_field="Nope__c"), env=ENV)
    with pytest.raises(FatalError, match="Nope__c"):
        no_ext.create_leads(_leads(1))
    assert fake.records("Lead") == []


@pytest.mark.parametrize("threshold", [10_000, 50], ids=["rest", "bulk"])
def test_faults_every_record_lands_exactly_once(tmp_path: Path, threshold: int) -> None:
    with _org(tmp_path, fault_share=0.2, lost_share=0.05, seed=11) as fake:
        conn = SalesforceConnector(sf_settings(fake, bulk_threshold=threshold), env=ENV)
        pending = _leads(900)
        for _ in range(10):  # what the outbox does: re-submit what came back retryable
            results = conn.create_leads(pending)
            assert not [r for r in results if not r.ok and not r.retryable]
            failed = {r.idempotency_key for r in results if not r.ok}
            pending = [i for i in pending if i.idempotency_key in failed]
            if not pending:
                break
        assert not pending
        assert sum(fake.faults.values()) > 0 and conn.stats.retries > 0
        _exactly_once(fake, 900)


def test_writes_pause_near_the_daily_limit_and_resume(tmp_path: Path) -> None:
    with _org(tmp_path, daily_limit=100) as fake:
        conn = SalesforceConnector(sf_settings(fake, api_usage_pause_share=0.9), env=ENV)
        fake.api_used = 95
        with pytest.raises(RetryableError, match="paused") as info:
            conn.create_leads(_leads(10))
        assert info.value.retry_after and fake.records("Lead") == []
        # below the limit at the start, crossing it mid-run: the rest comes back retryable, nothing lost
        fake.api_used = 80
        results = conn.create_leads(_leads(1990))  # 10 REST calls of 200 if it could
        done = [r for r in results if r.ok]
        paused = [r for r in results if not r.ok]
        assert done and paused and all(r.retryable and "paused" in (r.error or "") for r in paused)
        fake.daily_limit = 10_000  # a new day
        rest = [i for i in _leads(1990) if i.idempotency_key in {r.idempotency_key for r in paused}]
        assert all(r.ok for r in conn.create_leads(rest))
        _exactly_once(fake, 1990)


def test_exhausted_retries_come_back_retryable(tmp_path: Path) -> None:
    with _org(tmp_path) as fake:
        conn = SalesforceConnector(sf_settings(fake, max_attempts=2), env=ENV)
        conn.api_usage()
        conn.check_fields(
            "leads",
            [
                "first_name",
                "last_name",
                "email",
                "company",
                "status",
                "lead_source",
                "is_target_company",
                "job_started_date",
                "past_title",
            ],
        )
        fake.fault_share = 1.0
        with pytest.raises(RetryableError):  # /limits before writing fails too
            conn.create_leads(_leads(5))
        assert fake.records("Lead") == []
