"""Duplicate warning on intake: likely existing records are shown and the coach decides."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.dates import format_birth_date
from kim_tui.domain.duplicates import reason_text
from kim_tui.domain.model import ClientDraft, DuplicateCandidate
from kim_tui.i18n import language, tr
from kim_tui.screens.base import KimModal
from kim_tui.widgets.literal import literal


class DuplicateDecision(StrEnum):
    CREATE = "create"
    OPEN = "open"
    BACK = "back"


@dataclass(frozen=True)
class DuplicateChoice:
    action: DuplicateDecision
    client_id: str | None = None


class DuplicateScreen(KimModal[DuplicateChoice | None]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = (
        UiAction("dup.back", "escape", "back", "Zurück zum Formular", "Back to the form"),
        UiAction("dup.create", "a", "create", "Trotzdem anlegen", "Create anyway"),
        UiAction("dup.open", "o", "open", "Vorhandene öffnen", "Open existing"),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, client: ClientDraft, candidates: list[DuplicateCandidate]) -> None:
        super().__init__(classes="dialog")
        self.client = client
        self.candidates = candidates

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(tr("Mögliche Dublette", "Possible duplicate"), classes="title")
            yield Static(
                literal(
                    tr("Neu: ", "New: ")
                    + f"{self.client.family_name}, {self.client.given_name}, "
                    + format_birth_date(self.client.birth_date, self.client.birth_precision)
                )
            )
            yield Static(tr("Bereits im Tresor:", "Already in the vault:"), classes="muted")
            yield OptionList(
                *[
                    Option(
                        Text.assemble(
                            literal(c.display_name),
                            f"  {format_birth_date(c.birth_date, c.birth_precision)}  ",
                            (reason_text(c.reasons, language()) or c.reason, "italic"),
                        ),
                        id=c.client_id,
                    )
                    for c in self.candidates
                ],
                id="candidates",
            )
            with Horizontal(classes="buttons"):
                yield Button(tr("Zurück (Esc)", "Back (Esc)"), id="back")
                yield Button(tr("Vorhandene öffnen (O)", "Open existing (O)"), id="open")
                yield Button(
                    tr("Trotzdem anlegen (A)", "Create anyway (A)"), id="create", variant="warning"
                )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss(DuplicateChoice(DuplicateDecision.BACK))

    @on(Button.Pressed, "#create")
    def action_create(self) -> None:
        self.dismiss(DuplicateChoice(DuplicateDecision.CREATE))

    @on(Button.Pressed, "#open")
    @on(OptionList.OptionSelected)
    def action_open(self) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted or 0
        self.dismiss(DuplicateChoice(DuplicateDecision.OPEN, self.candidates[index].client_id))
