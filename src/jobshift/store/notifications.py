"""Notification rows: planned once per (rule, item, recipient, channel), claimed, sent, retried.

Statuses: ``pending`` (due at ``next_attempt_at``), ``sending`` (claimed; a crash leaves it so),
``unconfirmed`` (the last attempt may have been delivered: verify before sending again), ``sent``,
``failed`` (gave up), ``suppressed`` (nothing to send to). Digest items wait with channel ``digest``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update

from jobshift.store.schema import notification_prefs, notifications

_CHUNK = 500
SEND_CHANNELS = ("slack", "email")


def idempotency_key(rule: str, item_type: str, item_id: str, recipient: str, channel: str) -> str:
    """The unique key of one notification."""
    return f"{rule}|{item_type}:{item_id}|{recipient}|{channel}"


def existing_keys(conn: Connection, keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` are already planned."""
    out: set[str] = set()
    for i in range(0, len(keys), _CHUNK):
        q = select(notifications.c.idempotency_key).where(
            notifications.c.idempotency_key.in_(keys[i : i + _CHUNK])
        )
        out.update(k for (k,) in conn.execute(q))
    return out


def insert_planned(
    conn: Connection, rows: Sequence[Mapping[str, Any]], now: datetime, send_date: date
) -> int:
    """Insert rows whose key is new (a re-plan is a no-op); returns how many were inserted."""
    seen = existing_keys(conn, [r["idempotency_key"] for r in rows])
    fresh: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["idempotency_key"] in seen or r["idempotency_key"] in fresh:
            continue
        fresh[r["idempotency_key"]] = {
            "status": "pending",
            "attempts": 0,
            "is_digest": False,
            "created_at": now,
            "send_date": send_date,
            **r,
        }
    values = list(fresh.values())
    for i in range(0, len(values), _CHUNK):
        conn.execute(insert(notifications), values[i : i + _CHUNK])
    return len(values)


def mark_stale_unconfirmed(conn: Connection, before: datetime) -> int:
    """Rows claimed before ``before`` and never finished (a crash) become ``unconfirmed``."""
    q = (
        update(notifications)
        .where(notifications.c.status == "sending", notifications.c.claimed_at < before)
        .values(status="unconfirmed", last_error="send interrupted (crash?): outcome unknown")
    )
    return int(conn.execute(q).rowcount or 0)


