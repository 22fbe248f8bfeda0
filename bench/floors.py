"""Bare Textual apps that paint exactly what kim paints, from memory: the floors of 1b and 2.

`ListFloorApp` shows a screen laid out like kim's list screens (header, a counts line, an input,
a row-cursor zebra DataTable with the same columns, an info line, footer). Its rows are the very
cells kim's table showed, captured after each of kim's updates, so the floor differs from kim
only in where the rows come from: memory instead of the vault. Latency is recorded the way
`KimApp` does it: key event received by `App.on_event` → `call_after_refresh` after the refill.
"""

from __future__ import annotations

import time
from typing import Any

from textual import events, on
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static
from textual.widgets.data_table import RowKey

Column = tuple[str, int | None]
"""Label and width (None: auto width)."""
Rows = list[list[Any]]


def capture_columns(table: DataTable[Any]) -> list[Column]:
    return [(str(c.label), None if c.auto_width else c.width) for c in table.ordered_columns]


def capture_rows(table: DataTable[Any]) -> Rows:
    return [list(table.get_row_at(i)) for i in range(table.row_count)]


class ListFloorScreen(Screen[None]):
    BINDINGS = [("slash", "filter", "Filter")]

    def __init__(self, columns: list[Column], first: Rows, pages: list[Rows]) -> None:
        super().__init__()
        self.columns = columns
        self.first = first
        self.pages = pages
        self.step = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="counts")
        yield Input(placeholder="Filter …", id="filter")
        yield DataTable(id="rows", cursor_type="row", zebra_stripes=True)
        yield Static("", id="info")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in self.columns:
            table.add_column(label, width=width)
        self.fill(self.first)
        table.focus()

    def fill(self, rows: Rows) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for i, cells in enumerate(rows):
            table.add_row(*cells, key=RowKey(str(i)))
        self.query_one("#counts", Static).update(f"{len(rows)} rows")
        self.query_one("#info", Static).update(f"Rows 1–{len(rows)}")
        self.app.list_updated()  # type: ignore[attr-defined]

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    @on(Input.Changed, "#filter")
    def changed(self) -> None:
        rows = self.pages[self.step % len(self.pages)] if self.pages else []
        self.step += 1
        self.fill(rows)


class StartScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("floor")
        yield Input(password=True)


class ListFloorApp(App[None]):
    """The floor: the same screen and rows as kim's, without any data access."""

    def __init__(self) -> None:
        super().__init__()
        self.latency_samples: list[float] | None = None
        self._last_key_at = 0.0

    def on_mount(self) -> None:
        self.push_screen(StartScreen())

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and self.latency_samples is not None:
            self._last_key_at = time.perf_counter()
        await super().on_event(event)

    def list_updated(self) -> None:
        samples = self.latency_samples
        if samples is None or not self._last_key_at:
            return
        started = self._last_key_at
        self._last_key_at = 0.0
        self.call_after_refresh(lambda: samples.append(time.perf_counter() - started))
