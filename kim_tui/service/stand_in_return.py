"""The return of a stand-in (Vertretung): the colleague writes what they recorded on the lent
clients, the original coach imports it (see `service.stand_in`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import Session, col, select

from kim_tui.domain.stand_in import StandInReturnImported, StandInReturnWritten
from kim_tui.i18n import tr
from kim_tui.service.context import ServiceContext
from kim_tui.service.converters import display_name
from kim_tui.service.derived import refresh_case
from kim_tui.service.stand_in_files import (
    dump,
    find_colleague,
    load,
    open_file,
    refuse,
    stamp,
    write_file,
)
from kim_tui.service.stand_in_guard import active_stand_ins
from kim_tui.store.errors import ValidationError
from kim_tui.store.models import Case, Client, ContactNote, FollowUp, StandIn, Step
from kim_tui.sync import coach_state as cs
from kim_tui.sync import handover_format as hf
from kim_tui.sync.stand_in_scope import OUT

RETURNED = "returned"


class StandInReturnService:
    """Write and import the return file of a stand-in."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def _choose_active(self, s: Session, colleague: str | None) -> list[StandIn]:
        rows = list(active_stand_ins(s).values())
        by_id: dict[str, list[StandIn]] = {}
        for row in rows:
            by_id.setdefault(row.stand_in_id, []).append(row)
        if colleague:
            wanted = find_colleague(self._ctx, colleague).fingerprint
            by_id = {k: v for k, v in by_id.items() if v[0].counterpart == wanted}
        if not by_id:
            raise ValidationError(
                {
                    "stand_in": tr(
                        "Keine laufende Vertretung in diesem Tresor.",
                        "No running stand-in in this vault.",
                    )
                }
            )
        if len(by_id) > 1:
            raise ValidationError(
                {
                    "stand_in": tr(
                        "Mehrere laufende Vertretungen: bitte die Kolleg*in angeben.",
                        "Several running stand-ins: please name the colleague.",
                    )
                }
            )
        return next(iter(by_id.values()))

    def write_return(self, out: Path, colleague: str | None = None) -> StandInReturnWritten:
        """Write the return file of the running stand-in (of `colleague`, if several): every
        contact recorded and every follow-up completed, snoozed or added here, encrypted to the
        original coach. It can be written again (all changes so far); the importer skips what
        it has."""
        with self._ctx.uow.audited("standin.return", "standin") as tx:
            s = tx.session
            rows = self._choose_active(s, colleague)
            first = rows[0]
            tx.entity_id = first.stand_in_id
            since = first.received_revision
            clients = {r.client_ref for r in rows}
            contacts = [
                dump(c)
                for c in s.exec(
                    select(ContactNote)
                    .join(Case, col(Case.id) == col(ContactNote.case_id))
                    .where(
                        col(Case.client_id).in_(sorted(clients)),
                        col(ContactNote.revision) > since,
                        col(ContactNote.deleted_at).is_(None),
                    )
                ).all()
            ]
            follow_ups = [
                dump(f)
                for f in s.exec(
                    select(FollowUp).where(
                        col(FollowUp.client_id).in_(sorted(clients)),
                        col(FollowUp.revision) > since,
                    )
                ).all()
            ]
            recipient = next(
                (c for c in cs.colleagues(s) if c.fingerprint == first.counterpart), None
            )
            if recipient is None:
                raise ValidationError(
                    {
                        "colleague": tr(
                            "Die zuständige Kolleg*in ist nicht mehr gespeichert.",
                            "The colleague in charge is no longer stored.",
                        )
                    }
                )
            me = cs.coach_public(s)
            payload = {
                "kind": hf.STAND_IN_RETURN,
                "stand_in": first.stand_in_id,
                "recorded_by": me.name,
                "contacts": contacts,
                "follow_ups": follow_ups,
            }
            header = hf.HandoverHeader(
                hf.STAND_IN_RETURN,
                hf.new_handover_id(),
                me.fingerprint,
                recipient.fingerprint,
                stamp(),
            )
            data = hf.seal(header, payload, recipient, cs.sign_key(s))
            for row in rows:
                row.returned_on = tx.today
                s.add(row)
            tx.detail = f"{len(contacts)} Kontakte, {len(follow_ups)} Wiedervorlagen"
            write_file(out, data)
        return StandInReturnWritten(str(out), recipient.name, len(contacts), len(follow_ups))

    # -- the original coach: import the return -----------------------------------------------

    def import_return(self, path: Path) -> StandInReturnImported:
        """Apply a return file: the colleague's contacts become this coach's records (with a
        note of who recorded them), follow-ups completed there are completed here, ones moved
        to another date there (snoozed) move here, new ones are added. Every change of the
        write carries "Erfasst in Vertretung von …" (`stand_in_note`) as its reason in the
        Verlauf. One transaction; a replayed file is refused, nothing changed."""
        parsed, doc, sender = open_file(self._ctx, path, hf.STAND_IN_RETURN)
        stand_in_id = doc.get("stand_in")
        by = doc.get("recorded_by")
        raw_contacts = doc.get("contacts")
        raw_follow_ups = doc.get("follow_ups")
        if (
            not isinstance(stand_in_id, str)
            or not isinstance(by, str)
            or not isinstance(raw_contacts, list)
            or not isinstance(raw_follow_ups, list)
        ):
            raise refuse(
                "Inhalt hat nicht die erwartete Form.",
                "The content does not have the expected shape.",
            )
        contacts = [load(ContactNote, d) for d in raw_contacts]
        follow_ups = [load(FollowUp, d) for d in raw_follow_ups]
        counts = {"contacts": 0, "done": 0, "added": 0, "snoozed": 0, "skipped": 0}
        with self._ctx.uow.write("standin.import_return", "standin", stand_in_id) as tx:
            s = tx.session
            lent = s.exec(
                select(StandIn).where(
                    col(StandIn.stand_in_id) == stand_in_id, col(StandIn.direction) == OUT
                )
            ).all()
            if not lent or lent[0].counterpart != sender.fingerprint:
                raise refuse(
                    "Diese Rückgabe gehört zu keiner Vertretung dieses Tresors.",
                    "This return belongs to no stand-in of this vault.",
                )
            if parsed.header.id in lent[0].return_ids.split():
                raise refuse(
                    "Diese Rückgabe wurde bereits eingelesen (Datei doppelt).",
                    "This return was already imported (the same file again).",
                )
            cases = {r.case_ref for r in lent}
            clients = {r.client_ref for r in lent}
            touched: dict[str, Case] = {}
            note_by = stand_in_note(by.strip() or sender.name)
            # The Verlauf says why a due date moved or an item was completed.
            tx.correcting(note_by)
            for contact in contacts:
                case = s.get(Case, contact.case_id)
                if contact.case_id not in cases:
                    raise refuse(
                        "Die Rückgabe nennt einen Fall außerhalb der Vertretung.",
                        "The return names a case outside the stand-in.",
                    )
                if case is None or s.get(ContactNote, contact.id) is not None:
                    counts["skipped"] += 1
                    continue
                s.add(
                    ContactNote(
                        id=contact.id,
                        case_id=case.id,
                        on=contact.on,
                        kind=contact.kind,
                        minutes=contact.minutes,
                        interpreter=contact.interpreter,
                        note=f"{note_by}.\n{contact.note}".strip(),
                    )
                )
                counts["contacts"] += 1
                touched[case.id] = case
            for item in follow_ups:
                if item.client_id not in clients or item.case_id not in cases:
                    raise refuse(
                        "Die Rückgabe nennt eine Wiedervorlage außerhalb der Vertretung.",
                        "The return names a follow-up outside the stand-in.",
                    )
                case = s.get(Case, item.case_id)
                if case is None:
                    counts["skipped"] += 1
                    continue
                key = _apply_follow_up(s, item, note_by, tx.today)
                counts[key] += 1
                if key != "skipped":
                    touched[case.id] = case
            for case in touched.values():
                refresh_case(tx, case)
            for row in lent:
                row.returned_on = tx.today
                row.return_ids = f"{row.return_ids} {parsed.header.id}".strip()
                row.state = RETURNED
                s.add(row)
            tx.detail = (
                f"{counts['contacts']} Kontakte, {counts['done']} erledigt, "
                f"{counts['added']} neu, {counts['snoozed']} verschoben, "
                f"{counts['skipped']} übersprungen"
            )
        return StandInReturnImported(
            sender.name,
            counts["contacts"],
            counts["done"],
            counts["added"],
            counts["skipped"],
            counts["snoozed"],
        )


