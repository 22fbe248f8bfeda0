"""`x` on a follow-up: confirm done, with an optional short note."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.dates import format_date
from kim_tui.domain.model import FollowUpView
from kim_tui.i18n import language, tr
from kim_tui.screens.form import FormModal
from kim_tui.widgets.field_error import FieldError
from kim_tui.widgets.literal import literal

MAX_NOTE = 500


class FollowUpDoneScreen(FormModal[str]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = (
        UiAction("done.cancel", "escape", "cancel", "Abbrechen", "Cancel", palette=False),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, item: FollowUpView) -> None:
        super().__init__()
        self.item = item

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(tr("Als erledigt markieren", "Mark as done"), classes="title")
            yield Static(literal(f"{self.item.client_name} – {self.item.reason_in(language())}"))
            yield Static(
                Text(
                    tr(
                        f"fällig {format_date(self.item.due_on)}",
                        f"due {format_date(self.item.due_on)}",
                    )
                ),
                classes="muted",
            )
            yield Input(
                placeholder=tr(
                    "Notiz (optional), Enter bestätigt", "Note (optional), Enter confirms"
                ),
                max_length=MAX_NOTE,
                id="note",
            )
            yield FieldError(id="form-error")
            yield Static(
                tr("Enter: erledigt   Esc: abbrechen", "Enter: done   Esc: cancel"), classes="muted"
            )

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    @on(Input.Submitted, "#note")
    def confirm(self) -> None:
        self.action_save()

    def build_draft(self) -> str:
        return self.text("note")
