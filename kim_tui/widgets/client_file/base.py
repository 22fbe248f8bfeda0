"""What the sections of the client file have in common."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from textual.containers import VerticalScroll
from textual.widgets import DataTable, TabPane


class FileSection(TabPane):
    """One tab of the client file.

    A `TabPane` itself rather than a widget inside one, so the layout and the CSS that
    targets the panes stay exactly as they were. The screen fills it with `show(...)`.
    """

    def focus_body(self) -> None:
        """Focus the part the keys work on: the scroll area of a text section, else its table."""
        # Text sections scroll as a whole (↓, Bild↓); list sections focus their table.
        scrolls = self.query(VerticalScroll)
        tables = self.query(DataTable)
        if scrolls:
            scrolls.first().focus()
        elif tables:
            tables.first().focus()


def highlighted_key(table: DataTable[Any]) -> str | None:
    """The key of the row under `table`'s cursor, or None if the table is empty."""
    if not table.row_count:
        return None
    row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
    return None if row_key.value is None else str(row_key.value)


@contextmanager
def refilled(table: DataTable[Any]) -> Iterator[DataTable[Any]]:
    """Clear `table` for new rows, then put the cursor back on the row it was on."""
    # After "d" or "r" the coach goes on where they were.
    row = table.cursor_row if table.row_count else None
    table.clear()
    yield table
    if row is not None and table.row_count:
        table.move_cursor(row=min(row, table.row_count - 1))
