"""The review queue's SQL: uncertain signals (a doubtful identity match), a reviewer's decision on the
pair (contact, profile), and applying the decisions to what detection stores.

A decision is about the *pair*, not one signal: once a reviewer confirms that profile ``person_key`` is
contact ``contact_id``, that pair's uncertain signals become ``new`` (push turns them into leads through
the outbox like any other); once rejected, its signals are ``suppressed:review_rejected`` and stay so —
:func:`apply_reviews` runs after every detection, so the pair is never raised again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, exists, func, insert, literal, select, update

from jobshift.store.audit import audit
from jobshift.store.browse.scope import Viewer, signal_scope
from jobshift.store.schema import accounts, contacts, people_observations, signal_reviews, signals, users

UNCERTAIN = "uncertain"
CONFIRMED = "new"
REJECTED = "suppressed:review_rejected"
DECISIONS = ("confirm", "reject")
COUNT_CAP = 1000


def _queue_where(viewer: Viewer) -> Any:
    return and_(signals.c.status == UNCERTAIN, signal_scope(viewer))


def count_uncertain(conn: Connection, viewer: Viewer) -> int:
    """How many uncertain signals the viewer may review (counted up to :data:`COUNT_CAP` + 1)."""
    capped = select(literal(1)).select_from(signals).where(_queue_where(viewer)).limit(COUNT_CAP + 1)
    return int(conn.execute(select(func.count()).select_from(capped.subquery())).scalar_one())


def queue(conn: Connection, viewer: Viewer, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Uncertain signals the viewer may review, oldest detection first (the longest waiting on top)."""
    owner = users.alias("owner")
    q = (
        select(
            signals.c.signal_id,
            signals.c.type,
            signals.c.full_name,
            signals.c.past_company,
            signals.c.new_company,
            signals.c.new_title,
            signals.c.confidence,
            signals.c.match_rule,
            signals.c.detected_at,
            signals.c.observed_at,
            signals.c.contact_id,
            owner.c.name.label("owner_name"),
        )
        .select_from(
            signals.outerjoin(contacts, contacts.c.id == signals.c.contact_id).outerjoin(
                owner, owner.c.id == contacts.c.owner_id
            )
        )
        .where(_queue_where(viewer))
        .order_by(signals.c.detected_at, signals.c.signal_id)
        .limit(limit)
        .offset(offset)
    )
    return [dict(r) for r in conn.execute(q).mappings()]


def pair(conn: Connection, viewer: Viewer, signal_id: str) -> dict[str, Any] | None:
    """A signal the viewer may see, with its CRM contact (and account) and the profile's newest
    observation and history; ``None`` when not visible."""
    sig = conn.execute(select(signals).where(signals.c.signal_id == signal_id, signal_scope(viewer)))
    row = sig.mappings().first()
    if row is None:
        return None
    out: dict[str, Any] = {"signal": dict(row), "contact": None, "account": None, "profile": None}
    if row["contact_id"]:
        c = conn.execute(select(contacts).where(contacts.c.id == row["contact_id"])).mappings().first()
        out["contact"] = dict(c) if c else None
        if c and c["account_id"]:
            a = conn.execute(
                select(accounts.c.id, accounts.c.name, accounts.c.domain, accounts.c.type).where(
                    accounts.c.id == c["account_id"]
                )
            )
            acc = a.mappings().first()
            out["account"] = dict(acc) if acc else None
    if row["person_key"]:
        p = people_observations
        obs = conn.execute(
            select(p).where(p.c.person_key == row["person_key"]).order_by(p.c.observed_at.desc()).limit(1)
        )
        prof = obs.mappings().first()
        out["profile"] = dict(prof) if prof else None
    out["decisions"] = [
        dict(r)
        for r in conn.execute(
            select(signal_reviews)
            .where(
                signal_reviews.c.contact_id == (row["contact_id"] or ""),
                signal_reviews.c.person_key == (row["person_key"] or ""),
            )
            .order_by(signal_reviews.c.id)
        ).mappings()
    ]
    return out


