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

# The app as in use: the next intake form is built whenever the coach pauses (conftest).
pytestmark = pytest.mark.intake_ahead

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
        # The help says it: F1 opens it above the form.
        await pilot.press("f1")
        await until(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        help_de = " ".join(screen_text(app).replace("│", " ").split())
        assert "springt die Markierung in die nächste" in help_de
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is form)
        assert form.levels["residence"] == 2


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


# -- each language complete ----------------------------------------------------------------------

GERMAN_ONLY = (
    "Wiedervorlagen",
    "Fällig",
    "Anlass",
    "Ablauf",
    "Aufenthaltsdokument",
    "Klient*innen",
    "Gültig bis",
    "Suchen",
    "Sortierung",
    "Erstberatung",
    "Vorname(n)",
    "Staatsangehörigkeit",
    "Einwilligungen",
    "Überblick",
    "Bestandsaufnahme",
    "Vermittlungen",
    "Kontakte",
    "Verlauf",
    "Wochenpaket",
    "Schritt",
    "Rückmeldung erwartet",
    "Überprüfung",
    "Keine Treffer",
    "Befehle",
    "Strg",
    "Befehl suchen",
)
"""Labels of the German UI that must not show in English mode."""

ENGLISH_ONLY = (
    "Follow-ups",
    "Due",
    "Reason",
    "Expires",
    "Caseload",
    "Search",
    "Sort",
    "Intake",
    "Given name",
    "Nationality",
    "Consents",
    "Overview",
    "Needs assessment",
    "Referrals",
    "Contacts",
    "History",
    "Weekly bundle",
    "Step",
    "Feedback expected",
    "No matches found",
    "Commands",
    "Ctrl",
    "Search for commands",
    "Select",
)
"""Labels of the English UI (and Textual's own English texts) that must not show in German."""


async def _walk_main_screens(pilot: Pilot) -> list[tuple[str, str]]:
    """The text of every main screen: follow-ups, caseload, client file sections 1–8,
    intake, weekly bundle and the palette with no match."""
    from textual.command import CommandPalette

    from kim_tui.screens.export import ExportScreen
    from kim_tui.screens.intake import IntakeScreen

    app = pilot.app
    shown: list[tuple[str, str]] = []
    await unlock_home(pilot)
    await app.workers.wait_for_complete()
    await pilot.pause()
    shown.append(("follow-ups", screen_text(app)))
    screen = await open_file(pilot, "kowalski")
    for section in "12345678":
        await pilot.press(section)
        await pilot.pause()
        shown.append((f"client file {section}", screen_text(app)))
    assert app.screen is screen
    await pilot.press("f3")
    await on_screen(pilot, CaseloadScreen)
    await pilot.press("escape")  # clears the search of `open_file`
    await app.workers.wait_for_complete()
    await pilot.pause()
    shown.append(("caseload", screen_text(app)))
    await pilot.press("f4")
    await on_screen(pilot, IntakeScreen)
    await pilot.pause()
    shown.append(("intake", screen_text(app)))
    await pilot.press("escape")
    await pilot.press("f5")
    await on_screen(pilot, ExportScreen)
    shown.append(("weekly bundle", screen_text(app)))
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette))
    await type_text(pilot, "qqqxz")
    await until(
        pilot, lambda: "No matches" in screen_text(app) or "Keine Treffer" in screen_text(app)
    )
    shown.append(("palette", screen_text(app)))
    return shown


def _found(labels: tuple[str, ...], text: str) -> list[str]:
    import re

    return [label for label in labels if re.search(rf"(?<!\w){re.escape(label)}(?!\w)", text)]


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_each_language_is_complete_on_the_main_screens(ui_vault: Path, lang: str) -> None:
    from kim_tui.app import make_app
    from kim_tui.config import Config
    from kim_tui.i18n import set_language
    from tests.conftest import FIXED_TODAY

    app = make_app(ui_vault, language=lang, config=Config(), today=lambda: FIXED_TODAY)
    foreign, own = (ENGLISH_ONLY, GERMAN_ONLY) if lang == "de" else (GERMAN_ONLY, ENGLISH_ONLY)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            shown = await _walk_main_screens(pilot)
    finally:
        set_language("de")
    for where, text in shown:
        assert _found(foreign, text) == [], (where, text)
    # The walk did see the screens: most of the language's own labels showed up.
    everything = "\n".join(text for _where, text in shown)
    # ("Select" is Textual's default prompt, which no screen should show in either language.)
    missing = [x for x in own if x not in _found(own, everything) and x != "Select"]
    assert len(missing) <= 3, missing
