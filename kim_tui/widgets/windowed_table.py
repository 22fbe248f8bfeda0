"""A DataTable that shows one window of a longer list and asks for the next or previous one.

Every row of the window costs on each keystroke (a filter refills the table), so a window holds
about a screen: the terminal's height (more than the table shows), at least `PAGE_SIZE` rows. The
list pages through SQL instead of holding 10,000 rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable

from kim_tui.domain.model import PAGE_SIZE

COUNT_PAUSE = 0.15
"""Seconds without a keystroke before a list counts all matches of its filter. Counting reads
every matching entry (3–8 ms at 10,000 clients) and only feeds the "von N" line: while the coach
types, each key paints its rows at once and the count follows the pause."""

WINDOW_MARGIN = 0
"""Rows beyond the terminal's height. 10 cost 0.6 ms per keystroke at 10,000 clients and bought
nothing a coach sees: the header, filter and key lines already leave rows below the fold."""


class WindowedTable(DataTable[object]):
    BINDINGS = [
        Binding("j", "cursor_down", show=False),
        Binding("k", "cursor_up", show=False),
    ]

    @dataclass
    class EdgeReached(Message):
        """The cursor tried to move past the last (forward) or first row of the window."""

        table: WindowedTable
        forward: bool

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id=id)
        self.has_more_after = False
        self.has_more_before = False
        self._paging = False
        self._count_timer: Timer | None = None
        """True from asking for the next window until it is filled: keys held down queue up,
        and each must not ask for yet another window."""

    def count_after_paint(self, count: Callable[[], object], *, typing: bool) -> None:
        """Run `count` once this refill is painted; while the coach types, only after
        `COUNT_PAUSE` without another refill (each refill replaces the pending count)."""
        if self._count_timer is not None:
            self._count_timer.stop()
            self._count_timer = None
        if typing:
            self._count_timer = self.set_timer(COUNT_PAUSE, count)
        else:
            self.call_after_refresh(count)

    def window_size(self) -> int:
        """Rows per window for the current terminal size."""
        return max(PAGE_SIZE, self.app.size.height + WINDOW_MARGIN)

    def window_filled(self, *, has_more_before: bool, has_more_after: bool) -> None:
        """The screen filled a new window; paging is possible again."""
        self.has_more_before = has_more_before
        self.has_more_after = has_more_after
        self._paging = False

    def action_cursor_down(self) -> None:
        if self.row_count and self.cursor_row >= self.row_count - 1 and self.has_more_after:
            if not self._paging:
                self._paging = True
                self.post_message(self.EdgeReached(self, forward=True))
            return
        super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.cursor_row <= 0 and self.has_more_before:
            if not self._paging:
                self._paging = True
                self.post_message(self.EdgeReached(self, forward=False))
            return
        super().action_cursor_up()

    def selected_key(self) -> str | None:
        """The row key under the cursor, or None for an empty table."""
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return None if row_key.value is None else str(row_key.value)
