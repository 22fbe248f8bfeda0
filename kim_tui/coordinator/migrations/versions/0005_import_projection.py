"""report projection written by the importer: the insert triggers step aside during its writes

Migration 0004's triggers fill ``coord_report_<table>`` for every row inserted into
``coord_record``, parsing the document again in SQL (11–22 µs a record at import). The importer
already holds every record decoded, so it now writes the projection rows itself (see
`kim_tui.coordinator.merge`). While it inserts, it puts one row into ``coord_import_projecting``
(in its own transaction, removed straight after); the insert triggers skip rows inserted then.
Every other writer (fork release outside the merge, dropping superseded records, the first
report's check of an older store's rows, tests writing rows directly) is still projected by the
triggers, and updates and deletes always are. Nothing is re-filled: the projection of an existing
store already equals its records, and this only changes who writes new rows.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Frozen here, as in 0004 (the model's copy is `kim_tui.coordinator.store.REPORT_FIELDS`).
_FIELDS: dict[str, tuple[str, ...]] = {
    "client": ("gender", "nationality", "birth_year", "household"),
    "case": (
        "client_id", "first_contact_on", "closed_on", "closure_reason", "target_groups", "themes",
    ),
    "residencerecord": ("client_id", "status"),
    "assessment": ("case_id", "assessed_on"),
    "arearating": ("assessment_id", "area", "level"),
    "goalagreement": ("case_id",),
    "goal": ("agreement_id", "area", "status"),
    "referral": ("case_id", "sent_on", "agency", "legal_domain", "status"),
    "contactnote": ("case_id", "on", "kind", "minutes"),
    "handover": ("direction", "client", "date", "counterpart"),
}  # fmt: skip
_LIVE = "{r}.deleted = 0 AND {r}.checked = 1 AND {r}.problem IS NULL"
_WATCHED = ("client", "case", "assessment", "goalagreement")
_FLAG = "coord_import_projecting"


def _columns(table: str) -> str:
    return ", ".join(["id", "coach", "revision", "seq", *(f'"{f}"' for f in _FIELDS[table])])


def _values(table: str, r: str) -> str:
    extracted = (f"json_extract({r}.data, '$.{f}')" for f in _FIELDS[table])
    return ", ".join([f"{r}.id", f"{r}.coach", f"{r}.revision", f"{r}.rowid", *extracted])


def _shared(table: str) -> str:
    if table not in _WATCHED:
        return ""
    return (
        f"INSERT OR IGNORE INTO coord_report_shared (\"table\", id) SELECT '{table}', NEW.id "
        f"WHERE EXISTS (SELECT 1 FROM coord_report_{table} p "
        "WHERE p.id = NEW.id AND p.coach <> NEW.coach);"
    )


def _insert_trigger(table: str, guarded: bool) -> str:
    """0004's insert trigger; `guarded`: skipped while the importer projects its own rows."""
    insert = (
        f"INSERT OR REPLACE INTO coord_report_{table} ({_columns(table)}) "
        f"SELECT {_values(table, 'NEW')} WHERE NEW.\"table\" = '{table}' AND "
        + _LIVE.format(r="NEW")
        + ";"
    )
    guard = f" AND NOT EXISTS (SELECT 1 FROM {_FLAG})" if guarded else ""
    return (
        f"CREATE TRIGGER coord_report_{table}_insert AFTER INSERT ON coord_record "
        f"WHEN NEW.\"table\" = '{table}' AND {_LIVE.format(r='NEW')}{guard} "
        f"BEGIN {_shared(table)} {insert} END"
    )


def upgrade() -> None:
    op.create_table(
        _FLAG,
        sa.Column("importing", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("importing"),
    )
    for table in _FIELDS:
        op.execute(f"DROP TRIGGER coord_report_{table}_insert")
        op.execute(_insert_trigger(table, guarded=True))


def downgrade() -> None:
    for table in _FIELDS:
        op.execute(f"DROP TRIGGER coord_report_{table}_insert")
        op.execute(_insert_trigger(table, guarded=False))
    op.drop_table(_FLAG)
