"""The merge of one verified bundle's records into ``coord_record``, by (coach, table, id).

A record is written only if its revision is newer than the stored one, so re-importing and
out-of-order arrival change nothing that is already newer. Erased clients stay erased (their
codes kept for the counts, never their identifying data); a tombstone keeps only what § 6 of the
bundle format allows. Everything runs on the caller's connection and transaction, as plain SQL
with plain tuples: one ORM object, or one SQLAlchemy statement compilation, per record was most
of an import's time.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Connection

from kim_tui.coordinator import projection
from kim_tui.domain import pseudonym as ps
from kim_tui.sync import bundle_format as bf

CHUNK = 1_000
"""Records looked up (2,001 parameters, well under SQLite's limit) and written at a time."""


@dataclass(slots=True)
class _Stored:
    """What the merge needs of a stored row: plain columns, no ORM object."""

    revision: int
    deleted: bool
    superseded_only: bool
    data: str | None
    """The stored document, read for clients only (the erasure check needs it)."""


_INSERT_SQL = (
    'INSERT INTO coord_record (rowid, coach, "table", id, revision, deleted, data, bundle_seq, '
    "first_seq, checked, problem, superseded_only) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, NULL, 0)"
)
"""A record not stored yet. `open_payload` checked every record against the bundle schema:
reports trust it (checked, no problem). first_seq is the bundle that first brought the record;
the rowid is given (the projection's ``seq``, see `_write`)."""
_UPDATE_SQL = (
    "UPDATE coord_record SET revision = ?, deleted = ?, data = ?, bundle_seq = ?, checked = 1, "
    'problem = NULL WHERE coach = ? AND "table" = ? AND id = ? AND revision <= ?'
)
"""A stored record the merge decided to replace. The merge decided against the state read in
this transaction; the guard only keeps a stored row from ever going back in revision."""
# Both take ints and strings only: the driver binds True, False and None through its adapter
# look-up (2–3 µs each, a fifth of a record's insert), so constants are written into the SQL.
_MAX_ROWID_SQL = "SELECT max(rowid) FROM coord_record"
_CLEAR_SUPERSEDED_SQL = (
    'UPDATE coord_record SET superseded_only = 0 WHERE coach = ? AND "table" = ? AND id = ?'
)


def _document_encoder() -> Callable[[Any], str]:
    """`json.dumps(…, sort_keys=True, ensure_ascii=False)`, the form of every stored document.

    `JSONEncoder.encode` makes its C encoder anew for every call (more than half of the 4 µs a
    small document costs); this makes it once, with the arguments `encode` gives it (no
    circularity check: a decoded payload has no cycles). Where the C encoder is missing or does
    not give exactly `encode`'s text, `encode` itself."""
    encoder = json.JSONEncoder(sort_keys=True, ensure_ascii=False)
    make = getattr(json.encoder, "c_make_encoder", None)  # None without the C accelerator
    if make is None:
        return encoder.encode
    key, item = encoder.key_separator, encoder.item_separator
    try:
        iterencode = make(
            None,
            encoder.default,
            json.encoder.encode_basestring,
            None,
            key,
            item,
            True,
            False,
            True,
        )
    except TypeError:  # other arguments in another Python version
        return encoder.encode

    def encode(document: Any) -> str:
        return "".join(iterencode(document, 0))

    sample = {"z": [1, -2.5, 'ü\n"', None, True, False, {}], "a": {"b": 10**20}}
    return encode if encode(sample) == encoder.encode(sample) else encoder.encode


_encode = _document_encoder()


class PayloadRow(NamedTuple):
    """What the merge needs of one checked record: its stored document already encoded, so a
    large bundle is held as one string per record instead of nested dicts."""

    table: str
    id: str
    rev: int
    deleted: bool
    document: str
    """The document to store: the data, or for a tombstone what § 6 lets it keep."""
    erasure_marker: bool
    """A client record that says the coach erased this client."""
    report: tuple[Any, ...] | None
    """The report projection's fields of the data (`projection.report_values`); None for a
    tombstone or a table no report reads."""


def payload_row(record: dict[str, Any]) -> PayloadRow:
    """The merge's form of one record of a bundle payload (checked or not)."""
    data = record["data"]
    deleted = record["del"]
    # A tombstone or a withdrawn consent replaces the whole document: nothing stale stays. A
    # merged client's tombstone keeps only the pseudonym of the client it went into.
    return PayloadRow(
        record["t"],
        record["id"],
        record["rev"],
        deleted,
        _encode(_tombstone(record) if deleted else data),
        record["t"] == "client" and data.get(ps.ERASED_FIELD) is True,
        None if deleted else projection.report_values(record["t"], data),
    )


def merge_records(
    conn: Connection,
    header: bf.BundleHeader,
    rows: Sequence[PayloadRow],
    *,
    unique: bool = False,
) -> dict[str, int]:
    """`merge_chunks` of a bundle's records held as one list."""
    chunks = (rows[i : i + CHUNK] for i in range(0, len(rows), CHUNK))
    return merge_chunks(conn, header, chunks, unique=unique)


def raw_cursor(conn: Connection) -> Any:
    """A driver cursor on the caller's connection, so in its transaction. SQLAlchemy's path
    for one statement (`exec_driver_sql`) costs about 30 µs, as much as writing 20 rows: a
    weekly bundle runs about 20 statements."""
    dbapi = conn.connection.dbapi_connection
    if dbapi is None:  # never while the caller holds the connection
        raise RuntimeError("the connection is closed")
    return dbapi.cursor()


_COACH_HAS_ROWS_SQL = "SELECT EXISTS (SELECT 1 FROM coord_record WHERE coach = ?)"


def merge_chunks(
    conn: Connection,
    header: bf.BundleHeader,
    chunks: Iterable[Sequence[PayloadRow]],
    *,
    unique: bool = False,
) -> dict[str, int]:
    """Decide every record against the stored state and write the rows that change, chunk by
    chunk as they come (the caller commits; changes made through an ORM session must be
    flushed before). An error raised by `chunks` passes through: the caller undoes what the
    chunks before it wrote.

    `unique`: the caller vouches that no (table, id) comes twice in the chunks (a checked
    payload: the schema refuses a record twice). Then the first bundle of a coach (no stored
    row of the coach) is written without looking anything up: every record is new.

    Afterwards every row this bundle wrote has ``coach = header.coach`` and ``bundle_seq =
    header.seq``: the one place that knows a bundle's merged records (a projection filled at
    import reads them there)."""
    counts = {"new": 0, "updated": 0, "deleted": 0, "unchanged": 0, "erased": 0, "revived": 0}
    again: set[tuple[str, str]] = set()
    cur = raw_cursor(conn)
    # Asked once, before the first chunk writes: with unique records, nothing a later chunk
    # brings can be stored already.
    fresh = unique and not cur.execute(_COACH_HAS_ROWS_SQL, (header.coach,)).fetchone()[0]
    # Each chunk is looked up after the one before was written, so a record twice in one
    # bundle is decided against what the first one left, and only one chunk's stored state
    # and decided rows are held at a time.
    for chunk in chunks:
        existing = {} if fresh else _existing(cur, header.coach, chunk)
        _merge_chunk(cur, header, chunk, existing, counts, again, unique)
    if again:
        cur.executemany(
            _CLEAR_SUPERSEDED_SQL, [(header.coach, table, id_) for table, id_ in sorted(again)]
        )
    return counts


def _merge_chunk(
    cur: Any,
    header: bf.BundleHeader,
    rows: Sequence[PayloadRow],
    existing: dict[tuple[str, str], _Stored],
    counts: dict[str, int],
    again: set[tuple[str, str]],
    unique: bool,
) -> None:
    stored = set(existing)  # rows that exist before this chunk: updated, not inserted
    written: dict[tuple[str, str], _Written] = {}
    for r in rows:
        key = (r.table, r.id)
        row = existing.get(key)
        if row is not None and row.superseded_only:
            # The chain brings it again: it is no longer only in the superseded history.
            again.add(key)
        if r.table == "client" and _erasure_concerns(row, r):
            document = _keep_erased(row, r, counts)
            revision = r.rev if row is None else max(row.revision, r.rev)
            written[key] = _Written(
                revision, 0, document, projection.report_values("client", json.loads(document))
            )
            deleted = False
        elif row is not None and row.revision >= r.rev:
            counts["unchanged"] += 1
            continue
        else:
            counts["deleted" if r.deleted else "new" if row is None else "updated"] += 1
            document, revision, deleted = r.document, r.rev, r.deleted
            written[key] = _Written(revision, int(deleted), document, r.report)
        if not unique:  # the same record later in this chunk is decided against this one
            existing[key] = _Stored(
                revision, deleted, False, document if r.table == "client" else None
            )
    if written:
        _write(cur, header, written, stored)


class _Written(NamedTuple):
    """A record as the merge decided to store it."""

    revision: int
    deleted: int
    document: str
    report: tuple[Any, ...] | None


def _write(
    cur: Any,
    header: bf.BundleHeader,
    written: dict[tuple[str, str], _Written],
    stored: set[tuple[str, str]],
) -> None:
    """Write a chunk's decided rows and the report projection of the new ones (the triggers
    project the updated ones: a contact's projection is keyed by its old document)."""
    coach, seq = header.coach, header.seq
    rowid: int = cur.execute(_MAX_ROWID_SQL).fetchone()[0] or 0
    inserts: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    projected: dict[str, list[projection.ProjectionRow]] = {}
    # In key order: SQLite then inserts into the primary-key index page by page instead of all
    # over it (the ids are random). New rows get the rowids SQLite would give them in turn.
    for key in sorted(written):
        table, id_ = key
        w = written[key]
        if key in stored:
            updates.append((w.revision, w.deleted, w.document, seq, coach, table, id_, w.revision))
            continue
        rowid += 1
        inserts.append((rowid, coach, table, id_, w.revision, w.deleted, w.document, seq, seq))
        if w.report is not None and not w.deleted:  # live: checked, no problem (see above)
            projected.setdefault(table, []).append((id_, coach, w.revision, rowid, *w.report))
    if updates:
        cur.executemany(_UPDATE_SQL, updates)
    if inserts:
        with projection.importing_rows(cur):
            cur.executemany(_INSERT_SQL, inserts)
            projection.write_rows(cur, coach, projected)


def _stored_document(row: _Stored | None) -> dict[str, Any] | None:
    if row is None or row.deleted or row.data is None:
        return None
    doc = json.loads(row.data)
    return doc if isinstance(doc, dict) else None


def _erasure_concerns(row: _Stored | None, r: PayloadRow) -> bool:
    """An erasure marker, or any record of a client the coach erased before."""
    if r.erasure_marker:
        return True
    if row is None or row.data is None or ps.ERASED_FIELD not in row.data:
        return False  # no stored document can carry the mark without naming its field
    stored = _stored_document(row)
    return stored is not None and stored.get(ps.ERASED_FIELD) is True


def _keep_erased(row: _Stored | None, r: PayloadRow, counts: dict[str, int]) -> str:
    """The coach erased this client: keep its codes for the counts, never its identifying data
    (the document to store). A client record arriving later (a restored older vault) stays
    erased and is counted as revived, so the import line can say so."""
    stored = _stored_document(row)
    if stored is not None and stored.get(ps.ERASED_FIELD) is True and not r.erasure_marker:
        counts["revived"] += 1
    else:
        counts["erased"] += 1
    return json.dumps(ps.erased_client_document(stored), sort_keys=True, ensure_ascii=False)


def _tombstone(record: dict[str, Any]) -> dict[str, str]:
    """What a tombstone keeps: for a client merged into another (bundle format § 6), the
    survivor's pseudonym if it has the pseudonym's form; otherwise nothing."""
    survivor = record["data"].get("merged_into") if record["t"] == "client" else None
    if isinstance(survivor, str) and ps.is_pseudonym(survivor):
        return {"merged_into": survivor}
    return {}


@functools.lru_cache(maxsize=8)
def _lookup_sql(pairs: int) -> str:
    """The stored state of `pairs` (table, id) pairs of one coach. Only a client's document can
    carry the erasure mark: other documents stay unread."""
    values = ",".join(["(?,?)"] * pairs)
    return (
        'SELECT "table", id, revision, deleted, superseded_only, '
        "CASE WHEN \"table\" = 'client' THEN data END "
        f'FROM coord_record WHERE coach = ? AND ("table", id) IN (VALUES {values})'
    )


def _existing(cur: Any, coach: str, rows: Sequence[PayloadRow]) -> dict[tuple[str, str], _Stored]:
    """The stored state of a chunk's records, with one query whatever their tables (a search
    of the primary key for each pair)."""
    if not rows:
        return {}
    params: list[Any] = [coach]
    for r in rows:
        params += (r.table, r.id)
    found: dict[tuple[str, str], _Stored] = {}
    for table, id_, revision, deleted, superseded_only, document in cur.execute(
        _lookup_sql(len(rows)), params
    ):
        found[(table, id_)] = _Stored(revision, bool(deleted), bool(superseded_only), document)
    return found
