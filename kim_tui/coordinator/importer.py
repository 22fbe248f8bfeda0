"""The coordinator's import: verify, decrypt, then merge each bundle whole or not at all.

Order of checks (each failure rejects the whole file, nothing is merged): framing and header →
coach enrolled and not revoked → Ed25519 signature → addressed to this coordinator → decrypt and
payload shape. Then, within a savepoint of its own: the chain (same sequence with another link,
or a neighbour whose link does not match: a fork, held back), and the merge by (coach, table,
id), see `merge`. A run of several files (`ImportRun`) commits every few hundred bundles and at
its end instead of once per bundle.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.hpke import MLKEM768X25519PrivateKey
from sqlalchemy import Connection, bindparam
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect
from sqlmodel import Session, col, select

from kim_tui.coordinator.chain import (
    DISCARDED,
    RELEASED,
    ChainState,
    decision_label,
    fork_text,
    held_id,
)
from kim_tui.coordinator.merge import (
    CHUNK,
    PayloadRow,
    merge_chunks,
    merge_records,
    payload_row,
    raw_cursor,
)
from kim_tui.coordinator.store import (
    CoordinatorBase,
    CoordinatorStore,
    EnrolledCoach,
    ForkDecision,
    HeldBundle,
    ImportedBundle,
    SyncRecord,
    utcnow,
)
from kim_tui.i18n import tr
from kim_tui.store.small_file import UnsuitableFile, read_small_file
from kim_tui.sync import bundle_format as bf
from kim_tui.sync import identity
from kim_tui.sync.identity import display_fingerprint

IMPORTED = "imported"
ALREADY = "already"
HELD = "held"
REJECTED = "rejected"

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
    records: list[PayloadRow]
    label: str


@dataclass(frozen=True)
class OpenedBundle:
    """A bundle whose signature and recipient have been checked and whose payload was
    decrypted, but whose records are not read yet (a large one is read while it is merged)."""

    header: bf.BundleHeader
    payload: bytes
    """The compressed payload."""
    label: str


def _nothing(_record: dict[str, Any]) -> None:
    """Records only checked, not kept (a bundle that is held back or already there)."""


_SignKey = ed25519.Ed25519PublicKey


class _Verifier:
    """Checks bundles for one store: the enrolled coaches, the recipient and the decryption key
    are read once (per run, not per bundle; none of them changes during an import)."""

    def __init__(self, store: CoordinatorStore) -> None:
        self.store = store
        self._coaches: dict[str, tuple[EnrolledCoach | None, _SignKey | None]] = {}
        self._recipient: str | None = None
        self._key: MLKEM768X25519PrivateKey | None = None

    def _coach(self, fingerprint: str) -> tuple[EnrolledCoach | None, _SignKey | None]:
        if fingerprint not in self._coaches:
            with self.store.session() as s:
                coach = s.get(EnrolledCoach, fingerprint)
            sign_key = None
            if coach is not None and coach.revoked_at is None:
                sign_key = ed25519.Ed25519PublicKey.from_public_bytes(bytes.fromhex(coach.sign_key))
            self._coaches[fingerprint] = (coach, sign_key)
        return self._coaches[fingerprint]

    def open(self, data: bytes) -> OpenedBundle:
        """Parse, check the coach, the signature and the recipient, then decrypt (the
        records are read later). Raises `bf.BundleError` with a specific reason."""
        parsed = bf.parse(data)
        header = parsed.header
        coach, sign_key = self._coach(header.coach)
        if coach is None:
            raise bf.BundleError(
                "unknown_coach",
                tr("unbekannter Coach (nicht eingeschrieben)", "unknown coach (not enrolled)"),
            )
        if coach.revoked_at is not None or sign_key is None:
            raise bf.BundleError(
                "revoked_coach",
                tr(
                    f"Coach {coach_label(coach, header.coach)} wurde widerrufen",
                    f"coach {coach_label(coach, header.coach)} was revoked",
                ),
            )
        bf.verify_with(parsed, sign_key)
        if self._recipient is None:
            self._recipient = self.store.public().fingerprint
        if header.recipient != self._recipient:
            raise bf.BundleError(
                "wrong_recipient",
                tr("nicht an diese Koordinierung adressiert", "not addressed to this coordinator"),
            )
        if self._key is None:
            self._key = identity.kem_private(self.store.kem_private())
        payload = bf.decrypt_payload(parsed, self._key)
        return OpenedBundle(header, payload, coach_label(coach, header.coach))

    def verify(self, data: bytes) -> VerifiedBundle:
        """`open`, then read and check every record: raises `bf.BundleError` with a specific
        reason; nothing is written."""
        opened = self.open(data)
        records = bf.payload_records_as(opened.header, opened.payload, payload_row)
        return VerifiedBundle(opened.header, records, opened.label)


def verify_bundle(store: CoordinatorStore, data: bytes) -> VerifiedBundle:
    """Parse, check the coach, the signature and the recipient, then decrypt.

    Raises `bf.BundleError` with a specific reason; nothing is written.
    """
    return _Verifier(store).verify(data)


def import_bundle(store: CoordinatorStore, data: bytes, name: str) -> ImportOutcome:
    """Verify, decrypt and merge one bundle file's bytes (its own transaction)."""
    with ImportRun(store) as run:
        return run.import_data(data, name)


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


