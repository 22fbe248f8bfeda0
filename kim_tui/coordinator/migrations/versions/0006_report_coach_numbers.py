"""report projection keyed by coach numbers, and grouped tables kept in the order they are counted

Every row of ``coord_report_<table>`` carried the coach's fingerprint (64 characters) in its
key: at a state's scale (3 million records) a third of every contact row, and the report's time
is mostly SQLCipher decrypting those pages. ``coord_report_coach`` now gives each coach whose
records are projected a number (assigned once, never reused or changed), and the projection's
``coach`` column holds that number. The report maps numbers back to fingerprints
(`kim_tui.coordinator.report_sql`); the importer writes numbers (`kim_tui.coordinator.projection`);
the triggers (same events and guards as 0004/0005) look them up. The upgrade numbers the coaches
in fingerprint order and copies every projection table once, in key order; nothing is parsed
again, so the projection stays equal to its records. Area ratings, goals and referrals get keys
in the order the report groups them (see ``_KEYS``).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Frozen here, as in 0004 and 0005 (the model's copies are in `kim_tui.coordinator.store`).
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
_OLD_KEYS: dict[str, tuple[str, ...]] = {"contactnote": ("coach", "kind", "on", "id")}
_KEYS: dict[str, tuple[str, ...]] = {
    **_OLD_KEYS,
    "arearating": ("coach", "area", "level", "id"),
    "goal": ("coach", "area", "status", "id"),
    "referral": ("coach", "legal_domain", "status", "agency", "id"),
}
"""Area ratings, goals and referrals are now kept in the order they are grouped in, as the
contacts were: the report reads them without sorting (at a state's scale sorting the 340,000
area ratings took longer than reading them). Every key field is required by the bundle schema."""
_LIVE = "{r}.deleted = 0 AND {r}.checked = 1 AND {r}.problem IS NULL"
_WATCHED = ("client", "case", "assessment", "goalagreement")
_FLAG = "coord_import_projecting"
_COACHES = "coord_report_coach"
_REPORTED = ", ".join(f"'{t}'" for t in _FIELDS)


def _coach(r: str, numbered: bool) -> str:
    """The value of the projection's coach column for the record `r` (NEW or OLD)."""
    if not numbered:
        return f"{r}.coach"
    return f"(SELECT number FROM {_COACHES} WHERE fingerprint = {r}.coach)"


def _columns(table: str) -> str:
    return ", ".join(["id", "coach", "revision", "seq", *(f'"{f}"' for f in _FIELDS[table])])


def _values(table: str, r: str, numbered: bool) -> str:
    extracted = (f"json_extract({r}.data, '$.{f}')" for f in _FIELDS[table])
    return ", ".join([f"{r}.id", _coach(r, numbered), f"{r}.revision", f"{r}.rowid", *extracted])


def _number_coach(numbered: bool) -> str:
    """Give NEW's coach a number if it has none (a reported table's live record only)."""
    if not numbered:
        return ""
    return (
        f"INSERT OR IGNORE INTO {_COACHES} (fingerprint) SELECT NEW.coach "
        f'WHERE NEW."table" IN ({_REPORTED});'
    )


def _shared(table: str, numbered: bool) -> str:
    if table not in _WATCHED:
        return ""
    return (
        f"INSERT OR IGNORE INTO coord_report_shared (\"table\", id) SELECT '{table}', NEW.id "
        f"WHERE NEW.\"table\" = '{table}' AND EXISTS (SELECT 1 FROM coord_report_{table} p "
        f"WHERE p.id = NEW.id AND p.coach <> {_coach('NEW', numbered)});"
    )


def _insert(table: str, numbered: bool) -> str:
    return (
        f"INSERT OR REPLACE INTO coord_report_{table} ({_columns(table)}) "
        f"SELECT {_values(table, 'NEW', numbered)} WHERE NEW.\"table\" = '{table}' AND "
        + _LIVE.format(r="NEW")
        + ";"
    )


