"""Caseload: search without diacritics, stage filter, sort toggle, `i` starts an intake."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select, Static

from kim_tui.domain.model import CaseStage
from kim_tui.screens.caseload import CaseloadScreen
from kim_tui.screens.follow_ups import FollowUpsScreen
from kim_tui.screens.intake import IntakeScreen
from tests.ui.conftest import column_text, on_screen, type_text, unlock_home, until

BY_NAME = [
    "Kowalski, Piotr",
    "Mueller, Anna",
    "Müller, Hans",
    "Nguyen, Lan",
    "Okafor, Grace",
    "Yılmaz, Şükrü",
]
BY_DUE = [  # next due: 19.11., 23.11., 24.11., 26.11., 15.12., 12.01.
    "Müller, Hans",
    "Kowalski, Piotr",
    "Yılmaz, Şükrü",
    "Nguyen, Lan",
    "Mueller, Anna",
    "Okafor, Grace",
]


async def test_caseload_search_filter_sort(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await pilot.press("f3")
        await on_screen(pilot, CaseloadScreen)
        screen = app.screen
        table = screen.query_one(DataTable)
        assert column_text(table, 0) == BY_NAME
        info = screen.query_one("#window-info", Static)
        assert "sortiert nach Name" in str(info.render())
        # Search as you type, ignoring case and diacritics.
        await pilot.press("slash")
        assert screen.query_one("#search", Input).has_focus
        await pilot.press(*"muller")
        await until(pilot, lambda: table.row_count == 2)
        assert column_text(table, 0) == ["Mueller, Anna", "Müller, Hans"]
        await until(pilot, lambda: str(info.render()).startswith("1–2 von 2 ·"))
        screen.query_one("#search", Input).value = ""
        await type_text(pilot, "SUKRU")
        await until(pilot, lambda: column_text(table, 0) == ["Yılmaz, Şükrü"])
        screen.query_one("#search", Input).value = ""
        await pilot.press("enter")
        await until(pilot, lambda: table.row_count == 6)
        assert table.has_focus
        # Stage filter: only Kowalski has a goal agreement.
        stage = app.workspace.client_file(
            next(r.client_id for r in screen.page.items if r.display_name.startswith("Kow"))
        ).stage
        assert stage is CaseStage.GOAL_AGREEMENT
        await pilot.press("g")
        select = screen.query_one("#stage", Select)
        assert select.has_focus
        select.value = stage.value
        await until(pilot, lambda: column_text(table, 0) == ["Kowalski, Piotr"])
        select.value = CaseStage.INTAKE.value
        await until(pilot, lambda: table.row_count == 5)
        assert "Kowalski, Piotr" not in column_text(table, 0)
        select.clear()
        await until(pilot, lambda: table.row_count == 6)
        # Sort toggles between name and next due date.
        table.focus()
        await pilot.press("o")
        assert column_text(table, 0) == BY_DUE
        assert column_text(table, 3)[0] == "19.11.2026"
        assert "sortiert nach Fälligkeit" in str(info.render())
        await pilot.press("o")
        assert column_text(table, 0) == BY_NAME
        # `i` starts an intake; Esc on the empty form comes straight back.
        await pilot.press("i")
        await on_screen(pilot, IntakeScreen)
        await pilot.press("escape")
        await on_screen(pilot, CaseloadScreen)
        assert app.screen is screen
        # Esc leaves the caseload for the follow-up list.
        await pilot.press("escape")
        await on_screen(pilot, FollowUpsScreen)
