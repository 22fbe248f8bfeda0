"""Caseload: every client with stage, next due date, target groups and residence status."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, Select, Static
from textual.widgets.data_table import ColumnKey
from textual.worker import get_current_worker

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.model import CaseloadPage, CaseStage
from kim_tui.i18n import language, tr
from kim_tui.widgets.key_line import KeyLine
from kim_tui.widgets.literal import literal
from kim_tui.widgets.windowed_table import COUNT_PAUSE, WindowedTable

NAME_WIDTH = 28
FIXED_WIDTH = NAME_WIDTH + 10 + 18 + 10 + 22 + 2 * 6 + 2  # other columns, cell padding, scrollbar


class CaseloadScreen(Screen[None]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = (
        UiAction(
            "caseload.open",
            "enter",
            "open",
            "Öffnen",
            "Open",
            "Akte der Klient*in öffnen",
            "Open the client's file",
        ),
        UiAction(
            "caseload.search",
            "slash",
            "search",
            "Suchen",
            "Search",
            "Suche (ohne Akzente: „muller“ findet Müller und Mueller)",
            "Search (accents ignored: “muller” finds Müller and Mueller)",
        ),
        UiAction(
            "caseload.sort",
            "o",
            "sort",
            "Sortierung",
            "Sort",
            "Nach Name oder nächster Fälligkeit sortieren",
            "Sort by name or next due",
        ),
        UiAction(
            "caseload.stage",
            "g",
            "focus_stage",
            "Phase",
            "Stage",
            "Nach Fallphase filtern",
            "Filter by case stage",
        ),
        UiAction(
            "caseload.target",
            "z",
            "focus_target",
            "Zielgruppe",
            "Target group",
            "Nach Zielgruppe filtern",
            "Filter by target group",
        ),
        UiAction(
            "caseload.intake",
            "i",
            "app.intake",
            "Erstberatung",
            "Intake",
            "Neue Klient*in aufnehmen",
            "Take in a new client",
        ),
        UiAction("caseload.back", "escape", "back", "Zurück", "Back", show=False, palette=False),
    )
    BINDINGS = bindings(ACTIONS)  # type: ignore[assignment]
    HELP = tr(
        "Alle Klient*innen. Tippen Sie nach / einen Namen: Groß/klein und Akzente zählen nicht.",
        "All clients. Type a name after /: case and accents do not matter.",
    )

    def __init__(self) -> None:
        super().__init__()
        self.search_text = ""
        self.stage: CaseStage | None = None
        self.target_group: str | None = None
        self.sort = "name"
        self.window_start = 0
        self.page: CaseloadPage | None = None
        self.total: int | None = None
        """The number of matches for `totalled` (filters), counted after the rows are painted."""
        self.totalled: tuple[str, CaseStage | None, str | None] | None = None
        self._count_timer: Timer | None = None
        self._filled_width = 0

    def compose(self) -> ComposeResult:
        lang = language()
        yield Header()
        yield Input(
            placeholder=tr("Suchen: Name, auch ohne Akzente …", "Search: name, accents optional …"),
            id="search",
        )
        with Horizontal(id="caseload-filters"):
            yield Select(
                [(catalog("case_stages").label(s.value, lang), s.value) for s in CaseStage],
                prompt=tr("Phase: alle offenen", "Stage: all open"),
                id="stage",
            )
            yield Select(
                [(e.label(lang), e.code) for e in catalog("target_groups")],
                prompt=tr("Zielgruppe: alle", "Target group: all"),
                id="target",
            )
        yield WindowedTable(id="caseload")
        yield Static("", id="window-info")
        yield KeyLine()

    def on_mount(self) -> None:
        self.title = tr("Klient*innen", "Caseload")
        table = self.query_one(WindowedTable)
        table.add_column(tr("Name", "Name"), key="name", width=NAME_WIDTH)
        table.add_column(tr("Geb.", "Born"), key="born", width=10)
        table.add_column(tr("Phase", "Stage"), key="stage", width=18)
        table.add_column(tr("Nächste Fälligkeit", "Next due"), key="due", width=10)
        table.add_column(tr("Aufenthalt", "Residence"), key="status", width=22)
        # A fixed width: an auto-width column is measured over every row on each refill.
        table.add_column(
            tr("Zielgruppen", "Target groups"), key="targets", width=self._targets_width()
        )
        self.reload()
        # The list has focus so g, z, o and i work at once; / starts the search.
        table.focus()

    def on_key(self, event: events.Key) -> None:
        if event.key == "down" and self.query_one("#search", Input).has_focus:
            event.stop()
            self.query_one(WindowedTable).focus()

    def on_screen_resume(self) -> None:
        if self.app.is_unlocked:  # type: ignore[attr-defined]
            self.reload()

    def reload(self, *, typing: bool = False) -> None:
        """Refill the window; `typing` counts the matches only after a pause (`COUNT_PAUSE`)."""
        self.page = self.app.workspace.caseload(  # type: ignore[attr-defined]
            self.search_text,
            stage=self.stage,
            target_group=self.target_group,
            sort=self.sort,
            offset=self.window_start,
            limit=self.query_one(WindowedTable).window_size(),
            with_total=False,
        )
        self._fill(self.page)
        self._count_later(typing)

    def _count_later(self, typing: bool) -> None:
        if self._count_timer is not None:
            self._count_timer.stop()
            self._count_timer = None
        filters = self._filters()
        if typing:
            self._count_timer = self.set_timer(COUNT_PAUSE, lambda: self._count(filters))
        else:
            self.call_after_refresh(self._count, filters)

    def _filters(self) -> tuple[str, CaseStage | None, str | None]:
        return (self.search_text, self.stage, self.target_group)

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def _count(self, filters: tuple[str, CaseStage | None, str | None]) -> None:
        search, stage, target = filters
        total = self.app.workspace.caseload_total(  # type: ignore[attr-defined]
            search, stage=stage, target_group=target
        )
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._counted, filters, total)

    def _counted(self, filters: tuple[str, CaseStage | None, str | None], total: int) -> None:
        if filters != self._filters():
            return  # the filters changed meanwhile: the next count is under way
        self.total, self.totalled = total, filters
        self._show_window_info()

    def _fill(self, page: CaseloadPage) -> None:
        # One compositor pass for the whole refill, not one per row.
        with self.app.batch_update():
            self._fill_rows(page)
        self.app.list_updated()  # type: ignore[attr-defined]

    def _fill_rows(self, page: CaseloadPage) -> None:
        lang = language()
        stages, statuses, groups = (
            catalog("case_stages"),
            catalog("residence_statuses"),
            catalog("target_groups"),
        )
        today: date = self.app.today()  # type: ignore[attr-defined]
        table = self.query_one(WindowedTable)
        table.clear()
        self._filled_width = self._targets_width()
        table.columns[ColumnKey("targets")].width = self._filled_width
        for row in page.items:
            status = statuses.label(row.residence_status, lang) if row.residence_status else ""
            if row.residence_valid_until:
                status += f" ({tr('bis', 'until')} {format_date(row.residence_valid_until)})"
            due_style = "bold red" if row.next_due_on and row.next_due_on < today else ""
            table.add_row(
                literal(row.display_name, max_len=NAME_WIDTH),
                Text(format_date(row.birth_date)),
                Text(stages.label(row.stage.value, lang)),
                Text(format_date(row.next_due_on), style=due_style),
                Text(status),
                Text(
                    ", ".join(groups.label(g, lang) for g in row.target_groups),
                    no_wrap=True,
                    overflow="ellipsis",
                ),
                key=row.client_id,
            )
        table.window_filled(has_more_before=page.offset > 0, has_more_after=page.has_more)
        self._show_window_info()

    def _show_window_info(self) -> None:
        page = self.page
        if page is None:
            return
        sort = tr("Name", "name") if self.sort == "name" else tr("Fälligkeit", "next due")
        if page.items:
            fresh = self.totalled == self._filters() and self.total is not None
            total = str(self.total) if fresh else "…"
            first, last = page.offset + 1, page.offset + len(page.items)
            info = tr(
                f"{first}–{last} von {total} · sortiert nach {sort} (o)",
                f"{first}–{last} of {total} · sorted by {sort} (o)",
            )
        else:
            info = tr("Keine Klient*innen für diese Auswahl.", "No clients for this selection.")
        self.query_one("#window-info", Static).update(Text(info))

    def _targets_width(self) -> int:
        """The last column takes what the terminal has left (at least 12 cells)."""
        return max(12, self.app.size.width - FIXED_WIDTH)

    def on_resize(self) -> None:
        # Only a new width of the last column needs a refill.
        if self.page is not None and self._targets_width() != self._filled_width:
            self._fill(self.page)

    @on(WindowedTable.EdgeReached)
    def page_window(self, event: WindowedTable.EdgeReached) -> None:
        table = self.query_one(WindowedTable)
        size = table.window_size()
        self.window_start = (
            self.window_start + size if event.forward else max(0, self.window_start - size)
        )
        self.reload()
        table.move_cursor(row=0 if event.forward else table.row_count - 1)

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        self.search_text = event.value
        self.window_start = 0
        self.reload(typing=True)

    @on(Input.Submitted, "#search")
    def search_done(self) -> None:
        # Enter on a search with exactly one hit opens it; otherwise go to the list.
        table = self.query_one(WindowedTable)
        page = self.page
        if page is not None and len(page.items) == 1 and not page.has_more and not page.offset:
            self.action_open()
            return
        table.focus()

    @on(Select.Changed, "#stage")
    def stage_changed(self, event: Select.Changed) -> None:
        self.stage = None if event.value is Select.NULL else CaseStage(str(event.value))
        self.window_start = 0
        self.reload()

    @on(Select.Changed, "#target")
    def target_changed(self, event: Select.Changed) -> None:
        self.target_group = None if event.value is Select.NULL else str(event.value)
        self.window_start = 0
        self.reload()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_stage(self) -> None:
        self.query_one("#stage", Select).focus()

    def action_focus_target(self) -> None:
        self.query_one("#target", Select).focus()

    def action_sort(self) -> None:
        self.sort = "due" if self.sort == "name" else "name"
        self.window_start = 0
        self.reload()

    def action_back(self) -> None:
        if self.query_one("#search", Input).has_focus and self.search_text:
            self.query_one("#search", Input).value = ""
            return
        self.app.pop_screen()

    @on(WindowedTable.RowSelected)
    def row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        from kim_tui.screens.client_file import ClientFileScreen

        key = self.query_one(WindowedTable).selected_key()
        if key is not None:
            self.app.push_screen(ClientFileScreen(key))
