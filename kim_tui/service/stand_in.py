"""Stand-in (Vertretung): a time-limited copy of some clients for a colleague during an absence.

The original coach sends a copy (not a transfer) of the chosen clients' master data, current
residence status, open cases with their consents, open follow-ups, goal agreements (goals and
steps) and the contacts of the last `RECENT_DAYS` days, encrypted to the colleague (a
``*.kimh`` file of kind ``stand-in``, ``docs/handover-format.md``). The sender's records stay
as they are. The colleague records contacts and completes or adds follow-ups
(`service.stand_in_guard` refuses anything else), and sends them back in a return file (kind
``stand-in-return``) that the original coach imports. On the first unlock after the end date
the copy is erased from the colleague's vault.

The copy keeps the original ids, so a return names the original follow-ups and cases directly,
and a second return cannot add a contact twice. Stand-in clients never travel in the
colleague's weekly bundle (`sync.stand_in_scope`).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, SQLModel, col, select

from kim_tui.domain.dates import format_date
from kim_tui.domain.residence import current_paper
from kim_tui.domain.stand_in import StandInExpiry, StandInReceived, StandInSent, StandInView
from kim_tui.i18n import tr
from kim_tui.service import stand_in_expiry
from kim_tui.service.context import ServiceContext
from kim_tui.service.converters import display_name, residence_view
from kim_tui.service.erasure import linked_rows
from kim_tui.service.handover import consented_to, same_organisation
from kim_tui.service.privacy import ALLOW_RESTRICTED
from kim_tui.service.stand_in_files import (
    day,
    dump,
    find_colleague,
    load,
    open_file,
    refuse,
    stamp,
    write_file,
)
from kim_tui.service.stand_in_guard import ALLOW_STAND_IN, EXPIRED, active_stand_ins
from kim_tui.store.errors import ValidationError
from kim_tui.store.models import (
    Case,
    Client,
    Consent,
    ContactNote,
    FollowUp,
    Goal,
    GoalAgreement,
    Record,
    ResidenceRecord,
    StandIn,
    Step,
)
from kim_tui.sync import coach_state as cs
from kim_tui.sync import handover_format as hf
from kim_tui.sync.identity import CoachPublic
from kim_tui.sync.stand_in_scope import IN, OUT

RECENT_DAYS = 90
"""Contacts of the last 90 days travel with the copy: enough to know what was agreed lately."""
MAX_DAYS = 366
"""A stand-in covers an absence; for longer, the case is handed over (Übergabe)."""
_TAKEN_DE = "Diese Vertretung wurde bereits übernommen (Datei doppelt)."
_TAKEN_EN = "This stand-in was already taken over (the same file again)."
_LINKS_DE = "Inhalt hat nicht die erwartete Form (Zuordnung)."
_LINKS_EN = "The content does not have the expected shape (links)."

_COPIED: dict[str, type[Record]] = {
    "client": Client,
    "case": Case,
    "consent": Consent,
    "residencerecord": ResidenceRecord,
    "goalagreement": GoalAgreement,
    "goal": Goal,
    "step": Step,
    "contactnote": ContactNote,
    "followup": FollowUp,
}
_PARENT_OF: dict[str, tuple[str, str]] = {
    # table: (column, table it must point into)
    "case": ("client_id", "client"),
    "consent": ("case_id", "case"),
    "residencerecord": ("client_id", "client"),
    "goalagreement": ("case_id", "case"),
    "goal": ("agreement_id", "goalagreement"),
    "step": ("goal_id", "goalagreement"),
    "contactnote": ("case_id", "case"),
    "followup": ("case_id", "case"),
}


class StandInService:
    """Send, receive, return and expire stand-in copies."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def read(self) -> Session:
        """A read session of the vault (for the list markers)."""
        return self._ctx.uow.read()

    # -- the original coach: send ------------------------------------------------------------

    def default_clients(self) -> list[str]:
        """The clients a stand-in covers when none are named: every client with an open case
        (not restricted, not itself a stand-in copy), by name."""
        with self._ctx.uow.read() as s:
            borrowed = set(active_stand_ins(s))
            rows = s.exec(
                select(Client.id)
                .join(Case, col(Case.client_id) == col(Client.id))
                .where(
                    col(Client.deleted_at).is_(None),
                    col(Client.restricted_on).is_(None),
                    col(Case.deleted_at).is_(None),
                    col(Case.closed_on).is_(None),
                )
                .order_by(col(Client.sort_key), col(Client.id))
            ).all()
        seen: list[str] = []
        for cid in rows:
            if cid not in borrowed and cid not in seen:
                seen.append(cid)
        return seen

    def follow_up_clients(self) -> list[str]:
        """The clients with open follow-ups (the Wiedervorlagen's default for a stand-in),
        among those a stand-in can cover, by name."""
        with self._ctx.uow.read() as s:
            due = set(
                s.exec(
                    select(FollowUp.client_id).where(
                        col(FollowUp.open) == 1, col(FollowUp.deleted_at).is_(None)
                    )
                ).all()
            )
        return [cid for cid in self.default_clients() if cid in due]

    def find_colleague(self, name: str) -> CoachPublic:
        """The stored colleague named `name` (or by the start of the fingerprint)."""
        return find_colleague(self._ctx, name)

    def send(
        self, colleague: str, until: date, client_ids: list[str] | None, out: Path
    ) -> StandInSent:
        """Write a stand-in file for `colleague` covering `client_ids` (None: every client with
        an open case) until `until` (inclusive). The sender's records are unchanged; the audit
        names the colleague's fingerprint and the number of clients, nothing personal."""
        today = self._ctx.today()
        if until < today:
            raise ValidationError(
                {"until": tr("Das Enddatum liegt in der Vergangenheit.", "The end date is past.")}
            )
        if until > today + timedelta(days=MAX_DAYS):
            raise ValidationError(
                {
                    "until": tr(
                        "Eine Vertretung dauert höchstens ein Jahr; länger: bitte übergeben.",
                        "A stand-in lasts a year at most; for longer, please hand over.",
                    )
                }
            )
        recipient = self.find_colleague(colleague)
        chosen = self.default_clients() if client_ids is None else list(dict.fromkeys(client_ids))
        if not chosen:
            raise ValidationError(
                {
                    "client": tr(
                        "Keine Klient*in mit offenem Fall ausgewählt.",
                        "No client with an open case chosen.",
                    )
                }
            )
        stand_in_id = hf.new_handover_id()
        with self._ctx.uow.audited("standin.send", "standin", stand_in_id) as tx:
            s = tx.session
            me = cs.coach_public(s)
            if not same_organisation(me.organisation, recipient.organisation):
                # A colleague of another provider is another controller: the copy needs the
                # client's consent to pass the file to that provider (§ 203 StGB), as a
                # handover does.
                _refuse_without_consent(s, chosen, recipient, today)
            rows, cases = self._copy_rows(s, chosen, today)
            payload = {
                "kind": hf.STAND_IN,
                "until": until.isoformat(),
                "recent_days": RECENT_DAYS,
                "sender_name": me.name,
                "clients": chosen,
                "rows": rows,
            }
            header = hf.HandoverHeader(
                hf.STAND_IN, stand_in_id, me.fingerprint, recipient.fingerprint, stamp()
            )
            data = hf.seal(header, payload, recipient, cs.sign_key(s))
            for cid in chosen:
                s.add(
                    StandIn(
                        stand_in_id=stand_in_id,
                        client_ref=cid,
                        case_ref=cases[cid],
                        direction=OUT,
                        until=until,
                        counterpart=recipient.fingerprint,
                        counterpart_name=recipient.name,
                    )
                )
            tx.detail = f"{len(chosen)} Klient*innen an {recipient.fingerprint[:16]} bis {until}"
            write_file(out, data)
        return StandInSent(stand_in_id, str(out), recipient.name, until, len(chosen))

    def _copy_rows(
        self, s: Session, chosen: list[str], today: date
    ) -> tuple[dict[str, list[dict[str, Any]]], dict[str, str]]:
        """The rows of the copy by table, and each client's open case."""
        borrowed = set(active_stand_ins(s))
        rows: dict[str, list[dict[str, Any]]] = {t: [] for t in _COPIED}
        cases: dict[str, str] = {}
        since = today - timedelta(days=RECENT_DAYS)
        for cid in chosen:
            client = s.get(Client, cid)
            if client is None or client.deleted_at is not None:
                raise ValidationError(
                    {"client": tr(f"Klient*in {cid} nicht gefunden.", f"Client {cid} not found.")}
                )
            name = display_name(client.given_name, client.family_name)
            if cid in borrowed:
                raise ValidationError(
                    {
                        "client": tr(
                            f"{name} ist selbst nur in Vertretung hier: nicht weitergeben.",
                            f"{name} is here only as a stand-in: not to be passed on.",
                        )
                    }
                )
            if client.restricted_on is not None:
                raise ValidationError(
                    {
                        "client": tr(
                            f"{name}: Verarbeitung eingeschränkt (Art. 18), keine Vertretung.",
                            f"{name}: processing restricted (Art. 18), no stand-in.",
                        )
                    }
                )
            open_cases = s.exec(
                select(Case).where(
                    col(Case.client_id) == cid,
                    col(Case.deleted_at).is_(None),
                    col(Case.closed_on).is_(None),
                )
            ).all()
            if not open_cases:
                raise ValidationError(
                    {"client": tr(f"{name} hat keinen offenen Fall.", f"{name} has no open case.")}
                )
            cases[cid] = open_cases[0].id
            rows["client"].append(dump(client))
            # The paper that counts today (`domain.residence.current_paper`, the one whose
            # expiry reminder travels too), not merely the one that starts last: a paper
            # recorded ahead is not current yet.
            papers = s.exec(
                select(ResidenceRecord)
                .where(
                    col(ResidenceRecord.client_id) == cid, col(ResidenceRecord.deleted_at).is_(None)
                )
                .order_by(col(ResidenceRecord.created_at), col(ResidenceRecord.id))
            ).all()
            current = current_paper([residence_view(p) for p in papers], today)
            if current is not None:
                chosen_paper = next(p for p in papers if p.id == current.record.id)
                rows["residencerecord"].append(dump(chosen_paper))
            for case in open_cases:
                rows["case"].append(dump(case))
                self._copy_case(s, case, since, rows)
        return rows, cases

    @staticmethod
    def _copy_case(
        s: Session, case: Case, since: date, rows: dict[str, list[dict[str, Any]]]
    ) -> None:
        for agreement in s.exec(
            select(GoalAgreement).where(
                col(GoalAgreement.case_id) == case.id, col(GoalAgreement.deleted_at).is_(None)
            )
        ).all():
            rows["goalagreement"].append(dump(agreement))
            for goal in s.exec(
                select(Goal).where(
                    col(Goal.agreement_id) == agreement.id, col(Goal.deleted_at).is_(None)
                )
            ).all():
                rows["goal"].append(dump(goal))
                rows["step"].extend(
                    dump(step)
                    for step in s.exec(
                        select(Step).where(
                            col(Step.goal_id) == goal.id, col(Step.deleted_at).is_(None)
                        )
                    ).all()
                )
        # The consents travel so the colleague sees the basis of the work (read-only there).
        rows["consent"].extend(
            dump(c)
            for c in s.exec(
                select(Consent).where(
                    col(Consent.case_id) == case.id, col(Consent.deleted_at).is_(None)
                )
            ).all()
        )
        rows["contactnote"].extend(
            dump(c)
            for c in s.exec(
                select(ContactNote).where(
                    col(ContactNote.case_id) == case.id,
                    col(ContactNote.deleted_at).is_(None),
                    col(ContactNote.on) >= since,
                )
            ).all()
        )
        rows["followup"].extend(
            dump(f)
            for f in s.exec(
                select(FollowUp).where(
                    col(FollowUp.case_id) == case.id,
                    col(FollowUp.deleted_at).is_(None),
                    col(FollowUp.done_on).is_(None),
                )
            ).all()
        )

    # -- the colleague: receive --------------------------------------------------------------
    def receive(self, path: Path) -> StandInReceived:
        """Take over a stand-in copy: verified sender and recipient, not seen before, not
        ended; the clients appear in this vault marked "Vertretung bis …". Nothing changes when
        the file is refused."""
        parsed, doc, sender = open_file(self._ctx, path, hf.STAND_IN)
        stand_in_id = parsed.header.id
        with self._ctx.uow.read() as s:
            seen = s.exec(select(StandIn.id).where(col(StandIn.stand_in_id) == stand_in_id))
            if seen.first() is not None:
                raise refuse(_TAKEN_DE, _TAKEN_EN)
        until = day(doc.get("until"))
        if until < self._ctx.today():
            raise refuse(
                f"Die Vertretung endete am {format_date(until)}; nichts übernommen.",
                f"The stand-in ended on {format_date(until)}; nothing taken over.",
            )
        clients = doc.get("clients")
        raw_rows = doc.get("rows")
        if (
            not isinstance(clients, list)
            or not clients
            or not all(isinstance(c, str) for c in clients)
            or not isinstance(raw_rows, dict)
            or set(raw_rows) != set(_COPIED)
            or not all(isinstance(v, list) for v in raw_rows.values())
        ):
            raise refuse(
                "Inhalt hat nicht die erwartete Form.",
                "The content does not have the expected shape.",
            )
        rows = {t: [load(_COPIED[t], d) for d in raw_rows[t]] for t in _COPIED}
        _check_links(rows, set(clients))
        cases = {c.client_id: c.id for c in rows["case"] if isinstance(c, Case)}
        names = tuple(
            display_name(c.given_name, c.family_name)
            for c in rows["client"]
            if isinstance(c, Client)
        )
        with self._ctx.uow.write("standin.receive", "standin", stand_in_id) as tx:
            s = tx.session
            s.info[ALLOW_STAND_IN] = True
            s.info[ALLOW_RESTRICTED] = True
            if s.exec(select(StandIn.id).where(col(StandIn.stand_in_id) == stand_in_id)).first():
                raise refuse(_TAKEN_DE, _TAKEN_EN)
            for table, model in _COPIED.items():
                for row in rows[table]:
                    if s.get(model, row.id) is not None:
                        raise refuse(
                            "Ein Eintrag dieser Vertretung ist schon in diesem Tresor "
                            "(z. B. nach einer Übergabe); nichts übernommen.",
                            "An entry of this stand-in is already in this vault (after a "
                            "handover, say); nothing taken over.",
                        )
            for table in _COPIED:  # parents first: the rows carry no ORM relationships
                s.add_all(rows[table])
                s.flush()
            for cid in clients:
                s.add(
                    StandIn(
                        stand_in_id=stand_in_id,
                        client_ref=cid,
                        case_ref=cases[cid],
                        direction=IN,
                        until=until,
                        counterpart=sender.fingerprint,
                        counterpart_name=sender.name,
                        received_revision=tx.revision or 0,
                    )
                )
            tx.detail = f"{len(clients)} Klient*innen von {sender.fingerprint[:16]} bis {until}"
        return StandInReceived(stand_in_id, sender.name, until, names)

    # -- lists --------------------------------------------------------------------------------

    def stand_ins(self, direction: str | None = None) -> tuple[StandInView, ...]:
        """Every stand-in of this vault (one view per file), newest end date first."""
        with self._ctx.uow.read() as s:
            stmt = select(StandIn)
            if direction is not None:
                stmt = stmt.where(col(StandIn.direction) == direction)
            grouped: dict[str, list[StandIn]] = {}
            for row in s.exec(stmt).all():
                grouped.setdefault(row.stand_in_id, []).append(row)
        views = [
            StandInView(
                stand_in_id=sid,
                direction=rows[0].direction,
                colleague=rows[0].counterpart_name,
                until=rows[0].until,
                clients=len(rows),
                state=rows[0].state,
                returned_on=rows[0].returned_on,
            )
            for sid, rows in grouped.items()
        ]
        return tuple(sorted(views, key=lambda v: (v.until, v.stand_in_id), reverse=True))

    # -- the colleague: expiry ---------------------------------------------------------------

    def expire_due(self) -> tuple[StandInExpiry, ...]:
        """Erase every stand-in copy whose end date has passed (run on unlock): the clients and
        everything recorded on them leave this vault for good (as an erasure does, but without
        an entry in the erasure register: the copy never travelled). Returns what went."""
        today = self._ctx.today()
        with self._ctx.uow.read() as s:
            due = [r for r in active_stand_ins(s).values() if r.until < today]
        if not due:
            return ()
        grouped: dict[str, list[StandIn]] = {}
        for row in due:
            grouped.setdefault(row.stand_in_id, []).append(row)
        results: list[StandInExpiry] = []
        for stand_in_id, rows in sorted(grouped.items()):
            with self._ctx.uow.write("standin.expire", "standin", stand_in_id) as tx:
                s = tx.session
                s.info[ALLOW_STAND_IN] = True
                s.info[ALLOW_RESTRICTED] = True
                names: list[str] = []
                found: dict[str, set[str]] = {}
                for row in rows:
                    client = s.get(Client, row.client_ref)
                    if client is not None:
                        names.append(display_name(client.given_name, client.family_name))
                    for table, ids in linked_rows(s, row.client_ref).items():
                        found.setdefault(table, set()).update(ids)
                removed = sum(len(ids) for ids in found.values())
                for table in reversed(SQLModel.metadata.sorted_tables):
                    gone = sorted(found.get(table.name, ()))
                    for start in range(0, len(gone), 500):
                        s.execute(delete(table).where(table.c.id.in_(gone[start : start + 500])))
                s.expunge_all()
                for row in rows:
                    fresh = s.get(StandIn, row.id)
                    if fresh is not None:
                        fresh.state = EXPIRED
                        s.add(fresh)
                tx.detail = f"{len(rows)} Klient*innen, {removed} Datensätze entfernt"
            results.append(
                StandInExpiry(
                    rows[0].counterpart_name, rows[0].until, tuple(names), rows[0].returned_on
                )
            )
        self._ctx.vault.truncate_log()
        stand_in_expiry.report(tuple(results))
        return tuple(results)


