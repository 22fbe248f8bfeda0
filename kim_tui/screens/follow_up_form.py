"""`n`: a new manual Wiedervorlage. Returns a draft; the calling screen saves it."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.dates import date_placeholder, format_birth_date, format_date
from kim_tui.domain.model import FollowUpDraft
from kim_tui.i18n import tr
from kim_tui.screens.form import FormInvalid, FormModal, form_actions
from kim_tui.widgets.field_error import FieldError
from kim_tui.widgets.literal import literal

MAX_REASON = 200


class FollowUpFormScreen(FormModal[FollowUpDraft]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = form_actions("followupform")
    BINDINGS = bindings(ACTIONS)

    def __init__(self, *, client_id: str | None, client_name: str, case_id: str | None) -> None:
        super().__init__()
        self.case_id = case_id
        self.client_name = client_name
        self._client_id = client_id

    def compose(self) -> ComposeResult:
        today = self.app.today()
        with Vertical():
            yield Static(tr("Neue Wiedervorlage", "New follow-up"), classes="title")
            yield Static(
                tr("Klient*in (tippen zum Suchen)", "Client (type to search)"),
                classes="field-label",
            )
            yield Input(value=self.client_name, id="client", select_on_focus=True)
            yield OptionList(id="client-options", classes="hidden")
            yield Static(tr("Fällig am", "Due on"), classes="field-label")
            yield Input(
                value=format_date(today + timedelta(days=7)),
                placeholder=date_placeholder(),
                id="due",
            )
            yield Static(tr("Anlass", "Reason"), classes="field-label")
            yield Input(
                placeholder=tr(
                    "z. B. Bescheid Jobcenter nachfragen",
                    "e.g. ask the job centre about the decision",
                ),
                max_length=MAX_REASON,
                id="reason",
            )
            yield FieldError(id="form-error")
            yield Static(
                tr("Strg+S speichern   Esc abbrechen", "Ctrl+S save   Esc cancel"), classes="muted"
            )

    def on_mount(self) -> None:
        self.query_one("#reason" if self.case_id else "#client", Input).focus()

    @on(Input.Changed, "#client")
    def search_client(self, event: Input.Changed) -> None:
        if event.value == self.client_name and self.case_id:
            return
        self.case_id = None
        options = self.query_one("#client-options", OptionList)
        options.clear_options()
        if not event.value.strip():
            options.add_class("hidden")
            return
        page = self.app.workspace.caseload(event.value, limit=8, with_total=False)
        for row in page.items:
            # The birth date tells apart people with the same name.
            label = literal(row.display_name)
            label.append(f"  {format_birth_date(row.birth_date, row.birth_precision)}", style="dim")
            options.add_option(Option(label, id=f"{row.case_id}"))
        options.set_class(not page.items, "hidden")
        self._names = {row.case_id: row.display_name for row in page.items}

    def on_key(self, event: events.Key) -> None:
        # ↓ from the name field goes straight into the list of matches.
        options = self.query_one("#client-options", OptionList)
        if (
            event.key == "down"
            and self.query_one("#client", Input).has_focus
            and options.option_count
        ):
            event.stop()
            options.focus()
            options.highlighted = 0

    @on(Input.Submitted, "#client")
    def client_submitted(self) -> None:
        options = self.query_one("#client-options", OptionList)
        if options.option_count:
            options.focus()
            options.highlighted = 0

    @on(OptionList.OptionSelected, "#client-options")
    def client_chosen(self, event: OptionList.OptionSelected) -> None:
        self.case_id = str(event.option.id)
        self.client_name = self._names[self.case_id]
        field = self.query_one("#client", Input)
        field.value = self.client_name
        self.query_one("#client-options", OptionList).add_class("hidden")
        self.query_one("#due", Input).focus()

    @on(Input.Submitted, "#reason")
    @on(Input.Submitted, "#due")
    def submitted(self) -> None:
        self.action_save()

    def build_draft(self) -> FollowUpDraft:
        if not self.case_id:
            raise FormInvalid(
                tr("Bitte eine Klient*in auswählen.", "Please choose a client."), "client"
            )
        due = self.date_value("due", focus=True)
        reason = self.text("reason")
        if not reason:
            raise FormInvalid(tr("Bitte einen Anlass angeben.", "Please give a reason."), "reason")
        return FollowUpDraft(case_id=self.case_id, due_on=due, reason=reason)
