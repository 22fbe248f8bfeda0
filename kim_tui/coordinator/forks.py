"""The coordinator decides a held-back fork: release the bundle into the chain, or discard it.

A fork is two histories of one coach vault, typically a laptop restored from an old backup that
then goes on working. Both branches start from the same state: the held bundle's ``rev_after``
is where they part. Releasing a held bundle makes its branch the coach's chain from its sequence
number on:

- the other branch's bundles from that sequence number on leave the chain (remembered as
  *superseded*, so importing their files again changes nothing);
- records the other branch changed after the fork keep their data (the work happened) but their
  revision drops to the fork point, because the restored vault numbers its revisions again from
  there: every change of the released branch must win over them, and does;
- then the bundle is merged, and the coach's other held bundles are tried again, in sequence
  order: a later bundle of the same branch now fits the chain and is imported.

A released bundle brings its own predecessors along: if the bundle it names as ``prev`` is held
or was discarded (a coordinator who discarded bundle 2 of the restored laptop and then releases
its bundle 3), that one is released first, so no work of the branch goes missing.

Records the other branch brought first after the fork (``first_seq`` at or after the released
sequence number) exist only in that superseded history: the restored vault never had them. They
are marked ``superseded_only`` (a later bundle of the chain that brings one again clears the
mark), listed per table with the held bundles, and dropped on the coordinator's word
(`drop_superseded`, or `release(…, drop_superseded=True)`), so the counts match the restored
vault again.

Discarding keeps the chain as it is and remembers the decision; the bundle itself is kept, so a
discard can be undone by releasing the same id later. Decisions are kept in
``coord_decision``: importing a decided file again changes nothing and says what was decided.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, delete, select

from kim_tui.coordinator.chain import (
    DISCARDED,
    HELD_ID_LENGTH,
    RELEASED,
    SUPERSEDED,
    decision_label,
    fork_text,
    held_id,
)
from kim_tui.coordinator.importer import (
    IMPORTED,
    ImportOutcome,
    VerifiedBundle,
    coach_label,
    describe,
    fork_reason,
    merge_bundle,
    verify_bundle,
)
from kim_tui.coordinator.store import (
    CoordinatorStore,
    EnrolledCoach,
    ForkDecision,
    HeldBundle,
    ImportedBundle,
    SyncRecord,
    utcnow,
)
from kim_tui.i18n import tr
from kim_tui.store.errors import VaultError
from kim_tui.sync import bundle_format as bf

_ID = re.compile(r"[0-9a-f]{4,64}")


@dataclass(frozen=True)
class HeldView:
    """One held-back bundle as the coordinator sees it (no personal data)."""

    id: str
    coach: str
    seq: int
    week: str
    reason: str
    file_name: str
    received_at: datetime
    leaves: tuple[int, ...] = ()
    """Sequence numbers of the chain that releasing this bundle takes out (the other history)."""
    brings: tuple[int, ...] = ()
    """Held or discarded predecessors of the same history that releasing brings along."""
    orphans: dict[str, int] = field(default_factory=dict)
    """Records per table that releasing would leave only in the other history (it brought
    them first after the fork): what `drop_superseded` would drop afterwards."""


@dataclass(frozen=True)
class SupersededRecords:
    """One coach's records that exist only in a history superseded by a released fork."""

    coach: str
    """The coach's fingerprint."""
    label: str
    counts: dict[str, int]
    """Records per table (client, case, contact, …)."""

    @property
    def total(self) -> int:
        """All of the coach's superseded-only records."""
        return sum(self.counts.values())


@dataclass(frozen=True)
class Decision:
    """The outcome of a decision: lines for the coordinator (UI language), first the decided
    bundle."""

    lines: list[str]
    imported_after: list[ImportOutcome]
    dropped: dict[str, int] = field(default_factory=dict)
    """Superseded-only records dropped with the release, per table (`drop_superseded`)."""


