"""Opening the store: engine creation, SQLite pragmas, PostgreSQL schemas, migrations on open."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from jobshift.errors import StoreBusyError, StoreError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*[\"']([^\"']+)[\"']", re.M)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", re.M)


def known_revisions() -> set[str]:
    """Every revision id of the migration scripts (a database at another one is from a newer jobshift)."""
    out: set[str] = set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        rev = _REVISION.search(script.read_text(encoding="utf-8"))
        if rev:
            out.add(rev.group(1))
    return out


def head_revisions() -> set[str]:
    """The head revision ids of the migration scripts, read from their text (no Alembic import)."""
    revisions: set[str] = set()
    downs: set[str] = set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        body = script.read_text(encoding="utf-8")
        rev = _REVISION.search(body)
        if rev:
            revisions.add(rev.group(1))
        down = _DOWN.search(body)
        if down:
            downs.update(re.findall(r"[\"']([^\"']+)[\"']", down.group(1)))
    return revisions - downs


DEFAULT_BUSY_TIMEOUT = 30.0
"""Seconds a SQLite connection waits for another writer's lock before giving up."""


def is_locked(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite's ``database is locked`` (the busy timeout ran out)."""
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


def _sqlite_pragmas(busy_timeout: float) -> Any:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=OFF")
        cur.execute(f"PRAGMA busy_timeout={round(busy_timeout * 1000)}")
        cur.execute("PRAGMA cache_size=-65536")
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.close()

    return on_connect


def hold_write_lock(conn: Connection) -> None:
    """Start the transaction of ``conn`` now, holding the write lock, so DDL in it rolls back too.

    pysqlite (legacy transaction control) begins a transaction only before INSERT / UPDATE / DELETE:
    a ``DROP INDEX`` or ``CREATE INDEX`` issued before the first of them runs in autocommit and
    survives a rollback or a killed process. On SQLite this issues ``BEGIN IMMEDIATE`` (waiting up to
    the busy timeout for other writers) unless a transaction is open already; on PostgreSQL, where
    DDL is transactional, it does nothing.
    """
    if conn.dialect.name != "sqlite":
        return
    dbapi = conn.connection.dbapi_connection
    if not getattr(dbapi, "in_transaction", False):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class Store:
    """A handle on the jobshift database (SQLite file or PostgreSQL).

    ``schema`` (PostgreSQL only) puts every table in that schema; tests use one schema each.
    ``busy_timeout`` (SQLite only) is how long a write waits for another process's write lock; when
    it runs out, :meth:`begin` raises :class:`~jobshift.errors.StoreBusyError`.
    """

    def __init__(
        self, engine: Engine, schema: str | None = None, busy_timeout: float = DEFAULT_BUSY_TIMEOUT
    ) -> None:
        self.engine = engine
        self.schema = schema
        self.busy_timeout = busy_timeout

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @classmethod
    def open(
        cls,
        url: str,
        *,
        schema: str | None = None,
        migrate: bool = True,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> Store:
        """Connect to ``url`` and apply pending migrations."""
        try:
            engine = _make_engine(url, schema, busy_timeout)
            store = cls(engine, schema, busy_timeout)
            if migrate:
                store.migrate()
        except SQLAlchemyError as exc:
            if is_locked(exc):
                raise StoreBusyError(busy_timeout) from exc
            raise StoreError(
                f"cannot open database {_redact(url)}: {exc.__class__.__name__}: {exc}"
            ) from None
        return store

    def migrate(self) -> None:
        """Upgrade the database to the newest Alembic revision (a no-op when it is there already).

        The check reads ``alembic_version`` directly, so opening an up-to-date workspace does not load
        Alembic (~0.3 s on every CLI command).
        """
        if self._at_head():
            return
        from alembic import command
        from alembic.config import Config as AlembicConfig

        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def _at_head(self) -> bool:
        return self.revisions() == head_revisions()

    def revisions(self) -> set[str]:
        """The Alembic revisions the database is at (empty when it was never migrated)."""
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version", schema=self.schema):
                return set()
            return {str(r[0]) for r in conn.execute(text("SELECT version_num FROM alembic_version"))}

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A connection in a transaction: committed on success, rolled back on error.

        SQLite's ``database is locked`` (another process kept the write lock for longer than the busy
        timeout) becomes :class:`~jobshift.errors.StoreBusyError`.
        """
        try:
            with self.engine.begin() as conn:
                yield conn
        except OperationalError as exc:
            if is_locked(exc):
                raise StoreBusyError(self.busy_timeout) from exc
            raise

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for reads (autobegin; nothing committed)."""
        with self.engine.connect() as conn:
            yield conn

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def create_private_file(path: Path) -> bool:
    """Create ``path`` empty with mode 0600 whatever the umask (an empty file is a valid SQLite
    database; SQLite gives its -wal and -shm files the same mode). ``False`` if it existed."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    return True


def _make_engine(url: str, schema: str | None, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1].split("?", 1)[0]
        if path and path != ":memory:" and not path.startswith("file:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            create_private_file(Path(path))
        engine = create_engine(url, future=True)
        event.listen(engine, "connect", _sqlite_pragmas(busy_timeout))
        return engine
    kwargs: dict[str, Any] = {"future": True, "pool_pre_ping": True}
    if schema:
        kwargs["connect_args"] = {"options": f"-csearch_path={schema}"}
    engine = create_engine(url, **kwargs)
    if schema:
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    return engine


def _redact(url: str) -> str:
    """Hide a password in a database URL before it is printed."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}" if ":" in creds else url
    return url
