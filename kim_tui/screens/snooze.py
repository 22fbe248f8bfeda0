"""`s` on a follow-up: +1 day, +1 week, +1 month or a typed date (always a working day)."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.dates import date_placeholder, format_date
from kim_tui.domain.model import FollowUpView
from kim_tui.domain.scheduling import SnoozeOption, WorkingDays, snooze_target
from kim_tui.i18n import language, tr
from kim_tui.screens.form import FormInvalid, FormModal
from kim_tui.widgets.field_error import FieldError
from kim_tui.widgets.literal import literal


class SnoozeScreen(FormModal[date]):
    ERROR_ID = "date-error"
    ACTIONS: ClassVar[tuple[UiAction, ...]] = (
        UiAction("snooze.cancel", "escape", "cancel", "Abbrechen", "Cancel", palette=False),
        UiAction("snooze.day", "1", "pick('day')", "+1 Tag", "+1 day", palette=False),
        UiAction("snooze.week", "2", "pick('week')", "+1 Woche", "+1 week", palette=False),
        UiAction("snooze.month", "3", "pick('month')", "+1 Monat", "+1 month", palette=False),
        UiAction("snooze.date", "4,d", "pick('date')", "Datum", "Date", palette=False),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, item: FollowUpView, today: date) -> None:
        super().__init__()
        self.item = item
        self.today = today
        self.calendar = WorkingDays()

    def compose(self) -> ComposeResult:
        def option(key: str, option: SnoozeOption, de: str, en: str) -> Option:
            target = format_date(snooze_target(option, self.today, self.calendar))
            return Option(f"{key}  {tr(de, en)}  →  {target}", id=option.value)

        with Vertical():
            yield Static(tr("Verschieben", "Snooze"), classes="title")
            yield Static(literal(f"{self.item.client_name} – {self.item.reason_in(language())}"))
            yield OptionList(
                option("1", SnoozeOption.DAY, "+1 Tag", "+1 day"),
                option("2", SnoozeOption.WEEK, "+1 Woche", "+1 week"),
                option("3", SnoozeOption.MONTH, "+1 Monat", "+1 month"),
                Option(f"4  {tr('Datum wählen …', 'Pick a date …')}", id="date"),
                id="options",
            )
            yield Input(placeholder=date_placeholder(), id="date-input", classes="hidden")
            yield FieldError(id="date-error")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.action_pick(str(event.option.id))

    def action_pick(self, choice: str) -> None:
        if choice == "date":
            field = self.query_one("#date-input", Input)
            field.remove_class("hidden")
            field.focus()
            return
        self.close_with(snooze_target(SnoozeOption(choice), self.today, self.calendar))

    @on(Input.Submitted, "#date-input")
    def date_entered(self) -> None:
        self.action_save()

    def build_draft(self) -> date:
        """The typed date (the options 1–3 dismiss with their date at once)."""
        chosen = self.date_value("date-input")
        if chosen < self.today:
            raise FormInvalid(
                tr("Das Datum liegt in der Vergangenheit.", "That date is in the past.")
            )
        return chosen
