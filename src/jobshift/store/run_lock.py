"""One writer at a time per workspace and kind of run: ``push`` (and ``backfill``), ``detect``,
``import``, ``ingest``, ``notify`` (sending).

The lock lives outside any transaction and dies with its process, so a crash never leaves it held:
- SQLite: an exclusive ``flock`` on ``<database>.<kind>.lock`` beside the database file;
- PostgreSQL: a session-level advisory lock keyed by schema and kind, on a connection held for the run.

A second run of the same kind does not wait: it stops with :class:`RunLockedError` naming the run that
holds the lock ("another push is running (run 12, since 2026-12-07 13:02 UTC)"). Holding the lock also
proves that no other process of that kind is alive, so runs of that kind still marked ``running`` were
left by a process that died: they are closed ``abandoned`` at once. Nested use in one thread is
re-entrant; another thread of the same process is a second writer like any other.
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import func, select, update

from jobshift.errors import TransientError
from jobshift.store.engine import Store
from jobshift.store.schema import runs
from jobshift.utils.timeutil import utcnow

RUN_KINDS: dict[str, tuple[str, ...]] = {
    "push": ("push", "backfill"),
    "detect": ("detect",),
    "import": ("import",),
    "ingest": ("ingest",),
    "notify": ("notify",),
    "enrol": ("enrol",),
    "draft_crm": ("draft_crm",),
}
"""Lock name → the ``runs.kind`` values it covers (backfill writes through the same outbox as push)."""

P = ParamSpec("P")
R = TypeVar("R")
_held: dict[tuple[str, str, int], int] = {}
_guard = threading.Lock()


class RunLockedError(TransientError):
    """Another run of the same kind holds the workspace's lock (exit 1; try again when it is done)."""


def _identity(store: Store) -> str:
    return f"{store.engine.url.render_as_string(hide_password=True)}|{store.schema or ''}"


def _advisory_key(conn: Any, lock: str) -> int:
    """The advisory-lock key of ``lock`` in this database and schema (the schema may come from the URL's
    ``search_path``, so it is asked of the connection)."""
    db, schema = conn.execute(select(func.current_database(), func.current_schema())).one()
    digest = hashlib.sha256(f"jobshift:{db}:{schema}:{lock}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _holder(store: Store, lock: str) -> str:
    """Who holds the lock, from the runs log (best effort)."""
    q = (
        select(runs.c.id, runs.c.started_at)
        .where(runs.c.kind.in_(RUN_KINDS[lock]), runs.c.status == "running")
        .order_by(runs.c.id.desc())
        .limit(1)
    )
    try:
        with store.connect() as conn:
            row = conn.execute(q).first()
    except Exception:  # the message must not fail because the database is busy
        row = None
    if row is None:
        return f"another {lock} is running in this workspace"
    since = row.started_at.strftime("%Y-%m-%d %H:%M UTC") if row.started_at else "?"
    return f"another {lock} is running (run {row.id}, since {since})"


def _close_dead_runs(store: Store, lock: str) -> int:
    with store.begin() as conn:
        res = conn.execute(
            update(runs)
            .where(runs.c.kind.in_(RUN_KINDS[lock]), runs.c.status == "running")
            .values(
                status="abandoned",
                finished_at=utcnow(),
                error="its process ended while running (closed by the next run of this kind)",
            )
        )
    return max(res.rowcount or 0, 0)


@contextmanager
def _sqlite_lock(store: Store, lock: str) -> Iterator[None]:
    import fcntl

    db = store.engine.url.database
    if not db or db == ":memory:":
        yield
        return
    path = Path(db).with_name(f"{Path(db).name}.{lock}.lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunLockedError(_holder(store, lock)) from None
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def _postgres_lock(store: Store, lock: str) -> Iterator[None]:
    conn: Any = store.engine.connect()
    try:
        key = _advisory_key(conn, lock)
        got = conn.execute(select(func.pg_try_advisory_lock(key))).scalar()
        conn.commit()
        if not got:
            raise RunLockedError(_holder(store, lock))
        try:
            yield
        finally:
            conn.execute(select(func.pg_advisory_unlock(key)))
            conn.commit()
    finally:
        conn.close()


@contextmanager
def run_lock(store: Store, lock: str) -> Iterator[None]:
    """Hold the workspace's ``lock`` (a key of :data:`RUN_KINDS`) for the block; see the module doc."""
    if lock not in RUN_KINDS:
        raise ValueError(f"unknown run lock {lock!r}")
    key = (_identity(store), lock, threading.get_ident())
    with _guard:
        depth = _held.get(key, 0)
        if depth:
            _held[key] = depth + 1
    if depth:
        try:
            yield
        finally:
            with _guard:
                _held[key] -= 1
        return
    holder = _postgres_lock if store.dialect == "postgresql" else _sqlite_lock
    with holder(store, lock):
        with _guard:
            _held[key] = 1
        try:
            _close_dead_runs(store, lock)
            yield
        finally:
            with _guard:
                _held.pop(key, None)


def locked(lock: str) -> Callable[[Callable[Concatenate[Any, P], R]], Callable[Concatenate[Any, P], R]]:
    """Decorate a use case whose first argument is a workspace (``.store``): it runs under ``lock``."""

    def deco(fn: Callable[Concatenate[Any, P], R]) -> Callable[Concatenate[Any, P], R]:
        @functools.wraps(fn)
        def wrapper(ws: Any, /, *args: P.args, **kwargs: P.kwargs) -> R:
            with run_lock(ws.store, lock):
                return fn(ws, *args, **kwargs)

        return wrapper

    return deco
