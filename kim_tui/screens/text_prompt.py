"""A one-line question with a required answer (e.g. the reason for a consent override)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from kim_tui.actions import UiAction, bindings
from kim_tui.i18n import tr
from kim_tui.screens.form import FormInvalid, FormModal
from kim_tui.widgets.field_error import FieldError


class TextPromptScreen(FormModal[str]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = (
        UiAction("prompt.cancel", "escape", "cancel", "Abbrechen", "Cancel", palette=False),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(
        self,
        title: str,
        explanation: str,
        *,
        required: bool = True,
        value: str = "",
        max_length: int = 500,
        check: Callable[[str], tuple[str, str] | None] | None = None,
        carries_input: bool = False,
        irreversible: tuple[str, str] | None = None,
    ) -> None:
        """``check``: why an answer cannot be taken, as (German, English), or None.
        ``carries_input``: the prompt is one step of a form whose input waits for the answer
        (the referral waits for its override reason); Ctrl+Q and F-keys ask before closing it,
        Esc goes back to that form.
        ``irreversible``: Enter does what cannot be undone (erases a client); Esc with typed
        text asks this question, as (German, English), and offers no save."""
        super().__init__()
        self.title_text = title
        self.explanation = explanation
        self.required = required
        self.value = value
        self.max_length = max_length
        self.check = check
        self.carries_input = carries_input
        self.irreversible = irreversible

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), classes="title")
            yield Static(Text(self.explanation))
            yield Input(self.value, id="answer", max_length=self.max_length)
            yield FieldError(id="form-error")
            yield Static(
                tr("Enter bestätigt · Esc zurück", "Enter confirms · Esc goes back")
                if self.carries_input
                else tr("Enter bestätigt · Esc abbrechen", "Enter confirms · Esc cancel"),
                classes="muted",
            )

    def on_mount(self) -> None:
        self.query_one("#answer", Input).focus()

    @on(Input.Submitted, "#answer")
    def submitted(self) -> None:
        self.action_save()

    def build_draft(self) -> str:
        answer = self.text("answer")
        if self.required and not answer:
            raise FormInvalid(tr("Bitte eine Angabe machen.", "An answer is required."))
        problem = self.check(answer) if self.check is not None else None
        if problem is not None:
            raise FormInvalid(tr(*problem), "answer")
        return answer

    def holds_input(self) -> bool:
        return self.carries_input or super().holds_input()

    def saves_from_question(self) -> bool:
        return self.irreversible is None

    def unsaved_question(self) -> str | None:
        if self.irreversible is not None:
            return tr(*self.irreversible)
        if not self.carries_input:
            return None
        return tr(
            "Die Antwort ist noch nicht übernommen; ohne sie wird nichts gespeichert. "
            "Übernehmen, verwerfen oder weiter bearbeiten?",
            "The answer is not taken yet; without it nothing is saved. Take it, discard it "
            "or keep editing?",
        )

    def action_cancel(self) -> None:
        if self.carries_input and not super().holds_input():
            self.dismiss(None)  # back to the form that waits; nothing typed here is lost
        else:
            super().action_cancel()
