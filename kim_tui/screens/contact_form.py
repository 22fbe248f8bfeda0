"""Quick contact entry (`k` from anywhere in the file): date, kind, duration, note."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Select, Static, TextArea

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date, parse_date
from kim_tui.domain.model import MAX_NOTE_LENGTH, ContactDraft
from kim_tui.i18n import language, tr
from kim_tui.screens.base import KimModal
from kim_tui.widgets.field_error import FieldError


class ContactFormScreen(KimModal[ContactDraft | None]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = (
        UiAction("contact.save", "ctrl+s", "save", "Speichern", "Save", priority=True),
        UiAction("contact.cancel", "escape", "cancel", "Abbrechen", "Cancel"),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, case_id: str, today: date) -> None:
        super().__init__(classes="dialog")
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
            yield Static(
                tr("Strg+S speichern · Esc abbrechen", "Ctrl+S save · Esc cancel"), classes="muted"
            )

    def on_mount(self) -> None:
        # Most contacts are "persönlich" today: the note is what the coach types first.
        self.query_one("#note", TextArea).focus()

    def action_save(self) -> None:
        error = self.query_one("#form-error", FieldError)
        try:
            on = parse_date(self.query_one("#on", Input).value)
        except ValueError as exc:
            error.show(str(exc))
            return
        if on > self.today:
            error.show(tr("Das Datum liegt in der Zukunft.", "The date is in the future."))
            return
        minutes_text = self.query_one("#minutes", Input).value.strip() or "0"
        minutes = int(minutes_text) if minutes_text.lstrip("-").isdigit() else -1
        if not 0 <= minutes <= 1440:
            error.show(tr("Dauer bitte in Minuten (0–1440).", "Duration in minutes (0–1440)."))
            return
        note = self.query_one("#note", TextArea).text.strip()
        if len(note) > MAX_NOTE_LENGTH:
            error.show(
                tr(
                    f"Die Notiz ist zu lang ({len(note)} Zeichen, höchstens "
                    f"{MAX_NOTE_LENGTH}); bitte kürzen.",
                    f"The note is too long ({len(note)} characters, at most "
                    f"{MAX_NOTE_LENGTH}); please shorten it.",
                )
            )
            return
        kind = str(self.query_one("#kind", Select).value)
        self.dismiss(
            ContactDraft(
                case_id=self.case_id,
                on=on,
                kind=kind,
                minutes=minutes,
                note=note,
                interpreter=kind == "interpreted",
            )
        )

    @work(exclusive=True, group="contact-cancel")
    async def action_cancel(self) -> None:
        from kim_tui.screens.confirm import ConfirmScreen

        if self.query_one("#note", TextArea).text.strip() and not await self.app.push_screen_wait(
            ConfirmScreen(
                tr(
                    "Notiz verwerfen? Es wird nichts gespeichert.",
                    "Discard the note? Nothing will be saved.",
                ),
                tr("Verwerfen", "Discard"),
                no=tr("Weiter bearbeiten", "Keep editing"),
            )
        ):
            return
        self.dismiss(None)
