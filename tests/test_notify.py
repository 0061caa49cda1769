"""Notifications end to end with the real clients: slack-sdk against a fake Slack Web API, smtplib
against aiosmtpd. Content, recipients, exactly-once, 429 + Retry-After, retries, crashes, digests."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from fakes.slack import TOKEN, FakeSlack
from jobshift.config import Config
from jobshift.notify.slack import SlackNotifier
from jobshift.services.notify.notifying import Sender
from jobshift.store import Store
from jobshift.store import notifications as nstore
from jobshift.store.schema import notifications
from notify_data import SEND, TEAM, account, lead, left_contact, opp, seed, user
from notify_kit import notify, notify_config
from smtp_fake import FakeSmtp


def config(smtp: FakeSmtp, **notif: Any) -> Config:
    return notify_config(smtp, crm_record_url="https://crm.example/{object}/{id}", **notif)


def rows(store: Store) -> list[dict[str, Any]]:
    with store.connect() as conn:
        return [dict(r) for r in conn.execute(select(notifications).order_by(notifications.c.id)).mappings()]


def base_data(store: Store) -> None:
    seed(
        store,
        users=TEAM,
        accounts=[
            account("late", name="Initech"),
            account("none", name="Hooli"),
            account("past", name="Acme"),
        ],
        opportunities=[opp("o1", "late", 4), opp("o2", "past", 1)],
        leads=[
            lead("L-1C", account_id="late"),  # open opp at stage 4 → 1C (AE, RM)
            lead("L-1A", account_id="none"),  # no opps, started < 3 months → 1A (owner)
            lead("L-old", account_id="none", created=SEND - timedelta(days=3)),  # not yesterday
            lead("L-bf", account_id="none", backfill=True),  # backfilled: suppressed
            lead("L-nhp", account_id="none", source="New Hires & Promotions"),  # other source
        ],
        contacts=[left_contact("C-3B", "past")],  # left Acme with an opp at stage 1 → 3B (BDR, AE, RM)
    )


def test_rules_recipients_content_and_exactly_once(store: Store, slack: FakeSlack, smtp: FakeSmtp) -> None:
    base_data(store)
    with store.begin() as conn:
        nstore.set_pref(conn, "rm1", "email", SEND)
        nstore.set_pref(conn, "ae1", "both", SEND)
    cfg = config(smtp)
    res = notify(store, cfg, slack, smtp)
    assert res.planned.fired == {"1C": 1, "1A": 1, "3B": 1}
    assert res.planned.backfill_skipped == 1
    got = sorted(
        (r["rule"], r["item_id"], r["recipient_user_id"], r["channel"], r["status"]) for r in rows(store)
    )
    assert got == sorted(
        [
            ("1A", "L-1A", "bdr1", "slack", "sent"),
            ("1C", "L-1C", "ae1", "slack", "sent"),
            ("1C", "L-1C", "ae1", "email", "sent"),
            ("1C", "L-1C", "rm1", "email", "sent"),
            ("3B", "C-3B", "bdr1", "slack", "sent"),
            ("3B", "C-3B", "ae1", "slack", "sent"),
            ("3B", "C-3B", "ae1", "email", "sent"),
            ("3B", "C-3B", "rm1", "email", "sent"),
        ]
    )
    assert all(n == 1 for n in slack.keys().values()) and sum(slack.keys().values()) == 4
    assert len(smtp.messages) == 4
    # Slack content: who, before/now, why, links (web app and CRM)
    msg = next(m for m in slack.messages["DUAE1"] if "1C" in m["text"])
    flat = str(msg["blocks"])
    assert "Ann Lee L-1C joined Globex" in flat and "Director of IT" in flat and "4-Proposal" in flat
    assert "https://js.example/leads/L-1C" in flat and "https://crm.example/Lead/L-1C" in flat
    assert "https://js.example/contacts/c-old" in flat
    # e-mail: multipart with text and HTML, the recipient, the deterministic Message-ID
    _rcpts, m = next((r, m) for r, m in smtp.messages if "rm1@" in r[0] and "1C" in str(m["Subject"]))
    assert m.is_multipart() and [p.get_content_type() for p in m.get_payload()] == ["text/plain", "text/html"]
    html = m.get_payload()[1].get_payload(decode=True).decode()
    assert "4-Proposal" in html and "renewal manager" in html and m["Message-ID"].endswith("@jobshift.local>")
    # a re-run (same day) plans nothing new and sends nothing again
    again = notify(store, cfg, slack, smtp)
    assert again.planned.inserted == 0 and again.send.sent == 0
    assert sum(slack.keys().values()) == 4 and len(smtp.messages) == 4


def test_not_on_another_day_and_dry_run(store: Store, slack: FakeSlack, smtp: FakeSmtp) -> None:
    base_data(store)
    cfg = config(smtp)
    res = notify(store, cfg, slack, smtp, send_date=SEND + timedelta(days=1))
    assert res.planned is None and "not the send day" in res.planned_skipped
    dry = notify(store, cfg, slack, smtp, dry_run=True)
    assert len(dry.planned.rows) == 6 and dry.send is None
    assert rows(store) == [] and slack.posted() == []


def test_429_retry_after_is_honoured(store: Store, slack: FakeSlack, smtp: FakeSmtp) -> None:
    seed(store, users=TEAM, accounts=[account("none")], leads=[lead("L1", account_id="none")])
    slack.forced = [429]  # conversations.open first → 429 Retry-After: 1
    res = notify(store, config(smtp), slack, smtp, sleep=time.sleep)
    assert res.send.sent == 1 and res.send.rate_limited == 1
    log = [(t, m, s) for t, m, s in slack.call_log]
    i = next(k for k, c in enumerate(log) if c[2] == 429)
    assert log[i + 1][0] - log[i][0] >= 1.0  # waited the Retry-After before the next call
    assert sum(slack.keys().values()) == 1


def test_failed_send_is_retried_later_without_duplicate(
    store: Store, slack: FakeSlack, smtp: FakeSmtp
) -> None:
    seed(
        store,
        users=TEAM,
        accounts=[account("none")],
        leads=[lead("L1", account_id="none"), lead("L2", account_id="none")],
    )
    cfg = config(smtp, backoff_base_seconds=3600)
    slack.forced = [200, 500, 200]  # open ok, L1 post: 500 before posting, L1 history check
    res = notify(store, cfg, slack, smtp)
    assert res.send.retry_later == 1 and res.send.sent == 1
    r = next(x for x in rows(store) if x["status"] == "pending")
    assert r["next_attempt_at"] is not None and "verified" in r["last_error"]
    # not due yet: nothing happens; once due, it is sent once
    assert notify(store, cfg, slack, smtp).send.sent == 0
    with store.begin() as conn:
        conn.execute(update(notifications).values(next_attempt_at=None))
    assert notify(store, cfg, slack, smtp).send.sent == 1
    assert sorted(slack.keys().values()) == [1, 1]


def test_lost_response_is_found_in_history_not_posted_twice(
    store: Store, slack: FakeSlack, smtp: FakeSmtp
) -> None:
    seed(store, users=TEAM, accounts=[account("none")], leads=[lead("L1", account_id="none")])
    slack.forced = [200, 599]  # the post is stored, then answered 500
    res = notify(store, config(smtp), slack, smtp)
    assert res.send.sent == 1 and res.send.verified_already_sent == 1
    assert list(slack.keys().values()) == [1]


def test_crash_between_send_and_mark(store: Store, slack: FakeSlack, smtp: FakeSmtp) -> None:
    seed(store, users=TEAM, accounts=[account("none")], leads=[lead("L1", account_id="none")])
    cfg = config(smtp, send_lease_seconds=1)

    sender = Sender(store, cfg, slack=SlackNotifier(TOKEN, base_url=slack.base_url), email=None)
    notify(store, cfg, slack, smtp, dry_run=False, send_date=SEND)  # plans and sends normally ...
    assert len(slack.posted()) == 1
    # ... now simulate: the message was posted but the process died before marking it sent
    with store.begin() as conn:
        conn.execute(
            update(notifications).values(
                status="sending", claimed_at=sender.clock() - timedelta(seconds=5), sent_at=None
            )
        )
    res = Sender(store, cfg, slack=SlackNotifier(TOKEN, base_url=slack.base_url), email=None).run()
    assert res.sent == 1 and res.verified_already_sent == 1
    assert list(slack.keys().values()) == [1]


def test_email_temporary_failure_retried(store: Store, slack: FakeSlack, smtp: FakeSmtp) -> None:
    seed(store, users=TEAM, accounts=[account("none")], leads=[lead("L1", account_id="none")])
    with store.begin() as conn:
        nstore.set_pref(conn, "bdr1", "email", SEND)
    smtp.handler.refuse_next = 1  # 451 to DATA: not accepted
    cfg = config(smtp, backoff_base_seconds=3600)
    res = notify(store, cfg, slack, smtp)
    assert res.send.retry_later == 1 and smtp.messages == []
    assert notify(store, cfg, slack, smtp).send.sent == 0  # not due yet
    with store.begin() as conn:
        conn.execute(update(notifications).values(next_attempt_at=None))
    res = notify(store, cfg, slack, smtp)
    assert res.send.sent == 1 and len(smtp.messages) == 1


def test_inactive_recipient_and_opt_out(store: Store, slack: FakeSlack, smtp: FakeSmtp) -> None:
    seed(
        store,
        users=[user("bdr1", "BDR", active=False), user("ae1", "AE"), user("rm1", "Renewal Manager")],
        accounts=[account("late")],
        opportunities=[opp("o1", "late", 5)],
        leads=[lead("L1", account_id="late")],
    )
    with store.begin() as conn:
        nstore.set_pref(conn, "rm1", "none", SEND)
    res = notify(store, config(smtp), slack, smtp)
    assert [r["recipient_user_id"] for r in rows(store)] == ["ae1"]
    assert res.planned.opted_out == 1


def test_weekly_digest(store: Store, slack: FakeSlack, smtp: FakeSmtp) -> None:
    base_data(store)
    with store.begin() as conn:
        for u in ("bdr1", "ae1", "rm1"):
            nstore.set_pref(conn, u, "digest", SEND)
    cfg = config(smtp)
    res = notify(store, cfg, slack, smtp)
    assert res.send.sent == 0 and smtp.messages == []
    res = notify(store, cfg, slack, smtp, digest=True)
    assert res.digests == 3 and res.send.sent == 3
    subjects = sorted(str(m["Subject"]) for _r, m in smtp.messages)
    assert subjects[0].startswith("[jobshift] Weekly digest 2024-W39: 2 job changes")
    assert all(r["status"] == "sent" for r in rows(store))
    assert notify(store, cfg, slack, smtp, digest=True).digests == 0


def test_cli_notify_dry_run_json(backend_workspace: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from jobshift.cli.main import main
    from jobshift.services.workspace import Workspace

    assert main(["-w", str(backend_workspace), "init"]) == 0
    ws = Workspace.open(backend_workspace)
    base_data(ws.store)
    ws.close()
    import io
    from contextlib import redirect_stdout

    buf = io.StringIO()
    with redirect_stdout(buf):
        rc = main(["-w", str(backend_workspace), "notify", "--dry-run", "--date", SEND.isoformat(), "--json"])
    assert rc == 0
    out = json.loads(buf.getvalue())
    assert out["planned"]["fired"] == {"1C": 1, "1A": 1, "3B": 1}
    assert len(out["planned"]["rows"]) == 6
