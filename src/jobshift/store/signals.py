"""The ``signals`` table: idempotent upserts by ``signal_id`` and reads for export / evaluation.

An upsert never changes a stored signal's ``detected_at``, never lets an older observation replace a
newer one, and never touches signals already acted on (``pushed``/``duplicate`` or with a lead).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, delete, func, insert, select, update

from jobshift.store.schema import account_aliases, accounts, signals
from jobshift.utils.grouped_update import update_by_key

_CHUNK = 5000
_IN_CHUNK = 900  # ids per "IN (...)" (SQLite's default limit on bound parameters is 999)
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
_COLUMNS = tuple(c.name for c in signals.columns)


ROW_COLUMNS: tuple[str, ...] = tuple(c for c in _COLUMNS if c != "detected_at")
"""Column order of the tuples :func:`upsert_tuples` takes (every column but ``detected_at``)."""


def upsert_signals(
    conn: Connection, rows: Iterable[Mapping[str, Any]], detected_at: datetime
) -> dict[str, int]:
    """Insert new signals, refresh changed ones; return counts ``inserted``/``updated``/``unchanged``.

    ``evidence`` may be a dict or its JSON text.
    """
    return upsert_tuples(conn, (tuple(r.get(c) for c in ROW_COLUMNS) for r in rows), detected_at)


def upsert_tuples(conn: Connection, rows: Iterable[Sequence[Any]], detected_at: datetime) -> dict[str, int]:
    """:func:`upsert_signals` for rows given as tuples in :data:`ROW_COLUMNS` order (the engine's path).

    Rows go through the DB-API cursor of ``conn`` (same transaction) as plain tuples: SQLAlchemy's
    per-row bind processing cost ~100 µs a signal.
    """
    counts = {"inserted": 0, "updated": 0, "unchanged": 0}
    batch: list[Sequence[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= _CHUNK:
            _upsert_chunk(conn, batch, detected_at, counts)
            batch = []
    if batch:
        _upsert_chunk(conn, batch, detected_at, counts)
    return counts


def _ph(conn: Connection) -> str:
    return "?" if conn.dialect.name == "sqlite" else "%s"


def _evidence_obj(value: Any) -> Any:
    if value is None or isinstance(value, dict | list):
        return value
    if isinstance(value, bytes | str):
        return orjson.loads(value) if value else None
    return value


def _db_value(conn: Connection, col: str, value: Any) -> Any:
    if col == "evidence":
        if value is None or isinstance(value, str):
            return value
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    if col == "detected_at" and isinstance(value, datetime) and conn.dialect.name == "sqlite":
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's SQLite DateTime storage format
    return value


def _existing(conn: Connection, ids: list[str]) -> dict[str, dict[str, Any]]:
    cols = ["signal_id", "lead_id", *_MUTABLE]
    sel = ", ".join(
        "evidence::text" if c == "evidence" and conn.dialect.name != "sqlite" else c for c in cols
    )
    out: dict[str, dict[str, Any]] = {}
    cur = conn.connection.cursor()
    try:
        for i in range(0, len(ids), _IN_CHUNK):
            part = ids[i : i + _IN_CHUNK]
            cur.execute(
                f"SELECT {sel} FROM signals WHERE signal_id IN ({', '.join([_ph(conn)] * len(part))})", part
            )
            for r in cur.fetchall():
                out[r[0]] = dict(zip(cols, r, strict=True))
    finally:
        cur.close()
    return out


_ID = ROW_COLUMNS.index("signal_id")
_EVIDENCE = ROW_COLUMNS.index("evidence")


def _upsert_chunk(
    conn: Connection, rows: list[Sequence[Any]], detected_at: datetime, counts: dict[str, int]
) -> None:
    by_id = {r[_ID]: r for r in rows}
    existing = _existing(conn, list(by_id))
    new_rows: list[tuple[Any, ...]] = []
    changed: list[tuple[Any, ...]] = []
    det = _db_value(conn, "detected_at", detected_at)
    for sid, row in by_id.items():
        old = existing.get(sid)
        if old is None:
            ev = row[_EVIDENCE]
            if ev is None or isinstance(ev, str):
                new_rows.append((*row, det))
            else:
                new_rows.append(
                    (*row[:_EVIDENCE], _db_value(conn, "evidence", ev), *row[_EVIDENCE + 1 :], det)
                )
            continue
        rec = dict(zip(ROW_COLUMNS, row, strict=True))
        if str(rec.get("observed_at") or "") < str(old["observed_at"] or ""):
            counts["unchanged"] += 1  # an older observation never overrides a newer one
            continue
        values = {c: rec.get(c) for c in _MUTABLE}
        if old["lead_id"] or old["status"] in _FINAL_STATUSES:
            values["status"] = old["status"]
        if all(_same(c, values[c], old[c]) for c in _MUTABLE):
            counts["unchanged"] += 1
            continue
        changed.append((*(_db_value(conn, c, values[c]) for c in _MUTABLE), sid))
    ph = _ph(conn)
    cur = conn.connection.cursor()
    try:
        if new_rows and conn.dialect.name == "postgresql":
            _copy_new(cur, new_rows)
            counts["inserted"] += len(new_rows)
        elif new_rows:
            cur.executemany(
                f"INSERT INTO signals ({', '.join([*ROW_COLUMNS, 'detected_at'])}) "
                f"VALUES ({', '.join([ph] * len(_COLUMNS))})",
                new_rows,
            )
            counts["inserted"] += len(new_rows)
        if changed:
            sets = ", ".join(f"{c} = {ph}" for c in _MUTABLE)
            cur.executemany(f"UPDATE signals SET {sets} WHERE signal_id = {ph}", changed)
            counts["updated"] += len(changed)
    finally:
        cur.close()


def _copy_new(cur: Any, rows: list[tuple[Any, ...]]) -> None:
    """New signals into PostgreSQL by ``COPY ... FROM STDIN`` (row inserts cost ~0.1 ms a signal there:
    18 s of a million-profile `detect`); the rows are in ``ROW_COLUMNS`` order + ``detected_at``."""
    with cur.copy(f"COPY signals ({', '.join([*ROW_COLUMNS, 'detected_at'])}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)


def _same(col: str, a: Any, b: Any) -> bool:
    if col == "evidence":
        return bool(_evidence_obj(a) == _evidence_obj(b))
    if isinstance(a, bool) or isinstance(b, bool):
        return (None if a is None else bool(a)) == (None if b is None else bool(b))
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


def new_of_types(conn: Connection, types: Iterable[str]) -> list[dict[str, Any]]:
    """``new`` signals of ``types``, oldest detection first (then by ``signal_id``)."""
    q = (
        select(signals)
        .where(signals.c.status == "new", signals.c.type.in_(sorted(types)))
        .order_by(signals.c.detected_at, signals.c.signal_id)
    )
    return [dict(r) for r in conn.execute(q).mappings()]


def record_outcomes(conn: Connection, outcomes: Sequence[tuple[str, str, str | None]]) -> None:
    """Set ``(signal_id, status, lead_id)`` of acted-on signals (``pushed`` / ``duplicate`` and the lead)."""
    update_by_key(
        conn, signals, [(sid, {"status": st, "lead_id": lead}) for sid, st, lead in outcomes], key="signal_id"
    )


def mark_pushed(conn: Connection, signal_ids: Sequence[str], types: Iterable[str]) -> None:
    """``new`` signals among ``signal_ids`` whose type is one of ``types`` become ``pushed``."""
    for i in range(0, len(signal_ids), _IN_CHUNK):
        conn.execute(
            update(signals)
            .where(
                signals.c.signal_id.in_(signal_ids[i : i + _IN_CHUNK]),
                signals.c.type.in_(list(types)),
                signals.c.status == "new",
            )
            .values(status="pushed")
        )


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


def aliases_with_account_names(conn: Connection) -> list[dict[str, Any]]:
    """Every alias with its account's ``account_name``, by account name then alias id."""
    q = (
        select(account_aliases, accounts.c.name.label("account_name"))
        .join_from(account_aliases, accounts, accounts.c.id == account_aliases.c.account_id, isouter=True)
        .order_by(accounts.c.name, account_aliases.c.id)
    )
    return [dict(r) for r in conn.execute(q).mappings()]


def delete_alias(conn: Connection, alias_id: int) -> dict[str, Any] | None:
    """Remove one alias row; returns it as it was (``None`` when there is no such row)."""
    row = conn.execute(select(account_aliases).where(account_aliases.c.id == alias_id)).mappings().first()
    if row is None:
        return None
    conn.execute(delete(account_aliases).where(account_aliases.c.id == alias_id))
    return dict(row)
