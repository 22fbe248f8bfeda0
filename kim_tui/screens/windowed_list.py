"""`WindowedListScreen`: the controller of the long lists (caseload, follow-ups).

A list shows one window of its rows in a `WindowedTable` and pages through SQL at the window's
edges instead of holding 10,000 rows; the service reads one row more than the window to know
whether more follow. Counting every match of the filters only feeds the info line, so it runs
in a thread worker once the rows are painted (`WindowedTable.count_after_paint`: while the
coach types, after a pause); a count that arrives for filters that are no longer current is
dropped. Each list declares its filters, how it fetches a window and the count, its rows and
its info line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar

from textual import on, work
from textual.worker import get_current_worker

from kim_tui.screens.base import KimScreen
from kim_tui.widgets.windowed_table import WindowedTable


class WindowPage(Protocol):
    """One window of a list, as the service returns it."""

    @property
    def items(self) -> Sequence[object]: ...

    @property
    def offset(self) -> int:
        """The window's first row within the whole (filtered) list."""
        ...

    @property
    def has_more(self) -> bool:
        """More rows follow the window."""
        ...


PageType = TypeVar("PageType", bound=WindowPage)
FiltersType = TypeVar("FiltersType")
CountType = TypeVar("CountType")


class WindowedListScreen(KimScreen[None], Generic[PageType, FiltersType, CountType]):
    """A screen around one `WindowedTable`, with paging and deferred counts."""

    def __init__(self) -> None:
        super().__init__()
        self.window_start = 0
        """First row of the shown window within the whole (filtered) list."""
        self.page: PageType | None = None
        """The window on screen (None before the first fill)."""
        self.count: CountType | None = None
        """What `fetch_count` returned for `counted` (the filters), after the rows were painted."""
        self.counted: FiltersType | None = None

    # -- what each list declares -------------------------------------------------------------

    def current_filters(self) -> FiltersType:
        """The filters as they are now (compared with those a count was made for)."""
        raise NotImplementedError

    def fetch_window(self, filters: FiltersType, offset: int, limit: int) -> PageType:
        """`limit` rows from `offset`, without counting all matches."""
        raise NotImplementedError

    def fetch_count(self, filters: FiltersType) -> CountType:
        """Count every match of `filters`; runs in a worker thread."""
        raise NotImplementedError

    def fill_rows(self, table: WindowedTable, page: PageType) -> None:
        """Put the window's rows into the table (inside one batch update)."""
        raise NotImplementedError

    def show_window_info(self) -> None:
        """The line under the table: which rows of how many, the filters."""
        raise NotImplementedError

    def columns_changed(self) -> bool:
        """The terminal's new size needs other column widths (a refill)."""
        return False

    def show_count(self) -> None:
        """A fresh count arrived; by default it only feeds the info line."""
        self.show_window_info()

    def action_open(self) -> None:
        """Enter on a row."""

    # -- the controller ----------------------------------------------------------------------

    @property
    def table(self) -> WindowedTable:
        return self.query_one(WindowedTable)

    def fetch(self, offset: int) -> PageType:
        """The window from `offset` for the current filters and terminal height."""
        return self.fetch_window(self.current_filters(), offset, self.table.window_size())

    def fresh_count(self) -> CountType | None:
        """The count for the current filters, or None while it is being counted."""
        return self.count if self.counted == self.current_filters() else None

    def show_page(self, page: PageType, *, typing: bool = False) -> None:
        """Show `page`, and count every match once it is painted; `typing` counts only after a
        pause (`COUNT_PAUSE`)."""
        self.page = page
        self._fill(page)
        filters = self.current_filters()
        self.table.count_after_paint(lambda: self._count(filters), typing=typing)

    def _fill(self, page: PageType) -> None:
        table = self.table
        # One compositor pass for the whole refill, not one per row.
        with self.app.batch_update():
            self.fill_rows(table, page)
            table.window_filled(has_more_before=page.offset > 0, has_more_after=page.has_more)
            self.show_window_info()
        self.app.list_updated()

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def _count(self, filters: FiltersType) -> None:
        count = self.fetch_count(filters)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.counted_for, filters, count)

    def counted_for(self, filters: FiltersType, count: CountType) -> None:
        """Keep a count made for `filters`, unless they changed meanwhile (then the next
        count is under way)."""
        if filters != self.current_filters():
            return
        self.count, self.counted = count, filters
        self.show_count()

    def on_resize(self) -> None:
        # Only new column widths need a refill.
        if self.page is not None and self.columns_changed():
            self._fill(self.page)

    @on(WindowedTable.EdgeReached)
    def page_window(self, event: WindowedTable.EdgeReached) -> None:
        table = self.table
        if event.forward:
            # Forward by what the window held (the terminal may have been resized since).
            self.window_start += len(self.page.items) if self.page else table.window_size()
            self.reload()
            table.move_cursor(row=0)
        else:
            self.window_start = max(0, self.window_start - table.window_size())
            self.reload()
            table.move_cursor(row=table.row_count - 1)

    @on(WindowedTable.RowSelected)
    def row_selected(self) -> None:
        self.action_open()

    def action_cursor_down(self) -> None:
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.table.action_cursor_up()
