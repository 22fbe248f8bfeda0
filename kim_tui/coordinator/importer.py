"""The coordinator's import: verify, decrypt, then merge one bundle per transaction.

Order of checks (each failure rejects the whole file, nothing is merged): framing and header →
coach enrolled and not revoked → Ed25519 signature → addressed to this coordinator → decrypt and
payload shape. Then, in one transaction: the chain (same sequence with another link, or a
neighbour whose link does not match: a fork, held back), and the merge by (coach, table, id):
a record is written only if its revision is newer than the stored one, so re-importing and
out-of-order arrival change nothing that is already newer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Select, bindparam, null, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from kim_tui.coordinator.store import (
    CoordinatorBase,
    CoordinatorStore,
    EnrolledCoach,
    ForkDecision,
    HeldBundle,
    ImportedBundle,
    SyncRecord,
)
from kim_tui.domain import pseudonym as ps
from kim_tui.i18n import tr
from kim_tui.store.small_file import UnsuitableFile, read_small_file
from kim_tui.sync import bundle_format as bf
from kim_tui.sync.identity import display_fingerprint

IMPORTED = "imported"
ALREADY = "already"
HELD = "held"
REJECTED = "rejected"

RELEASED = "released"
DISCARDED = "discarded"
SUPERSEDED = "superseded"


def decision_label(decision: str) -> str:
    """What happened to a decided bundle, as the end of "… wurde am TT.MM.JJJJ <label>"."""
    labels = {
        RELEASED: ("übernommen", "released"),
        DISCARDED: ("verworfen", "discarded"),
        SUPERSEDED: ("durch ein freigegebenes Paket ersetzt", "replaced by a released bundle"),
    }
    return tr(*labels[decision])


HELD_ID_LENGTH = 10
MAX_BUNDLE_FILE = 256 * 1024 * 1024
"""Largest bundle file read (compressed; a 300,000-record bundle is about 1 MB)."""


@dataclass(frozen=True)
class ImportOutcome:
    """The result of one file; `line` is the result line in the UI language."""

    name: str
    status: str
    reason: str | None = None
    line: str = ""
    counts: dict[str, int] = field(default_factory=dict)


def coach_label(coach: EnrolledCoach | None, fingerprint: str) -> str:
    """How a coach is named in messages: name (organisation) or the short fingerprint."""
    if coach is not None and coach.name:
        org = f", {coach.organisation}" if coach.organisation else ""
        return f"{coach.name}{org}"
    return display_fingerprint(fingerprint)[:9]


@dataclass(frozen=True)
class VerifiedBundle:
    """A bundle whose signature, recipient and payload have been checked."""

    header: bf.BundleHeader
    records: list[dict[str, Any]]
    label: str


def verify_bundle(store: CoordinatorStore, data: bytes) -> VerifiedBundle:
    """Parse, check the coach, the signature and the recipient, then decrypt.

    Raises `bf.BundleError` with a specific reason; nothing is written.
    """
    parsed = bf.parse(data)
    header = parsed.header
    with store.session() as s:
        coach = s.get(EnrolledCoach, header.coach)
    if coach is None:
        raise bf.BundleError(
            "unknown_coach",
            tr("unbekannter Coach (nicht eingeschrieben)", "unknown coach (not enrolled)"),
        )
    if coach.revoked_at is not None:
        raise bf.BundleError(
            "revoked_coach",
            tr(
                f"Coach {coach_label(coach, header.coach)} wurde widerrufen",
                f"coach {coach_label(coach, header.coach)} was revoked",
            ),
        )
    bf.verify(parsed, bytes.fromhex(coach.sign_key))
    if header.recipient != store.public().fingerprint:
        raise bf.BundleError(
            "wrong_recipient",
            tr("nicht an diese Koordinierung adressiert", "not addressed to this coordinator"),
        )
    records = bf.open_payload(parsed, store.kem_private())
    return VerifiedBundle(header, records, coach_label(coach, header.coach))


def import_bundle(store: CoordinatorStore, data: bytes, name: str) -> ImportOutcome:
    """Verify, decrypt and merge one bundle file's bytes."""
    try:
        bundle = verify_bundle(store, data)
    except bf.BundleError as exc:
        line = tr(f"{name}: abgelehnt – {exc}", f"{name}: rejected – {exc}")
        return ImportOutcome(name, REJECTED, exc.reason, line)
    header, label = bundle.header, bundle.label
    with store.session() as s:
        decided = s.get(ForkDecision, header.link)
        if decided is not None and decided.decision != RELEASED:
            return ImportOutcome(
                name,
                ALREADY,
                None,
                tr(
                    f"{name}: bereits entschieden – Paket {header.seq} von Coach {label} wurde "
                    f"am {decided.decided_at:%d.%m.%Y} {decision_label(decided.decision)}, "
                    "keine Änderung",
                    f"{name}: already decided – bundle {header.seq} from coach {label} was "
                    f"{decision_label(decided.decision)} on {decided.decided_at:%d.%m.%Y}, "
                    "no change",
                ),
            )
        fork = fork_reason(s, header)
        if fork is not None:
            if s.get(HeldBundle, header.link) is None:
                s.add(
                    HeldBundle(
                        link=header.link,
                        coach=header.coach,
                        seq=header.seq,
                        reason=fork,
                        file_name=name,
                        data=data,
                    )
                )
                s.commit()
            return ImportOutcome(
                name,
                HELD,
                "fork",
                tr(
                    f"{name}: zurückgehalten – {fork_text(fork, header.seq)} (Coach {label}); "
                    f"bitte entscheiden (ID {held_id(header.link)}), nichts übernommen",
                    f"{name}: held back – {fork_text(fork, header.seq)} (coach {label}); "
                    f"please decide (ID {held_id(header.link)}), nothing taken over",
                ),
            )
        if s.get(ImportedBundle, (header.coach, header.seq)) is not None:
            return ImportOutcome(
                name,
                ALREADY,
                None,
                tr(
                    f"{name}: bereits importiert (Paket {header.seq} von Coach "
                    f"{label}), keine Änderung",
                    f"{name}: already imported (bundle {header.seq} from coach {label}), no change",
                ),
            )
        counts = merge_bundle(s, header, bundle.records)
        stale = s.get(HeldBundle, header.link)
        if stale is not None:
            s.delete(stale)  # held once, fits the chain now: merged, so no longer held
        s.commit()
    return ImportOutcome(
        name,
        IMPORTED,
        None,
        tr(f"{name}: importiert – ", f"{name}: imported – ") + describe(header, label, counts),
        counts,
    )