def held_bundles(store: CoordinatorStore) -> list[HeldView]:
    """Every held-back bundle not yet decided, by coach and sequence number."""
    with store.session() as s:
        coaches = {c.fingerprint: c for c in s.exec(select(EnrolledCoach)).all()}
        rows = open_held(s)
        views = []
        for h in rows:
            try:
                week = bf.parse(h.data).header.week
            except bf.BundleError:
                week = "?"
            brings = _predecessors(s, h)
            start = brings[0].seq if brings else h.seq
            chain = s.exec(
                select(ImportedBundle.seq).where(
                    ImportedBundle.coach == h.coach, ImportedBundle.seq >= start
                )
            ).all()
            views.append(
                HeldView(
                    held_id(h.link),
                    coach_label(coaches.get(h.coach), h.coach),
                    h.seq,
                    week,
                    fork_text(h.reason, h.seq),
                    h.file_name,
                    h.received_at,
                    leaves=tuple(sorted(chain)),
                    brings=tuple(b.seq for b in brings),
                    orphans=_first_brought_from(s, h.coach, start) if chain else {},
                )
            )
    return views


def _first_brought_from(s: Session, coach: str, seq: int) -> dict[str, int]:
    """Per table, the coach's records first brought by bundle `seq` or later (and not already
    only in a superseded history)."""
    rows = s.exec(
        select(SyncRecord.table, func.count())
        .where(
            SyncRecord.coach == coach,
            SyncRecord.first_seq >= seq,
            col(SyncRecord.superseded_only).is_(False),
        )
        .group_by(col(SyncRecord.table))
    ).all()
    return {table: count for table, count in sorted(rows)}


def superseded_records(store: CoordinatorStore) -> list[SupersededRecords]:
    """Per coach, the records that exist only in a history superseded by a released fork (the
    restored vault never had them), counted per table."""
    with store.session() as s:
        rows = s.exec(
            select(SyncRecord.coach, SyncRecord.table, func.count())
            .where(col(SyncRecord.superseded_only).is_(True))
            .group_by(col(SyncRecord.coach), col(SyncRecord.table))
        ).all()
        by_coach: dict[str, dict[str, int]] = {}
        for coach, table, count in sorted(rows):
            by_coach.setdefault(coach, {})[table] = count
        return [
            SupersededRecords(coach, _label(s, coach), counts) for coach, counts in by_coach.items()
        ]


def drop_superseded(store: CoordinatorStore, coach: str | None = None) -> dict[str, int]:
    """Drop the records that exist only in a superseded history (of one coach, by fingerprint,
    or of all); return how many per table. The report then counts what the restored vaults
    hold. Nothing else changes: a later bundle that brings such a record again adds it anew."""
    with store.session() as s:
        counts = _drop_superseded(s, coach)
        s.commit()
    return counts


def _drop_superseded(s: Session, coach: str | None) -> dict[str, int]:
    """`drop_superseded` in the caller's transaction."""
    where: list[ColumnElement[bool]] = [col(SyncRecord.superseded_only).is_(True)]
    if coach is not None:
        where.append(col(SyncRecord.coach) == coach)
    rows = s.exec(
        select(SyncRecord.table, func.count()).where(*where).group_by(col(SyncRecord.table))
    ).all()
    s.exec(delete(SyncRecord).where(*where))
    return {table: count for table, count in sorted(rows)}


def discard(store: CoordinatorStore, ident: str) -> Decision:
    """Set a held bundle aside; importing its file again will say it was discarded. The bundle
    is kept: releasing the same id later undoes the discard."""
    with store.session() as s:
        held = _find(s, ident)
        decided = s.get(ForkDecision, held.link)
        if decided is not None and decided.decision == DISCARDED:
            raise VaultError(
                tr(
                    f"Paket {held.seq} ({held.file_name}) wurde bereits am "
                    f"{decided.decided_at:%d.%m.%Y} verworfen.",
                    f"Bundle {held.seq} ({held.file_name}) was already discarded on "
                    f"{decided.decided_at:%d.%m.%Y}.",
                )
            )
        label = _label(s, held.coach)
        _decide(s, held, DISCARDED)
        s.commit()
    return Decision(
        [
            tr(
                f"verworfen – Paket {held.seq} von Coach {label} ({held.file_name}), "
                "nichts übernommen",
                f"discarded – bundle {held.seq} from coach {label} ({held.file_name}), "
                "nothing taken over",
            )
        ],
        [],
    )


