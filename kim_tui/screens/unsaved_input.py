"""The one question before typed input would be lost: save, discard or keep editing.

Asked by every form on Esc (`FormModal`, intake), and by the app before Ctrl+Q, F2/F3/F4/F5
close a view that holds input (`VaultApp`). Esc answers "keep editing": the safe choice is the
one a stray key press makes.
"""

from __future__ import annotations

from enum import Enum
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from kim_tui.actions import UiAction, bindings
from kim_tui.i18n import tr
from kim_tui.screens.base import KimModal


class UnsavedChoice(Enum):
    """What the coach decided about input that has not been saved."""

    SAVE = "save"
    DISCARD = "discard"
    KEEP = "keep"


def default_question() -> str:
    """The question when a form names no more specific one."""
    return tr(
        "Es gibt ungespeicherte Eingaben. Speichern, verwerfen oder weiter bearbeiten?",
        "There is unsaved input. Save, discard or keep editing?",
    )


class UnsavedInputScreen(KimModal[UnsavedChoice]):
    ASKS = True
    ACTIONS: ClassVar[tuple[UiAction, ...]] = (
        UiAction(
            "unsaved.keep", "escape", "keep", "Weiter bearbeiten", "Keep editing", palette=False
        ),
        UiAction("unsaved.next", "right", "app.focus_next", "Nächste", "Next", palette=False),
        UiAction(
            "unsaved.previous", "left", "app.focus_previous", "Vorige", "Previous", palette=False
        ),
    )
    BINDINGS = bindings(ACTIONS)
    HELP_TEXT: ClassVar[tuple[str, str]] = (
        "Speichern prüft und speichert wie Strg+S; Verwerfen wirft die Eingaben weg; "
        "Esc bearbeitet weiter.",
        "Save checks and saves like Ctrl+S; Discard throws the input away; Esc keeps editing.",
    )

    def __init__(self, question: str | None = None, *, can_save: bool = True) -> None:
        """``can_save``: False where saving is not possible from here (the vault is locked)."""
        super().__init__(classes="dialog")
        self.question = question or default_question()
        self.can_save = can_save

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question))
            with Horizontal(classes="buttons"):
                yield Button(tr("Weiter bearbeiten", "Keep editing"), id="keep")
                yield Button(tr("Verwerfen", "Discard"), id="discard", variant="warning")
                if self.can_save:
                    yield Button(tr("Speichern", "Save"), id="save", variant="primary")
            yield Static(
                tr(
                    "←/→ wählen · Enter bestätigt · Esc weiter bearbeiten",
                    "←/→ choose · Enter confirms · Esc keeps editing",
                ),
                classes="muted",
            )

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    @on(Button.Pressed, "#save")
    def save_pressed(self) -> None:
        self.dismiss(UnsavedChoice.SAVE)

    @on(Button.Pressed, "#discard")
    def discard_pressed(self) -> None:
        self.dismiss(UnsavedChoice.DISCARD)

    @on(Button.Pressed, "#keep")
    def action_keep(self) -> None:
        self.dismiss(UnsavedChoice.KEEP)