def _check_links(rows: dict[str, list[Record]], clients: set[str]) -> None:
    """Every row of a copy belongs to one of its clients (nothing else can ride along)."""
    ids = {t: {r.id for r in rs} for t, rs in rows.items()}
    if ids["client"] != clients:
        raise refuse(
            "Inhalt hat nicht die erwartete Form (Klient*innen).",
            "The content does not have the expected shape (clients).",
        )
    for table, (column, parent) in _PARENT_OF.items():
        targets = ids["goal"] if table == "step" else ids[parent]
        for row in rows[table]:
            if getattr(row, column) not in targets:
                raise refuse(_LINKS_DE, _LINKS_EN)
    for row in rows["followup"]:
        if getattr(row, "client_id", None) not in clients:
            raise refuse(_LINKS_DE, _LINKS_EN)
    if {getattr(c, "client_id", None) for c in rows["case"]} != clients:
        raise refuse(
            "Jede Klient*in braucht einen offenen Fall.", "Every client needs an open case."
        )


_NAMED = 5
"""Clients named in the refusal; the rest are counted (a lend of every open case can be 60)."""


def _refuse_without_consent(
    s: Session, chosen: list[str], recipient: CoachPublic, today: date
) -> None:
    missing = [c for c in chosen if not consented_to(s, c, recipient.organisation, today)]
    if not missing:
        return
    shown = [
        display_name(client.given_name, client.family_name)
        for client in (s.get(Client, c) for c in missing[:_NAMED])
        if client is not None
    ]
    more = len(missing) - len(shown)
    names = ", ".join(shown) + (tr(f" und {more} weitere", f" and {more} more") if more else "")
    org = recipient.organisation or recipient.name
    raise ValidationError(
        {
            "client": tr(
                f"Keine gültige Einwilligung zur Weitergabe an „{org}“ für: {names}. Bitte die "
                "Einwilligung erfassen oder diese Klient*innen nicht mitgeben.",
                f"No valid consent to pass files to “{org}” for: {names}. Please record the "
                "consent or leave these clients out.",
            )
        }
    )
