"""The one mapping from a planned action to a CRM payload: only CRM fields leave jobshift."""

from __future__ import annotations

import pytest

from jobshift.domain.actions import ActionSettings, LeadContext, plan_for_signal
from jobshift.domain.crm_payload import (
    LOCAL_ONLY_LEAD_FIELDS,
    WRITTEN_FIELDS,
    crm_fields,
    crm_object,
    local_fields,
)
from jobshift.domain.normalize.sfid import is_salesforce_id, same_record, to_18

SIGNAL = {
    "signal_id": "s-1",
    "type": "job_change",
    "contact_id": "c-1",
    "full_name": "Jane Doe",
    "linkedin_url": "https://www.linkedin.com/in/jane-doe/",
    "email": "jane@newco.com",
    "past_account_id": "a-old",
    "past_title": "Director of Engineering",
    "new_company": "NewCo Inc.",
    "new_company_domain": "newco.com",
    "new_title": "VP Engineering",
    "matched_account_id": "a-new",
    "job_started_date": "2026-09",
}


def _actions(**kw: object) -> dict[str, dict[str, object]]:
    ctx = LeadContext(is_backfill=True)
    acts = plan_for_signal({**SIGNAL, **kw}, None, ctx, ActionSettings())
    return {a.kind: a.payload for a in acts}


def test_create_lead_sends_no_internal_column() -> None:
    payload = _actions()["create_lead"]
    assert {"email_norm", "linkedin_norm", "is_backfill", "routing_reason"} <= set(payload)
    sent = crm_fields("create_lead", payload)
    assert not set(sent) & set(LOCAL_ONLY_LEAD_FIELDS)
    assert set(sent) <= set(WRITTEN_FIELDS["leads"])
    assert sent["last_name"] == "Doe" and sent["past_title"] == "Director of Engineering"
    local = local_fields("create_lead", payload)
    assert local["is_backfill"] is True and "routing_reason" in local and "email_norm" in local


def test_mark_contact_and_update_title_send_contact_fields_only() -> None:
    mark = crm_fields("update_contact", _actions()["update_contact"])
    assert mark == {
        "no_longer_at_company": True,
        "status": "Disqualified",
        "disqualified_reason": "No Longer at Company",
    }
    title = crm_fields("update_title", _actions(type="promotion")["update_title"])
    assert title == {"title": "VP Engineering"}
    assert crm_object("update_contact") == crm_object("update_title") == "contacts"


def test_link_sends_nothing_and_unknown_keys_are_refused() -> None:
    assert crm_fields("link_existing", {"object": "leads", "matched_by": "email"}) == {}
    assert crm_object("link_existing") is None
    with pytest.raises(ValueError, match="secret_column"):
        crm_fields("create_lead", {"last_name": "Doe", "secret_column": 1})
    with pytest.raises(ValueError, match="unknown action kind"):
        crm_fields("delete_everything", {})


def test_salesforce_ids_15_and_18_are_the_same_record() -> None:
    assert to_18("001A0000006Vm9r") == "001A0000006Vm9rIAC"
    assert same_record("001A0000006Vm9r", "001A0000006Vm9rIAC")
    assert same_record("001a0000006vm9rIAC".replace("a", "A", 1).replace("vm9r", "Vm9r"), "001A0000006Vm9r")
    assert not same_record("001A0000006Vm9r", "001A0000006VM9R")  # case matters in the 15-char form
    assert to_18("c-000001") == "c-000001" and not is_salesforce_id("c-000001")
    assert is_salesforce_id("001A0000006Vm9rIAC") and not is_salesforce_id("001A0000006Vm9rAAA")