def describe(header: bf.BundleHeader, label: str, counts: dict[str, int]) -> str:
    """ "Paket 3 (2026-W48) von Coach X: 2 neu, …" – the summary of one merge (UI language)."""
    new, updated, deleted = counts["new"], counts["updated"], counts["deleted"]
    erased, revived = counts.get("erased"), counts.get("revived")
    return tr(
        f"Paket {header.seq} ({header.week}) von Coach {label}: "
        f"{new} neu, {updated} aktualisiert, {deleted} gelöscht, "
        f"{counts['unchanged']} unverändert"
        + (f", {erased} Löschung(en) übernommen" if erased else "")
        + (
            f"; ACHTUNG: {revived} gelöschte Klient*in(nen) erneut gesendet (alter "
            "Stand, z. B. aus einer Sicherung?) – ohne Personendaten übernommen, der Coach "
            "muss erneut löschen"
            if revived
            else ""
        ),
        f"bundle {header.seq} ({header.week}) from coach {label}: "
        f"{new} new, {updated} updated, {deleted} deleted, {counts['unchanged']} unchanged"
        + (f", {erased} erasure(s) taken over" if erased else "")
        + (
            f"; WARNING: {revived} erased client(s) sent again (an old state, e.g. from a "
            "backup?) – taken over without personal data, the coach must erase again"
            if revived
            else ""
        ),
    )


def held_id(link: str) -> str:
    """The short id a coordinator types to decide a held bundle (a prefix of its link)."""
    return link[:HELD_ID_LENGTH]


def merge_bundle(
    s: Session, header: bf.BundleHeader, records: list[dict[str, Any]]
) -> dict[str, int]:
    """Merge the records and put the bundle into the coach's chain (caller commits)."""
    counts = _merge(s, header, records)
    s.add(
        ImportedBundle(
            coach=header.coach,
            seq=header.seq,
            link=header.link,
            prev=header.prev,
            rev_after=header.rev_after,
            rev_upto=header.rev_upto,
            week=header.week,
            created_at=header.created_at,
            counts=json.dumps(header.counts, sort_keys=True),
        )
    )
    return counts


