"""A yes/no question before anything destructive or irreversible."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from kim_tui.actions import UiAction, bindings
from kim_tui.i18n import tr
from kim_tui.screens.base import KimModal


class ConfirmScreen(KimModal[bool]):
    ASKS = True
    ACTIONS: ClassVar[tuple[UiAction, ...]] = (
        UiAction("confirm.no", "escape", "no", "Abbrechen", "Cancel", palette=False),
        # As in the unsaved-input question: the arrows move between the two answers.
        UiAction("confirm.next", "right", "app.focus_next", "Nächste", "Next", palette=False),
        UiAction(
            "confirm.previous", "left", "app.focus_previous", "Vorige", "Previous", palette=False
        ),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, question: str, yes: str, *, no: str | None = None) -> None:
        super().__init__(classes="dialog")
        self.question = question
        self.yes = yes
        self.no = no or tr("Abbrechen", "Cancel")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question))
            with Horizontal(classes="buttons"):
                yield Button(self.no, id="no")
                yield Button(self.yes, id="yes", variant="warning")
            yield Static(
                tr(
                    "←/→ wählen · Enter bestätigt · Esc abbrechen",
                    "←/→ choose · Enter confirms · Esc cancels",
                ),
                classes="muted",
            )

    @on(Button.Pressed, "#yes")
    def yes_pressed(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def action_no(self) -> None:
        self.dismiss(False)
