"""``jobshift doctor``: is a workspace healthy, and (with ``repair``) fix what can be fixed safely.

Checks, in order: SQLite's own integrity check; the schema at the newest Alembic revision; every
index of the SQLAlchemy metadata present; no run left ``running`` by a process that has ended.
Repairs: upgrade the schema, recreate missing indexes, close dead runs as ``abandoned`` (a scheduler
period then runs again on the next tick). A damaged SQLite file is reported, never "repaired".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from jobshift.services.workspace import Workspace
from jobshift.store.engine import Store, head_revisions, hold_write_lock, known_revisions
from jobshift.store.health import (
    create_indexes,
    integrity_problems,
    missing_indexes,
    missing_tables,
    running_runs,
)
from jobshift.store.runs import close_abandoned
from jobshift.utils.process import owner_state


@dataclass
class Check:
    """One check: ``ok`` once nothing is wrong (any more); problems, repairs done, and notes."""

    name: str
    skipped: bool = False
    problems: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the check found nothing left to fix."""
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "ok": self.ok,
            "skipped": self.skipped,
            "problems": self.problems,
            "repaired": self.repaired,
            "notes": self.notes,
        }


@dataclass
class DoctorReport:
    """The checks of one workspace; ``healthy`` when none has a problem left."""

    workspace: str
    database: str
    repair: bool
    checks: list[Check] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        """No check has a problem left (after repairs, when asked to repair)."""
        return all(c.ok for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "workspace": self.workspace,
            "database": self.database,
            "repair": self.repair,
            "healthy": self.healthy,
            "checks": [c.to_dict() for c in self.checks],
        }


def examine(ws: Workspace, *, repair: bool = False) -> DoctorReport:
    """Check the workspace ``ws``; with ``repair``, fix what is safe to fix.

    The database is opened without migrating it (``ws.store`` would), so an old schema is seen.
    """
    store = Store.open(ws.database_url, migrate=False, busy_timeout=ws.config.store.busy_timeout_seconds)
    report = DoctorReport(
        workspace=str(ws.path),
        database=store.engine.url.render_as_string(hide_password=True),
        repair=repair,
    )
    try:
        steps: list[tuple[str, Callable[[Store, Check, bool], None]]] = [
            ("integrity", _integrity),
            ("schema", _schema),
            ("indexes", _indexes),
            ("runs", _runs),
        ]
        for name, step in steps:
            check = Check(name)
            report.checks.append(check)
            if name in ("indexes", "runs") and not _schema_ok(report):
                check.skipped = True
                check.notes.append("not checked: the schema is not at the newest revision")
                continue
            try:
                step(store, check, repair)
            except SQLAlchemyError as exc:
                check.problems.append(f"cannot check: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
    finally:
        store.dispose()
    return report


def _schema_ok(report: DoctorReport) -> bool:
    return all(c.ok for c in report.checks if c.name == "schema")


def _integrity(store: Store, check: Check, _repair: bool) -> None:
    if store.dialect != "sqlite":
        check.notes.append("PostgreSQL: not applicable (the server checks its own pages)")
        return
    with store.connect() as conn:
        found = integrity_problems(conn)
    if found:
        check.problems.extend(f"PRAGMA integrity_check: {line}" for line in found)
        check.notes.append("not repairable here: restore the database from a backup")
    else:
        check.notes.append("PRAGMA integrity_check: ok")


def _schema(store: Store, check: Check, repair: bool) -> None:
    stored, heads = store.revisions(), head_revisions()
    head = ", ".join(sorted(heads))
    if stored == heads:
        with store.connect() as conn:
            lacking = missing_tables(conn)
        if lacking:
            check.problems.append(f"at revision {head} but tables are missing: {', '.join(lacking)}")
        else:
            check.notes.append(f"at the newest revision {head}")
        return
    unknown = stored - known_revisions()
    if unknown:
        revs = ", ".join(sorted(unknown))
        check.problems.append(f"at revision {revs}, unknown to this jobshift (written by a newer version?)")
        return
    where = f"at revision {', '.join(sorted(stored))}" if stored else "not initialized (no schema)"
    if not repair:
        check.problems.append(f"{where}; the newest is {head} (jobshift doctor --repair upgrades it)")
        return
    store.migrate()
    check.repaired.append(f"upgraded from {where.removeprefix('at ')} to revision {head}")


def _indexes(store: Store, check: Check, repair: bool) -> None:
    with store.connect() as conn:
        lacking = missing_indexes(conn)
    if not lacking:
        check.notes.append("every index of the schema is present")
        return
    names = [f"{ix.name} on {ix.table.name}" for ix in lacking if ix.table is not None]
    if not repair:
        check.problems.append(f"{len(lacking)} missing: {', '.join(names)}")
        return
    with store.begin() as conn:
        hold_write_lock(conn)
        create_indexes(conn, lacking)
    check.repaired.append(f"recreated {len(lacking)}: {', '.join(names)}")


def _runs(store: Store, check: Check, repair: bool) -> None:
    with store.connect() as conn:
        running = running_runs(conn)
    dead: list[dict[str, Any]] = []
    for run in running:
        label = f"run {run['id']} ({' '.join(str(v) for v in (run['kind'], run['object']) if v)})"
        state = owner_state(run["owner"])
        if state == "gone":
            dead.append({**run, "label": label})
        elif state == "alive":
            check.notes.append(f"{label} is in progress (process {run['owner']})")
        elif state == "elsewhere":
            check.notes.append(f"{label} is running on another host ({run['owner']}); not checked from here")
        else:
            check.notes.append(
                f"{label} is marked running since {run['started_at']:%Y-%m-%d %H:%M} UTC with no recorded "
                "process (older jobshift); it cannot be checked"
            )
    if not dead:
        if not running:
            check.notes.append("no run is left running")
        return
    if not repair:
        check.problems.extend(
            f"{r['label']} started {r['started_at']:%Y-%m-%d %H:%M} UTC by process {r['owner']}, "
            "which has ended: it was killed or crashed"
            for r in dead
        )
        return
    from jobshift.services.schedule.scheduler import RUN_KIND, recover_abandoned

    if any(r["kind"] == RUN_KIND for r in dead):
        recover_abandoned(store)  # also frees the period so that it runs again
    with store.begin() as conn:
        for r in dead:
            if r["kind"] != RUN_KIND:
                close_abandoned(conn, int(r["id"]), f"process {r['owner']} ended without closing this run")
    check.repaired.extend(f"closed {r['label']} as abandoned" for r in dead)
