"""One entry of the client file read back in full: every free text as it was typed.

The tables cut long and multi-line texts to one line ("…⏎…"); Enter on a row opens this
read-only dialog with each field's whole text. What a coach typed is shown literally (no
markup, control characters made visible) and wraps; long texts scroll.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from kim_tui.actions import UiAction, bindings
from kim_tui.i18n import tr
from kim_tui.screens.base import KimModal
from kim_tui.widgets.literal import LiteralStatic


class EntryDetailScreen(KimModal[None]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = (
        UiAction("detail.close", "escape,enter", "close", "Schließen", "Close", palette=False),
    )
    BINDINGS = bindings(ACTIONS)
    HELP_TEXT: ClassVar[tuple[str, str]] = (
        "Der ganze Text des Eintrags; ↑/↓ blättern, Esc oder Enter schließt.",
        "The entry's whole text; ↑/↓ scroll, Esc or Enter closes.",
    )

    def __init__(self, title: str, fields: list[tuple[str, str]]) -> None:
        """``fields``: (label, text as typed) in reading order; empty texts show as "–"."""
        super().__init__(classes="dialog wide")
        self.title_text = title
        self.fields = fields

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="entry-detail"):
            yield Static(Text(self.title_text), classes="title")
            for label, text in self.fields:
                yield Static(Text(label), classes="field-label")
                yield LiteralStatic(text or "–", classes="detail-text")
            yield Static(tr("Esc oder Enter schließt", "Esc or Enter closes"), classes="muted")

    def on_mount(self) -> None:
        self.query_one("#entry-detail", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
