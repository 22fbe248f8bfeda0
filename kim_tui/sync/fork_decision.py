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

Discarding keeps the chain as it is and remembers the decision. Both are one transaction each
and are kept in ``coord_decision``, so nothing is decided twice by accident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from kim_tui.store.errors import VaultError
from kim_tui.sync import bundle_format as bf
from kim_tui.sync.coordinator_store import (
    CoordinatorStore,
    EnrolledCoach,
    ForkDecision,
    HeldBundle,
    ImportedBundle,
    SyncRecord,
    utcnow,
)
from kim_tui.sync.importer import (
    DISCARDED,
    HELD_ID_LENGTH,
    IMPORTED,
    RELEASED,
    SUPERSEDED,
    ImportOutcome,
    coach_label,
    describe,
    fork_reason,
    held_id,
    merge_bundle,
    verify_bundle,
)

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


@dataclass(frozen=True)
class Decision:
    """The outcome of a decision: German lines for the coordinator, first the decided bundle."""

    lines: list[str]
    imported_after: list[ImportOutcome]


def held_bundles(store: CoordinatorStore) -> list[HeldView]:
    """Every held-back bundle, by coach and sequence number."""
    with store.session() as s:
        coaches = {c.fingerprint: c for c in s.exec(select(EnrolledCoach)).all()}
        rows = list(
            s.exec(select(HeldBundle).order_by(col(HeldBundle.coach), col(HeldBundle.seq))).all()
        )
    views = []
    for h in rows:
        try:
            week = bf.parse(h.data).header.week
        except bf.BundleError:
            week = "?"
        views.append(
            HeldView(
                held_id(h.link),
                coach_label(coaches.get(h.coach), h.coach),
                h.seq,
                week,
                h.reason,
                h.file_name,
                h.received_at,
            )
        )
    return views


def discard(store: CoordinatorStore, ident: str) -> Decision:
    """Drop a held bundle; importing its file again will say it was discarded."""
    with store.session() as s:
        held = _find(s, ident)
        label = _label(s, held.coach)
        _decide(s, held, DISCARDED)
        s.delete(held)
        s.commit()
    return Decision(
        [f"Paket {held.seq} von Coach {label} ({held.file_name}) verworfen, nichts übernommen"],
        [],
    )


def release(store: CoordinatorStore, ident: str) -> Decision:
    """Merge a held bundle despite the fork; its branch becomes the chain from its sequence on."""
    with store.session() as s:
        held = _find(s, ident)
    try:
        bundle = verify_bundle(store, held.data)
    except bf.BundleError as exc:
        raise VaultError(f"Paket {held.seq} kann nicht übernommen werden: {exc}") from None
    header = bundle.header
    with store.session() as s:
        held = _find(s, ident)
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
        newer = s.exec(
            select(SyncRecord).where(
                SyncRecord.coach == header.coach, SyncRecord.revision > header.rev_after
            )
        ).all()
        for row in newer:
            row.revision = header.rev_after
            s.add(row)
        # The deletes must reach the database before the chain row with the same key is added.
        s.flush()
        counts = merge_bundle(s, header, bundle.records)
        _decide(s, held, RELEASED)
        s.delete(held)
        s.commit()
    lines = [f"übernommen – {describe(header, bundle.label, counts)}"]
    if superseded:
        seqs = sorted(b.seq for b in superseded)
        which = f"Paket {seqs[0]}" if len(seqs) == 1 else "Pakete " + ", ".join(map(str, seqs))
        lines.append(
            f"{which} des anderen Stands aus der Kette genommen (die Daten bleiben, "
            "Änderungen dieses Stands haben Vorrang)"
        )
    after = _retry_held(store, header.coach)
    lines.extend(o.line for o in after)
    return Decision(lines, after)


def _retry_held(store: CoordinatorStore, coach: str) -> list[ImportOutcome]:
    """Import the coach's other held bundles that fit the chain now (in sequence order).

    Each in one transaction with the removal of its held row; one that still forks stays held.
    """
    with store.session() as s:
        links = list(
            s.exec(
                select(HeldBundle.link)
                .where(HeldBundle.coach == coach)
                .order_by(col(HeldBundle.seq))
            ).all()
        )
    outcomes = []
    for link in links:
        with store.session() as s:
            held = s.get(HeldBundle, link)
        if held is None:
            continue
        try:
            bundle = verify_bundle(store, held.data)
        except bf.BundleError:
            continue  # e.g. the coach was revoked meanwhile: it stays held, the list says so
        header = bundle.header
        with store.session() as s:
            if fork_reason(s, header) is not None:
                continue
            row = s.get(HeldBundle, link)
            if row is None:
                continue
            if s.get(ImportedBundle, (header.coach, header.seq)) is None:
                counts = merge_bundle(s, header, bundle.records)
                line = f"{held.file_name}: importiert – {describe(header, bundle.label, counts)}"
                outcomes.append(ImportOutcome(held.file_name, IMPORTED, None, line, counts))
            _decide(s, held, RELEASED)
            s.delete(row)
            s.commit()
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
        raise VaultError("Die ID besteht aus mindestens 4 Zeichen 0–9 und a–f (siehe Liste).")
    matches = list(s.exec(select(HeldBundle).where(col(HeldBundle.link).startswith(key))).all())
    if not matches:
        raise VaultError(
            f"Kein zurückgehaltenes Paket mit der ID {ident.strip()[:HELD_ID_LENGTH]}."
        )
    if len(matches) > 1:
        raise VaultError(f"Die ID {ident.strip()} passt auf mehrere Pakete; bitte länger angeben.")
    return matches[0]


def _label(s: Session, fingerprint: str) -> str:
    return coach_label(s.get(EnrolledCoach, fingerprint), fingerprint)
