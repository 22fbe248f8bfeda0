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

from sqlmodel import Session, col, select

from kim_tui.coordinator.store import (
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


def _merge(s: Session, header: bf.BundleHeader, records: list[dict[str, Any]]) -> dict[str, int]:
    counts = {"new": 0, "updated": 0, "deleted": 0, "unchanged": 0, "erased": 0, "revived": 0}
    existing = _existing(s, header.coach, records)
    for r in records:
        row = existing.get((r["t"], r["id"]))
        if row is not None and row.superseded_only:
            # The chain brings it again: it is no longer only in the superseded history.
            row.superseded_only = False
            s.add(row)
        if r["t"] == "client" and _erasure_concerns(row, r):
            existing[(r["t"], r["id"])] = _keep_erased(s, header, row, r, counts)
            continue
        if row is not None and row.revision >= r["rev"]:
            counts["unchanged"] += 1
            continue
        if row is None:
            row = SyncRecord(
                coach=header.coach,
                table=r["t"],
                id=r["id"],
                revision=r["rev"],
                first_seq=header.seq,
            )
            existing[(r["t"], r["id"])] = row
            counts["deleted" if r["del"] else "new"] += 1
        else:
            counts["deleted" if r["del"] else "updated"] += 1
        row.revision = r["rev"]
        row.deleted = r["del"]
        # A tombstone or a withdrawn consent replaces the whole document: nothing stale stays.
        # A merged client's tombstone keeps only the pseudonym of the client it went into.
        document = r["data"] if not r["del"] else _tombstone(r)
        row.data = json.dumps(document, sort_keys=True, ensure_ascii=False)
        row.bundle_seq = header.seq
        # `open_payload` checked every record against the bundle schema: reports trust it.
        row.checked, row.problem = True, None
        s.add(row)
    return counts


def _stored_document(row: SyncRecord | None) -> dict[str, Any] | None:
    if row is None or row.deleted:
        return None
    doc = json.loads(row.data)
    return doc if isinstance(doc, dict) else None


def _erasure_concerns(row: SyncRecord | None, r: dict[str, Any]) -> bool:
    """An erasure marker, or any record of a client the coach erased before."""
    if r["data"].get(ps.ERASED_FIELD) is True:
        return True
    stored = _stored_document(row)
    return stored is not None and stored.get(ps.ERASED_FIELD) is True


def _keep_erased(
    s: Session,
    header: bf.BundleHeader,
    row: SyncRecord | None,
    r: dict[str, Any],
    counts: dict[str, int],
) -> SyncRecord:
    """The coach erased this client: keep its codes for the counts, never its identifying data.
    A client record arriving later (a restored older vault) stays erased and is counted as
    revived, so the import line can say so."""
    stored = _stored_document(row)
    marker = r["data"].get(ps.ERASED_FIELD) is True
    if stored is not None and stored.get(ps.ERASED_FIELD) is True and not marker:
        counts["revived"] += 1
        base: dict[str, Any] | None = stored
    else:
        counts["erased"] += 1
        base = stored
    if row is None:
        row = SyncRecord(
            coach=header.coach,
            table="client",
            id=r["id"],
            revision=r["rev"],
            first_seq=header.seq,
        )
    row.revision = max(row.revision, r["rev"])
    row.deleted = False
    row.data = json.dumps(ps.erased_client_document(base), sort_keys=True, ensure_ascii=False)
    row.bundle_seq = header.seq
    row.checked, row.problem = True, None
    s.add(row)
    return row


def _tombstone(record: dict[str, Any]) -> dict[str, str]:
    """What a tombstone keeps: for a client merged into another (bundle format § 6), the
    survivor's pseudonym if it has the pseudonym's form; otherwise nothing."""
    survivor = record["data"].get("merged_into") if record["t"] == "client" else None
    if isinstance(survivor, str) and ps.is_pseudonym(survivor):
        return {"merged_into": survivor}
    return {}


_IN_CHUNK = 500
"""Ids per IN query: well under SQLite's variable limit."""


def _existing(
    s: Session, coach: str, records: list[dict[str, Any]]
) -> dict[tuple[str, str], SyncRecord]:
    """The stored rows for the bundle's records: one query per table and chunk, not per row."""
    by_table: dict[str, list[str]] = {}
    for r in records:
        by_table.setdefault(r["t"], []).append(r["id"])
    found: dict[tuple[str, str], SyncRecord] = {}
    for table, ids in by_table.items():
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            for row in s.exec(
                select(SyncRecord).where(
                    SyncRecord.coach == coach,
                    SyncRecord.table == table,
                    col(SyncRecord.id).in_(chunk),
                )
            ):
                found[(row.table, row.id)] = row
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
