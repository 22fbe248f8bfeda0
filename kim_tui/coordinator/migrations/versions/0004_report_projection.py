"""report projection: the fields the report counts, as typed columns per table, kept by triggers

``coord_report_<table>`` holds, for every live record of a reported table that keeps the bundle
schema (``deleted`` = 0, ``checked`` = 1, no ``problem``), the fields the indicators read, so a
report is a few ``GROUP BY`` queries instead of parsing every document. Triggers on
``coord_record`` keep it equal to those records whatever writes them (import, fork release,
dropping superseded records, the first report's check of an older store's rows). The upgrade
fills it from the stored records. ``coord_report_shared`` notes ids that two coaches' records
had (the report then merges those coaches' scopes, see `kim_tui.coordinator.report_sql`).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Frozen here (the model's copy is `kim_tui.coordinator.store.REPORT_FIELDS`).
_INT = ("birth_year", "level", "minutes")
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
_KEYS: dict[str, tuple[str, ...]] = {"contactnote": ("coach", "kind", "on", "id")}
"""Contacts are most of the records: kept in the order they are counted in (coach, kind, day),
so the report reads them without a sort and the import writes no second index. Other tables:
by id (then coach)."""
_WATCHED = ("client", "case", "assessment", "goalagreement")
"""Tables whose ids other records refer to: two coaches with the same id there would make the
domain merge their rows (see `kim_tui.coordinator.report_sql`); ids of the other tables are
never looked up, so a shared one changes no count."""


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


def _triggers(table: str) -> list[str]:
    name, target = f"coord_report_{table}", f"coord_report_{table}"
    insert = (
        f"INSERT OR REPLACE INTO {target} ({_columns(table)}) "
        f"SELECT {_values(table, 'NEW')} WHERE NEW.\"table\" = '{table}' AND "
        + _LIVE.format(r="NEW")
        + ";"
    )
    delete = f"DELETE FROM {target} WHERE id = OLD.id AND coach = OLD.coach"
    for key in _KEYS.get(table, ()):
        if key not in ("id", "coach"):
            # The key as projected from the old document (only a live, good one was).
            value = (
                f"CASE WHEN {_LIVE.format(r='OLD')} AND json_valid(OLD.data) "
                f"THEN json_extract(OLD.data, '$.{key}') END"
            )
            delete += f' AND "{key}" = ({value})'
    delete += ";"
    return [
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON coord_record "
        f"WHEN NEW.\"table\" = '{table}' AND {_LIVE.format(r='NEW')} "
        f"BEGIN {_shared(table)} {insert} END",
        f'CREATE TRIGGER {name}_update AFTER UPDATE OF coach, "table", id, revision, deleted, '
        f"data, checked, problem ON coord_record "
        f"WHEN OLD.\"table\" = '{table}' OR NEW.\"table\" = '{table}' "
        f"BEGIN {delete} {_shared(table)} {insert} END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON coord_record "
        f"WHEN OLD.\"table\" = '{table}' BEGIN {delete} END",
    ]


def upgrade() -> None:
    for table, fields in _FIELDS.items():
        op.create_table(
            f"coord_report_{table}",
            sa.Column("id", sa.Text(), nullable=False),
            sa.Column("coach", sa.Text(), nullable=False),
            sa.Column("revision", sa.Integer(), nullable=False),
            sa.Column("seq", sa.Integer(), nullable=False),
            *(
                sa.Column(
                    f,
                    sa.Integer() if f in _INT else sa.Text(),
                    nullable=f not in _KEYS.get(table, ()),
                )
                for f in fields
            ),
            sa.PrimaryKeyConstraint(*_KEYS.get(table, ("id", "coach"))),
            sqlite_with_rowid=False,
        )
    op.create_table(
        "coord_report_shared",
        sa.Column("table", sa.Text(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("table", "id"),
        sqlite_with_rowid=False,
    )
    # Rows still to check or found bad: the few a report reads from coord_record itself.
    op.create_index(
        "ix_coord_record_unchecked",
        "coord_record",
        ["deleted"],
        sqlite_where=sa.text("checked = 0 OR problem IS NOT NULL"),
    )
    for table in _FIELDS:
        # Rows an older version let in unchecked are projected once the first report has
        # checked them (the update trigger); a document that is not JSON is never projected.
        op.execute(
            f"INSERT INTO coord_report_{table} ({_columns(table)}) "
            f"SELECT {_values(table, 'r')} FROM coord_record r WHERE r.\"table\" = '{table}' "
            f"AND {_LIVE.format(r='r')} AND json_valid(r.data)"
        )
        if table in _WATCHED:
            op.execute(
                f"INSERT INTO coord_report_shared (\"table\", id) SELECT '{table}', id "
                f"FROM coord_report_{table} GROUP BY id HAVING count(*) > 1"
            )
        for trigger in _triggers(table):
            op.execute(trigger)


def downgrade() -> None:
    op.drop_index("ix_coord_record_unchecked", table_name="coord_record")
    for table in _FIELDS:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS coord_report_{table}_{event}")
        op.drop_table(f"coord_report_{table}")
    op.drop_table("coord_report_shared")
