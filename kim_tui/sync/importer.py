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

from kim_tui.sync import bundle_format as bf
from kim_tui.sync.coordinator_store import (
    CoordinatorStore,
    EnrolledCoach,
    HeldBundle,
    ImportedBundle,
    SyncRecord,
)
from kim_tui.sync.identity import display_fingerprint

IMPORTED = "imported"
ALREADY = "already"
HELD = "held"
REJECTED = "rejected"


@dataclass(frozen=True)
class ImportOutcome:
    """The result of one file; `line` is the German result line."""

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


def import_bundle(store: CoordinatorStore, data: bytes, name: str) -> ImportOutcome:
    """Verify, decrypt and merge one bundle file's bytes."""
    try:
        parsed = bf.parse(data)
        header = parsed.header
        with store.session() as s:
            coach = s.get(EnrolledCoach, header.coach)
        if coach is None:
            raise bf.BundleError("unknown_coach", "unbekannter Coach (nicht eingeschrieben)")
        if coach.revoked_at is not None:
            raise bf.BundleError(
                "revoked_coach", f"Coach {coach_label(coach, header.coach)} wurde widerrufen"
            )
        bf.verify(parsed, bytes.fromhex(coach.sign_key))
        if header.recipient != store.public().fingerprint:
            raise bf.BundleError("wrong_recipient", "nicht an diese Koordinierung adressiert")
        records = bf.open_payload(parsed, store.kem_private())
    except bf.BundleError as exc:
        return ImportOutcome(name, REJECTED, exc.reason, f"{name}: abgelehnt – {exc}")
    label = coach_label(coach, header.coach)
    with store.session() as s:
        fork = _fork_reason(s, header)
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
                f"{name}: zurückgehalten – {fork} (Coach {label}); bitte klären, nichts übernommen",
            )
        if s.get(ImportedBundle, (header.coach, header.seq)) is not None:
            return ImportOutcome(
                name,
                ALREADY,
                None,
                f"{name}: bereits importiert (Paket {header.seq} von Coach "
                f"{label}), keine Änderung",
            )
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
        s.commit()
    return ImportOutcome(
        name,
        IMPORTED,
        None,
        f"{name}: importiert – Paket {header.seq} ({header.week}) von Coach {label}: "
        f"{counts['new']} neu, {counts['updated']} aktualisiert, {counts['deleted']} gelöscht, "
        f"{counts['unchanged']} unverändert",
        counts,
    )


def _fork_reason(s: Session, header: bf.BundleHeader) -> str | None:
    same = s.get(ImportedBundle, (header.coach, header.seq))
    if same is not None and same.link != header.link:
        return f"Gabelung: Paket {header.seq} liegt bereits mit anderem Inhalt vor"
    before = s.get(ImportedBundle, (header.coach, header.seq - 1))
    if before is not None and before.link != header.prev:
        return (
            f"Gabelung: Paket {header.seq} schließt nicht an Paket {header.seq - 1} an "
            "(alter Stand, z. B. aus einer Sicherung?)"
        )
    after = s.get(ImportedBundle, (header.coach, header.seq + 1))
    if after is not None and after.prev != header.link:
        return f"Gabelung: Paket {header.seq + 1} schließt nicht an dieses Paket an"
    return None


def _merge(s: Session, header: bf.BundleHeader, records: list[dict[str, Any]]) -> dict[str, int]:
    counts = {"new": 0, "updated": 0, "deleted": 0, "unchanged": 0}
    for r in records:
        row = s.get(SyncRecord, (header.coach, r["t"], r["id"]))
        if row is not None and row.revision >= r["rev"]:
            counts["unchanged"] += 1
            continue
        if row is None:
            row = SyncRecord(coach=header.coach, table=r["t"], id=r["id"], revision=r["rev"])
            counts["deleted" if r["del"] else "new"] += 1
        else:
            counts["deleted" if r["del"] else "updated"] += 1
        row.revision = r["rev"]
        row.deleted = r["del"]
        # A tombstone or a withdrawn consent replaces the whole document: nothing stale stays.
        row.data = "{}" if r["del"] else json.dumps(r["data"], sort_keys=True, ensure_ascii=False)
        row.bundle_seq = header.seq
        s.add(row)
    return counts


def import_files(store: CoordinatorStore, paths: Iterable[Path]) -> list[ImportOutcome]:
    """Import files in the order given (any order works); one outcome per file."""
    outcomes = []
    for path in paths:
        p = Path(path)
        try:
            data = p.read_bytes()
        except OSError:
            outcomes.append(
                ImportOutcome(
                    p.name, REJECTED, "unreadable", f"{p.name}: abgelehnt – Datei nicht lesbar"
                )
            )
            continue
        outcomes.append(import_bundle(store, data, p.name))
    return outcomes


def gaps(store: CoordinatorStore) -> list[str]:
    """German lines for every missing sequence number per coach ("Paket 7 von Coach X fehlt")."""
    lines: list[str] = []
    with store.session() as s:
        coaches = {c.fingerprint: c for c in s.exec(select(EnrolledCoach)).all()}
        seqs: dict[str, set[int]] = {}
        for coach, seq in s.exec(select(ImportedBundle.coach, ImportedBundle.seq)).all():
            seqs.setdefault(coach, set()).add(seq)
        held = list(
            s.exec(select(HeldBundle).order_by(col(HeldBundle.coach), col(HeldBundle.seq))).all()
        )
    for fp in sorted(seqs):
        have = seqs[fp]
        for missing in sorted(set(range(1, max(have) + 1)) - have):
            lines.append(f"Paket {missing} von Coach {coach_label(coaches.get(fp), fp)} fehlt")
    for h in held:
        lines.append(
            f"Paket {h.seq} von Coach {coach_label(coaches.get(h.coach), h.coach)} "
            f"zurückgehalten: {h.reason}"
        )
    return lines