def merge_bundle(
    s: Session,
    header: bf.BundleHeader,
    records: Sequence[PayloadRow] | Sequence[dict[str, Any]],
) -> dict[str, int]:
    """Merge the records (as verified, or as in the payload) and put the bundle into the
    coach's chain (caller commits)."""
    rows = [r if isinstance(r, PayloadRow) else payload_row(r) for r in records]
    s.flush()  # changes made through the ORM in this transaction (a fork release) come first
    counts = merge_records(s.connection(), header, rows)
    # Rows this session loaded as objects (a fork release) no longer show the database.
    for obj in list(s.identity_map.values()):
        if isinstance(obj, SyncRecord):
            s.expire(obj)
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


def fork_reason(s: Session, header: bf.BundleHeader) -> str | None:
    """Why the bundle does not fit the coach's chain as imported so far, as a code of
    `FORK_TEXTS` (None: it fits)."""
    s.flush()
    return ChainState.read(s.connection(), header).fork(header)


_BUNDLE = CoordinatorBase.metadata.tables[ImportedBundle.__tablename__]
_BUNDLE_COLUMNS = (
    "coach", "seq", "link", "prev", "rev_after", "rev_upto", "week", "created_at",
    "imported_at", "counts",
)  # fmt: skip
_BUNDLE_COMPILED = (
    _BUNDLE.insert()
    .values({name: bindparam(name) for name in _BUNDLE_COLUMNS})
    .compile(dialect=sqlite_dialect())
)
if _BUNDLE_COMPILED.positiontup != list(_BUNDLE_COLUMNS):
    raise RuntimeError(f"coord_bundle insert columns: {_BUNDLE_COMPILED.positiontup}")
_BUNDLE_SQL = str(_BUNDLE_COMPILED)
_TIME_PROCESSOR = _BUNDLE.c.imported_at.type.bind_processor(sqlite_dialect())


def _stored_time(when: datetime) -> Any:
    """A datetime as SQLAlchemy stores it in SQLite: the chain row reads back as the ORM's."""
    return when if _TIME_PROCESSOR is None else _TIME_PROCESSOR(when)


_HELD_INSERT = CoordinatorBase.metadata.tables[HeldBundle.__tablename__].insert()

COMMIT_RECORDS = 200_000
COMMIT_BUNDLES = 1_000
"""A run commits after this many merged records or bundles, and at its end: one SQLCipher
commit (an fsync of the log) per weekly bundle was a third of an import's time, and each
commit encrypts again every page changed since the last (a week of a whole organisation's
bundles, about 650, in one commit: 5 % less CPU than in three)."""


