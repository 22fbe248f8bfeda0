"""Quick contact entry (`k` from anywhere in the file): date, kind, duration, note."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Select, Static, TextArea

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.model import MAX_NOTE_LENGTH, ContactDraft
from kim_tui.i18n import language, tr
from kim_tui.screens.form import FormInvalid, FormModal, form_actions, save_hint
from kim_tui.widgets.field_error import FieldError


class ContactFormScreen(FormModal[ContactDraft]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = form_actions("contact")
    BINDINGS = bindings(ACTIONS)

    def __init__(self, case_id: str, today: date) -> None:
        super().__init__()
        self.case_id = case_id
        self.today = today

    def compose(self) -> ComposeResult:
        lang = language()
        with Vertical():
            yield Static(tr("Kontakt erfassen", "Record a contact"), classes="title")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Static(tr("Datum", "Date"), classes="field-label")
                    yield Input(format_date(self.today), id="on", compact=True)
                with Vertical():
                    yield Static(tr("Art", "Kind"), classes="field-label")
                    yield Select(
                        [(e.label(lang), e.code) for e in catalog("contact_kinds")],
                        value="in_person",
                        allow_blank=False,
                        id="kind",
                        compact=True,
                    )
                with Vertical():
                    yield Static(tr("Minuten", "Minutes"), classes="field-label")
                    yield Input("30", id="minutes", compact=True, type="integer")
            yield Static(tr("Notiz", "Note"), classes="field-label")
            yield TextArea(id="note")
            yield FieldError(id="form-error")
            yield save_hint()

    def on_mount(self) -> None:
        # Most contacts are "persönlich" today: the note is what the coach types first.
        self.query_one("#note", TextArea).focus()

    def build_draft(self) -> ContactDraft:
        on = self.date_value("on")
        if on > self.today:
            raise FormInvalid(tr("Das Datum liegt in der Zukunft.", "The date is in the future."))
        minutes_text = self.query_one("#minutes", Input).value.strip() or "0"
        minutes = int(minutes_text) if minutes_text.lstrip("-").isdigit() else -1
        if not 0 <= minutes <= 1440:
            raise FormInvalid(
                tr("Dauer bitte in Minuten (0–1440).", "Duration in minutes (0–1440).")
            )
        note = self.query_one("#note", TextArea).text.strip()
        if len(note) > MAX_NOTE_LENGTH:
            raise FormInvalid(
                tr(
                    f"Die Notiz ist zu lang ({len(note)} Zeichen, höchstens "
                    f"{MAX_NOTE_LENGTH}); bitte kürzen.",
                    f"The note is too long ({len(note)} characters, at most "
                    f"{MAX_NOTE_LENGTH}); please shorten it.",
                )
            )
        kind = str(self.query_one("#kind", Select).value)
        return ContactDraft(
            case_id=self.case_id,
            on=on,
            kind=kind,
            minutes=minutes,
            note=note,
            interpreter=kind == "interpreted",
        )

    def unsaved_question(self) -> str | None:
        if not self.query_one("#note", TextArea).text.strip():
            return None
        return tr(
            "Der Kontakt mit Notiz ist nicht gespeichert. Speichern, verwerfen oder weiter "
            "bearbeiten?",
            "The contact and its note are not saved. Save, discard or keep editing?",
        )
