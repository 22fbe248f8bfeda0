"""Pick one of a few options (e.g. a goal status) with ↑/↓ and Enter. A caller that writes the
choice hands the write to the dialog (`screens.form.save_in_dialog`): a refused write keeps the
options open with the reason under them."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from kim_tui.actions import UiAction, bindings
from kim_tui.screens.form import WritingModal
from kim_tui.widgets.field_error import FieldError


class ChoiceScreen(WritingModal[str]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = (
        UiAction("choice.cancel", "escape", "cancel", "Abbrechen", "Cancel", palette=False),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, title: str, options: list[tuple[str, str]]) -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), classes="title")
            yield OptionList(*[Option(Text(label), id=code) for code, label in self.options])
            yield FieldError(id=self.ERROR_ID)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.close_with(str(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
