"""Daily-use rough edges (issue 11 § 8): the narrow terminal, typing a name, the assessment's
highlighted row, and each language complete."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from kim_tui.screens.assessment_form import AssessmentFormScreen
from kim_tui.screens.caseload import CaseloadScreen
from kim_tui.screens.client_file import ClientFileScreen
from tests.ui.conftest import new_app, on_screen, screen_text, type_text, unlock_home, until

SIZES = [(80, 24), (120, 40)]


async def open_file(pilot: Pilot, name: str) -> ClientFileScreen:
    """F3, type the name, Enter on the only hit."""
    await pilot.press("f3")
    await on_screen(pilot, CaseloadScreen)
    table = pilot.app.screen.query_one(DataTable)
    await pilot.press("slash")
    await type_text(pilot, name)
    await until(pilot, lambda: table.row_count == 1)
    await pilot.press("enter")
    await on_screen(pilot, ClientFileScreen)
    screen = pilot.app.screen
    assert isinstance(screen, ClientFileScreen)
    return screen


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_assessment_names_the_row_that_e_and_r_edit(ui_vault: Path, size) -> None:  # type: ignore[no-untyped-def]
    app = new_app(ui_vault)
    async with app.run_test(size=size) as pilot:
        await unlock_home(pilot)
        await open_file(pilot, "nguyen")
        await pilot.press("b")
        await on_screen(pilot, AssessmentFormScreen)
        form = app.screen
        table = form.query_one("#matrix", DataTable)
        table.focus()
        await pilot.pause()
        text = screen_text(app)
        # Every column stays, the resources too, at 80 columns as well.
        for title in ("Handlungsfeld", "Bedarf", "Situation", "Ressourcen"):
            assert title in text
        current = form.query_one("#current-area", Static)
        assert "e/r bearbeiten: Aufenthaltsstatus" in str(current.render())
        # A digit rates the row and moves on: the line says what was rated and which row the
        # next `e` edits.
        await pilot.press("2")
        await until(pilot, lambda: "weiter" in str(current.render()))
        line = str(current.render())
        assert line == "Aufenthaltsstatus: 2 mittel · weiter: e/r bearbeiten: Spracherwerb"
        await pilot.press("e")
        assert "Situation – Spracherwerb" in str(form.query_one("#edit-label", Static).render())
        await pilot.press("escape")
        await pilot.press("down")
        assert "e/r bearbeiten: Bildung" in str(current.render())
        # The help says it (F1 does not reach a modal form yet: its text is checked here).
        help_de = " ".join(AssessmentFormScreen.HELP_TEXT[0].split())
        assert "springt die Markierung in die nächste Zeile" in help_de
        assert "e und r bearbeiten immer die markierte Zeile" in help_de


async def test_f5_prints_commands_that_run_as_shown(ui_vault: Path) -> None:
    import shlex

    from kim_tui.cli.parser import build_parser
    from kim_tui.cli.sync import cmd_connect, cmd_identity
    from kim_tui.screens.export import ExportScreen

    app = new_app(ui_vault)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await pilot.press("f5")
        await on_screen(pilot, ExportScreen)
        shown = str(app.screen.query_one("#sync-status", Static).render())
        commands = [line.strip() for line in shown.splitlines() if line.strip().startswith("kim ")]
        assert len(commands) == 2
        parsed = [build_parser().parse_args(shlex.split(c)[1:]) for c in commands]
        identity, connect = parsed
        assert identity.func is cmd_identity and identity.out == "coach.pub"
        assert connect.func is cmd_connect and connect.file == "coordinator.pub"
        # For this vault, not the default one; kim must be closed first (one process per vault).
        assert all(Path(args.vault) == ui_vault for args in parsed)
        assert "kim beenden (Strg+Q)" in shown