def claim_due(conn: Connection, channels: Iterable[str], now: datetime, limit: int) -> list[dict[str, Any]]:
    """Claim up to ``limit`` due rows (oldest first) of ``channels``: status ``sending``, attempts + 1.

    Each returned row keeps its previous status in ``prior_status`` (``unconfirmed`` rows are verified
    before any new send)."""
    q = (
        select(notifications)
        .where(
            notifications.c.status.in_(("pending", "unconfirmed")),
            notifications.c.channel.in_(list(channels)),
            or_(notifications.c.next_attempt_at.is_(None), notifications.c.next_attempt_at <= now),
        )
        .order_by(notifications.c.id)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    rows = [dict(r) for r in conn.execute(q).mappings()]
    if rows:
        conn.execute(
            update(notifications)
            .where(notifications.c.id.in_([r["id"] for r in rows]))
            .values(status="sending", claimed_at=now, attempts=notifications.c.attempts + 1)
        )
    for r in rows:
        r["prior_status"] = r["status"]
        r["attempts"] = int(r["attempts"]) + 1
        r["claimed_at"] = now
    return rows


def mark_sent(conn: Connection, row_id: int, message_id: str | None, now: datetime) -> None:
    """Delivered (digest rows also mark the items they carried)."""
    conn.execute(
        update(notifications)
        .where(notifications.c.id == row_id)
        .values(
            status="sent", sent_at=now, provider_message_id=message_id, last_error=None, next_attempt_at=None
        )
    )
    conn.execute(
        update(notifications)
        .where(notifications.c.digest_id == row_id, notifications.c.status != "sent")
        .values(status="sent", sent_at=now, provider_message_id=f"digest:{row_id}")
    )


def mark_retry(
    conn: Connection,
    row_id: int,
    error: str,
    next_at: datetime,
    *,
    status: str = "pending",
    refund: bool = False,
) -> None:
    """Try again at ``next_at`` (``unconfirmed``: verify first); ``refund`` does not count the attempt."""
    values: dict[str, Any] = {"status": status, "last_error": error[:2000], "next_attempt_at": next_at}
    if refund:
        values["attempts"] = notifications.c.attempts - 1
    conn.execute(update(notifications).where(notifications.c.id == row_id).values(**values))


def mark_failed(conn: Connection, row_id: int, error: str) -> None:
    """Give up on a row."""
    conn.execute(
        update(notifications)
        .where(notifications.c.id == row_id)
        .values(status="failed", last_error=error[:2000], next_attempt_at=None)
    )


def waiting_digest_items(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    """Digest items not yet in a digest, by recipient."""
    q = (
        select(notifications)
        .where(
            notifications.c.channel == "digest",
            notifications.c.status == "pending",
            notifications.c.digest_id.is_(None),
        )
        .order_by(notifications.c.id)
    )
    out: dict[str, list[dict[str, Any]]] = {}
    for r in conn.execute(q).mappings():
        out.setdefault(r["recipient_user_id"], []).append(dict(r))
    return out


def delivered_elsewhere(conn: Connection, items: Sequence[Mapping[str, Any]]) -> set[int]:
    """Ids of digest ``items`` whose item already went (or is going) to the same recipient on Slack or
    e-mail, under any rule: a digest never repeats what a direct message delivered."""
    wanted = {(i["item_type"], str(i["item_id"]), i["recipient_user_id"]): int(i["id"]) for i in items}
    ids = sorted({k[1] for k in wanted})
    found: set[int] = set()
    for n in range(0, len(ids), _CHUNK):
        q = select(
            notifications.c.item_type, notifications.c.item_id, notifications.c.recipient_user_id
        ).where(
            notifications.c.item_id.in_(ids[n : n + _CHUNK]),
            notifications.c.channel.in_(SEND_CHANNELS),
            notifications.c.is_digest.is_(False),
            notifications.c.status.in_(("pending", "sending", "unconfirmed", "sent")),
        )
        for t, iid, uid in conn.execute(q):
            hit = wanted.get((t, str(iid), uid))
            if hit is not None:
                found.add(hit)
    return found


def suppress(conn: Connection, ids: Iterable[int], reason: str) -> int:
    """Mark rows ``suppressed`` with ``reason`` (kept for the audit trail, never sent)."""
    id_list = list(ids)
    done = 0
    for n in range(0, len(id_list), _CHUNK):
        q = (
            update(notifications)
            .where(notifications.c.id.in_(id_list[n : n + _CHUNK]))
            .values(status="suppressed", last_error=reason)
        )
        done += int(conn.execute(q).rowcount or 0)
    return done


def insert_digest(
    conn: Connection,
    *,
    idempotency_key: str,
    item_id: str,
    recipient_user_id: str,
    channel: str,
    payload: dict[str, Any],
    now: datetime,
) -> int:
    """Insert one pending digest row (sent on ``now``'s date); returns its id."""
    res = conn.execute(
        insert(notifications).values(
            idempotency_key=idempotency_key,
            rule="digest",
            item_type="digest",
            item_id=item_id,
            recipient_user_id=recipient_user_id,
            channel=channel,
            status="pending",
            attempts=0,
            created_at=now,
            send_date=now.date(),
            is_digest=True,
            payload=payload,
        )
    )
    pk = res.inserted_primary_key
    assert pk is not None
    return int(pk[0])


def attach_to_digest(conn: Connection, item_ids: Sequence[int], digest_id: int) -> None:
    """Mark items as carried by the digest row ``digest_id``."""
    for i in range(0, len(item_ids), _CHUNK):
        conn.execute(
            update(notifications)
            .where(notifications.c.id.in_(item_ids[i : i + _CHUNK]))
            .values(digest_id=digest_id)
        )


def row_by_key(conn: Connection, key: str) -> dict[str, Any] | None:
    """One row by its idempotency key."""
    r = conn.execute(select(notifications).where(notifications.c.idempotency_key == key)).mappings().first()
    return dict(r) if r else None


def rows_by_ids(conn: Connection, ids: Sequence[int]) -> list[dict[str, Any]]:
    """Rows by id, in id order."""
    out: list[dict[str, Any]] = []
    for i in range(0, len(ids), _CHUNK):
        q = (
            select(notifications)
            .where(notifications.c.id.in_(ids[i : i + _CHUNK]))
            .order_by(notifications.c.id)
        )
        out.extend(dict(r) for r in conn.execute(q).mappings())
    return out


def status_counts(conn: Connection) -> dict[str, int]:
    """How many rows per status."""
    q = select(notifications.c.status, func.count()).group_by(notifications.c.status)
    return {str(s): int(n) for s, n in conn.execute(q)}


def get_prefs(conn: Connection) -> dict[str, str]:
    """Channel preference per user id."""
    return {u: c for u, c in conn.execute(select(notification_prefs.c.user_id, notification_prefs.c.channel))}


def set_pref(conn: Connection, user_id: str, channel: str, now: datetime) -> None:
    """Set (insert or replace) a user's channel preference."""
    exists = conn.execute(
        select(notification_prefs.c.user_id).where(notification_prefs.c.user_id == user_id)
    ).first()
    if exists:
        conn.execute(
            update(notification_prefs)
            .where(notification_prefs.c.user_id == user_id)
            .values(channel=channel, updated_at=now)
        )
    else:
        conn.execute(insert(notification_prefs).values(user_id=user_id, channel=channel, updated_at=now))


def due_count(conn: Connection, channels: Iterable[str]) -> int:
    """Rows still to send on ``channels`` (any due time)."""
    q = select(func.count()).where(
        and_(
            notifications.c.status.in_(("pending", "unconfirmed", "sending")),
            notifications.c.channel.in_(list(channels)),
        )
    )
    return int(conn.execute(q).scalar_one())