FORK_TEXTS = {
    "fork:discarded": (
        "Gabelung: Paket {seq} baut auf Paket {prev} auf, das verworfen wurde",
        "fork: bundle {seq} builds on bundle {prev}, which was discarded",
    ),
    "fork:superseded": (
        "Gabelung: Paket {seq} baut auf Paket {prev} auf, das durch ein freigegebenes Paket "
        "ersetzt wurde",
        "fork: bundle {seq} builds on bundle {prev}, which was replaced by a released bundle",
    ),
    "fork:on_held": (
        "Gabelung: Paket {seq} baut auf dem zurückgehaltenen Paket {prev} auf",
        "fork: bundle {seq} builds on the held-back bundle {prev}",
    ),
    "fork:same_seq": (
        "Gabelung: Paket {seq} liegt bereits mit anderem Inhalt vor",
        "fork: bundle {seq} is already there with other content",
    ),
    "fork:no_link_before": (
        "Gabelung: Paket {seq} schließt nicht an Paket {prev} an "
        "(alter Stand, z. B. aus einer Sicherung?)",
        "fork: bundle {seq} does not follow on from bundle {prev} "
        "(an old state, e.g. from a backup?)",
    ),
    "fork:no_link_after": (
        "Gabelung: Paket {next} schließt nicht an dieses Paket an",
        "fork: bundle {next} does not follow on from this bundle",
    ),
}
"""Why a bundle was held back, by the code stored in `HeldBundle.reason` (worded when shown,
so the list follows the UI language)."""


def fork_text(reason: str, seq: int) -> str:
    """The stored fork reason of bundle `seq` in the UI language (a reason stored as text by
    an older version is shown as it is)."""
    pair = FORK_TEXTS.get(reason)
    if pair is None:
        return reason
    return tr(*pair).format(seq=seq, prev=seq - 1, next=seq + 1)


def fork_reason(s: Session, header: bf.BundleHeader) -> str | None:
    """Why the bundle does not fit the coach's chain as imported so far, as a code of
    `FORK_TEXTS` (None: it fits)."""
    if header.prev is not None:
        # A bundle built on a discarded, superseded or still held bundle belongs to that
        # history, wherever the chain's neighbours are (they may have left the chain).
        decided = s.get(ForkDecision, header.prev)
        if decided is not None and decided.decision in (DISCARDED, SUPERSEDED):
            return f"fork:{decided.decision}"
        if s.get(HeldBundle, header.prev) is not None:
            return "fork:on_held"
    same = s.get(ImportedBundle, (header.coach, header.seq))
    if same is not None and same.link != header.link:
        return "fork:same_seq"
    before = s.get(ImportedBundle, (header.coach, header.seq - 1))
    if before is not None and before.link != header.prev:
        return "fork:no_link_before"
    after = s.get(ImportedBundle, (header.coach, header.seq + 1))
    if after is not None and after.prev != header.link:
        return "fork:no_link_after"
    return None


@dataclass
class _Stored:
    """What the merge needs of a stored row: plain columns, no ORM object."""

    revision: int
    deleted: bool
    superseded_only: bool
    data: str | None
    """The stored document, read for clients only (the erasure check needs it)."""


_RECORD = CoordinatorBase.metadata.tables[SyncRecord.__tablename__]
_INSERT = sqlite_insert(_RECORD)
_UPSERT_COLUMNS = (
    "coach", "table", "id", "revision", "deleted", "data", "bundle_seq", "checked", "problem",
    "first_seq", "superseded_only",
)  # fmt: skip
_UPSERT_COMPILED = (
    _INSERT.values({name: bindparam(name) for name in _UPSERT_COLUMNS})
    .on_conflict_do_update(
        index_elements=[_RECORD.c.coach, _RECORD.c.table, _RECORD.c.id],
        # first_seq is the bundle that first brought the record: set on insert only. The merge
        # decided against the state read in this transaction; the guard only keeps a stored
        # row from ever going back in revision.
        set_={
            "revision": _INSERT.excluded.revision,
            "deleted": _INSERT.excluded.deleted,
            "data": _INSERT.excluded.data,
            "bundle_seq": _INSERT.excluded.bundle_seq,
            "checked": _INSERT.excluded.checked,
            "problem": _INSERT.excluded.problem,
        },
        where=_INSERT.excluded.revision >= _RECORD.c.revision,
    )
    .compile(dialect=sqlite_dialect())
)
if _UPSERT_COMPILED.positiontup != list(_UPSERT_COLUMNS):  # the rows are plain tuples
    raise RuntimeError(f"coord_record upsert columns: {_UPSERT_COMPILED.positiontup}")
