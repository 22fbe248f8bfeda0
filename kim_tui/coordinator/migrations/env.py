"""Alembic environment of the coordinator store: run on its own, already keyed connection, with
its own version table (``coord_alembic_version``) and only the coordinator's tables."""

from alembic import context

from kim_tui.coordinator.store import CoordinatorBase

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=CoordinatorBase.metadata,
    version_table=context.config.attributes["version_table"],
    render_as_batch=True,  # SQLite can only ALTER through table copies
)
with context.begin_transaction():
    context.run_migrations()