def stand_in_note(colleague: str) -> str:
    """What the Verlauf and a returned contact note say about who recorded it: in the language
    kim speaks at the import, as the other reasons kim writes itself (a merge's)."""
    return tr(f"Erfasst in Vertretung von {colleague}", f"Recorded by {colleague}, standing in")


def _apply_follow_up(s: Session, item: FollowUp, note_by: str, today: date) -> str:
    """Apply one follow-up of a return; the key of the count it adds to."""
    mine = s.get(FollowUp, item.id)
    if mine is None:
        if item.deleted_at is not None:
            return "skipped"
        client = s.get(Client, item.client_id)
        if client is None:
            return "skipped"
        s.add(
            FollowUp(
                id=item.id,
                case_id=item.case_id,
                client_id=item.client_id,
                source="manual",
                reason=item.reason,
                original_due_on=item.original_due_on,
                due_on=item.due_on,
                done_on=item.done_on,
                done_note=f"{note_by}. {item.done_note}".strip() if item.done_on else "",
                search_key=client.search_key,
                client_name=display_name(client.given_name, client.family_name),
                sort_key=client.sort_key,
                open=0 if item.done_on else 1,
            )
        )
        return "added"
    if mine.done_on is not None or mine.deleted_at is not None:
        return "skipped"
    if item.done_on is None:
        return _snooze(s, mine, item)
    mine.done_on = item.done_on
    mine.done_note = f"{note_by}. {item.done_note}".strip()
    mine.open = 0
    s.add(mine)
    if mine.source == "step" and mine.source_id:
        step = s.get(Step, mine.source_id)
        if step is not None and step.done_on is None:
            step.done_on = item.done_on
            s.add(step)
    return "done"


def _snooze(s: Session, mine: FollowUp, item: FollowUp) -> str:
    """An open follow-up the colleague moved to another date (snoozed): it moves here too,
    unless the date it stands for changed here meanwhile (the coach's own change wins)."""
    if item.original_due_on != mine.original_due_on or item.due_on == mine.due_on:
        return "skipped"
    mine.due_on = item.due_on
    s.add(mine)
    return "snoozed"
