"""The report projection of the rows an import inserts, written from the decoded records.

Migration 0004's triggers project every row inserted into ``coord_record`` by parsing its
document again (`json_extract`); at import that was up to half the time a record costs. The
importer holds every record decoded already, so it writes the same projection rows itself, with
one ``executemany`` per table and chunk, while `importing_rows` tells the insert triggers to step
aside (migration 0005). Updates and deletes stay with the triggers (the projection of a contact
is keyed by fields of its old document, which the merge never reads).

The values are exactly what ``json_extract(data, '$.<field>')`` gives for the stored document:
strings, numbers and NULL as they are, true/false as 1/0, a list or object as its compact JSON
text (SQLite's minified form of the document's own text), an integer beyond 64 bits as a real.
`tests/coordinator/test_import_projection.py` compares both after real imports.

The projection's ``coach`` column holds the coach's number from ``coord_report_coach``
(migration 0006), given here the first time a coach's rows are written, as the triggers do.
"""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from kim_tui.coordinator.store import (
    IMPORT_PROJECTING,
    REPORT_COACH,
    REPORT_FIELDS,
    REPORT_KEYS,
    REPORT_WATCHED,
)

FIELDS: dict[str, tuple[str, ...]] = {
    table: tuple(name for name, _kind in fields) for table, fields in REPORT_FIELDS.items()
}
"""Per projected table, the document fields of its projection row, in column order."""

_compact = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode
_INT64 = (-(2**63), 2**63 - 1)

ProjectionRow = tuple[Any, ...]
"""(id, coach, revision, seq, *field values) in ``coord_report_<table>`` column order (the coach
as given to `write_rows`, which puts the coach's number in its place)."""


def _sql_value(value: Any) -> Any:
    kind = type(value)
    if kind is list or kind is dict:
        return _compact(value)
    if kind is bool:
        return int(value)  # as json_extract gives it; and the driver binds a bool slowly
    if kind is int and not _INT64[0] <= value <= _INT64[1]:  # never in a checked record
        return float(value)  # SQLite reads an integer it cannot hold as a real
    return value


def report_values(table: str, data: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The projected fields of a live record's document (None: the table is not reported)."""
    fields = FIELDS.get(table)
    if fields is None:
        return None
    values = tuple(map(data.get, fields))
    # Checked records hold strings, None and integers the schema bounds: kept as they are
    # (looked at in C, this runs for every record); lists and anything else converted.
    if _PLAIN.issuperset(map(type, values)):
        return values
    return tuple([_sql_value(value) for value in values])


_PLAIN = frozenset({str, int, float, type(None)})


@functools.cache
def _insert_sql(table: str) -> str:
    columns = ", ".join(["id", "coach", "revision", "seq", *(f'"{f}"' for f in FIELDS[table])])
    marks = ", ".join(["?"] * (4 + len(FIELDS[table])))
    # OR REPLACE as the triggers: the row of a record that had none yet.
    return f"INSERT OR REPLACE INTO coord_report_{table} ({columns}) VALUES ({marks})"


@functools.cache
def _shared_sql(table: str) -> str:
    return (
        f"INSERT OR IGNORE INTO coord_report_shared (\"table\", id) SELECT '{table}', ? "
        f"WHERE EXISTS (SELECT 1 FROM coord_report_{table} p WHERE p.id = ? AND p.coach <> ?)"
    )


@functools.cache
def _sort_key(table: str) -> Any:
    """The projection table's primary key, from a projection row (writes in key order)."""
    key = REPORT_KEYS.get(table, ("id", "coach"))
    columns = ["id", "coach", "revision", "seq", *FIELDS[table]]
    return operator.itemgetter(*(columns.index(name) for name in key))


_NUMBER_SQL = f"INSERT OR IGNORE INTO {REPORT_COACH.name} (fingerprint) VALUES (?)"
_NUMBER_OF_SQL = f"SELECT number FROM {REPORT_COACH.name} WHERE fingerprint = ?"


def coach_number(cur: Any, coach: str) -> int:
    """The coach's number in the projection (given now if the coach has none yet); `cur` is a
    driver cursor in the caller's transaction."""
    cur.execute(_NUMBER_SQL, (coach,))
    number: int = cur.execute(_NUMBER_OF_SQL, (coach,)).fetchone()[0]
    return number


def write_rows(cur: Any, coach: str, rows: Mapping[str, Sequence[ProjectionRow]]) -> None:
    """Write the projection rows of records just inserted into ``coord_record`` (by table; all
    of `coach`), and note ids of the watched tables that another coach's live records have
    too. `cur` is a driver cursor in the caller's transaction: SQLAlchemy's path costs about
    30 µs a statement, and a weekly bundle runs about ten of these."""
    if not any(rows.values()):
        return
    number = coach_number(cur, coach)
    for table, table_rows in rows.items():
        if not table_rows:
            continue
        numbered = [(r[0], number, *r[2:]) for r in table_rows]
        numbered.sort(key=_sort_key(table))
        cur.executemany(_insert_sql(table), numbered)
        if table in REPORT_WATCHED:
            cur.executemany(_shared_sql(table), [(r[0], r[0], number) for r in table_rows])


_FLAG_ON = f"INSERT INTO {IMPORT_PROJECTING.name} (importing) VALUES (1)"
_FLAG_OFF = f"DELETE FROM {IMPORT_PROJECTING.name}"


@contextmanager
def importing_rows(cur: Any) -> Iterator[None]:
    """Rows inserted into ``coord_record`` within are not projected by the triggers: the caller
    writes their projection (`write_rows`) in the same transaction (`cur` a driver cursor in
    it)."""
    cur.execute(_FLAG_ON)
    try:
        yield
    except BaseException:
        # The caller undoes the writes (its savepoint or transaction, the flag with them); an
        # error here must not hide the one that ended the writes.
        with suppress(Exception):
            cur.execute(_FLAG_OFF)
        raise
    cur.execute(_FLAG_OFF)
