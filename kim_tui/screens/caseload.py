"""Caseload: every client with stage, next due date, target groups and residence status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Header, Input, Select, Static

from kim_tui.actions import UiAction, bindings, key_label
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_birth_date, format_date
from kim_tui.domain.model import CaseloadPage, CaseStage
from kim_tui.i18n import language, tr
from kim_tui.screens.follow_ups import STAND_IN_SIGN, stand_in_marker
from kim_tui.screens.windowed_list import WindowedListScreen
from kim_tui.widgets.key_line import KeyLine
from kim_tui.widgets.literal import literal
from kim_tui.widgets.windowed_table import WindowedTable

DATE_WIDTH = 10
"""A date (dd.mm.yyyy) always gets its whole column: dates are never cut."""
NAME_MAX = 28
"""Names are cut to this in the cell text; a narrower column shows fewer characters and "…"."""
TARGETS_MIN = 14
"""The target-group column is shown only with at least this many cells."""
PADDING = 2
"""Cell padding of a column: one cell on each side."""
SCROLLBAR = 2


@dataclass(frozen=True)
class ColumnLayout:
    """Fixed column widths for one terminal width; 0 hides the optional column."""

    name: int
    stage: int
    status: int
    until: int
    """The residence document's expiry date ("Gültig bis")."""
    targets: int


def column_layout(width: int, *, stage_max: int, status_max: int) -> ColumnLayout:
    """The caseload's column widths for a terminal `width` cells wide.

    Birth date and next due date always get their `DATE_WIDTH`; so does the expiry date of the
    residence document ("Gültig bis") as soon as the others have their minimum (at 80 columns),
    because an expiring paper is what a coach must act on. What is left goes, step by step, to
    what a coach needs next: a readable name (18), the start of the residence status (18), the
    whole stage (`stage_max`), a longer name (22), more of the residence status, the whole
    name, and then the target groups (`TARGETS_MIN`); the rest widens the last column. The
    target groups come from about 130 columns. The widths are fixed: an auto-width column is
    measured over every row on each refill, that is on each keystroke of a search
    (docs/performance.md).
    """
    widths = {"name": 16, "stage": min(10, stage_max), "status": 10, "until": 0, "targets": 0}
    room = width - SCROLLBAR - 2 * (DATE_WIDTH + PADDING) - 3 * PADDING - sum(widths.values())
    steps = (
        ("until", DATE_WIDTH),
        ("name", 18),
        ("status", 18),
        ("stage", stage_max),
        ("name", 22),
        ("status", min(status_max, 26)),
        ("name", NAME_MAX),
        # Last: every column costs on each keystroke (docs/performance.md), and the target
        # groups are a filter (z) and in the file; at 120 columns six columns keep typing fast.
        ("targets", TARGETS_MIN),
    )
    for column, wanted in steps:
        if column in ("until", "targets"):  # a whole column or none
            if room >= wanted + PADDING:
                widths[column] = wanted
                room -= wanted + PADDING
        elif room > 0 and wanted > widths[column]:
            grow = min(room, wanted - widths[column])
            widths[column] += grow
            room -= grow
    if room > 0:
        if widths["targets"]:
            widths["targets"] += room
        else:
            grow = min(room, max(0, status_max - widths["status"]))
            widths["status"] += grow
            widths["name"] += min(room - grow, max(0, NAME_MAX - widths["name"]))
    return ColumnLayout(**widths)


def _cell(text: str, style: str = "") -> Text:
    """One line; a text longer than its column ends in "…" instead of being cut mid-word."""
    return Text(text, style=style, no_wrap=True, overflow="ellipsis")


CaseloadFilters = tuple[str, CaseStage | None, str | None]
"""Search text, stage and target group."""


