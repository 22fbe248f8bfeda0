"""Contacts (Kontakte): a dated contact with kind, duration, interpreter and note."""

from __future__ import annotations

from kim_tui.domain.model import ContactDraft
from kim_tui.domain.validation import validate_contact
from kim_tui.service.context import ServiceContext, live, require_valid, stored_text
from kim_tui.store.models import Case, ContactNote


class ContactService:
    """The contact log of a case."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def add_contact(self, draft: ContactDraft) -> str:
        """Record a contact; an interpreted contact always counts as one with interpreter."""
        require_valid(validate_contact(draft, self._ctx.today()))
        with self._ctx.uow.write(
            "contact.add", "contactnote", case_id=draft.case_id, detail=draft.kind
        ) as tx:
            case = live(tx.session, Case, draft.case_id)
            row = ContactNote(
                case_id=case.id,
                on=draft.on,
                kind=draft.kind,
                minutes=draft.minutes,
                interpreter=draft.interpreter or draft.kind == "interpreted",
                note=stored_text(draft.note),
            )
            tx.session.add(row)
            tx.entity_id = row.id
            return row.id
