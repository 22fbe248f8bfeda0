"""The household in the client file (issue 14 § 6): N adds a member as a new client with their
own file, H links an existing client with a role, the household lists each member with role,
age and phase, 9 and Enter open a member's file, A lets a member leave with a reason."""

from __future__ import annotations

from textual.widgets import DataTable, Select, TextArea

from kim_tui.app import KimApp
from kim_tui.screens.client_file import ClientFileScreen
from kim_tui.screens.household_from_intake import HouseholdFromIntakeScreen
from kim_tui.screens.household_link_form import HouseholdLinkScreen
from kim_tui.screens.household_member_form import HouseholdMemberFormScreen
from kim_tui.screens.intake import IntakeScreen
from kim_tui.screens.text_prompt import TextPromptScreen
from tests.ui.conftest import (
    Seeded,
    notifications,
    on_screen,
    row_texts,
    screen_text,
    type_text,
    unlock_home,
    until,
)
from tests.ui.test_case_file import open_from_caseload, saved

SIZE = (120, 40)


def _household_rows(screen: ClientFileScreen) -> list[str]:
    return row_texts(screen.query_one("#household-table", DataTable))


async def test_add_a_member_as_a_new_client_and_open_their_file(
    app: KimApp, seeded: Seeded
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        screen = await open_from_caseload(pilot, "nguyen")
        await pilot.press("N")
        await on_screen(pilot, HouseholdMemberFormScreen)
        await type_text(pilot, "Minh", "given_name")
        await type_text(pilot, "01.02.2018", "birth_date")
        assert app.screen.query_one("#role", Select).value == "child"
        await pilot.press("ctrl+s")
        await saved(pilot, "Haushaltsmitglied mit eigener Akte angelegt.")
        (row,) = _household_rows(screen)
        assert "Nguyen, Minh" in row and "Kind" in row and "8 minderj." in row
        assert "Erstberatung" in row

        await pilot.press("9")
        table = screen.query_one("#household-table", DataTable)
        await until(pilot, lambda: table.has_focus)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is not screen)
        member = app.screen
        assert isinstance(member, ClientFileScreen) and member.client_id != screen.client_id
        assert member.file is not None and member.file.client.given_name == "Minh"
        # The member's file shows the household from their side.
        await until(pilot, lambda: any("Nguyen, Lan" in r for r in _household_rows(member)))
        assert "Bezugsperson" in _household_rows(member)[0]
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)


async def test_link_an_existing_client_then_let_them_leave(app: KimApp, seeded: Seeded) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        screen = await open_from_caseload(pilot, "nguyen")
        await pilot.press("H")
        await on_screen(pilot, HouseholdLinkScreen)
        await type_text(pilot, "Okafor", "member")
        await pilot.press("down", "enter")  # the one match
        assert app.screen.query_one("#role", Select).value == "spouse"
        await pilot.press("ctrl+s")
        await saved(pilot, "In den Haushalt aufgenommen.")
        (row,) = _household_rows(screen)
        assert "Okafor, Grace" in row and "Ehepartner*in" in row
        household = app.workspace.household(seeded.clients["Okafor"])
        assert household is not None and household.role == "spouse"

        await pilot.press("9", "A")
        await on_screen(pilot, TextPromptScreen)
        await type_text(pilot, "versehentlich verknüpft")
        await pilot.press("enter")
        await saved(pilot, "Aus dem Haushalt ausgetreten.")
        assert _household_rows(screen) == []
        assert app.workspace.household(seeded.clients["Okafor"]) is None


async def test_intake_creates_the_listed_household_members_in_one_go(app: KimApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        await pilot.press("f4")
        await on_screen(pilot, IntakeScreen)
        form = app.screen
        await type_text(pilot, "Samir", "given_name")
        await type_text(pilot, "Haddad", "family_name")
        await type_text(pilot, "02.03.1985", "birth_date")
        form.query_one("#household", TextArea).load_text(
            "Lina Haddad; Ehefrau; 14.09.1988\nOmar; Sohn; 01.05.2014\nNour; Tochter; 20.01.2019"
        )
        await pilot.press("ctrl+s")
        await on_screen(pilot, HouseholdFromIntakeScreen)
        text = screen_text(app)
        assert "Haddad, Omar" in text and "Kind" in text and "Ehepartner*in" in text
        await pilot.press("down", "down", "space")  # not Nour, this time
        await pilot.press("ctrl+s")
        await on_screen(pilot, ClientFileScreen)
        screen = app.screen
        assert isinstance(screen, ClientFileScreen)
        assert "2 Haushaltsmitglied(er) mit eigener Akte angelegt." in notifications(app)
        rows = _household_rows(screen)
        assert len(rows) == 2 and "Haddad, Lina" in rows[0] and "Haddad, Omar" in rows[1]
        assert app.workspace.caseload().total == 6 + 3
