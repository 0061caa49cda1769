"""Lower-case feed text reaches people cased, in every channel (``domain/display``).

A lead whose feed name, title and company came in lower case ("lauren o'neil", "cto", "apexbridge
insurance gmbh") shows "Lauren O'Neil", "CTO", "Apexbridge Insurance GmbH" on the web list and lead page,
in the Slack card, the e-mail, the weekly digest, and in what every CRM connector receives (the built-in
store, Salesforce and HubSpot all receive ``crm_fields`` of the planned action). A matched CRM account's
own spelling wins over the feed text.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert

from fakes.slack import FakeSlack
from jobshift.domain.actions import ActionSettings, LeadContext, plan_for_signal
from jobshift.domain.crm_payload import crm_fields
from jobshift.store import Store
from jobshift.store import notifications as nstore
from jobshift.store.schema import leads
from notify_data import SEND, TEAM, lead, seed
from notify_kit import notify, notify_config
from smtp_fake import FakeSmtp

RAW = {"first_name": "lauren", "last_name": "o'neil", "title": "cto", "company": "apexbridge insurance gmbh"}
SHOWN = ("Lauren O'Neil", "CTO", "Apexbridge Insurance GmbH")
RAW_TEXT = ("lauren o'neil", "apexbridge insurance gmbh")


def _signal(**kw: Any) -> dict[str, Any]:
    return {
        "signal_id": "s-lc",
        "type": "job_change",
        "contact_id": None,
        "person_key": "li:lauren",
        "full_name": "lauren o'neil",
        "linkedin_url": "https://www.linkedin.com/in/lauren-oneil/",
        "email": "lauren@apexbridge.example",
        "new_company": "apexbridge insurance gmbh",
        "new_company_domain": "apexbridge.example",
        "new_title": "cto",
        "past_title": "vp of it",
        "is_customer_company": False,
        "is_target_company": True,
        "job_started_date": "2026-09",
        **kw,
    }


def test_crm_payload_is_cased_for_every_connector() -> None:
    (action,) = plan_for_signal(_signal(), None, LeadContext(), ActionSettings())
    sent = crm_fields(action.kind, action.payload)  # what the store, Salesforce and HubSpot connectors get
    assert (sent["first_name"], sent["last_name"], sent["title"], sent["company"]) == (
        "Lauren",
        "O'Neil",
        "CTO",
        "Apexbridge Insurance GmbH",
    )
    assert sent["past_title"] == "VP of IT"


def test_crm_payload_uses_the_matched_accounts_spelling() -> None:
    ctx = LeadContext(matched_account={"id": "a-1", "name": "ApexBridge Insurance GmbH"})
    (action,) = plan_for_signal(_signal(matched_account_id="a-1"), None, ctx, ActionSettings())
    assert crm_fields(action.kind, action.payload)["company"] == "ApexBridge Insurance GmbH"


def test_a_promotion_writes_a_cased_title_on_the_contact() -> None:
    settings = ActionSettings(promotion_updates_contact=True)
    (action,) = plan_for_signal(_signal(type="promotion", contact_id="c-1"), None, LeadContext(), settings)
    assert crm_fields(action.kind, action.payload) == {"title": "CTO"}


def test_a_full_name_splits_at_the_surname_particle() -> None:
    sig = _signal(full_name="pieter van der berg")
    (action,) = plan_for_signal(sig, None, LeadContext(), ActionSettings())
    assert (action.payload["first_name"], action.payload["last_name"]) == ("Pieter", "van der Berg")


def _lower_lead(lid: str, account_id: str | None) -> dict[str, Any]:
    return {**lead(lid, account_id=account_id), **RAW, "past_title": "director of it"}


def _body(message: Any) -> str:
    return "\n".join(
        str(part.get_payload(decode=True).decode()) for part in message.walk() if not part.is_multipart()
    )


def test_slack_and_email_show_cased_text(store: Store, slack: FakeSlack, smtp: FakeSmtp) -> None:
    # no matched account whose name the lead could borrow: the lead's own (lower-case) text is cased
    seed(store, users=TEAM, leads=[_lower_lead("L-lc", None)])
    with store.begin() as conn:
        nstore.set_pref(conn, "bdr1", "both", SEND)
    res = notify(store, notify_config(smtp), slack, smtp)
    assert res.send.sent >= 2
    card = str(slack.messages["DUBDR1"][0]["blocks"])
    for text in (*SHOWN, "Director of IT"):
        assert text in card
    assert not any(raw in card for raw in RAW_TEXT)
    (_to, mail) = next((to, m) for to, m in smtp.messages if "bdr1@ourco.example" in to)
    assert "Lauren O'Neil" in str(mail["Subject"])
    body = _body(mail)
    for text in SHOWN:
        assert text in body.replace("&#39;", "'")
    assert not any(raw in body for raw in RAW_TEXT)


def test_digest_shows_cased_text_and_never_repeats_a_slack_message(
    store: Store, slack: FakeSlack, smtp: FakeSmtp
) -> None:
    seed(store, users=TEAM, leads=[_lower_lead("L-lc", None)])
    cfg = notify_config(smtp)
    with store.begin() as conn:
        nstore.set_pref(conn, "bdr1", "slack", SEND)
    assert notify(store, cfg, slack, smtp).send.sent == 1  # delivered on Slack
    assert len(slack.messages["DUBDR1"]) == 1
    # the rep switches to the weekly digest; the same day is planned again and a second lead arrives
    with store.begin() as conn:
        nstore.set_pref(conn, "bdr1", "digest", SEND)
        conn.execute(insert(leads).values(**{**_lower_lead("L-two", None), "first_name": "émile"}))
    notify(store, cfg, slack, smtp)
    res = notify(store, cfg, slack, smtp, digest=True)
    assert res.digests == 1
    digest = next(
        m for to, m in smtp.messages if "bdr1@ourco.example" in to and "digest" in str(m["Subject"])
    )
    body = _body(digest).replace("&#39;", "'")
    assert "1 job change" in str(digest["Subject"]) and "Émile O'Neil" in body
    assert "L-lc" not in body  # already delivered on Slack: not repeated
    assert len(slack.messages["DUBDR1"]) == 1
