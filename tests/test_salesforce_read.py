"""Salesforce connector reads and metadata, with the real simple-salesforce against the fake org."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from fakes.salesforce import FakeSalesforce
from fakes.salesforce_setup import ENV, ORG_EXTERNAL_IDS, ORG_FIELDS, sf_settings
from jobshift.connectors.crm.protocol import CrmConnector, PersonLookup
from jobshift.connectors.crm.salesforce import SalesforceConnector
from jobshift.errors import ConfigError, FatalError, RetryableError


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeSalesforce]:
    with FakeSalesforce(tmp_path, custom_fields=ORG_FIELDS, external_ids=ORG_EXTERNAL_IDS, page_size=3) as f:
        yield f


def _contacts(fake: FakeSalesforce, n: int, account: str) -> list[str]:
    return [
        fake.add(
            "Contact",
            AccountId=account,
            FirstName=f"Ann{i}",
            LastName=f"Lee{i}",
            Email=f"Ann.Lee{i}@Acme.com",
            LinkedIn_URL__c=f"https://www.linkedin.com/in/ann-lee-{i}/",
            UG_No_Longer_At_Company__c=(i == 0),
            HasOptedOutOfEmail=False,
            CreatedDate="2024-03-01T10:00:00.000+0000",
        )
        for i in range(n)
    ]


def test_reads_pages_maps_fields_and_is_incremental(fake: FakeSalesforce) -> None:
    acc = fake.add(
        "Account", Name="Acme", Website="https://www.acme.com", NumberOfEmployees=50, Segment__c="SMB"
    )
    ids = _contacts(fake, 10, acc)
    conn = SalesforceConnector(sf_settings(fake), env=ENV)
    assert isinstance(conn, CrmConnector)
    rows = list(conn.read("contacts"))
    assert [r["id"] for r in rows] == ids
    first = rows[0]
    assert first["account_id"] == acc and first["email_norm"] == "ann.lee0@acme.com"
    assert first["linkedin_norm"] == "linkedin.com/in/ann-lee-0"
    assert first["no_longer_at_company"] is True and rows[1]["no_longer_at_company"] is False
    assert first["created_at"].isoformat() == "2024-03-01T10:00:00"
    assert fake.calls["query"] == 1 and fake.calls["query_more"] == 3  # 10 records, pages of 3
    assert conn.stats.records_read == 10
    [account] = list(conn.read("accounts"))
    assert account["domain"] == "acme.com" and account["employees"] == 50 and account["segment"] == "SMB"
    # incremental: nothing changed since the watermark, then one update shows up alone
    mark = conn.watermarks["contacts"]
    assert list(conn.read("contacts", since=mark)) == []
    with fake.lock:
        rec = fake.objects["Contact"].records[ids[4]]
        rec["Title"] = "CTO"
        rec["SystemModstamp"] = (mark + timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    changed = list(conn.read("contacts", since=mark))
    assert [(r["id"], r["title"]) for r in changed] == [(ids[4], "CTO")]


def test_users_roles_and_opportunities(fake: FakeSalesforce) -> None:
    u = fake.add("User", Name="Bo Rep", Email="bo@x.com", IsActive=True, **{"UserRole.Name": "BDR"})
    acc = fake.add("Account", Name="Acme")
    opp = fake.add(
        "Opportunity",
        AccountId=acc,
        StageName="3-Technical Evaluation",
        IsWon=False,
        IsClosed=False,
        Amount=1200.5,
        CloseDate="2024-05-01",
        OwnerId=u,
    )
    c = _contacts(fake, 1, acc)[0]
    fake.add("OpportunityContactRole", OpportunityId=opp, ContactId=c, Role="Champion", IsPrimary=True)
    conn = SalesforceConnector(sf_settings(fake), env=ENV)
    [user] = list(conn.read("users"))
    assert user["role"] == "BDR" and user["active"] is True
    [o] = list(conn.read("opportunities"))
    assert o["stage_number"] == 3 and o["amount"] == 1200.5 and o["close_date"].isoformat() == "2024-05-01"
    [role] = list(conn.read("opportunity_contact_roles"))
    assert role == {
        "opportunity_id": opp,
        "contact_id": c,
        "role": "Champion",
        "is_primary": True,
        "created_at": role["created_at"],
    }
    assert "Region__c" in conn.skipped_fields["users"]  # default custom field the org lacks: not read


def test_check_fields_names_the_missing_field(fake: FakeSalesforce) -> None:
    settings = sf_settings(fake, fields={"contacts": {"no_longer_at_company": "UG_Gone__c"}})
    conn = SalesforceConnector(settings, env=ENV)
    conn.check_fields("contacts", ["first_name", "email"])
    with pytest.raises(
        FatalError, match=r"Contact has no field 'UG_Gone__c'.*contacts\.no_longer_at_company"
    ):
        conn.check_fields("contacts", ["first_name", "no_longer_at_company"])
    # a configured field the org lacks also stops a read, with the same clarity
    with pytest.raises(FatalError, match="UG_Gone__c"):
        list(conn.read("contacts"))


def test_bad_mapping_is_a_config_error(fake: FakeSalesforce) -> None:
    conn = SalesforceConnector(sf_settings(fake, fields={"contacts": {"nope": "X__c"}}), env=ENV)
    with pytest.raises(ConfigError, match=r"salesforce\.fields\.contacts\.nope"):
        conn.check_fields("contacts", ["email"])


def test_invalid_field_in_soql_is_fatal(fake: FakeSalesforce) -> None:
    conn = SalesforceConnector(sf_settings(fake), env=ENV)
    with pytest.raises(FatalError, match="INVALID_FIELD"):
        list(conn.client.query("SELECT Id, Bogus__c FROM Contact"))


def test_auth_failures_and_session_expiry(fake: FakeSalesforce) -> None:
    bad = SalesforceConnector(sf_settings(fake), env={**ENV, "JOBSHIFT_SF_PASSWORD": "wrong"})
    with pytest.raises(FatalError, match="invalid_grant"):
        bad.api_usage()
    with pytest.raises(ConfigError, match="JOBSHIFT_SF_CLIENT_SECRET"):
        SalesforceConnector(sf_settings(fake), env={}).api_usage()
    conn = SalesforceConnector(sf_settings(fake), env=ENV)
    assert conn.api_usage().limit == fake.daily_limit
    fake.expire_sessions()
    assert conn.api_usage().used > 0  # 401 INVALID_SESSION_ID → one re-authentication, then success
    assert conn.stats.reauths == 1 and conn.stats.calls["oauth"] == 2
    # client credentials flow (no username)
    cc = SalesforceConnector(sf_settings(fake, username=None), env=ENV)
    assert cc.api_usage().limit == fake.daily_limit


def test_transient_faults_are_retried_then_classified(tmp_path: Path) -> None:
    with FakeSalesforce(tmp_path, custom_fields=ORG_FIELDS, fault_share=0.3, seed=3) as fake:
        _contacts(fake, 20, fake.add("Account", Name="Acme"))
        conn = SalesforceConnector(sf_settings(fake), env=ENV)
        assert len(list(conn.read("contacts"))) == 20
        assert conn.stats.retries > 0 and sum(fake.faults.values()) == conn.stats.retries
        fake.fault_share = 1.0
        with pytest.raises(RetryableError, match=r"SERVER_UNAVAILABLE|REQUEST_LIMIT_EXCEEDED"):
            list(conn.read("contacts"))


def test_find_existing(fake: FakeSalesforce) -> None:
    acc = fake.add("Account", Name="NewCo")
    c = fake.add("Contact", AccountId=acc, LastName="Doe", Email="jane@newco.com")
    lead = fake.add(
        "Lead",
        LastName="Roe",
        Company="NewCo",
        Email="rick@newco.com",
        IsConverted=False,
        LinkedIn_URL__c="linkedin.com/in/rick-roe",
    )
    same_name = fake.add("Contact", AccountId=acc, FirstName="Ann", LastName="Lee", Email="ann@gmail.com")
    conn = SalesforceConnector(sf_settings(fake), env=ENV)
    people = [
        PersonLookup("by-email", emails=("Jane@NewCo.com",), account_id=acc, company_domain="newco.com"),
        PersonLookup("by-li", linkedin_norm="linkedin.com/in/rick-roe", company_domain="newco.com"),
        PersonLookup("other", emails=("x@other.com",), account_id=acc, company_domain="newco.com"),
        # the 15-character form of the account id, and a name typed in another case
        PersonLookup("by-name", first_name="ANN", last_name="lee", account_id=acc[:15], company_name="NewCo"),
        PersonLookup("personal", emails=("nobody@newco.com", "ann@gmail.com"), account_id=acc),
        PersonLookup("name-elsewhere", first_name="Ann", last_name="Lee", company_name="Other Inc"),
    ]
    conn.sobject_fields("Contact"), conn.sobject_fields("Lead")  # log in and describe first
    before = fake.calls["total"]
    hits = {k: (h.object, h.record_id, h.matched_by) for k, h in conn.find_existing(people).items()}
    assert hits == {
        "by-email": ("contacts", c, "email"),
        "by-li": ("leads", lead, "linkedin"),
        "by-name": ("contacts", same_name, "name"),
        "personal": ("contacts", same_name, "email"),
    }
    # one query per object and 200 people, sent in Composite calls of up to five queries
    assert fake.calls["total"] - before == 2 == fake.calls["composite_query"]
