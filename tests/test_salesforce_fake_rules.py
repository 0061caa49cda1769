"""The fake org rejects what a real org rejects, and jobshift's connector copes with each rule.

Each rule is shown twice: raw (what the org answers when a client sends the bad value: the fake is not
lenient) and through ``SalesforceConnector`` (what jobshift does about it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fakes.salesforce import FakeSalesforce
from fakes.salesforce_data import FieldSpec
from fakes.salesforce_setup import ENV, ORG_EXTERNAL_IDS, ORG_FIELDS, sf_settings
from jobshift.connectors.crm.protocol import ContactUpdate, LeadCreate
from jobshift.connectors.crm.salesforce import SalesforceConnector
from jobshift.errors import FatalError


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeSalesforce]:
    lead = {
        **ORG_FIELDS["Lead"],
        "Jobshift_Job_Started_Date__c": "date",
        "Jobshift_Past_Contact__c": "reference",
        "Jobshift_Priority__c": FieldSpec("picklist", picklist=("High", "Low"), restricted=True),
    }
    with FakeSalesforce(
        tmp_path,
        custom_fields={**ORG_FIELDS, "Lead": lead},
        external_ids=ORG_EXTERNAL_IDS,
        duplicate_rules={"Lead": ("Email",)},
    ) as f:
        yield f


def _raw(conn: SalesforceConnector, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    body = [{"attributes": {"type": "Lead"}, **r} for r in records]
    return conn.client.composite("PATCH", "composite/sobjects/Lead/Jobshift_Key__c", body)


def _lead(key: str, **kw: Any) -> LeadCreate:
    return LeadCreate(key, {"last_name": "Doe", "company": "NewCo", "status": "New", **kw})


def test_wrong_json_type_fails_the_whole_request(fake: FakeSalesforce) -> None:
    conn = SalesforceConnector(sf_settings(fake), env=ENV)
    with pytest.raises(FatalError, match="JSON_PARSER_ERROR"):
        _raw(
            conn,
            [
                {
                    "Jobshift_Key__c": "k1",
                    "LastName": "A",
                    "Company": "C",
                    "Jobshift_Job_Started_Date__c": "2026-09",
                }
            ],
        )
    assert fake.records("Lead") == []
    # the connector writes the org's type: a month-only start becomes the 1st, with a note
    [res] = conn.create_leads([_lead("k1", job_started_date="2026-09")])
    assert res.ok and any("written as 2026-09-01" in n for n in res.notes)
    assert fake.records("Lead")[0]["Jobshift_Job_Started_Date__c"] == "2026-09-01"


def test_restricted_picklist_and_required_fields_fail_one_record_only(fake: FakeSalesforce) -> None:
    conn = SalesforceConnector(sf_settings(fake), env=ENV)
    raw = _raw(conn, [
        {"Jobshift_Key__c": "r1", "LastName": "A", "Company": "C", "Jobshift_Priority__c": "Urgent"},
        {"Jobshift_Key__c": "r2", "LastName": "B"},
        {"Jobshift_Key__c": "r3", "LastName": "C", "Company": "C"},
    ])  # fmt: skip
    codes = [(r["success"], [e["statusCode"] for e in r["errors"]]) for r in raw]
    assert codes == [
        (False, ["INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"]),
        (False, ["REQUIRED_FIELD_MISSING"]),
        (True, []),
    ]
    results = conn.create_leads([_lead("p1", priority="Urgent"), _lead("p2"), _lead("p3", company=None)])
    assert [r.ok for r in results] == [False, True, False]
    assert not results[0].retryable and "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" in (results[0].error or "")
    assert "REQUIRED_FIELD_MISSING" in (results[2].error or "")


def test_too_long_is_refused_raw_and_shortened_by_the_connector(fake: FakeSalesforce) -> None:
    conn = SalesforceConnector(sf_settings(fake), env=ENV)
    [raw] = _raw(conn, [{"Jobshift_Key__c": "t1", "LastName": "x" * 81, "Company": "C"}])
    assert raw["errors"][0]["statusCode"] == "STRING_TOO_LONG"
    [res] = conn.create_leads([_lead("t2", title="T" * 200)])
    assert res.ok and any("shortened from 200 to the field's 128" in n for n in res.notes)


def test_duplicate_rule_names_the_existing_record_and_the_connector_links(fake: FakeSalesforce) -> None:
    first = fake.add("Lead", LastName="Old", Company="NewCo", Email="jo@newco.com", IsConverted=False)
    conn = SalesforceConnector(sf_settings(fake), env=ENV)
    [raw] = _raw(
        conn, [{"Jobshift_Key__c": "d1", "LastName": "Jo", "Company": "NewCo", "Email": "JO@newco.com"}]
    )
    assert raw["errors"][0]["statusCode"] == "DUPLICATES_DETECTED"
    assert raw["errors"][0]["duplicateResult"]["matchResults"][0]["matchRecords"][0]["record"]["Id"] == first
    [res] = conn.create_leads([_lead("d2", email="jo@newco.com")])
    assert (res.ok, res.duplicate_of, res.record_id) == (True, "leads", first)
    # Bulk API results do not name the record: the connector asks the org by e-mail
    bulk = SalesforceConnector(sf_settings(fake, bulk_threshold=1), env=ENV)
    [res] = bulk.create_leads([_lead("d3", email="jo@newco.com")])
    assert (res.ok, res.duplicate_of, res.record_id) == (True, "leads", first)
    assert len(fake.records("Lead")) == 1


def test_lock_errors_are_retryable(tmp_path: Path) -> None:
    with FakeSalesforce(
        tmp_path, custom_fields=ORG_FIELDS, external_ids=ORG_EXTERNAL_IDS, lock_share=1.0
    ) as f:
        conn = SalesforceConnector(sf_settings(f), env=ENV)
        results = conn.create_leads([_lead("l1"), _lead("l2")])
        assert all(not r.ok and r.retryable and "UNABLE_TO_LOCK_ROW" in (r.error or "") for r in results)
        f.lock_share = 0.0
        assert all(r.ok for r in conn.create_leads([_lead("l1"), _lead("l2")]))
        assert len(f.records("Lead")) == 2


def test_15_and_18_character_ids_are_one_record(fake: FakeSalesforce) -> None:
    cid = fake.add("Contact", LastName="Doe")
    assert len(cid) == 18
    conn = SalesforceConnector(sf_settings(fake), env=ENV)
    [res] = conn.update_contacts([ContactUpdate("u1", cid[:15], {"title": "VP"})])
    assert res.ok and fake.records("Contact")[0]["Title"] == "VP"
    [rec] = conn.client.query(f"SELECT Id, Title FROM Contact WHERE Id = '{cid[:15]}'")
    assert rec["Id"] == cid
    # a lookup takes either form and stores the 18-character one; a non-Salesforce id is refused
    [raw] = _raw(
        conn, [{"Jobshift_Key__c": "x1", "LastName": "A", "Company": "C", "Jobshift_Past_Contact__c": "c-1"}]
    )
    assert raw["errors"][0]["statusCode"] == "MALFORMED_ID"
    [res] = conn.create_leads([_lead("x2", past_contact_id=cid[:15])])
    assert res.ok and fake.records("Lead")[0]["Jobshift_Past_Contact__c"] == cid


def test_daily_limit_is_a_retryable_refusal(tmp_path: Path) -> None:
    with FakeSalesforce(
        tmp_path, custom_fields=ORG_FIELDS, external_ids=ORG_EXTERNAL_IDS, daily_limit=5
    ) as f:
        conn = SalesforceConnector(sf_settings(f, max_attempts=1, api_usage_pause_share=1.0), env=ENV)
        f.api_used = 5
        from jobshift.errors import RetryableError

        with pytest.raises(RetryableError, match="REQUEST_LIMIT_EXCEEDED"):
            list(conn.client.query("SELECT Id FROM Lead"))