class ImportRun:
    """Imports bundles one after another in as few transactions as is safe.

    Framing, coach, signature, recipient and decryption are checked before anything is
    written. Each bundle is then placed within a savepoint of the run's transaction; its records
    are read, checked and merged a chunk at a time, so a record that breaks a rule, even the
    last one, rolls the savepoint back and nothing of the bundle stays. An error (of the disk)
    ends the run after committing the bundles placed before it, as if each had committed on
    its own."""

    def __init__(self, store: CoordinatorStore) -> None:
        self.store = store
        self.verifier = _Verifier(store)
        self._session: Session | None = None
        self._cursor: Any = None
        self._records = self._bundles = 0

    def __enter__(self) -> ImportRun:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        # Every bundle placed so far is whole (one that failed was undone), so even when the
        # run ends in an error they are kept, as if each had committed on its own.
        try:
            self.commit()
        except Exception:
            if kind is None:
                raise  # else the run's own error is the one to report
        finally:
            if self._session is not None:
                self._session.close()  # rolls back what could not be committed
                self._session = None

    def _connection(self) -> tuple[Session, Connection, Any]:
        if self._session is None:
            self._session = self.store.session()
            # SQLite's own BEGIN: the driver would start the transaction only at the first
            # write, and a savepoint opened outside a transaction commits when released.
            self._session.connection().exec_driver_sql("BEGIN")
            # The run's own statements (a few per bundle) go to the driver directly.
            self._cursor = raw_cursor(self._session.connection())
        return self._session, self._session.connection(), self._cursor

    def commit(self) -> None:
        """Make every bundle placed so far durable."""
        if self._session is not None:
            self._session.commit()
            self._session.close()
            self._session = self._cursor = None
        self._records = self._bundles = 0

    def import_data(self, data: bytes, name: str) -> ImportOutcome:
        """Verify, decrypt and place one bundle file's bytes."""
        try:
            bundle = self.verifier.open(data)
        except bf.BundleError as exc:
            return _rejected(name, exc)
        s, conn, cur = self._connection()
        cur.execute("SAVEPOINT kim_bundle")
        try:
            outcome = self._place(s, conn, bundle, data, name)
        except bf.BundleError as exc:  # a record broke a rule: undo what came before it
            cur.execute("ROLLBACK TO kim_bundle")
            outcome = _rejected(name, exc)
        except BaseException:
            self._keep_before_failure(cur)
            raise
        cur.execute("RELEASE kim_bundle")
        self._bundles += 1
        self._records += sum(outcome.counts.values())
        if self._records >= COMMIT_RECORDS or self._bundles >= COMMIT_BUNDLES:
            self.commit()
        return outcome

    def _keep_before_failure(self, cur: Any) -> None:
        """Undo the failing bundle and commit the ones placed before it (as if each had its
        own transaction); if even that fails, the run's transaction is rolled back."""
        try:
            cur.execute("ROLLBACK TO kim_bundle")
            cur.execute("RELEASE kim_bundle")
            self.commit()
        except Exception:  # the disk refuses: the caller sees the first error, nothing half
            if self._session is not None:
                self._session.close()
                self._session = self._cursor = None

    def _place(
        self, s: Session, conn: Connection, bundle: OpenedBundle, data: bytes, name: str
    ) -> ImportOutcome:
        header, label = bundle.header, bundle.label
        state = ChainState.read(conn, header)
        decided = state.decided.get(header.link)
        fork = state.fork(header)
        fits = (decided is None or decided == RELEASED) and fork is None
        if fits and header.seq not in state.chain:
            return self._merge(conn, bundle, state, name)
        # Not merged, but a bundle with a broken record is still rejected as such.
        bf.payload_records_as(header, bundle.payload, _nothing)
        if decided is not None and decided != RELEASED:
            row = s.get(ForkDecision, header.link)
            on = f"{row.decided_at:%d.%m.%Y}" if row is not None else "?"
            return ImportOutcome(
                name,
                ALREADY,
                None,
                tr(
                    f"{name}: bereits entschieden – Paket {header.seq} von Coach {label} wurde "
                    f"am {on} {decision_label(decided)}, keine Änderung",
                    f"{name}: already decided – bundle {header.seq} from coach {label} was "
                    f"{decision_label(decided)} on {on}, no change",
                ),
            )
        if fork is not None:
            if header.link not in state.held:
                conn.execute(
                    _HELD_INSERT,
                    {
                        "link": header.link,
                        "coach": header.coach,
                        "seq": header.seq,
                        "reason": fork,
                        "file_name": name,
                        "received_at": utcnow(),
                        "data": data,
                    },
                )
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
        # In the chain with the same link (another link is a fork, found above).
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

    def _merge(
        self, conn: Connection, bundle: OpenedBundle, state: ChainState, name: str
    ) -> ImportOutcome:
        """Merge the records while they are read and checked, and put the bundle into the
        chain. A broken record raises `bf.BundleError` (the caller undoes the savepoint)."""
        header, label = bundle.header, bundle.label
        chunks = bf.payload_chunks_as(header, bundle.payload, payload_row, CHUNK)
        cur = self._cursor
        try:
            # Both readers refuse a (table, id) twice in a payload.
            counts = merge_chunks(conn, header, chunks, unique=True)
        except bf.ReadAgain as again:
            cur.execute("ROLLBACK TO kim_bundle")
            counts = merge_records(conn, header, again.records, unique=True)
        cur.execute(
            _BUNDLE_SQL,
            (
                header.coach,
                header.seq,
                header.link,
                header.prev,
                header.rev_after,
                header.rev_upto,
                header.week,
                header.created_at,
                _stored_time(utcnow()),
                json.dumps(header.counts, sort_keys=True),
            ),
        )
        if header.link in state.held:
            # Held once, fits the chain now: merged, so no longer held.
            cur.execute("DELETE FROM coord_held WHERE link = ?", (header.link,))
        return ImportOutcome(
            name,
            IMPORTED,
            None,
            tr(f"{name}: importiert – ", f"{name}: imported – ") + describe(header, label, counts),
            counts,
        )


def _rejected(name: str, exc: bf.BundleError) -> ImportOutcome:
    line = tr(f"{name}: abgelehnt – {exc}", f"{name}: rejected – {exc}")
    return ImportOutcome(name, REJECTED, exc.reason, line)


def import_files(
    store: CoordinatorStore,
    paths: Iterable[Path],
    progress: Callable[[int], None] | None = None,
) -> list[ImportOutcome]:
    """Import files in the order given (any order works); one outcome per file. `progress`
    hears how many files are done after each one."""
    outcomes = []
    with ImportRun(store) as run:
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
            else:
                outcomes.append(run.import_data(data, p.name))
                del data
            if progress is not None:
                progress(len(outcomes))
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
