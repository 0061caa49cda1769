"""The store opens, migrates idempotently and matches the SQLAlchemy metadata on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from jobshift.store import Store
from jobshift.store.schema import metadata


def test_migrated_schema_matches_metadata(store: Store) -> None:
    with store.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(ctx, metadata)
    assert diffs == []


def test_migrate_twice_is_noop(store: Store) -> None:
    store.migrate()
    with store.connect() as conn:
        names = set(inspect(conn).get_table_names())
    assert {"accounts", "contacts", "people_observations", "runs", "quarantine", "audit_log"} <= names