class CaseloadScreen(WindowedListScreen[CaseloadPage, CaseloadFilters, int]):
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
            "ctrl+o",
            "sort",
            "Sortierung",
            "Sort",
            "Nach Name oder nächster Fälligkeit sortieren",
            "Sort by name or next due",
        ),
        UiAction(
            "caseload.stage",
            "ctrl+g",
            "focus_stage",
            "Phase",
            "Stage",
            "Nach Fallphase filtern",
            "Filter by case stage",
        ),
        UiAction(
            "caseload.target",
            "ctrl+z",
            "focus_target",
            "Zielgruppe",
            "Target group",
            "Nach Zielgruppe filtern",
            "Filter by target group",
        ),
        UiAction(
            "caseload.back",
            "escape",
            "back",
            "Zurück",
            "Back",
            "Suche löschen und zurück in die Liste; ohne Suche: zurück",
            "Clear the search and return to the list; with no search: back",
            show=False,
            palette=False,
        ),
    )
    BINDINGS = bindings(ACTIONS)
    REACHED_BY = "caseload"
    HELP_TEXT: ClassVar[tuple[str, str]] = (
        "Alle Klient*innen. Suchen: einfach den Namen tippen (oder erst /); Groß/klein und "
        "Akzente zählen nicht („muller“ findet Müller, „cetin“ Çetin). Jeder Buchstabe, auch "
        "kyrillisch oder arabisch, beginnt die Suche; deshalb liegen die Befehle dieser Ansicht "
        "auf Strg-Tasten (Tabelle unten), neue Klient*in: F4. ↑/↓ und Bild↑/↓ bewegen in der "
        "Liste, Enter öffnet. Esc löscht die Suche und geht zurück in die Liste, ein weiteres "
        "Esc zurück zur vorigen Ansicht. In schmalen Fenstern fehlen Spalten (zuerst "
        "„Zielgruppen“); die Akte zeigt alles. Ein rotes „!“ vor dem Namen: keine Einwilligung "
        "Case Management erfasst.",
        "All clients. Search: just type the name (or / first); case and accents do not matter "
        "(“muller” finds Müller, “cetin” Çetin). Every letter, Cyrillic or Arabic too, starts "
        "the search; so this view's commands are on Ctrl keys (table below), new client: F4. "
        "↑/↓ and PgUp/PgDn move in the list, Enter opens. Esc clears the search and returns to "
        "the list, another Esc goes back to the previous view. Narrow windows leave out columns "
        "(“Target groups” first); the client's file shows everything. A red “!” before the "
        "name: no case-management consent recorded.",
    )

    def __init__(self) -> None:
        super().__init__()
        self.search_text = ""
        self.stage: CaseStage | None = None
        self.target_group: str | None = None
        self.sort = "name"
        self._layout: ColumnLayout | None = None
        """The column widths of the filled table (None before the first fill)."""
        self._stand_in_ends: list[date] = []
        self._stage_max = 0
        self._status_max = 0

    def compose(self) -> ComposeResult:
        lang = language()
        yield Header()
        yield Input(
            placeholder=tr(
                "/ Suchen: Name, auch ohne Akzente …", "/ Search: name, accents optional …"
            ),
            id="search",
        )
        with Horizontal(id="caseload-filters"):
            yield Select(
                [(e.label(lang), e.code) for e in catalog("case_stages")],
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
        lang = language()
        self._stage_max = max(cell_len(e.label(lang)) for e in catalog("case_stages"))
        self._status_max = max(cell_len(e.label(lang)) for e in catalog("residence_statuses"))
        self.reload()
        # The list has focus so the arrows and Enter work at once; every character starts the
        # search (`on_key`): the commands are on Ctrl keys, so no letter is taken.
        self.query_one(WindowedTable).focus()

    def on_key(self, event: events.Key) -> None:
        search = self.query_one("#search", Input)
        if event.key == "down" and self.focused is search:
            event.stop()
            self.query_one(WindowedTable).focus()
            return
        # The search box types printable keys itself; those that arrive here went elsewhere.
        if not event.is_printable or event.character is None:
            return
        if self.focused is search:
            # Typed quickly after the first letter of a search: the key was on its way to the
            # list before the search box had the focus. It is part of the name.
            event.stop()
            event.prevent_default()
            if search.selected_text:
                search.delete_selection()
            search.insert_text_at_cursor(event.character)
        elif (
            self.focused is self.query_one(WindowedTable)
            and not event.character.isspace()
            and event.key not in self.active_bindings
        ):
            # Any character (no letter is a key here) starts a new search with it.
            event.stop()
            event.prevent_default()
            search.select_on_focus = False  # the focus must not select the letter: typing goes on
            search.value = event.character
            search.cursor_position = len(search.value)
            self.set_focus(search)  # at once, so the next keys already go to the box

    @on(Input.Blurred, "#search")
    def search_left(self) -> None:
        # `/` selects the search text again, so typing replaces it.
        self.query_one("#search", Input).select_on_focus = True

    def on_screen_resume(self) -> None:
        if self.app.is_unlocked:
            self.reload()

    @property
    def total(self) -> int | None:
        """The number of matches last counted (see `fresh_count` for the current filters)."""
        return self.count

    def reload(self, *, typing: bool = False) -> None:
        """Refill the window; `typing` counts the matches only after a pause (`COUNT_PAUSE`)."""
        self.show_page(self.fetch(self.window_start), typing=typing)

    def current_filters(self) -> CaseloadFilters:
        return (self.search_text, self.stage, self.target_group)

    def fetch_window(self, filters: CaseloadFilters, offset: int, limit: int) -> CaseloadPage:
        search, stage, target = filters
        return self.app.workspace.caseload(
            search,
            stage=stage,
            target_group=target,
            sort=self.sort,
            offset=offset,
            limit=limit,
            with_total=False,
        )

    def fetch_count(self, filters: CaseloadFilters) -> int:
        search, stage, target = filters
        return self.app.workspace.caseload_total(search, stage=stage, target_group=target)

    def fill_rows(self, table: WindowedTable, page: CaseloadPage) -> None:
        lang = language()
        stages, statuses, groups = (
            catalog("case_stages"),
            catalog("residence_statuses"),
            catalog("target_groups"),
        )
        today: date = self.app.today()
        layout = self._column_layout()
        if layout != self._layout:
            self._set_columns(table, layout)
        else:
            table.clear()
        # Clients this vault only stands in for (Vertretung) are marked with their end date.
        lent = self.app.workspace.stand_in_until({r.client_id for r in page.items})
        self._stand_in_ends = sorted(set(lent.values()))
        for row in page.items:
            status = statuses.label(row.residence_status, lang) if row.residence_status else ""
            due_style = "bold red" if row.next_due_on and row.next_due_on < today else ""
            name = literal(row.display_name, max_len=NAME_MAX)
            if row.restricted:
                # Art. 18: the file is read-only; the mark shows it before the file is opened.
                name = Text.assemble(Text("⊘ ", style="bold yellow"), name)
            if row.client_id in lent:
                # Only a copy lent for a time: the sign here, until when under the list.
                name = Text.assemble(Text(STAND_IN_SIGN, style="bold magenta"), name)
            if not row.case_consent:
                # "!" first: at 80 columns the name is cut at its end, never the marker.
                name = Text("! ", style="bold red", no_wrap=True, overflow="ellipsis") + name
            cells = [
                name,
                Text(format_birth_date(row.birth_date, row.birth_precision)),
                _cell(stages.label(row.stage.value, lang)),
                Text(format_date(row.next_due_on), style=due_style),
                _cell(status),
            ]
            if layout.until:
                until = row.residence_valid_until
                # An expired document is what a coach must act on first.
                expired = until is not None and until < today
                cells.append(Text(format_date(until), style="bold red" if expired else ""))
            if layout.targets:
                cells.append(_cell(", ".join(groups.label(g, lang) for g in row.target_groups)))
            table.add_row(*cells, key=row.client_id)

    def show_window_info(self) -> None:
        page = self.page
        if page is None:
            return
        sort = tr("Name", "name") if self.sort == "name" else tr("Fälligkeit", "next due")
        key = key_label("ctrl+o")
        if page.items:
            count = self.fresh_count()
            total = "…" if count is None else str(count)
            first, last = page.offset + 1, page.offset + len(page.items)
            info = tr(
                f"{first}–{last} von {total} · sortiert nach {sort} ({key})",
                f"{first}–{last} of {total} · sorted by {sort} ({key})",
            )
            ends = self._stand_in_ends
            if ends:
                info = (
                    f"{STAND_IN_SIGN}" + ", ".join(stand_in_marker(d) for d in ends) + " · " + info
                )
        else:
            info = tr("Keine Klient*innen für diese Auswahl.", "No clients for this selection.")
        line = _cell(info)
        if self.search_text:
            line.append(tr("   Suche: „", "   Search: “"))
            line.append_text(literal(self.search_text, max_len=30))
            line.append(tr("“ (Esc löscht)", "” (Esc clears)"))
        self.query_one("#window-info", Static).update(line)

    def _column_layout(self) -> ColumnLayout:
        return column_layout(
            self.app.size.width, stage_max=self._stage_max, status_max=self._status_max
        )

    def _set_columns(self, table: WindowedTable, layout: ColumnLayout) -> None:
        """Columns for a new layout (on mount, and when a resize changes the widths)."""
        table.clear(columns=True)
        table.add_column(tr("Name", "Name"), key="name", width=layout.name)
        table.add_column(tr("Geb.", "Born"), key="born", width=DATE_WIDTH)
        table.add_column(tr("Phase", "Stage"), key="stage", width=layout.stage)
        table.add_column(tr("Fällig", "Due"), key="due", width=DATE_WIDTH)
        table.add_column(tr("Aufenthalt", "Residence"), key="status", width=layout.status)
        if layout.until:
            table.add_column(tr("Gültig bis", "Expires"), key="until", width=layout.until)
        if layout.targets:
            table.add_column(
                tr("Zielgruppen", "Target groups"), key="targets", width=layout.targets
            )
        self._layout = layout

    def columns_changed(self) -> bool:
        return self._column_layout() != self._layout

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
        # Esc steps out one level: search box (or a search) → list → previous view.
        search = self.query_one("#search", Input)
        if self.focused is search or search.value or self.search_text:
            search.value = ""  # search_changed refills the list
            self.query_one(WindowedTable).focus()
            return
        self.app.pop_screen()

    def action_open(self) -> None:
        from kim_tui.screens.client_file import ClientFileScreen

        key = self.query_one(WindowedTable).selected_key()
        if key is not None:
            self.app.push_screen(ClientFileScreen(key))
