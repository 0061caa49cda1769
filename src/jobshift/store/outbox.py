"""The outbox: every intended CRM write, recorded first with an idempotency key, then applied.

Rows are ``pending`` until the push engine applies them (``applied`` with the CRM record id), gives up
(``failed`` with the error) or drops them (``skipped``). Retryable failures leave a row pending with
``next_attempt_at`` (set by the push engine from the one retry policy, :mod:`jobshift.utils.retry`).
The unique idempotency key makes planning the same action twice a no-op.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update

from jobshift.store.schema import outbox
from jobshift.utils.grouped_update import update_by_key

_CHUNK = 900
LIVE_STATUSES = ("pending", "applied")


def _chunks(items: Sequence[Any], n: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def existing_keys(conn: Connection, keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` are already in the outbox."""
    out: set[str] = set()
    for part in _chunks(list(keys)):
        q = select(outbox.c.idempotency_key).where(outbox.c.idempotency_key.in_(part))
        out.update(k for (k,) in conn.execute(q))
    return out


def insert_rows(conn: Connection, rows: Sequence[Mapping[str, Any]], created_at: datetime) -> int:
    """Insert rows whose idempotency key is new; returns how many were inserted."""
    seen = existing_keys(conn, [r["idempotency_key"] for r in rows])
    fresh: dict[str, dict[str, Any]] = {}
    for r in rows:
        k = r["idempotency_key"]
        if k in seen or k in fresh:
            continue
        fresh[k] = {
            "status": "pending",
            "attempts": 0,
            "is_backfill": False,
            "created_at": created_at,
            **r,
        }
    values = list(fresh.values())
    for part in _chunks(values):
        conn.execute(insert(outbox), list(part))
    return len(values)


def planned_signal_ids(conn: Connection) -> set[str]:
    """Signals that already have outbox rows (planned once, never again)."""
    return {s for (s,) in conn.execute(select(outbox.c.signal_id).distinct()) if s}


def live_leads_by_dedupe_key(conn: Connection) -> dict[str, dict[str, Any]]:
    """``create_lead`` rows that are pending or applied, by dedupe key (one lead per person + company)."""
    q = select(outbox.c.dedupe_key, outbox.c.idempotency_key, outbox.c.status, outbox.c.crm_record_id).where(
        outbox.c.kind == "create_lead", outbox.c.status.in_(LIVE_STATUSES)
    )
    return {r["dedupe_key"]: dict(r) for r in conn.execute(q).mappings() if r["dedupe_key"]}


def claim(
    conn: Connection,
    *,
    is_backfill: bool,
    now: datetime,
    limit: int,
    batch_id: int | None = None,
    kinds: Sequence[str] | None = None,
    signal_ids: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """The next due pending rows (oldest id first), of ``kinds`` and of ``signal_ids`` only when given."""
    conds = [
        outbox.c.status == "pending",
        outbox.c.is_backfill.is_(is_backfill),
        or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= now),
    ]
    if batch_id is not None:
        conds.append(outbox.c.batch_id == batch_id)
    if kinds is not None:
        conds.append(outbox.c.kind.in_(list(kinds)))
    if signal_ids is not None:
        conds.append(outbox.c.signal_id.in_(list(signal_ids)))
    q = select(outbox).where(and_(*conds)).order_by(outbox.c.id).limit(limit)
    return [dict(r) for r in conn.execute(q).mappings()]


