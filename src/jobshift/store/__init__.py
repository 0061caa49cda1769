"""The jobshift store: SQLAlchemy Core tables, Alembic migrations, queries (SQLite or PostgreSQL)."""

from jobshift.store.engine import Store

__all__ = ["Store"]
