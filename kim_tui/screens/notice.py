"""Something the coach has to act on outside kim, shown until it is acknowledged (a toast can
pass unread): e.g. after an erasure, whom to tell about copies kim cannot erase itself."""

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


class NoticeScreen(KimModal[None]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = (
        UiAction("notice.close", "escape", "close", "Schließen", "Close", palette=False),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, title: str, lines: tuple[str, ...]) -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), classes="title")
            for line in self.lines:
                # Names in these lines come from other files and colleagues: literal text.
                yield Static(Text(line))
            with Horizontal(classes="buttons"):
                yield Button(tr("Verstanden", "Understood"), id="ok", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    @on(Button.Pressed, "#ok")
    def action_close(self) -> None:
        self.dismiss(None)
