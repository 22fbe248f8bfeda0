"""Wiedervorlagen: the home screen. Everything due, grouped, filterable, keyboard only."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Header, Input, Static
from textual.widgets.data_table import ColumnKey

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.dates import format_date
from kim_tui.domain.model import (
    DueGroup,
    FollowUpCounts,
    FollowUpPage,
    FollowUpSource,
    FollowUpView,
)
from kim_tui.i18n import language, tr
from kim_tui.screens.form import FormSaves
from kim_tui.screens.stand_in_flow import SEND_ACTION, send_stand_in
from kim_tui.screens.windowed_list import WindowedListScreen
from kim_tui.widgets.key_line import KeyLine
from kim_tui.widgets.literal import literal
from kim_tui.widgets.windowed_table import WindowedTable

CLIENT_WIDTH = 22
# The reason text names its source ("Schritt: …", "Rückmeldung erwartet: …"), so no extra column.
FIXED_WIDTH = 11 + 10 + CLIENT_WIDTH + 2 * 4 + 2  # other columns, cell padding, scrollbar

GROUP_LABELS = {
    DueGroup.OVERDUE: ("überfällig", "overdue"),
    DueGroup.TODAY: ("heute", "today"),
    DueGroup.THIS_WEEK: ("diese Woche", "this week"),
    DueGroup.LATER: ("später", "later"),
}
GROUP_STYLES = {
    DueGroup.OVERDUE: "bold red",
    DueGroup.TODAY: "bold yellow",
    DueGroup.THIS_WEEK: "bold",
    DueGroup.LATER: "dim",
}


def group_label(group: DueGroup) -> str:
    de, en = GROUP_LABELS[group]
    return tr(de, en)


def stand_in_marker(until: date) -> str:
    """How a client this vault only stands in for is marked in the lists."""
    return tr(f"Vertretung bis {format_date(until)}", f"Standing in until {format_date(until)}")


STAND_IN_SIGN = "⇄ "
"""Marks a stand-in client in the name column when the reason column is too narrow for the
whole marker (the line under the list then says until when)."""
WIDE_REASON = 48
"""From this reason width on, the whole marker stands before the reason."""


def _reason_cell(item: FollowUpView, width: int, until: date | None) -> Text:
    reason = literal(item.reason_in(language()), max_len=width)
    if until is None or width < WIDE_REASON:
        return reason
    # The marker first: the reason is cut, never the marker.
    marker = Text(stand_in_marker(until) + " · ", style="bold magenta")
    cell = marker + reason
    cell.truncate(width, overflow="ellipsis")
    return cell


def _client_cell(item: FollowUpView, width: int, until: date | None) -> Text:
    name = literal(item.client_name, max_len=CLIENT_WIDTH)
    if until is None or width >= WIDE_REASON:
        return name
    cell = Text(STAND_IN_SIGN, style="bold magenta") + name
    cell.truncate(CLIENT_WIDTH, overflow="ellipsis")
    return cell


class FollowUpsScreen(FormSaves, WindowedListScreen[FollowUpPage, str, FollowUpCounts]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = (
        UiAction(
            "followups.open",
            "enter",
            "open",
            "Öffnen",
            "Open",
            "Akte der Klient*in öffnen",
            "Open the client's file",
        ),
        UiAction(
            "followups.done",
            "x",
            "done",
            "Erledigt",
            "Done",
            "Als erledigt markieren (mit kurzer Notiz)",
            "Mark done (optional note)",
        ),
        UiAction(
            "followups.snooze",
            "s",
            "snooze",
            "Verschieben",
            "Snooze",
            "Verschieben: +1 Tag, +1 Woche, +1 Monat oder Datum",
            "Snooze: +1 day, +1 week, +1 month or a date",
        ),
        UiAction(
            "followups.new", "n", "new", "Neu", "New", "Neue Wiedervorlage anlegen", "New follow-up"
        ),
        UiAction(
            "followups.filter",
            "slash",
            "filter",
            "Filtern",
            "Filter",
            "Nach Name filtern (ohne Akzente, Groß/klein egal)",
            "Filter by name (ignores accents and case)",
        ),
        UiAction(
            "followups.today",
            "t",
            "today",
            "Heute",
            "Today",
            "Zu den heute fälligen springen",
            "Jump to what is due today",
        ),
        UiAction(
            "followups.edit",
            "e",
            "edit",
            "Korrigieren",
            "Correct",
            "Anlass und Datum einer eigenen Wiedervorlage korrigieren",
            "Correct the reason and date of a manual follow-up",
            show=False,
        ),
        UiAction(
            "followups.delete",
            "l,delete",
            "delete",
            "Löschen",
            "Delete",
            "Eigene Wiedervorlage mit Grund löschen (bleibt im Verlauf)",
            "Delete a manual follow-up with a reason (stays in the history)",
            show=False,
        ),
        SEND_ACTION,
        UiAction("followups.down", "j", "cursor_down", "Runter", "Down", show=False, palette=False),
        UiAction("followups.up", "k", "cursor_up", "Hoch", "Up", show=False, palette=False),
    )
    BINDINGS = bindings(ACTIONS)
    REACHED_BY = "home"
    HELP_TEXT: ClassVar[tuple[str, str]] = (
        "Alle fälligen Termine aus Wiedervorlagen, Schritten, Vermittlungen, Überprüfungen und "
        "ablaufenden Aufenthaltstiteln. Fälligkeiten am Wochenende oder an NRW-Feiertagen "
        "rücken auf den nächsten Werktag.",
        "Everything due from follow-ups, steps, referrals, reviews and expiring residence "
        "documents. Dates on weekends or NRW holidays move to the next working day.",
    )

    def __init__(self) -> None:
        super().__init__()
        self.query_text = ""
        """The name filter typed after `/`."""
        self._fresh = True
        self._filled_width = 0
        self._stand_in_ends: list[date] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="counts")
        yield Input(
            placeholder=tr("Filtern nach Name …", "Filter by name …"), id="filter", classes="hidden"
        )
        yield WindowedTable(id="followups")
        yield Static("", id="window-info")
        yield KeyLine()

    def on_mount(self) -> None:
        self.title = tr("Wiedervorlagen", "Follow-ups")
        table = self.query_one(WindowedTable)
        table.add_column(tr("Gruppe", "Group"), key="group", width=11)
        table.add_column(tr("Fällig", "Due"), key="due", width=10)
        table.add_column(tr("Klient*in", "Client"), key="client", width=CLIENT_WIDTH)
        table.add_column(tr("Anlass", "Reason"), key="reason", width=self._reason_width())
        self.reload()
        table.focus()

    def on_screen_resume(self) -> None:
        # The first resume follows on_mount directly: the list is fresh, do not fill it twice.
        if self._fresh:
            self._fresh = False
            return
        if self.app.is_unlocked:
            self.reload(keep_cursor=True)

    # -- data --------------------------------------------------------------------------------

    def reload(
        self, *, keep_cursor: bool = False, keep_row: bool = False, typing: bool = False
    ) -> None:
        """Refill the window. `keep_cursor` stays on the same item; `keep_row` stays on the same
        row (after done or snooze the next item moves up under the cursor); `typing` counts
        only after a pause (`COUNT_PAUSE`)."""
        table = self.table
        selected = table.selected_key() if keep_cursor and not keep_row else None
        cursor = table.cursor_row
        # The rows first; the counts need every matching entry and come after the paint.
        page = self.fetch(self.window_start)
        if not page.items and self.window_start:
            self.window_start = 0
            page = self.fetch(0)
        if not typing:
            # Done, snooze, new or back on the screen: the counts changed; `t` must not use the
            # old ones before the worker has counted again.
            self.count = None
        self.show_page(page, typing=typing)
        if selected is not None and selected in {i.id for i in page.items}:
            table.move_cursor(row=table.get_row_index(selected))
        elif (keep_cursor or keep_row) and page.items:
            table.move_cursor(row=min(cursor, len(page.items) - 1))

    def current_filters(self) -> str:
        return self.query_text

    def fetch_window(self, filters: str, offset: int, limit: int) -> FollowUpPage:
        return self.app.workspace.follow_ups(filters, offset=offset, limit=limit, with_counts=False)

    def fetch_count(self, filters: str) -> FollowUpCounts:
        return self.app.workspace.follow_up_counts(filters)

    def fill_rows(self, table: WindowedTable, page: FollowUpPage) -> None:
        table.clear()
        reason_width = self._reason_width()
        self._filled_width = reason_width
        table.columns[ColumnKey("reason")].width = reason_width
        # Clients this vault only stands in for (Vertretung) are marked with their end date.
        lent = self.app.workspace.stand_in_until({i.client_id for i in page.items})
        self._stand_in_ends = sorted(set(lent.values()))
        previous: DueGroup | None = None
        for item in page.items:
            first_of_group = item.group != previous
            previous = item.group
            table.add_row(
                Text(
                    group_label(item.group) if first_of_group else "",
                    style=GROUP_STYLES[item.group],
                ),
                Text(format_date(item.due_on), style=GROUP_STYLES[item.group]),
                _client_cell(item, reason_width, lent.get(item.client_id)),
                _reason_cell(item, reason_width, lent.get(item.client_id)),
                key=item.id,
            )

    def show_count(self) -> None:
        counts = self.count
        assert counts is not None
        line = "   ".join(
            f"{group_label(g)[:1].upper()}{group_label(g)[1:]}: {counts.counts[g]}"
            for g in DueGroup
        )
        self.query_one("#counts", Static).update(Text(line))
        self.show_window_info()

    def _current_counts(self) -> FollowUpCounts:
        """The counts for the current filter (counted now if the worker has not yet)."""
        counts = self.fresh_count()
        if counts is None:
            counts = self.fetch_count(self.query_text)
            self.counted_for(self.query_text, counts)
        return counts

    def show_window_info(self) -> None:
        page = self.page
        if page is None:
            return
        if page.items:
            first, last = page.offset + 1, page.offset + len(page.items)
            counts = self.fresh_count()
            total = "…" if counts is None else str(counts.total)
            info = tr(f"Zeilen {first}–{last} von {total}", f"Rows {first}–{last} of {total}")
        else:
            info = (
                tr("Nichts fällig.", "Nothing due.")
                if not self.query_text
                else tr("Kein Treffer für diesen Filter.", "No match for this filter.")
            )
        ends = self._stand_in_ends
        if ends and self._reason_width() < WIDE_REASON:
            info += f"   {STAND_IN_SIGN}" + ", ".join(stand_in_marker(d) for d in ends)
        if self.query_text:
            info += tr(
                f"   Filter: „{self.query_text}“ (Esc löscht)",
                f"   Filter: “{self.query_text}” (Esc clears)",
            )
        self.query_one("#window-info", Static).update(Text(info))

    def _reason_width(self) -> int:
        """The reason column takes what the terminal has left (at least 20 cells)."""
        return max(20, self.app.size.width - FIXED_WIDTH)

    def columns_changed(self) -> bool:
        return self._reason_width() != self._filled_width

    def selected(self) -> FollowUpView | None:
        key = self.query_one(WindowedTable).selected_key()
        if key is None or self.page is None:
            return None
        return next((i for i in self.page.items if i.id == key), None)

    # -- filter ------------------------------------------------------------------------------

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.remove_class("hidden")
        field.focus()

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.window_start = 0
        self.reload(typing=True)

    @on(Input.Submitted, "#filter")
    def filter_done(self) -> None:
        self.query_one(WindowedTable).focus()

    def key_escape(self) -> None:
        field = self.query_one("#filter", Input)
        if self.query_text or not field.has_class("hidden"):
            field.value = ""
            field.add_class("hidden")
            self.query_text = ""
            self.window_start = 0
            self.reload()
            self.query_one(WindowedTable).focus()

    # -- actions -----------------------------------------------------------------------------

    def action_today(self) -> None:
        if self.page is None:
            return
        counts = self._current_counts().counts
        overdue = counts[DueGroup.OVERDUE]
        if not counts[DueGroup.TODAY]:
            self.notify(tr("Heute ist nichts fällig.", "Nothing is due today."))
            return
        shown = len(self.page.items)
        if not (self.window_start <= overdue < self.window_start + shown):
            self.window_start = overdue
            self.reload()
        table = self.query_one(WindowedTable)
        row = overdue - self.window_start
        table.move_cursor(row=row)
        # Today's items start at the top of the view, with the rest of the day below them.
        table.scroll_to(y=row, animate=False)
        table.focus()

    def action_open(self) -> None:
        from kim_tui.screens.client_file import ClientFileScreen

        item = self.selected()
        if item is not None:
            self.app.push_screen(ClientFileScreen(item.client_id))

    @work(exclusive=True, group="followup-edit")
    async def action_done(self) -> None:
        from kim_tui.screens.follow_up_done import FollowUpDoneScreen

        item = self.selected()
        if item is None:
            return
        await self.save_in_form(
            FollowUpDoneScreen(item),
            lambda ws, note: ws.complete_follow_up(item.id, note),
            tr("Erledigt.", "Done."),
        )

    @work(exclusive=True, group="followup-edit")
    async def action_snooze(self) -> None:
        from kim_tui.screens.snooze import SnoozeScreen

        item = self.selected()
        if item is None:
            return
        form = SnoozeScreen(item, self.app.today())
        await self.save_in_form(form, lambda ws, until: ws.snooze_follow_up(item.id, until))
        effective = form.saved
        if isinstance(effective, date):
            self.notify(
                tr(
                    f"Verschoben auf {format_date(effective)}.",
                    f"Snoozed to {format_date(effective)}.",
                )
            )

    @work(exclusive=True, group="followup-edit")
    async def action_new(self) -> None:
        from kim_tui.screens.follow_up_form import FollowUpFormScreen

        item = self.selected()
        await self.save_in_form(
            FollowUpFormScreen(
                client_id=item.client_id if item else None,
                client_name=item.client_name if item else "",
                case_id=item.case_id if item else None,
            ),
            lambda ws, draft: ws.add_follow_up(draft),
            tr("Wiedervorlage angelegt.", "Follow-up created."),
        )

    @work(exclusive=True, group="followup-edit")
    async def action_stand_in(self) -> None:
        item = self.selected()
        await send_stand_in(
            self.app,
            item.client_id if item else None,
            item.client_name if item else "",
        )

    def _manual(self) -> FollowUpView | None:
        """The highlighted follow-up if the coach typed it; derived ones follow their source."""
        item = self.selected()
        if item is not None and item.source is not FollowUpSource.MANUAL:
            self.notify(
                tr(
                    "Diese Wiedervorlage folgt ihrer Quelle (Schritt, Vermittlung, Aufenthalt …): "
                    "bitte dort in der Akte korrigieren oder löschen (Enter öffnet sie).",
                    "This follow-up follows its source (step, referral, residence …): correct or "
                    "delete it there in the file (Enter opens it).",
                )
            )
            return None
        return item

    @work(exclusive=True, group="followup-edit")
    async def action_edit(self) -> None:
        from kim_tui.screens.follow_up_form import FollowUpFormScreen

        item = self._manual()
        if item is None:
            return
        await self.save_in_form(
            FollowUpFormScreen(
                client_id=item.client_id, client_name=item.client_name, case_id=item.case_id
            ),
            lambda ws, draft: ws.correct_follow_up(item.id, draft),
            tr("Korrektur gespeichert.", "Correction saved."),
            prefill=(
                {"due": format_date(item.original_due_on), "reason": item.reason},
                tr("Wiedervorlage korrigieren", "Correct a follow-up"),
            ),
        )

    @work(exclusive=True, group="followup-edit")
    async def action_delete(self) -> None:
        from kim_tui.domain.model import EntryKind
        from kim_tui.screens.reason_prompt import DeleteReasonScreen

        item = self._manual()
        if item is None:
            return
        what = tr(f"Wiedervorlage „{item.reason}“", f"the follow-up “{item.reason}”")
        await self.save_in_form(
            DeleteReasonScreen(what),
            lambda ws, reason: ws.delete_entry(EntryKind.FOLLOW_UP, item.id, reason),
            tr("Wiedervorlage gelöscht.", "Follow-up deleted."),
        )

    def reload_after_save(self) -> None:
        # The coach's place in the list stays where the form was opened.
        self.reload(keep_row=True)
