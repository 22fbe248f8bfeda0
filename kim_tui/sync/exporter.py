"""Weekly export: every row change since the previous bundle, shaped, encrypted and signed.

A bundle covers a revision range (rev_after, rev_upto]: every travelling row whose revision lies
in it, tombstones included. A client row also travels when one of its ``share_coordinator``
consents changed in the range (its effective revision is the newest of both), so a withdrawal
replaces the personal record at the coordinator with the pseudonymised one in the next bundle.

``--resend SEQ`` re-creates bundle SEQ with the same revision range, nonce and chain link and the
rows *as they are now*: a row changed again later has a newer revision and travels in its newer
bundle (the coordinator keeps the newest revision either way). The vault state is committed before
the file is written; a crash in between is repaired with ``--resend``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from kim_tui.domain import pseudonym as ps
from kim_tui.i18n import tr
from kim_tui.store.atomic import write_atomic
from kim_tui.store.models import (
    AreaRating,
    Assessment,
    Case,
    Client,
    Consent,
    ContactNote,
    ErasedClient,
    Goal,
    GoalAgreement,
    HandoverLink,
    HouseholdMembership,
    Record,
    Referral,
    ResidenceRecord,
    Step,
)
from kim_tui.store.unit_of_work import UnitOfWork, current_revision
from kim_tui.store.vault import Vault
from kim_tui.sync import bundle_format as bf
from kim_tui.sync import coach_state as cs
from kim_tui.sync import disclosure_ledger as ledger
from kim_tui.sync import payload_schema
from kim_tui.sync.stand_in_scope import excluded_rows

Progress = Callable[[int, int], None]

MODELS: dict[str, type[Record]] = {
    "client": Client,
    "case": Case,
    "consent": Consent,
    "residencerecord": ResidenceRecord,
    "assessment": Assessment,
    "arearating": AreaRating,
    "goalagreement": GoalAgreement,
    "goal": Goal,
    "step": Step,
    "referral": Referral,
    "contactnote": ContactNote,
    "handover": HandoverLink,
}


@dataclass(frozen=True)
class ExportResult:
    """The written file and its header."""

    path: Path
    header: bf.BundleHeader
    resent: bool
    repaired: Path | None = None
    """A bundle whose file an earlier export never finished (crash, full disk), written again
    before this one, so no sequence number is used up without its file."""


def iso_week(day: date) -> str:
    """``2026-W48`` for a day."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def collect_records(
    session: Session,
    rev_after: int,
    rev_upto: int,
    *,
    key: bytes,
    today: date,
    progress: Progress | None = None,
    carried: dict[str, bool] | None = None,
) -> list[dict[str, Any]]:
    """Shape every travelling row whose (effective) revision lies in (rev_after, rev_upto].
    `carried` receives every client whose rows travel: True when the client row goes with the
    name (the export's ledger, `disclosure_ledger`)."""
    # Cost follows the changes, not the vault: only consents changed in the range are read to
    # find clients whose sharing changed; the other consents only for the clients that travel.
    changed = session.exec(
        select(Consent.client_id).where(
            col(Consent.purpose) == ps.SHARE_PURPOSE,
            col(Consent.revision) > rev_after,
            col(Consent.revision) <= rev_upto,
        )
    ).all()
    touched = sorted(set(changed))

    # Clients this vault only stands in for are the original coach's: they never travel here.
    excluded = excluded_rows(session)
    rows: list[tuple[str, Record]] = []
    for table, model in MODELS.items():
        revision = col(model.revision)
        stmt = select(model).where(revision > rev_after, revision <= rev_upto)
        found = list(session.exec(stmt).all())
        if table == "client" and touched:
            ids = {r.id for r in found}
            extra = [cid for cid in touched if cid not in ids]
            for start in range(0, len(extra), 500):
                chunk = extra[start : start + 500]
                found.extend(session.exec(select(Client).where(col(Client.id).in_(chunk))).all())
        skip = excluded.get(table, set())
        rows.extend((table, r) for r in found if r.id not in skip)

    client_ids = [r.id for table, r in rows if table == "client"]
    consents_of: dict[str, list[dict[str, Any]]] = {}
    consent_rev: dict[str, int] = {}
    household_of: dict[str, tuple[str, str]] = {}
    for start in range(0, len(client_ids), 500):
        chunk = client_ids[start : start + 500]
        for c in session.exec(
            select(Consent).where(
                col(Consent.purpose) == ps.SHARE_PURPOSE, col(Consent.client_id).in_(chunk)
            )
        ).all():
            consents_of.setdefault(c.client_id, []).append(c.model_dump())
            consent_rev[c.client_id] = max(consent_rev.get(c.client_id, 0), c.revision)
        for m in session.exec(
            select(HouseholdMembership).where(
                col(HouseholdMembership.client_id).in_(chunk),
                col(HouseholdMembership.deleted_at).is_(None),
            )
        ).all():
            household_of[m.client_id] = (m.household_id, m.role)

    total = len(rows)
    out: list[dict[str, Any]] = []
    for done, (table, row) in enumerate(rows, start=1):
        data = row.model_dump()
        if table == "client" and row.id in household_of:
            data[ps.HOUSEHOLD_FIELD], data[ps.HOUSEHOLD_ROLE_FIELD] = household_of[row.id]
        if table == "client":
            effective = max(row.revision, consent_rev.get(row.id, 0))
            if rev_after < effective <= rev_upto:
                # A restricted client (Art. 18) travels pseudonymised only, whatever the consent.
                personal = (
                    ps.shares_with_coordinator(consents_of.get(row.id, []), today)
                    and getattr(row, "restricted_on", None) is None
                )
                out.append(
                    ps.shape_record("client", data, key=key, personal=personal, revision=effective)
                )
                if carried is not None and row.deleted_at is None:
                    carried[row.id] = carried.get(row.id, False) or personal
        else:
            out.append(ps.shape_record(table, data, key=key))
        if progress is not None and (done % 200 == 0 or done == total):
            progress(done, total)
    if progress is not None and total == 0:
        progress(0, 0)
    if carried is not None:
        # A tombstone carries nothing about anyone (its data is empty or a merge pointer).
        others = [(t, r) for t, r in rows if t != "client" and r.deleted_at is None]
        for client_id in ledger.clients_of(session, others):
            if client_id is not None:
                carried.setdefault(client_id, False)
    # Erasures travel as a marker on the client's pseudonym (the client's rows are gone).
    for erased in session.exec(
        select(ErasedClient).where(
            col(ErasedClient.revision) > rev_after, col(ErasedClient.revision) <= rev_upto
        )
    ).all():
        # A file merged into an erased client's travels as its merge tombstone instead.
        if erased.id not in excluded.get("client", set()) and erased.reason != "merged":
            out.append(ps.erasure_record(key, erased.id, erased.revision))
    out.sort(key=ps.record_sort_key)
    return out