_UPSERT_SQL = str(_UPSERT_COMPILED)
"""Compiled once and run with plain tuples: SQLAlchemy's per-row parameter processing was a
third of a large bundle's merge."""
_CLEAR_SUPERSEDED = (
    update(_RECORD)
    .where(
        _RECORD.c.coach == bindparam("k_coach"),
        _RECORD.c.table == bindparam("k_table"),
        _RECORD.c.id == bindparam("k_id"),
    )
    .values(superseded_only=False)
)


def _merge(s: Session, header: bf.BundleHeader, records: list[dict[str, Any]]) -> dict[str, int]:
    """Decide every record against the stored state, then write the bundle's rows with one
    executemany (SQLAlchemy Core): one ORM object per record was most of an import's time."""
    counts = {"new": 0, "updated": 0, "deleted": 0, "unchanged": 0, "erased": 0, "revived": 0}
    s.flush()  # changes made through the ORM in this transaction (a fork release) come first
    existing = _existing(s, header.coach, records)
    written: dict[tuple[str, str], tuple[Any, ...]] = {}
    again: set[tuple[str, str]] = set()
    for r in records:
        key = (r["t"], r["id"])
        row = existing.get(key)
        if row is not None and row.superseded_only:
            # The chain brings it again: it is no longer only in the superseded history.
            again.add(key)
        if r["t"] == "client" and _erasure_concerns(row, r):
            document = _keep_erased(row, r, counts)
            revision = r["rev"] if row is None else max(row.revision, r["rev"])
            deleted = False
        elif row is not None and row.revision >= r["rev"]:
            counts["unchanged"] += 1
            continue
        else:
            counts["deleted" if r["del"] else "new" if row is None else "updated"] += 1
            # A tombstone or a withdrawn consent replaces the whole document: nothing stale
            # stays. A merged client's tombstone keeps only the pseudonym of the client it
            # went into.
            document = json.dumps(
                r["data"] if not r["del"] else _tombstone(r), sort_keys=True, ensure_ascii=False
            )
            revision, deleted = r["rev"], r["del"]
        # A record twice in one bundle is decided against what the first one left.
        existing[key] = _Stored(revision, deleted, False, document if r["t"] == "client" else None)
        # In _UPSERT_COLUMNS order. `open_payload` checked every record against the bundle
        # schema: reports trust it (checked, no problem).
        written[key] = (
            header.coach, r["t"], r["id"], revision, deleted, document, header.seq, True, None,
            header.seq, False,
        )  # fmt: skip
        if len(written) >= _WRITE_BATCH:
            s.connection().exec_driver_sql(_UPSERT_SQL, list(written.values()))
            written.clear()
    if written:
        s.connection().exec_driver_sql(_UPSERT_SQL, list(written.values()))
    if again:
        s.connection().execute(
            _CLEAR_SUPERSEDED,
            [{"k_coach": header.coach, "k_table": t, "k_id": i} for t, i in sorted(again)],
        )
    # Rows this session loaded as objects (a fork release) no longer show the database.
    for obj in list(s.identity_map.values()):
        if isinstance(obj, SyncRecord):
            s.expire(obj)
    return counts


def _stored_document(row: _Stored | None) -> dict[str, Any] | None:
    if row is None or row.deleted or row.data is None:
        return None
    doc = json.loads(row.data)
    return doc if isinstance(doc, dict) else None


def _erasure_concerns(row: _Stored | None, r: dict[str, Any]) -> bool:
    """An erasure marker, or any record of a client the coach erased before."""
    if r["data"].get(ps.ERASED_FIELD) is True:
        return True
    stored = _stored_document(row)
    return stored is not None and stored.get(ps.ERASED_FIELD) is True


