"""Alembic environment: migrations run on the connection the Store hands over."""

from __future__ import annotations

from alembic import context

from jobshift.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - jobshift always passes a connection
    raise RuntimeError("jobshift migrations must be run through Store.migrate()")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