def record_by_key(conn: Connection, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    """``{idempotency_key: {status, crm_record_id}}`` for ``keys``."""
    out: dict[str, dict[str, Any]] = {}
    for part in _chunks(list(keys)):
        q = select(outbox.c.idempotency_key, outbox.c.status, outbox.c.crm_record_id).where(
            outbox.c.idempotency_key.in_(part)
        )
        out.update({r["idempotency_key"]: dict(r) for r in conn.execute(q).mappings()})
    return out


def mark(conn: Connection, changes: Sequence[Mapping[str, Any]]) -> None:
    """Apply per-row changes: each mapping has ``id`` and the columns to set (``status``, ``attempts``,
    ``next_attempt_at``, ``last_error``, ``applied_at``, ``crm_record_id``, ``target_id``); others kept."""
    update_by_key(conn, outbox, ((ch["id"], {k: v for k, v in ch.items() if k != "id"}) for ch in changes))


def next_backfill_signals(conn: Connection, n: int) -> list[str]:
    """The first ``n`` signals of the backlog not yet in a batch, in ``sort_key`` order."""
    q = (
        select(outbox.c.signal_id, func.min(outbox.c.sort_key).label("k"))
        .where(outbox.c.status == "pending", outbox.c.is_backfill.is_(True), outbox.c.batch_id.is_(None))
        .group_by(outbox.c.signal_id)
        .order_by(func.min(outbox.c.sort_key), outbox.c.signal_id)
        .limit(n)
    )
    return [s for s, _ in conn.execute(q)]


def assign_batch(conn: Connection, signal_ids: Sequence[str], batch_id: int) -> int:
    """Put the pending backlog rows of ``signal_ids`` into batch ``batch_id``."""
    n = 0
    for part in _chunks(list(signal_ids)):
        res = conn.execute(
            update(outbox)
            .where(
                outbox.c.signal_id.in_(part),
                outbox.c.is_backfill.is_(True),
                outbox.c.status == "pending",
                outbox.c.batch_id.is_(None),
            )
            .values(batch_id=batch_id)
        )
        n += res.rowcount or 0
    return n


def backlog_signal_count(conn: Connection) -> int:
    """How many signals still have pending backlog (backfill) rows."""
    q = select(func.count(func.distinct(outbox.c.signal_id))).where(
        outbox.c.status == "pending", outbox.c.is_backfill.is_(True)
    )
    return int(conn.execute(q).scalar_one())


def count_by(conn: Connection, *, is_backfill: bool | None = None) -> dict[str, dict[str, int]]:
    """``{kind: {status: n}}``."""
    q = select(outbox.c.kind, outbox.c.status, func.count()).group_by(outbox.c.kind, outbox.c.status)
    if is_backfill is not None:
        q = q.where(outbox.c.is_backfill.is_(is_backfill))
    out: dict[str, dict[str, int]] = {}
    for k, s, n in conn.execute(q):
        out.setdefault(k, {})[s] = int(n)
    return out


def pending_rows(
    conn: Connection,
    *,
    is_backfill: bool | None = None,
    limit: int | None = None,
    kinds: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Pending rows, oldest first (for ``push --dry-run``), of ``kinds`` only when given."""
    q = select(outbox).where(outbox.c.status == "pending").order_by(outbox.c.id)
    if kinds is not None:
        q = q.where(outbox.c.kind.in_(list(kinds)))
    if is_backfill is not None:
        q = q.where(outbox.c.is_backfill.is_(is_backfill))
    if limit is not None:
        q = q.limit(limit)
    return [dict(r) for r in conn.execute(q).mappings()]


def pending_batch_ids(conn: Connection) -> list[int]:
    """Backfill batches that still have pending rows (crashed or paused batches), oldest first."""
    q = (
        select(outbox.c.batch_id)
        .where(outbox.c.status == "pending", outbox.c.is_backfill.is_(True), outbox.c.batch_id.is_not(None))
        .distinct()
        .order_by(outbox.c.batch_id)
    )
    return [int(b) for (b,) in conn.execute(q)]


def requeue_failed(
    conn: Connection, *, is_backfill: bool = False, kinds: Sequence[str] | None = None
) -> tuple[int, int]:
    """Failed rows (of ``kinds`` only when given) back to ``pending`` (attempts reset, due now); returns
    (requeued, left failed).

    A failed lead is left failed when its person and company (``dedupe_key``) has a live row by now (a
    later signal planned that lead again), and of several failed rows of one key only the newest is
    requeued: a retry must never create a second lead. ``last_error`` is kept until the next attempt.
    """
    conds = [outbox.c.status == "failed", outbox.c.is_backfill.is_(is_backfill)]
    if kinds is not None:
        conds.append(outbox.c.kind.in_(list(kinds)))
    failed = conn.execute(select(outbox.c.id, outbox.c.dedupe_key).where(*conds).order_by(outbox.c.id)).all()
    keys = sorted({str(k) for _, k in failed if k})
    live: set[str] = set()
    for part in _chunks(keys):
        live.update(
            str(k)
            for (k,) in conn.execute(
                select(outbox.c.dedupe_key).where(
                    outbox.c.dedupe_key.in_(part), outbox.c.status.in_(LIVE_STATUSES)
                )
            )
        )
    newest: dict[str, int] = {}
    ids: list[int] = []
    for row_id, key in failed:
        if not key:
            ids.append(int(row_id))
        elif str(key) not in live:
            newest[str(key)] = int(row_id)  # ordered by id: the last one wins
    ids.extend(newest.values())
    for part in _chunks(sorted(ids)):
        conn.execute(
            update(outbox)
            .where(outbox.c.id.in_(part), outbox.c.status == "failed")
            .values(status="pending", attempts=0, next_attempt_at=None)
        )
    return len(ids), len(failed) - len(ids)