def release(store: CoordinatorStore, ident: str, *, drop_superseded: bool = False) -> Decision:
    """Merge a held (or discarded) bundle despite the fork; its history becomes the chain from
    its sequence number on, its own held or discarded predecessors first. With
    `drop_superseded`, the coach's records that now exist only in the other history are
    dropped in the same transaction (`Decision.dropped` counts them)."""
    with store.session() as s:
        held = _find(s, ident)
        path = [*_predecessors(s, held), held]
        first = path[0]
        prev = _prev_link(first)
        below = s.get(ImportedBundle, (first.coach, first.seq - 1))
        if first.seq > 1 and (below is None or below.link != prev):
            # Releasing would leave a hole in this history (or splice it onto the other one):
            # its bundle before must arrive first.
            raise VaultError(
                tr(
                    f"Paket {first.seq - 1} dieses Stands fehlt noch. Bitte erst einlesen (der "
                    f"Coach kann es mit `kim export --resend {first.seq - 1}` neu erstellen), "
                    "dann entscheiden.",
                    f"Bundle {first.seq - 1} of this history is still missing. Please import it "
                    f"first (the coach can create it again with `kim export --resend "
                    f"{first.seq - 1}`), then decide.",
                )
            )
    # Verified first (signature, recipient, payload), then everything in one transaction: the
    # whole history with the bundles that fit after it goes in together or not at all.
    verified = []
    for bundle in path:
        try:
            verified.append((bundle.link, verify_bundle(store, bundle.data)))
        except bf.BundleError as exc:
            raise VaultError(
                tr(
                    f"Paket {bundle.seq} kann nicht übernommen werden: {exc}",
                    f"Bundle {bundle.seq} cannot be taken over: {exc}",
                )
            ) from None
    lines: list[str] = []
    with store.session() as s:
        for link, checked in verified:
            lines.extend(_release_one(s, link, checked))
        after = _retry_held(s, store, held.coach)
        dropped = _drop_superseded(s, held.coach) if drop_superseded else {}
        s.commit()
    lines.extend(o.line for o in after)
    return Decision(lines, after, dropped)


def _release_one(s: Session, link: str, bundle: VerifiedBundle) -> list[str]:
    """Put one verified held bundle into the chain (the caller commits)."""
    header = bundle.header
    row = s.get(HeldBundle, link)
    if row is None:
        raise VaultError(
            tr(
                f"Paket {header.seq} wurde inzwischen entschieden.",
                f"Bundle {header.seq} has been decided meanwhile.",
            )
        )
    was = s.get(ForkDecision, link)
    undone = was is not None and was.decision == DISCARDED
    superseded = list(
        s.exec(
            select(ImportedBundle).where(
                ImportedBundle.coach == header.coach, ImportedBundle.seq >= header.seq
            )
        ).all()
    )
    for old in superseded:
        _decide(s, old, SUPERSEDED)
        s.delete(old)
    if superseded:
        # Chain and fork share every bundle before this one, so whatever a bundle from here on
        # brought first came from the other history only (until the chain brings it again).
        first_there = s.exec(
            select(SyncRecord).where(
                SyncRecord.coach == header.coach,
                SyncRecord.first_seq >= header.seq,
            )
        ).all()
        for record in first_there:
            record.superseded_only = True
            s.add(record)
    newer = s.exec(
        select(SyncRecord).where(
            SyncRecord.coach == header.coach, SyncRecord.revision > header.rev_after
        )
    ).all()
    for record in newer:
        record.revision = header.rev_after
        s.add(record)
    # The deletes must reach the database before the chain row with the same key is added.
    s.flush()
    counts = merge_bundle(s, header, bundle.records)
    _decide(s, row, RELEASED)
    s.delete(row)
    s.flush()
    note = tr(" (zuvor verworfen)", " (discarded before)") if undone else ""
    lines = [tr("übernommen", "released") + f"{note} – {describe(header, bundle.label, counts)}"]
    if superseded:
        seqs = sorted(b.seq for b in superseded)
        lines.append(
            tr(
                f"{_bundles(seqs)} des anderen Stands aus der Kette genommen (die Daten "
                "bleiben, Änderungen dieses Stands haben Vorrang)",
                f"{_bundles(seqs)} of the other history taken out of the chain (the data "
                "stays, changes of this history take precedence)",
            )
        )
    return lines


def _bundles(seqs: list[int] | tuple[int, ...]) -> str:
    if len(seqs) == 1:
        return tr(f"Paket {seqs[0]}", f"bundle {seqs[0]}")
    return tr("Pakete ", "bundles ") + ", ".join(map(str, seqs))


