"""Textual's command palette in the UI language: its placeholder and its "No matches found"
line (a fixed English string in the pinned Textual 8.2.8, `CommandPalette._start_no_matches_
countdown`, so it is replaced here with the same behaviour)."""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from kim_tui.i18n import tr


def no_matches_text() -> str:
    """What the palette says when nothing matches the typed text."""
    return tr("Keine Treffer", "No matches found")


class KimCommandPalette(CommandPalette):
    """The palette with German (or English) texts."""

    def __init__(self) -> None:
        super().__init__(
            placeholder=tr("Befehl suchen …", "Search for commands …"), id="--command-palette"
        )

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            # Only for a typed search: with an empty search there is nothing to report.
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(no_matches_text(), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
