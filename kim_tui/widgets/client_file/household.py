"""The household part of section 1 (Überblick): the other members, each with their own file.

One row per member: name, role, age (minors marked), residence status, phase and next due
item; Enter opens the member's file (`screens.client_file_household`).
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.household import HouseholdMemberView, HouseholdView, age_on, is_minor
from kim_tui.i18n import language, tr
from kim_tui.widgets.client_file.base import highlighted_key, refilled
from kim_tui.widgets.literal import literal

TABLE_ID = "household-table"


def age_text(birth_date: date | None, today: date) -> Text:
    """The age in years, marked when the member is a minor (the § 25b hint counts them)."""
    age = age_on(birth_date, today)
    if age is None:
        return Text("?", style="yellow")
    if is_minor(birth_date, today):
        return Text(tr(f"{age} minderj.", f"{age} minor"), style="bold cyan")
    return Text(str(age))


class HouseholdPanel(Vertical):
    """The household under the overview: a title line and one row per other member."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._members: dict[str, HouseholdMemberView] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="household-title")
        yield DataTable(id=TABLE_ID, cursor_type="row")

    def on_mount(self) -> None:
        self.query_one(f"#{TABLE_ID}", DataTable).add_columns(
            tr("Name", "Name"),
            tr("Rolle", "Role"),
            tr("Alter", "Age"),
            tr("Aufenthalt", "Residence"),
            tr("Phase", "Phase"),
            tr("Nächste Fälligkeit", "Next due"),
        )

    def show(self, household: HouseholdView | None, today: date) -> None:
        """Render `household` (None: the client lives in no linked household)."""
        lang = language()
        roles = catalog("household_roles")
        title = Text(tr("Haushalt", "Household"), style="bold")
        if household is None:
            title.append(
                tr(
                    "  keine verknüpften Akten – H nimmt eine Klient*in auf, "
                    "N legt ein Mitglied neu an",
                    "  no linked files – H links a client, N adds a new member",
                ),
                style="dim",
            )
        else:
            title.append(
                tr(
                    f"  eigene Rolle: {roles.label(household.role, lang)} · 9 wählt, Enter "
                    "öffnet die Akte, O Rolle, A austreten, H/N weitere",
                    f"  own role: {roles.label(household.role, lang)} · 9 selects, Enter "
                    "opens the file, O role, A leave, H/N more",
                ),
                style="dim",
            )
        self.query_one("#household-title", Static).update(title)
        members = household.members if household is not None else ()
        self._members = {m.client_id: m for m in members}
        table = self.query_one(f"#{TABLE_ID}", DataTable)
        table.display = bool(members)
        with refilled(table):
            for member in members:
                status = (
                    catalog("residence_statuses").label(member.residence_status, lang)
                    if member.residence_status
                    else "–"
                )
                due = Text(format_date(member.next_due_on) or "–")
                reason = tr(
                    member.next_due_reason, member.next_due_reason_en or member.next_due_reason
                )
                if reason:
                    due.append(" ")
                    due.append_text(literal(reason, max_len=30))
                table.add_row(
                    literal(member.display_name, max_len=30),
                    Text(roles.label(member.role, lang)),
                    age_text(member.birth_date, today),
                    Text(status),
                    Text(catalog("case_stages").label(member.stage, lang) if member.stage else "–"),
                    due,
                    key=member.client_id,
                )

    def highlighted(self) -> HouseholdMemberView | None:
        """The highlighted member, or None when there is none."""
        key = highlighted_key(self.query_one(f"#{TABLE_ID}", DataTable))
        return None if key is None else self._members.get(key)