def _predecessors(s: Session, held: HeldBundle) -> list[HeldBundle]:
    """The held or discarded bundles before `held` in its own history that are not in the
    chain, oldest first (a bundle names its predecessor's link as ``prev``)."""
    found: list[HeldBundle] = []
    current = held
    while True:
        prev_link = _prev_link(current)
        if prev_link is None:
            break
        in_chain = s.get(ImportedBundle, (current.coach, current.seq - 1))
        if in_chain is not None and in_chain.link == prev_link:
            break
        before = s.get(HeldBundle, prev_link)
        if before is None or before in found:
            break
        found.insert(0, before)
        current = before
    return found


def _prev_link(held: HeldBundle) -> str | None:
    try:
        return bf.parse(held.data).header.prev
    except bf.BundleError:
        return None


def open_held(s: Session) -> list[HeldBundle]:
    """Held bundles nobody has decided yet (discarded ones are kept, but not listed)."""
    discarded = select(ForkDecision.link).where(ForkDecision.decision == DISCARDED)
    return list(
        s.exec(
            select(HeldBundle)
            .where(col(HeldBundle.link).not_in(discarded))
            .order_by(col(HeldBundle.coach), col(HeldBundle.seq))
        ).all()
    )


def _retry_held(s: Session, store: CoordinatorStore, coach: str) -> list[ImportOutcome]:
    """Merge the coach's other held bundles that fit the chain now (in sequence order), in the
    caller's transaction; one that still forks stays held."""
    outcomes = []
    for held in [h for h in open_held(s) if h.coach == coach]:
        try:
            bundle = verify_bundle(store, held.data)
        except bf.BundleError:
            continue  # e.g. the coach was revoked meanwhile: it stays held, the list says so
        header = bundle.header
        if fork_reason(s, header) is not None:
            continue
        if s.get(ImportedBundle, (header.coach, header.seq)) is None:
            counts = merge_bundle(s, header, bundle.records)
            line = tr(f"{held.file_name}: importiert – ", f"{held.file_name}: imported – ")
            line += describe(header, bundle.label, counts)
            outcomes.append(ImportOutcome(held.file_name, IMPORTED, None, line, counts))
        _decide(s, held, RELEASED)
        s.delete(held)
        s.flush()
    return outcomes


def _decide(s: Session, bundle: HeldBundle | ImportedBundle, decision: str) -> None:
    """Record (or change) the decision about one bundle link."""
    row = s.get(ForkDecision, bundle.link) or ForkDecision(
        link=bundle.link, coach=bundle.coach, seq=bundle.seq, decision=decision
    )
    row.decision = decision
    row.decided_at = utcnow()
    if isinstance(bundle, HeldBundle):
        row.file_name = bundle.file_name
    s.add(row)


def _find(s: Session, ident: str) -> HeldBundle:
    key = ident.strip().lower()
    if not _ID.fullmatch(key):
        raise VaultError(
            tr(
                "Die ID besteht aus mindestens 4 Zeichen 0–9 und a–f (siehe Liste).",
                "The ID has at least 4 characters 0–9 and a–f (see the list).",
            )
        )
    matches = list(s.exec(select(HeldBundle).where(col(HeldBundle.link).startswith(key))).all())
    if not matches:
        decided = s.exec(select(ForkDecision).where(col(ForkDecision.link).startswith(key))).first()
        if decided is not None:
            what = decided.file_name or "ID " + key
            raise VaultError(
                tr(
                    f"Paket {decided.seq} ({what}) wurde am {decided.decided_at:%d.%m.%Y} "
                    f"{decision_label(decided.decision)}; es ist nichts mehr zu entscheiden.",
                    f"Bundle {decided.seq} ({what}) was {decision_label(decided.decision)} on "
                    f"{decided.decided_at:%d.%m.%Y}; there is nothing left to decide.",
                )
            )
        short = ident.strip()[:HELD_ID_LENGTH]
        raise VaultError(
            tr(
                f"Kein zurückgehaltenes Paket mit der ID {short}.",
                f"No held-back bundle with the ID {short}.",
            )
        )
    if len(matches) > 1:
        raise VaultError(
            tr(
                f"Die ID {ident.strip()} passt auf mehrere Pakete; bitte länger angeben.",
                f"The ID {ident.strip()} matches several bundles; please give more of it.",
            )
        )
    return matches[0]


def _label(s: Session, fingerprint: str) -> str:
    return coach_label(s.get(EnrolledCoach, fingerprint), fingerprint)