def decide(
    conn: Connection,
    signal: dict[str, Any],
    decision: str,
    *,
    actor: str,
    reason: str,
    now: datetime,
) -> list[str]:
    """Record ``decision`` (confirm / reject) on the signal's pair, audited; the signal ids it changed."""
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {DECISIONS}")
    conn.execute(
        insert(signal_reviews).values(
            signal_id=signal["signal_id"],
            contact_id=signal["contact_id"],
            person_key=signal["person_key"],
            decision=decision,
            reason=reason or None,
            actor=actor,
            decided_at=now,
        )
    )
    audit(
        conn,
        actor=actor,
        action=decision,
        object="signal_reviews",
        record_id=signal["signal_id"],
        after={"contact_id": signal["contact_id"], "person_key": signal["person_key"], "reason": reason},
    )
    return _apply_pair(conn, signal["contact_id"], signal["person_key"], decision, actor)


def _pair_signals(conn: Connection, contact_id: str, person_key: str, statuses: tuple[str, ...]) -> list[Any]:
    q = select(signals.c.signal_id, signals.c.status).where(
        signals.c.contact_id == contact_id,
        signals.c.person_key == person_key,
        signals.c.status.in_(statuses),
        signals.c.lead_id.is_(None),
    )
    return list(conn.execute(q))


def _apply_pair(conn: Connection, contact_id: str, person_key: str, decision: str, actor: str) -> list[str]:
    target, sources = (CONFIRMED, (UNCERTAIN,)) if decision == "confirm" else (REJECTED, (UNCERTAIN, "new"))
    changed = []
    for sid, before in _pair_signals(conn, contact_id, person_key, sources):
        conn.execute(update(signals).where(signals.c.signal_id == sid).values(status=target))
        audit(
            conn,
            actor=actor,
            action=decision,
            object="signals",
            record_id=sid,
            before={"status": before},
            after={"status": target},
        )
        changed.append(sid)
    return changed


def _latest_decisions() -> Any:
    """Each reviewed pair's newest decision."""
    r = signal_reviews
    newest = select(func.max(r.c.id).label("id")).group_by(r.c.contact_id, r.c.person_key).scalar_subquery()
    return select(r.c.contact_id, r.c.person_key, r.c.decision).where(r.c.id.in_(newest)).subquery()


def apply_reviews(conn: Connection) -> dict[str, int]:
    """After detection: signals of rejected pairs become ``suppressed:review_rejected``, uncertain
    signals of confirmed pairs become ``new`` (set-based; signals with a lead are left alone)."""
    if conn.execute(select(signal_reviews.c.id).limit(1)).first() is None:
        return {"reject": 0, "confirm": 0}  # nothing reviewed yet: no statement over the signals
    latest = _latest_decisions()
    out = {}
    for decision, target, sources in (
        ("reject", REJECTED, (UNCERTAIN, "new")),
        ("confirm", CONFIRMED, (UNCERTAIN,)),
    ):
        match = exists().where(
            latest.c.decision == decision,
            latest.c.contact_id == signals.c.contact_id,
            latest.c.person_key == signals.c.person_key,
        )
        res = conn.execute(
            update(signals)
            .where(signals.c.status.in_(sources), signals.c.lead_id.is_(None), match)
            .values(status=target)
        )
        out[decision] = int(res.rowcount or 0)
    return out


def last_decision(conn: Connection, signal: dict[str, Any]) -> str | None:
    """The newest decision on the signal's pair (contact, profile), ``None`` if never reviewed."""
    if not signal.get("contact_id") or not signal.get("person_key"):
        return None
    q = (
        select(signal_reviews.c.decision)
        .where(
            signal_reviews.c.contact_id == signal["contact_id"],
            signal_reviews.c.person_key == signal["person_key"],
        )
        .order_by(signal_reviews.c.id.desc())
        .limit(1)
    )
    return conn.execute(q).scalar()


def pair_signal_ids(conn: Connection, signal: dict[str, Any]) -> list[str]:
    """The ``new`` signals (no lead yet) of the signal's pair: what a re-confirmation may still plan."""
    rows = _pair_signals(conn, signal["contact_id"], signal["person_key"], (CONFIRMED,))
    return [str(sid) for sid, _ in rows]
