"""The ``signals`` table: idempotent upserts by ``signal_id`` and reads for export / evaluation.

An upsert never changes a stored signal's ``detected_at``, never lets an older observation replace a
newer one, and never touches signals already acted on (``pushed``/``duplicate`` or with a lead).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from jobshift.store.schema import account_aliases, signals

_CHUNK = 900
_MUTABLE = (
    "confidence",
    "evidence",
    "match_rule",
    "observed_at",
    "status",
    "person_id",
    "is_customer_company",
    "is_target_company",
    "has_open_opportunity",
    "persona_match",
)
_FINAL_STATUSES = ("pushed", "duplicate")


def upsert_signals(
    conn: Connection, rows: Iterable[Mapping[str, Any]], detected_at: datetime
) -> dict[str, int]:
    """Insert new signals, refresh changed ones; return counts ``inserted``/``updated``/``unchanged``."""
    counts = {"inserted": 0, "updated": 0, "unchanged": 0}
    batch: list[Mapping[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= _CHUNK:
            _upsert_chunk(conn, batch, detected_at, counts)
            batch = []
    if batch:
        _upsert_chunk(conn, batch, detected_at, counts)
    return counts


def _upsert_chunk(
    conn: Connection, rows: list[Mapping[str, Any]], detected_at: datetime, counts: dict[str, int]
) -> None:
    by_id = {r["signal_id"]: r for r in rows}
    existing = {
        r["signal_id"]: r
        for r in conn.execute(
            select(signals.c.signal_id, signals.c.lead_id, *[signals.c[c] for c in _MUTABLE]).where(
                signals.c.signal_id.in_(list(by_id))
            )
        ).mappings()
    }
    cols = [c.name for c in signals.columns]
    new_rows = []
    changed: list[dict[str, Any]] = []
    for sid, row in by_id.items():
        old = existing.get(sid)
        if old is None:
            new = {c: row.get(c) for c in cols}
            new["detected_at"] = detected_at
            new_rows.append(new)
            continue
        if str(row.get("observed_at") or "") < str(old["observed_at"] or ""):
            counts["unchanged"] += 1  # an older observation never overrides a newer one
            continue
        values = {c: row.get(c) for c in _MUTABLE}
        if old["lead_id"] or old["status"] in _FINAL_STATUSES:
            values["status"] = old["status"]
        if all(_same(values[c], old[c]) for c in _MUTABLE):
            counts["unchanged"] += 1
            continue
        changed.append({"b_id": sid, **{f"b_{c}": v for c, v in values.items()}})
    if new_rows:
        conn.execute(insert(signals), new_rows)
        counts["inserted"] += len(new_rows)
    if changed:
        stmt = (
            update(signals)
            .where(signals.c.signal_id == bindparam("b_id"))
            .values({c: bindparam(f"b_{c}") for c in _MUTABLE})
        )
        conn.execute(stmt, changed)
        counts["updated"] += len(changed)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) < 1e-9
    return bool(a == b)


def iter_signals(conn: Connection, *, types: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
    """Every stored signal, ordered by ``signal_id``."""
    q = select(signals).order_by(signals.c.signal_id)
    if types:
        q = q.where(signals.c.type.in_(list(types)))
    for row in conn.execute(q).mappings():
        yield dict(row)


def newest_per_subject(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The newest detection per (person, type, new company), ordered by ``signal_id``.

    Person = contact id, else person key; new company = matched account, else domain, else name.
    Newest = latest ``detected_at``, then latest ``observed_at``, then the largest id.
    """
    best: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in rows:
        key = (
            str(r.get("contact_id") or r.get("person_key") or ""),
            str(r["type"]),
            str(
                r.get("matched_account_id")
                or r.get("new_company_domain")
                or (r.get("new_company") or "").lower()
            ),
        )
        cur = best.get(key)
        if cur is None or _rank(r) > _rank(cur):
            best[key] = r
    return sorted(best.values(), key=lambda r: str(r["signal_id"]))


def _rank(r: Mapping[str, Any]) -> tuple[str, str, str]:
    return (str(r.get("detected_at") or ""), str(r.get("observed_at") or ""), str(r["signal_id"]))


def count_by_type_status(conn: Connection) -> dict[str, dict[str, int]]:
    """``{type: {status: n}}`` over the whole table."""
    out: dict[str, dict[str, int]] = {}
    q = select(signals.c.type, signals.c.status, func.count()).group_by(signals.c.type, signals.c.status)
    for t, s, n in conn.execute(q):
        out.setdefault(t, {})[s] = int(n)
    return out


def list_aliases(conn: Connection) -> list[dict[str, Any]]:
    """Every row of ``account_aliases``."""
    return [dict(r) for r in conn.execute(select(account_aliases)).mappings()]


def add_alias(
    conn: Connection,
    account_id: str,
    *,
    name: str | None = None,
    domain: str | None = None,
    linkedin_norm: str | None = None,
    created_at: datetime | None = None,
) -> None:
    """Record another name / domain / LinkedIn page of ``account_id``."""
    conn.execute(
        insert(account_aliases).values(
            account_id=account_id,
            alias_name=name,
            alias_domain=domain,
            alias_linkedin_norm=linkedin_norm,
            created_at=created_at,
        )
    )
