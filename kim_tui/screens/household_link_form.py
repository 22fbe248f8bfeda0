"""Link an existing client into this client's household: find them by name, give a role.

Returns (client id, role code); the calling screen saves it through
`Workspace.link_household_member`.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.dates import format_birth_date
from kim_tui.i18n import tr
from kim_tui.screens.form import FormInvalid, FormModal, form_actions, save_hint
from kim_tui.screens.household_member_form import role_options
from kim_tui.widgets.field_error import FieldError
from kim_tui.widgets.literal import literal

Link = tuple[str, str]
"""The client to link and their role code."""

MATCHES = 8


class HouseholdLinkScreen(FormModal[Link]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = form_actions("householdlink")
    BINDINGS = bindings(ACTIONS)

    def __init__(self, client_id: str, excluded: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.client_id = client_id
        self.excluded = excluded | {client_id}
        self.chosen: str | None = None
        self._names: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                tr("Klient*in in den Haushalt aufnehmen", "Link a client into the household"),
                classes="title",
            )
            yield Static(
                tr("Klient*in (tippen zum Suchen, ↓ zur Auswahl)", "Client (type to search, ↓)"),
                classes="field-label",
            )
            yield Input(id="member", select_on_focus=True)
            yield OptionList(id="member-options", classes="hidden")
            yield Static(tr("Rolle im Haushalt", "Role"), classes="field-label")
            yield Select(role_options(), value="spouse", id="role", compact=True, allow_blank=False)
            yield FieldError(id="form-error")
            yield save_hint()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#member", Input).focus()

    @on(Input.Changed, "#member")
    def search(self, event: Input.Changed) -> None:
        if self.chosen and event.value == self._names.get(self.chosen):
            return
        self.chosen = None
        options = self.query_one("#member-options", OptionList)
        options.clear_options()
        if not event.value.strip():
            options.add_class("hidden")
            return
        page = self.app.workspace.caseload(event.value, limit=MATCHES + 1, with_total=False)
        rows = [r for r in page.items if r.client_id not in self.excluded][:MATCHES]
        for row in rows:
            # The birth date tells apart people with the same name.
            label = literal(row.display_name)
            label.append(f"  {format_birth_date(row.birth_date, row.birth_precision)}", style="dim")
            options.add_option(Option(label, id=row.client_id))
        options.set_class(not rows, "hidden")
        self._names = {row.client_id: row.display_name for row in rows}

    def on_key(self, event: events.Key) -> None:
        # ↓ from the name field goes straight into the list of matches.
        options = self.query_one("#member-options", OptionList)
        if (
            event.key == "down"
            and self.query_one("#member", Input).has_focus
            and options.option_count
        ):
            event.stop()
            options.focus()
            options.highlighted = 0

    @on(Input.Submitted, "#member")
    def member_submitted(self) -> None:
        options = self.query_one("#member-options", OptionList)
        if self.chosen:
            self.action_save()
        elif options.option_count:
            options.focus()
            options.highlighted = 0

    @on(OptionList.OptionSelected, "#member-options")
    def member_chosen(self, event: OptionList.OptionSelected) -> None:
        self.chosen = str(event.option.id)
        self.query_one("#member", Input).value = self._names[self.chosen]
        self.query_one("#member-options", OptionList).add_class("hidden")
        self.query_one("#role", Select).focus()

    def build_draft(self) -> Link:
        if not self.chosen:
            raise FormInvalid(
                tr("Bitte eine Klient*in auswählen.", "Please choose a client."), "member"
            )
        return self.chosen, str(self.query_one("#role", Select).value)
