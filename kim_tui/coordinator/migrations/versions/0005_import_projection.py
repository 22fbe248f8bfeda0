"""report projection written by the importer: the insert triggers step aside during its writes

Migration 0004's triggers fill ``coord_report_<table>`` for every row inserted into
``coord_record``, parsing the document again in SQL (11–22 µs a record at import). The importer
already holds every record decoded, so it now writes the projection rows itself (see
`kim_tui.coordinator.merge`). While it inserts, it puts one row into ``coord_import_projecting``
(in its own transaction, removed straight after); the insert trigger skips rows inserted then.
The ten insert triggers (one per table) become one that does what they did.
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
        f"WHERE NEW.\"table\" = '{table}' AND EXISTS (SELECT 1 FROM coord_report_{table} p "
        "WHERE p.id = NEW.id AND p.coach <> NEW.coach);"
    )


def _insert(table: str) -> str:
    return (
        f"INSERT OR REPLACE INTO coord_report_{table} ({_columns(table)}) "
        f"SELECT {_values(table, 'NEW')} WHERE NEW.\"table\" = '{table}' AND "
        + _LIVE.format(r="NEW")
        + ";"
    )


def upgrade() -> None:
    op.create_table(
        _FLAG,
        sa.Column("importing", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("importing"),
    )
    # One trigger instead of one per table: SQLite runs every AFTER INSERT trigger's program
    # for every row to test its WHEN, about 0.9 µs each, so ten cost 9 µs a row even when
    # none of them applied.
    for table in _FIELDS:
        op.execute(f"DROP TRIGGER coord_report_{table}_insert")
    body = " ".join(_shared(table) + " " + _insert(table) for table in _FIELDS)
    op.execute(
        "CREATE TRIGGER coord_report_insert AFTER INSERT ON coord_record "
        f"WHEN {_LIVE.format(r='NEW')} AND NOT EXISTS (SELECT 1 FROM {_FLAG}) "
        f"BEGIN {body} END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER coord_report_insert")
    for table in _FIELDS:
        # As migration 0004 made them.
        op.execute(
            f"CREATE TRIGGER coord_report_{table}_insert AFTER INSERT ON coord_record "
            f"WHEN NEW.\"table\" = '{table}' AND {_LIVE.format(r='NEW')} "
            f"BEGIN {_shared(table)} {_insert(table)} END"
        )
    op.drop_table(_FLAG)
