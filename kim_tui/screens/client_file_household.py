"""The client file's household actions (issue 14 § 6): link an existing client with a role
(H), add a member as a new client in one go (N), correct a member's role (O), let a member
leave (A); 9 focuses the household and Enter on a member opens their own file. The household
is shown under the overview (`widgets.client_file.household`); the residence hints read it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from textual import on, work
from textual.widgets import DataTable

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.household import HouseholdMemberView, HouseholdView
from kim_tui.domain.model import ClientFile
from kim_tui.i18n import language, tr
from kim_tui.screens.base import KimScreen
from kim_tui.screens.form import FormSaves
from kim_tui.widgets.client_file.household import TABLE_ID, HouseholdPanel


class HouseholdActions(FormSaves):
    """Mixed into `ClientFileScreen` (which provides `file`, `client_id` and `today`); each form
    writes before it closes (`FormSaves.save_in_form`)."""

    file: ClientFile | None
    client_id: str
    household: HouseholdView | None = None

    if TYPE_CHECKING:

        @property
        def today(self) -> date: ...

        def action_section(self, section: str) -> None: ...

        def member_file(self, client_id: str) -> KimScreen[None]: ...

    def load_household(self) -> HouseholdView | None:
        """Fetch the client's household and show it under the overview."""
        self.household = self.app.workspace.household(self.client_id)
        self.query_one(HouseholdPanel).show(self.household, self.today)
        return self.household

    @on(DataTable.RowSelected, f"#{TABLE_ID}")
    def _member_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        member = self.query_one(HouseholdPanel).highlighted()
        if member is not None:
            # The member's own file, on top of this one: Esc comes back here.
            self.app.push_screen(self.member_file(member.client_id))

    def _highlighted_member(self) -> HouseholdMemberView | None:
        member = self.query_one(HouseholdPanel).highlighted()
        if member is None:
            self.notify(
                tr(
                    "Bitte im Überblick (1) ein Haushaltsmitglied markieren (Tab).",
                    "Highlight a household member in the overview (1, Tab).",
                )
            )
        return member

    def _show_household(self) -> None:
        self.action_section("overview")
        table = self.query_one(f"#{TABLE_ID}", DataTable)
        if table.row_count:
            table.focus()

    def action_household_focus(self) -> None:
        """Key 9: the household table under the overview, ready for ↑/↓ and Enter."""
        self._show_household()
        if not self.query_one(f"#{TABLE_ID}", DataTable).row_count:
            self.notify(
                tr(
                    "Noch kein Haushalt: H nimmt eine Klient*in auf, N legt ein Mitglied neu an.",
                    "No household yet: H links a client, N adds a new member.",
                )
            )

    @work(exclusive=True, group="file-edit")
    async def action_household_link(self) -> None:
        from kim_tui.screens.household_link_form import HouseholdLinkScreen

        household = self.household
        linked = frozenset(m.client_id for m in household.members) if household else frozenset()
        if await self.save_in_form(
            HouseholdLinkScreen(self.client_id, linked),
            lambda ws, link: ws.link_household_member(self.client_id, *link),
            tr("In den Haushalt aufgenommen.", "Linked into the household."),
        ):
            self._show_household()

    @work(exclusive=True, group="file-edit")
    async def action_household_new(self) -> None:
        from kim_tui.screens.household_member_form import HouseholdMemberFormScreen

        family = self.file.client.family_name if self.file is not None else ""
        if await self.save_in_form(
            HouseholdMemberFormScreen(family),
            lambda ws, new: ws.add_household_member(self.client_id, *new),
            tr(
                "Haushaltsmitglied mit eigener Akte angelegt.",
                "Household member created with their own file.",
            ),
        ):
            self._show_household()

    @work(exclusive=True, group="file-edit")
    async def action_household_role(self) -> None:
        from kim_tui.screens.choice import ChoiceScreen

        member = self._highlighted_member()
        if member is None:
            return
        lang = language()
        roles = catalog("household_roles")
        await self.save_in_form(
            ChoiceScreen(
                tr(
                    f"Rolle im Haushalt – jetzt {roles.label(member.role, lang)}",
                    f"Role in the household – now {roles.label(member.role, lang)}",
                ),
                [(e.code, e.label(lang)) for e in roles],
            ),
            lambda ws, role: ws.set_household_role(member.client_id, role),
            tr("Rolle korrigiert (die alte bleibt im Verlauf).", "Role corrected."),
        )

    @work(exclusive=True, group="file-edit")
    async def action_household_leave(self) -> None:
        from kim_tui.screens.text_prompt import TextPromptScreen

        member = self._highlighted_member()
        if member is None:
            return
        await self.save_in_form(
            TextPromptScreen(
                tr("Aus dem Haushalt austreten", "Leave the household"),
                tr(
                    "Warum gehört die Person nicht mehr zum Haushalt (z. B. ausgezogen, "
                    "versehentlich verknüpft)? Ihre Akte bleibt; der Verlauf behält die Rolle.",
                    "Why does the person no longer belong to the household (moved out, linked "
                    "by mistake)? Their file stays; the history keeps the role.",
                ),
            ),
            lambda ws, reason: ws.leave_household(member.client_id, reason),
            tr("Aus dem Haushalt ausgetreten.", "Left the household."),
        )