def _delete(table: str, numbered: bool) -> str:
    delete = f"DELETE FROM coord_report_{table} WHERE id = OLD.id AND coach = {_coach('OLD', numbered)}"
    for key in (_KEYS if numbered else _OLD_KEYS).get(table, ()):
        if key not in ("id", "coach"):
            # The key as projected from the old document (only a live, good one was).
            value = (
                f"CASE WHEN {_LIVE.format(r='OLD')} AND json_valid(OLD.data) "
                f"THEN json_extract(OLD.data, '$.{key}') END"
            )
            delete += f' AND "{key}" = ({value})'
    return delete + ";"


def _create_triggers(numbered: bool) -> None:
    """The triggers of 0004 (update, delete) and 0005 (the one insert trigger)."""
    for table in _FIELDS:
        name = f"coord_report_{table}"
        op.execute(
            f'CREATE TRIGGER {name}_update AFTER UPDATE OF coach, "table", id, revision, deleted, '
            f"data, checked, problem ON coord_record "
            f"WHEN OLD.\"table\" = '{table}' OR NEW.\"table\" = '{table}' "
            f"BEGIN {_delete(table, numbered)} {_number_coach(numbered)} "
            f"{_shared(table, numbered)} {_insert(table, numbered)} END"
        )
        op.execute(
            f"CREATE TRIGGER {name}_delete AFTER DELETE ON coord_record "
            f"WHEN OLD.\"table\" = '{table}' BEGIN {_delete(table, numbered)} END"
        )
    body = " ".join(_shared(t, numbered) + " " + _insert(t, numbered) for t in _FIELDS)
    op.execute(
        "CREATE TRIGGER coord_report_insert AFTER INSERT ON coord_record "
        f"WHEN {_LIVE.format(r='NEW')} AND NOT EXISTS (SELECT 1 FROM {_FLAG}) "
        f"BEGIN {_number_coach(numbered)} {body} END"
    )


def _drop_triggers() -> None:
    op.execute("DROP TRIGGER coord_report_insert")
    for table in _FIELDS:
        op.execute(f"DROP TRIGGER coord_report_{table}_update")
        op.execute(f"DROP TRIGGER coord_report_{table}_delete")


def _rebuild(table: str, numbered: bool) -> None:
    """Copy one projection table into its new layout (coach as number or as fingerprint), in
    key order, and put it in the old one's place."""
    new = f"coord_report_{table}_new"
    key = (_KEYS if numbered else _OLD_KEYS).get(table, ("id", "coach"))
    op.create_table(
        new,
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("coach", sa.Integer() if numbered else sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        *(
            sa.Column(f, sa.Integer() if f in _INT else sa.Text(), nullable=f not in key)
            for f in _FIELDS[table]
        ),
        sa.PrimaryKeyConstraint(*key),
        sqlite_with_rowid=False,
    )
    coach = "k.number" if numbered else "k.fingerprint"
    on = "k.fingerprint = p.coach" if numbered else "k.number = p.coach"
    fields = ", ".join(f'p."{f}"' for f in _FIELDS[table])
    order = ", ".join("c" if k == "coach" else f'p."{k}"' for k in key)
    op.execute(
        f"INSERT INTO {new} ({_columns(table)}) "
        f"SELECT p.id, {coach} AS c, p.revision, p.seq, {fields} "
        f"FROM coord_report_{table} p JOIN {_COACHES} k ON {on} ORDER BY {order}"
    )
    op.drop_table(f"coord_report_{table}")
    op.rename_table(new, f"coord_report_{table}")


def upgrade() -> None:
    op.create_table(
        _COACHES,
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("number"),
        sa.UniqueConstraint("fingerprint"),
    )
    every = " UNION ".join(f"SELECT DISTINCT coach FROM coord_report_{t}" for t in _FIELDS)
    op.execute(f"INSERT INTO {_COACHES} (fingerprint) SELECT coach FROM ({every}) ORDER BY coach")
    _drop_triggers()
    for table in _FIELDS:
        _rebuild(table, numbered=True)
    _create_triggers(numbered=True)


def downgrade() -> None:
    _drop_triggers()
    for table in _FIELDS:
        _rebuild(table, numbered=False)
    _create_triggers(numbered=False)
    op.drop_table(_COACHES)
