"""Revision 0001 keeps creating exactly what it created when it was written.

Its table bodies live in ``store/migrations/initial_*_tables.py`` (to keep modules small), where they look
editable; they are not: a schema change is a new revision. This test renders the revision's upgrade and
downgrade as offline SQL for SQLite and PostgreSQL and compares a digest taken when the bodies moved out.
If an Alembic or SQLAlchemy upgrade changes only how that SQL is rendered, check the diff against the old
rendering and update the digest.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.operations import Operations

VERSIONS = Path(__file__).resolve().parents[1] / "src" / "jobshift" / "store" / "migrations" / "versions"
DIGEST = "4fa613dea371c703326a41e96b855897fdefec0f416521aaf4d600d218592e51"


def offline_sql(path: Path) -> str:
    """The upgrade then the downgrade of the revision at ``path``, as SQL text (SQLite, then PostgreSQL)."""
    out = []
    for dialect in ("sqlite", "postgresql"):
        buf = io.StringIO()
        opts = {"as_sql": True, "output_buffer": buf, "render_as_batch": dialect == "sqlite"}
        ctx = MigrationContext.configure(dialect_name=dialect, opts=opts)
        spec = importlib.util.spec_from_file_location(f"rev_{path.stem}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        with Operations.context(ctx):
            module.upgrade()
            module.downgrade()
        out.append(buf.getvalue())
    return "\n".join(out) + "\n"


def test_revision_0001_renders_the_sql_it_always_did() -> None:
    sql = offline_sql(VERSIONS / "0001_initial_schema.py")
    assert "CREATE TABLE accounts" in sql and "DROP TABLE account_aliases" in sql
    assert hashlib.sha256(sql.encode()).hexdigest() == DIGEST