def make_target_folder(out: Path) -> bool:
    """Create the export's target folder and missing parents, readable by its owner only:
    bundles are encrypted, but who sent how many when is nobody else's business. True when it
    was made (the caller says so), False when it was there; SyncSetupError when it cannot be."""
    if out.is_dir():
        return False
    if out.exists():
        raise cs.SyncSetupError(
            tr(
                f"{out} ist kein Ordner; bitte einen Ordner angeben.",
                f"{out} is not a folder; please name a folder.",
            )
        )
    missing = [out, *(p for p in out.parents if not p.exists())]
    try:
        for folder in reversed(missing):
            if not folder.exists():
                folder.mkdir(mode=0o700)
    except OSError as exc:
        raise cs.SyncSetupError(
            tr(
                f"Zielverzeichnis {out} lässt sich nicht anlegen ({exc.strerror}); bitte einen "
                "anderen Ordner angeben.",
                f"Target directory {out} cannot be created ({exc.strerror}); please name "
                "another folder.",
            )
        ) from None
    return True


def export_bundle(
    vault: Vault,
    out_dir: Path,
    *,
    week: str | None = None,
    resend: int | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Make the next bundle (or re-create bundle `resend`) and write it atomically to `out_dir`."""
    moment = now or datetime.now(UTC)
    if week is not None and not bf.valid_week(week):
        raise cs.SyncSetupError(
            tr(
                f"Ungültige Woche {week!r}, bitte z. B. 2026-W48.",
                f"Invalid week {week!r}, please e.g. 2026-W48.",
            )
        )
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise cs.SyncSetupError(
            tr(
                f"Zielverzeichnis {out_dir} gibt es nicht.",
                f"Target directory {out_dir} does not exist.",
            )
        )
    repaired: Path | None = None
    if resend is None:
        with UnitOfWork(vault.engine).read() as session:
            unfinished = cs.unwritten_seq(session)
        if unfinished is not None:
            repaired = export_bundle(vault, out_dir, resend=unfinished, now=now).path
    action = "bundle.resend" if resend is not None else "bundle.export"
    # The unit of work records the export's one audit event (no revision: nothing changed).
    with UnitOfWork(vault.engine).audited(action, "bundle") as tx:
        session = tx.session
        sign_key = cs.sign_key(session)
        key = cs.pseudonym_key(session)
        coach = cs.coach_public(session)
        recipient = cs.coordinator(session)
        if resend is not None:
            sent = cs.sent_bundle(session, resend)
            if sent is None:
                raise cs.SyncSetupError(
                    tr(
                        f"Paket {resend} wurde in diesem Tresor nie erstellt.",
                        f"Bundle {resend} was never made in this vault.",
                    )
                )
        else:
            seq = cs.last_seq(session) + 1
            previous = cs.sent_bundle(session, seq - 1) if seq > 1 else None
            rev_after = previous.rev_upto if previous else 0
            nonce = os.urandom(16).hex()
            prev = previous.link if previous else None
            sent = cs.SentBundle(
                seq=seq,
                rev_after=rev_after,
                rev_upto=max(rev_after, current_revision(session)),
                nonce=nonce,
                prev=prev,
                link=bf.chain_link(
                    coach.fingerprint,
                    seq,
                    rev_after,
                    max(rev_after, current_revision(session)),
                    nonce,
                    prev,
                ),
                week=week or iso_week(moment.date()),
                created_at=_stamp(moment),
                recipient=recipient.fingerprint,
            )
        carried: dict[str, bool] = {}
        records = collect_records(
            session,
            sent.rev_after,
            sent.rev_upto,
            key=key,
            today=moment.date(),
            progress=progress,
            carried=carried,
        )
        counts = {t: 0 for t in ps.TABLES}
        for r in records:
            counts[r["t"]] += 1
        header = bf.BundleHeader(
            coach=coach.fingerprint,
            seq=sent.seq,
            rev_after=sent.rev_after,
            rev_upto=sent.rev_upto,
            week=sent.week,
            created_at=sent.created_at if resend is None else _stamp(moment),
            counts=counts,
            recipient=recipient.fingerprint,
            nonce=sent.nonce,
            prev=sent.prev,
        )
        assert header.link == sent.link
        # The coordinator refuses a bundle that breaks the schema as a whole: say so here,
        # before a sequence number is taken, so the coach can correct the entry first.
        violation = payload_schema.check_records(records)
        if violation is not None:
            raise cs.SyncSetupError(
                tr(
                    "Paket nicht erstellt: ein Eintrag hält die Regeln des Paketformats nicht ein "
                    f"({violation.line()}). Bitte den Eintrag korrigieren.",
                    "Bundle not made: an entry breaks the rules of the bundle format "
                    f"({violation.line()}). Please correct the entry.",
                )
            )
        data = bf.seal(header, records, recipient.kem_key, sign_key)
        ledger.record_disclosures(session, sent.seq, carried)
        if resend is None:
            # Taken now, marked written only once the file is on disk (see `SentBundle.written`).
            cs.record_bundle(session, replace(sent, written=False))
        tx.detail = f"Paket {sent.seq}, Revisionen {sent.rev_after + 1}-{sent.rev_upto}"
    path = out_dir / bf.file_name(header)
    write_atomic(path, data, mode=0o600)
    if not sent.written or resend is None:
        # Part of the export audited above: one operation, one audit event.
        with UnitOfWork(vault.engine).bookkeeping() as session:
            cs.mark_written(session, sent.seq)
    return ExportResult(path=path, header=header, resent=resend is not None, repaired=repaired)
