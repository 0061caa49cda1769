"""The runs ledger: every import, ingest, detection, push, backfill batch and notification run."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from jobshift.store.schema import runs
from jobshift.utils.process import this_process
from jobshift.utils.timeutil import utcnow


def start_run(
    conn: Connection,
    kind: str,
    *,
    object: str | None = None,
    source: str | None = None,
    period_key: str | None = None,
) -> int:
    """Insert a ``running`` run and return its id.

    The run's ``counts`` record its owner (``{"owner": "host:pid"}``) until it is finished, so that
    ``jobshift doctor`` can tell a run in progress from one whose process was killed.
    """
    result = conn.execute(
        insert(runs)
        .values(
            kind=kind,
            object=object,
            source=source,
            period_key=period_key,
            status="running",
            started_at=utcnow(),
            counts={"owner": this_process()},
        )
        .returning(runs.c.id)
    )
    return int(result.scalar_one())


def finish_run(
    conn: Connection,
    run_id: int,
    *,
    status: str = "ok",
    counts: dict[str, Any] | None = None,
    error: str | None = None,
) -> None:
    """Close a run with its final status, counts and error message."""
    conn.execute(
        update(runs)
        .where(runs.c.id == run_id)
        .values(status=status, finished_at=utcnow(), counts=counts, error=error)
    )


def get_run(conn: Connection, run_id: int) -> dict[str, Any] | None:
    """One run as a dict, or ``None``."""
    row = conn.execute(select(runs).where(runs.c.id == run_id)).mappings().first()
    return dict(row) if row else None


def list_runs(conn: Connection, *, kind: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Newest runs first."""
    q = select(runs).order_by(runs.c.id.desc()).limit(limit)
    if kind:
        q = q.where(runs.c.kind == kind)
    return [dict(r) for r in conn.execute(q).mappings()]


def close_abandoned(conn: Connection, run_id: int, error: str, *, period_key: str | None = None) -> bool:
    """Close a run left ``running`` by a process that no longer exists as ``abandoned``.

    ``period_key`` replaces the run's period key (the scheduler frees the period so it runs again).
    Returns whether the row was still ``running`` (another process may have closed it meanwhile).
    """
    values: dict[str, Any] = {"status": "abandoned", "finished_at": utcnow(), "error": error}
    if period_key is not None:
        values["period_key"] = period_key
    result = conn.execute(
        update(runs).where(runs.c.id == run_id, runs.c.status == "running").values(**values)
    )
    return bool(result.rowcount)


def running_of_kind(conn: Connection, kind: str) -> list[dict[str, Any]]:
    """``id``, ``period_key`` and recorded ``owner`` (``host:pid`` or ``None``) of the ``running`` runs
    of ``kind``."""
    q = select(runs.c.id, runs.c.period_key, runs.c.counts).where(
        runs.c.kind == kind, runs.c.status == "running"
    )
    return [
        {"id": run_id, "period_key": key, "owner": (counts or {}).get("owner")}
        for run_id, key, counts in conn.execute(q)
    ]


def newest_source_by_object(conn: Connection, kind: str, *, exclude_status: str) -> dict[str, str]:
    """``{object: greatest source}`` over the runs of ``kind`` not in ``exclude_status`` (the scheduler's
    newest period per job; its sources are ISO times)."""
    q = (
        select(runs.c.object, func.max(runs.c.source))
        .where(runs.c.kind == kind, runs.c.object.is_not(None), runs.c.status != exclude_status)
        .group_by(runs.c.object)
    )
    return {str(o): str(src) for o, src in conn.execute(q) if src}


def period_recorded(conn: Connection, period_key: str) -> bool:
    """Whether a run of ``period_key`` is in the ledger (whatever its status)."""
    return conn.execute(select(runs.c.id).where(runs.c.period_key == period_key)).first() is not None


def last_ok_counts(conn: Connection, kind: str, object: str) -> Any:
    """The ``counts`` of the newest ``ok`` run of ``kind`` on ``object`` (``None`` when there is none)."""
    q = (
        select(runs.c.counts)
        .where(runs.c.kind == kind, runs.c.object == object, runs.c.status == "ok")
        .order_by(runs.c.id.desc())
        .limit(1)
    )
    return conn.execute(q).scalar()
