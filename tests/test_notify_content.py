"""What a rep reads in a notification: e-mail and LinkedIn (clickable), the past deal (name, stage,
amount, role) and the why; rules 3A/3B worded from the person's actual role on the open deal."""

from __future__ import annotations

from typing import Any

from fakes.slack import TOKEN, FakeSlack
from jobshift.config import parse_config
from jobshift.domain.notification_text import best_deal, deal_text, why_it_matters
from jobshift.notify.email import EmailSender
from jobshift.notify.slack import SlackNotifier
from jobshift.services.notify.notifying import run_notify
from jobshift.store import Store
from notify_data import SEND, TEAM, account, lead, left_contact, opp, seed
from notify_kit import notify, notify_config
from smtp_fake import FakeSmtp


def _notify(store: Store, smtp: FakeSmtp, fake: FakeSlack) -> Any:
    return notify(store, notify_config(smtp), fake, smtp)


def _role(opp_id: str, contact_id: str, role: str | None) -> dict[str, Any]:
    return {"opportunity_id": opp_id, "contact_id": contact_id, "role": role, "is_primary": False}


def _card(fake: FakeSlack, channel: str, needle: str) -> str:
    return str(next(m["blocks"] for m in fake.messages[channel] if needle in m["text"]))


def test_slack_card_has_email_linkedin_and_the_past_deal(
    store: Store, slack: FakeSlack, smtp: FakeSmtp
) -> None:
    won = {**opp("o-won", "past", 7, closed=True), "name": "Acme platform", "amount": 120000.0}
    seed(
        store,
        users=TEAM,
        accounts=[account("new", name="Hooli"), account("past", name="Acme")],
        opportunities=[won],
        leads=[{**lead("L-1", account_id="new"), "linkedin_url": "https://www.linkedin.com/in/ann-lee"}],
        opportunity_contact_roles=[_role("o-won", "c-old", "Economic Buyer")],
    )
    assert _notify(store, smtp, slack).send.sent >= 1
    card = _card(slack, "DUBDR1", "L-1")
    assert "<mailto:ann.L-1@globex.example|ann.L-1@globex.example>" in card
    assert "<https://www.linkedin.com/in/ann-lee|Ann Lee L-1 on LinkedIn>" in card
    assert "Acme platform (7-Closed Won, $120K), role: Economic Buyer" in card
    assert "Ann won a deal with us before" in card


def test_rule_3a_says_re_map_only_when_the_person_was_on_the_deal(
    store: Store, slack: FakeSlack, smtp: FakeSmtp
) -> None:
    seed(
        store,
        users=TEAM,
        accounts=[account("a1", name="Initech"), account("a2", name="Globex")],
        opportunities=[opp("o1", "a1", 4), opp("o2", "a2", 5)],
        contacts=[left_contact("C-on", "a1"), left_contact("C-off", "a2")],
        opportunity_contact_roles=[_role("o1", "C-on", "Technical Buyer")],
    )
    _notify(store, smtp, slack)
    on = _card(slack, "DUAE1", "C-on")
    off = _card(slack, "DUAE1", "C-off")
    assert "Bo was Technical Buyer on a1 - New Business" in on and "re-map it" in on
    assert "re-map" not in off and "Bo had no role on these opportunities" in off
    assert "role: Technical Buyer" in on  # the past deal line names the role


def test_why_it_matters_wording() -> None:
    opps = [{"stage": "2-Scoping", "stage_number": 2, "name": "Big deal"}]
    with_role = why_it_matters(
        "Acme", opps, customer=False, renewal=False, left=True, person="Bo", roles_on_open=[{"role": None}]
    )
    assert (
        with_role.startswith("Acme has 1 open opportunity")
        and "Bo was a contact on an open deal" in with_role
    )
    assert "re-map" not in why_it_matters("Acme", opps, customer=True, renewal=True, left=True, person="Bo")
    assert why_it_matters("Acme", [], customer=False, renewal=False, left=True, person="Bo") == (
        "No open opportunity at Acme: follow Bo to the new company."
    )
    assert why_it_matters("Acme", [], customer=False, renewal=False, left=False).startswith(
        "No open opportunity"
    )


def test_best_deal_prefers_won_then_furthest_open() -> None:
    lost = {"name": "L", "is_closed": True, "is_won": False, "close_date": "2024-01-01"}
    early = {"name": "E", "is_closed": False, "stage_number": 1}
    late = {"name": "T", "is_closed": False, "stage_number": 4}
    small = {"name": "S", "is_won": True, "is_closed": True, "amount": 10}
    big = {"name": "B", "is_won": True, "is_closed": True, "amount": 99}
    assert best_deal([lost, early, late, small, big])["name"] == "B"  # type: ignore[index]
    assert best_deal([lost, early, late])["name"] == "T"  # type: ignore[index]
    assert best_deal([lost])["name"] == "L"  # type: ignore[index]
    assert best_deal([]) is None
    assert deal_text({"name": "X", "stage": "3-Eval", "amount": 2_500_000, "role": None}) == (
        "X (3-Eval, $2.5M), role: contact role"
    )


def _new_hire_data(store: Store) -> None:
    from datetime import datetime

    from sqlalchemy import insert

    from jobshift.store.schema import signals

    hire = {
        **lead("L-hire", account_id="tgt", past_account=None, past_contact=None),
        "lead_source": "New Hires & Promotions",
        "is_target_company": True,
        "company": "initech",
        "first_name": "zoë",
        "last_name": "mcallister",
    }
    seed(store, users=TEAM, accounts=[account("tgt", name="Initech")], leads=[hire])
    with store.begin() as conn:
        conn.execute(
            insert(signals).values(
                signal_id="s-L-hire",
                type="new_hire",
                status="pushed",
                detected_at=datetime(2024, 9, 24),
                lead_id="L-hire",
            )
        )


def test_new_hire_rule_is_off_by_default(store: Store, slack: FakeSlack, smtp: FakeSmtp) -> None:
    _new_hire_data(store)
    res = _notify(store, smtp, slack)
    assert "2A" not in res.planned.fired and slack.messages == {}


def test_new_hire_rule_tells_the_lead_owner_and_bdr(store: Store, slack: FakeSlack, smtp: FakeSmtp) -> None:
    _new_hire_data(store)
    cfg = parse_config(
        {
            "notifications": {
                "smtp_host": smtp.host,
                "smtp_port": smtp.port,
                "backoff_base_seconds": 0,
                "rules": {"2A": {"enabled": True}},
            }
        }
    )
    sl = SlackNotifier(TOKEN, base_url=slack.base_url)
    em = EmailSender(smtp.host, smtp.port, cfg.notifications.smtp_from)
    res = run_notify(store, cfg, slack=sl, email=em, send_date=SEND)
    assert res.planned.fired == {"2A": 1}
    card = _card(slack, "DUBDR1", "2A")
    assert "Zoë McAllister joined Initech, a target account" in card
    assert "Zoë is new at Initech, a target account" in card
