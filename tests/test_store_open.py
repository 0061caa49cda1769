"""The store opens, migrates idempotently and matches the SQLAlchemy metadata on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from jobshift.store import Store
from jobshift.store.browse.fulltext import MANAGED_TABLES
from jobshift.store.schema import metadata


def _not_search_side(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Leave out what migration 0007 manages outside the metadata (the leads' full-text search)."""
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table not in MANAGED_TABLES


def test_migrated_schema_matches_metadata(store: Store) -> None:
    with store.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": _not_search_side}
        )
        diffs = compare_metadata(ctx, metadata)
    assert diffs == []


def test_migrate_twice_is_noop(store: Store) -> None:
    store.migrate()
    with store.connect() as conn:
        names = set(inspect(conn).get_table_names())
    assert {"accounts", "contacts", "people_observations", "runs", "quarantine", "audit_log"} <= names


def test_head_revisions_read_from_the_scripts_match_alembic() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from jobshift.store.engine import MIGRATIONS_DIR, head_revisions

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert head_revisions() == set(ScriptDirectory.from_config(cfg).get_heads())


def test_an_up_to_date_store_is_not_upgraded_again(store: Store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from alembic import command

    def fail(*_a: object, **_k: object) -> None:
        raise AssertionError("upgrade ran on a store at head")

    monkeypatch.setattr(command, "upgrade", fail)
    store.migrate()  # at head: returns before Alembic
    with store.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    called: list[bool] = []
    monkeypatch.setattr(command, "upgrade", lambda *_a, **_k: called.append(True))
    store.migrate()
    assert called == [True]