def _keep_erased(row: _Stored | None, r: dict[str, Any], counts: dict[str, int]) -> str:
    """The coach erased this client: keep its codes for the counts, never its identifying data
    (the document to store). A client record arriving later (a restored older vault) stays
    erased and is counted as revived, so the import line can say so."""
    stored = _stored_document(row)
    marker = r["data"].get(ps.ERASED_FIELD) is True
    if stored is not None and stored.get(ps.ERASED_FIELD) is True and not marker:
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


_WRITE_BATCH = 10_000
"""Rows per executemany: the documents of a large bundle are not all held as JSON at once."""
_IN_CHUNK = 500
"""Ids per IN query: well under SQLite's variable limit."""


def _stored_query(*, with_data: bool) -> Select[Any]:
    # Built once: constructing and coercing a statement per query cost more than running it.
    c = _RECORD.c
    return core_select(
        c.id, c.revision, c.deleted, c.superseded_only, c.data if with_data else null()
    ).where(
        c.coach == bindparam("coach"),
        c.table == bindparam("table"),
        c.id.in_(bindparam("ids", expanding=True)),
    )


_STORED_CLIENTS = _stored_query(with_data=True)
_STORED_OTHERS = _stored_query(with_data=False)
"""Only a client's document can carry the erasure mark: other documents stay unread."""


def _existing(
    s: Session, coach: str, records: list[dict[str, Any]]
) -> dict[tuple[str, str], _Stored]:
    """The stored state of the bundle's records: one query per table and chunk, not per row."""
    by_table: dict[str, list[str]] = {}
    for r in records:
        by_table.setdefault(r["t"], []).append(r["id"])
    found: dict[tuple[str, str], _Stored] = {}
    connection = s.connection()
    for table, ids in by_table.items():
        query = _STORED_CLIENTS if table == "client" else _STORED_OTHERS
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            params = {"coach": coach, "table": table, "ids": chunk}
            for id_, revision, deleted, superseded_only, document in connection.execute(
                query, params
            ):
                found[(table, id_)] = _Stored(revision, deleted, superseded_only, document)
    return found


def import_files(store: CoordinatorStore, paths: Iterable[Path]) -> list[ImportOutcome]:
    """Import files in the order given (any order works); one outcome per file."""
    outcomes = []
    for path in paths:
        p = Path(path)
        try:
            # Regular files only and bounded: a FIFO named *.kimb must not hang the import.
            data = read_small_file(p, MAX_BUNDLE_FILE)
        except (OSError, UnsuitableFile):
            outcomes.append(
                ImportOutcome(
                    p.name,
                    REJECTED,
                    "unreadable",
                    tr(
                        f"{p.name}: abgelehnt – Datei nicht lesbar",
                        f"{p.name}: rejected – file not readable",
                    ),
                )
            )
            continue
        outcomes.append(import_bundle(store, data, p.name))
    return outcomes


def gaps(store: CoordinatorStore, *, with_held: bool = True) -> list[str]:
    """Lines (UI language) for every missing sequence number per coach ("Paket 7 von Coach X
    fehlt"),
    then (unless `with_held` is false) one per held-back fork."""
    lines: list[str] = []
    with store.session() as s:
        coaches = {c.fingerprint: c for c in s.exec(select(EnrolledCoach)).all()}
        seqs: dict[str, set[int]] = {}
        for coach, seq in s.exec(select(ImportedBundle.coach, ImportedBundle.seq)).all():
            seqs.setdefault(coach, set()).add(seq)
        discarded = select(ForkDecision.link).where(ForkDecision.decision == DISCARDED)
        held = list(
            s.exec(
                select(HeldBundle)
                .where(col(HeldBundle.link).not_in(discarded))
                .order_by(col(HeldBundle.coach), col(HeldBundle.seq))
            ).all()
        )
    for fp in sorted(seqs):
        have = seqs[fp]
        for missing in sorted(set(range(1, max(have) + 1)) - have):
            label = coach_label(coaches.get(fp), fp)
            lines.append(
                tr(
                    f"Paket {missing} von Coach {label} fehlt",
                    f"bundle {missing} from coach {label} is missing",
                )
            )
    for h in held if with_held else ():
        label = coach_label(coaches.get(h.coach), h.coach)
        lines.append(
            tr(
                f"Paket {h.seq} von Coach {label} zurückgehalten (ID {held_id(h.link)}): ",
                f"bundle {h.seq} from coach {label} held back (ID {held_id(h.link)}): ",
            )
            + fork_text(h.reason, h.seq)
        )
    return lines
