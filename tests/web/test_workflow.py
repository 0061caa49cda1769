"""The rep's workflow: the worklist (own open leads, oldest first, due dates from the cadence), reassign
with a reason (audited, pending notifications follow), bulk actions, undo a dismissal; role scopes."""

from __future__ import annotations

from datetime import date, datetime

from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from jobshift.services.workspace import Workspace
from jobshift.store.notifications import idempotency_key
from jobshift.store.schema import activities, audit_log, leads, notifications, signals
from web.conftest import login


def _lead(ws: Workspace, lid: str) -> dict[str, object]:
    with ws.store.connect() as conn:
        return dict(conn.execute(select(leads).where(leads.c.id == lid)).mappings().one())


def test_worklist_is_the_reps_open_leads_oldest_first_with_due_dates(client: TestClient) -> None:
    login(client, "rep")
    page = client.get("/worklist").text
    assert "My worklist" in page
    assert page.index("/leads/l-3") < page.index("/leads/l-1")  # 2026-01-05 before 2026-03-10
    assert "/leads/l-2" not in page  # Ben's lead
    # default tier1 cadence weekly:tue: l-3 arrived Mon 2026-01-05 → due Tue 2026-01-06 (overdue by now)
    assert "2026-01-06 · overdue" in page and "2026-03-17" in page
    assert client.get("/worklist", params={"owner": "u-bdr2"}).status_code == 403


def test_manager_opens_a_team_members_worklist_only(client: TestClient) -> None:
    login(client, "manager")
    assert "/leads/l-1" in client.get("/worklist", params={"owner": "u-bdr1"}).text
    assert client.get("/worklist", params={"owner": "u-bdr2"}).status_code == 404  # not their team


def test_reassign_needs_a_reason_is_audited_and_moves_pending_notifications(
    client: TestClient, seeded: Workspace
) -> None:
    now = datetime(2026, 3, 11)
    with seeded.store.begin() as conn:
        conn.execute(
            insert(notifications),
            [
                {
                    "idempotency_key": idempotency_key("1A", "lead", "l-1", "u-bdr1", ch),
                    "rule": "1A",
                    "item_type": "lead",
                    "item_id": "l-1",
                    "recipient_user_id": "u-bdr1",
                    "channel": ch,
                    "status": st,
                    "attempts": 0,
                    "created_at": now,
                    "send_date": date(2026, 3, 11),
                    "is_digest": False,
                }
                for ch, st in (("slack", "pending"), ("email", "sent"))
            ],
        )
    csrf = login(client, "manager")
    r = client.post("/leads/l-1/reassign", data={"owner": "u-ae1", "reason": "", "csrf_token": csrf})
    assert r.status_code == 422 and _lead(seeded, "l-1")["owner_id"] == "u-bdr1"
    r = client.post("/leads/l-1/reassign", data={"owner": "u-bdr2", "reason": "x", "csrf_token": csrf})
    assert r.status_code == 422  # Ben is not on this manager's team
    r = client.post(
        "/leads/l-1/reassign",
        data={"owner": "u-ae1", "reason": "AE owns the open deal", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    lead = _lead(seeded, "l-1")
    assert lead["owner_id"] == "u-ae1" and "AE owns the open deal" in str(lead["routing_reason"])
    with seeded.store.connect() as conn:
        rows = {
            r.channel: (r.recipient_user_id, r.status)
            for r in conn.execute(select(notifications).where(notifications.c.item_id == "l-1"))
        }
        assert rows == {"slack": ("u-ae1", "pending"), "email": ("u-bdr1", "sent")}  # sent stays as it was
        actions = {r.action for r in conn.execute(select(audit_log.c.action))}
        assert {"reassign", "reroute"} <= actions
    assert "AE owns the open deal" in client.get("/leads/l-1").text


def test_bulk_actions_touch_only_the_viewers_leads(client: TestClient, seeded: Workspace) -> None:
    csrf = login(client, "rep")
    r = client.post(
        "/leads/bulk",
        data={"action": "contacted", "lead_id": ["l-1", "l-3", "l-2"], "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "n=2&skipped=1" in r.headers["location"]
    assert _lead(seeded, "l-1")["status"] == "Contacted" and _lead(seeded, "l-3")["status"] == "Contacted"
    assert _lead(seeded, "l-2")["status"] == "New"
    with seeded.store.connect() as conn:
        assert conn.execute(select(activities.c.who_id).where(activities.c.who_id == "l-2")).first() is None
    assert "worklist-empty" in client.get("/worklist").text
    r = client.post(
        "/leads/bulk",
        data={"action": "dismiss", "dismiss_reason": "stale", "lead_id": ["l-1"], "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert _lead(seeded, "l-1")["status"] == "Dismissed"
    assert client.post("/leads/bulk", data={"action": "dismiss", "lead_id": ["l-1"]}).status_code == 403
    assert (
        client.post(
            "/leads/bulk", data={"action": "nope", "lead_id": ["l-1"], "csrf_token": csrf}
        ).status_code
        == 422
    )


def test_undo_a_dismissal_restores_lead_and_signal(client: TestClient, seeded: Workspace) -> None:
    csrf = login(client, "rep")
    client.post("/leads/l-1/dismiss", data={"reason": "wrong_company", "csrf_token": csrf})
    with seeded.store.connect() as conn:
        assert conn.execute(select(signals.c.status).where(signals.c.signal_id == "s-1")).scalar() == (
            "dismissed:wrong_company"
        )
    page = client.get("/leads/l-1").text
    assert 'data-testid="undismiss"' in page
    r = client.post("/leads/l-1/undismiss", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("done=restored")
    assert _lead(seeded, "l-1")["status"] == "New"
    with seeded.store.connect() as conn:
        assert conn.execute(select(signals.c.status).where(signals.c.signal_id == "s-1")).scalar() == "pushed"
    assert client.post("/leads/l-2/undismiss", data={"csrf_token": csrf}).status_code == 404  # not theirs


def test_a_rep_sets_their_own_notification_channel(client: TestClient, seeded: Workspace) -> None:
    from jobshift.store.schema import notification_prefs

    csrf = login(client, "rep")
    assert 'data-testid="my-channel"' in client.get("/worklist").text
    assert client.post("/me/notifications", data={"channel": "pigeon", "csrf_token": csrf}).status_code == 422
    r = client.post(
        "/me/notifications", data={"channel": "digest", "csrf_token": csrf}, follow_redirects=False
    )
    assert r.status_code == 303
    with seeded.store.connect() as conn:
        assert conn.execute(select(notification_prefs.c.channel)).all() == [("digest",)]
        assert conn.execute(
            select(audit_log.c.object).where(audit_log.c.object == "notification_prefs")
        ).first()
    assert "<option selected>digest</option>" in client.get("/worklist").text
    login(client, "admin")  # no CRM user: no channel form
    assert 'data-testid="my-channel"' not in client.get("/worklist").text
