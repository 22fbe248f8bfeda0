"""Alembic environment: always run on the vault's own, already keyed connection."""

from alembic import context
from sqlmodel import SQLModel

import kim_tui.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    version_table=context.config.attributes.get("version_table", "alembic_version"),
    render_as_batch=True,  # SQLite can only ALTER through table copies
)
with context.begin_transaction():
    context.run_migrations()
