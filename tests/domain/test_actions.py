"""Actions for a signal (pure): lead fields, contact update, dedupe keys, routing hook."""

from __future__ import annotations

from typing import Any

from jobshift.domain.actions import (
    ActionSettings,
    Existing,
    LeadContext,
    dedupe_key,
    default_route,
    lead_id_for,
    lead_idempotency_key,
    plan_for_signal,
)

SETTINGS = ActionSettings()


def sig(**kw: Any) -> dict[str, Any]:
    base = {
        "signal_id": "s-1",
        "type": "job_change",
        "contact_id": "c-1",
        "person_key": "li:jane-doe",
        "full_name": "Jane Doe",
        "linkedin_url": "https://www.linkedin.com/in/jane-doe/",
        "email": "jane@newco.com",
        "past_account_id": "a-old",
        "past_title": "Director of Engineering",
        "new_company": "NewCo Inc.",
        "new_company_domain": "newco.com",
        "new_title": "VP Engineering",
        "matched_account_id": "a-new",
        "is_customer_company": True,
        "is_target_company": False,
        "job_started_date": "2026-09",
    }
    return {**base, **kw}


CTX = LeadContext(
    past_contact={"first_name": "Jane", "last_name": "Doe", "country": "US", "state": "CA"},
    matched_account={
        "id": "a-new",
        "country": "United States",
        "state": "NY",
        "bdr_id": "u-bdr",
        "owner_id": "u-ae",
    },
    person_country="united states",
    person_state="new york",
)


def test_job_change_creates_a_lead_with_every_seed_field_and_marks_the_contact() -> None:
    actions = plan_for_signal(sig(), None, CTX, SETTINGS)
    assert [a.kind for a in actions] == ["create_lead", "update_contact"]
    lead = actions[0].payload
    assert {
        "first_name": "Jane",
        "last_name": "Doe",
        "email": "jane@newco.com",
        "company": "NewCo Inc.",
        "title": "VP Engineering",
        "status": "New",
        "lead_source": "jobshift Contact Tracking",
        "priority": "High",
        "priority_reason": "Job change lead",
        "company_country": "United States",
        "company_state": "NY",
        "person_country": "united states",
        "person_state": "new york",
        "linkedin_norm": "linkedin.com/in/jane-doe",
        "is_target_company": False,
        "is_customer_company": True,
        "job_started_date": "2026-09",
        "past_account_id": "a-old",
        "past_contact_id": "c-1",
        "past_title": "Director of Engineering",
        "owner_id": "u-bdr",
        "is_backfill": False,
    }.items() <= lead.items()
    assert "BDR of matched account a-new" in lead["routing_reason"]
    upd = actions[1]
    assert upd.target_id == "c-1" and upd.payload == {
        "no_longer_at_company": True,
        "status": "Disqualified",
        "disqualified_reason": "No Longer at Company",
    }
    assert actions[0].idempotency_key == lead_idempotency_key("li:linkedin.com/in/jane-doe|a:a-new")
    assert lead_id_for(actions[0].idempotency_key).startswith("l-js-")


def test_sources_and_reasons_per_type_and_old_company_email_is_dropped() -> None:
    hire = plan_for_signal(
        sig(type="new_hire", contact_id=None, email="jane@oldco.com"), None, LeadContext(), SETTINGS
    )
    assert [a.kind for a in hire] == ["create_lead"]
    assert hire[0].payload["lead_source"] == "New Hires & Promotions"
    assert hire[0].payload["priority_reason"] == "New hire lead"
    assert hire[0].payload["email"] is None and hire[0].payload["first_name"] == "Jane"
    assert hire[0].payload["past_contact_id"] is None
    # a promotion outside the CRM's contacts (a target account's new VP) is a lead
    promo = plan_for_signal(sig(type="promotion", contact_id=None), None, CTX, SETTINGS)
    assert [a.kind for a in promo] == ["create_lead"] and promo[0].payload[
        "priority_reason"
    ] == "Promotion lead"
    # a tracked contact promoted in place: its title is updated (default), or a lead (configured)
    inplace = plan_for_signal(sig(type="promotion"), None, CTX, SETTINGS)
    assert [(a.kind, a.target_id, a.payload) for a in inplace] == [
        ("update_title", "c-1", {"title": "VP Engineering"})
    ]
    as_lead = ActionSettings(promotion_updates_contact=False, priority_reasons={"promotion": "Promoted!"})
    lead = plan_for_signal(sig(type="promotion"), None, CTX, as_lead)
    assert [a.kind for a in lead] == ["create_lead"] and lead[0].payload["priority_reason"] == "Promoted!"
    left = plan_for_signal(sig(type="left_company", new_company=None), None, CTX, SETTINGS)
    assert [a.kind for a in left] == ["update_contact"]
    assert plan_for_signal(sig(type="title_change"), None, CTX, SETTINGS) == []


def test_existing_record_is_linked_not_created() -> None:
    existing = Existing("contacts", "c-9", "linkedin+company")
    actions = plan_for_signal(sig(), existing, CTX, SETTINGS)
    assert [a.kind for a in actions] == ["link_existing", "update_contact"]
    assert actions[0].target_id == "c-9" and actions[0].payload["object"] == "contacts"


def test_dedupe_key_is_person_and_company() -> None:
    a = dedupe_key(sig(linkedin_url="linkedin.com/in/jane-doe"))
    b = dedupe_key(
        sig(signal_id="s-2", contact_id="c-2", linkedin_url="https://de.linkedin.com/in/jane-doe?trk=x")
    )
    assert a == b == "li:linkedin.com/in/jane-doe|a:a-new"
    assert dedupe_key(sig(matched_account_id=None)) == "li:linkedin.com/in/jane-doe|d:newco.com"
    assert dedupe_key(
        sig(linkedin_url=None, email=None, matched_account_id=None, new_company_domain=None)
    ) == ("li:jane-doe|n:newco inc.")
    assert dedupe_key(sig(new_company=None, new_company_domain=None, matched_account_id=None)) is None


def test_default_route() -> None:
    assert default_route({}, {"id": "a", "owner_id": "u-ae"}) == (
        "u-ae",
        "owner of matched account a (no BDR)",
    )
    assert default_route({}, None)[0] is None
