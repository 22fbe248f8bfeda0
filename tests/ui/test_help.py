"""F1 lists the keys of the current screen; the command palette offers every declared action."""

from __future__ import annotations

import inspect

from textual.command import CommandPalette
from textual.widgets import DataTable, TabbedContent

from kim_tui.screens.caseload import CaseloadScreen
from kim_tui.screens.client_file import ClientFileScreen
from kim_tui.screens.follow_ups import FollowUpsScreen
from kim_tui.screens.help import HelpScreen
from kim_tui.screens.intake import IntakeScreen
from tests.ui.conftest import (
    Seeded,
    on_screen,
    row_texts,
    screen_text,
    type_text,
    unlock_home,
    until,
)


async def test_f1_lists_the_keys_of_the_current_screen(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await pilot.press("f1")
        await on_screen(pilot, HelpScreen)
        rows = "\n".join(row_texts(app.screen.query_one(DataTable)))
        for word in ("Erledigt", "Verschieben", "Filtern", "Sperren", "Hilfe"):
            assert word in rows
        assert "x | " in rows and "s | " in rows and "Strg+L | " in rows
        await pilot.press("escape")
        await on_screen(pilot, FollowUpsScreen)
        # `?` works too, and on the caseload it lists the caseload's keys.
        await pilot.press("f3")
        await on_screen(pilot, CaseloadScreen)
        await pilot.press("question_mark")
        await on_screen(pilot, HelpScreen)
        rows = "\n".join(row_texts(app.screen.query_one(DataTable)))
        assert "Sortierung" in rows and "Erledigt" not in rows
        await pilot.press("escape")
        await on_screen(pilot, CaseloadScreen)


def _declared(source: object) -> list[object]:
    return [a for a in getattr(source, "ACTIONS", ()) if a.palette]


async def test_palette_has_a_working_command_for_every_action(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        home = app.screen
        screens = [
            home,
            CaseloadScreen(),
            IntakeScreen(),
            ClientFileScreen(seeded.clients["Müller"]),
        ]
        for screen in screens:
            commands = list(app.get_system_commands(screen))
            by_label = {c.title.split(" (")[0]: c for c in commands}
            # One entry per label: an app action the screen also binds (Erstberatung: F4 and
            # the caseload's i) is listed once, with both keys.
            assert len(by_label) == len(commands), (type(screen).__name__, commands)
            for action in [*_declared(screen), *_declared(app)]:
                command = by_label.get(action.label)
                assert command is not None, (type(screen).__name__, action.label)
                if action.keys:
                    assert action.key_display in command.title, (command.title, action.keys)
        caseload_titles = [c.title for c in app.get_system_commands(screens[1])]
        assert [t for t in caseload_titles if t.startswith("Erstberatung")] == ["Erstberatung (F4)"]
        titles = [c.title for c in app.get_system_commands(home)]
        assert "Erledigt (X)" in titles or "Erledigt (x)" in titles
        assert any(t.startswith("Verschieben") for t in titles)

        # Running commands: a plain one, one with an argument, one in the app namespace.
        await pilot.press("f3")
        await on_screen(pilot, CaseloadScreen)
        commands = {c.title.split(" (")[0]: c for c in app.get_system_commands(app.screen)}
        result = commands["Erstberatung"].callback()
        if inspect.isawaitable(result):
            await result
        await on_screen(pilot, IntakeScreen)
        await pilot.press("escape")
        await on_screen(pilot, CaseloadScreen)
        await pilot.press("escape")
        await on_screen(pilot, FollowUpsScreen)
        await pilot.press("enter")
        await on_screen(pilot, ClientFileScreen)
        commands = {c.title.split(" (")[0]: c for c in app.get_system_commands(app.screen)}
        result = commands["Einwilligungen"].callback()
        if inspect.isawaitable(result):
            await result
        await pilot.pause()
        assert app.screen.query_one(TabbedContent).active == "consents"


async def test_palette_by_keyboard(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await type_text(pilot, "Klient*innen")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await on_screen(pilot, CaseloadScreen)


async def test_english_key_line_and_key_names(ui_vault) -> None:  # type: ignore[no-untyped-def]
    """`kim --lang en`: the key line speaks English although the bindings were declared while
    the screens were imported (in German)."""
    from kim_tui.app import make_app
    from kim_tui.config import Config
    from kim_tui.i18n import set_language
    from kim_tui.widgets.key_line import KeyLine
    from tests.conftest import FIXED_TODAY

    app = make_app(ui_vault, language="en", config=Config(), today=lambda: FIXED_TODAY)
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            await unlock_home(pilot)
            line = str(app.screen.query_one(KeyLine).render())
            assert "x Done" in line and "Ctrl+L Lock" in line and "Ctrl+P Commands" in line
            assert "Erledigt" not in line and "Strg" not in line
    finally:
        set_language("de")


async def test_language_switch_rebuilds_the_views_at_once(app) -> None:  # type: ignore[no-untyped-def]
    from kim_tui.config import load_config
    from kim_tui.i18n import set_language
    from kim_tui.widgets.key_line import KeyLine

    try:
        async with app.run_test(size=(160, 40)) as pilot:
            await unlock_home(pilot)
            # With a form open nothing is rebuilt (its input would be lost).
            await pilot.press("f4")
            await on_screen(pilot, IntakeScreen)
            app.action_switch_language()
            await pilot.pause()
            assert isinstance(app.screen, IntakeScreen) and load_config().language == "de"
            await pilot.press("escape")
            await on_screen(pilot, FollowUpsScreen)
            await pilot.press("f3")
            await on_screen(pilot, CaseloadScreen)

            app.action_switch_language()
            await on_screen(pilot, FollowUpsScreen)
            await pilot.pause()
            assert load_config().language == "en"
            line = str(app.screen.query_one(KeyLine).render())
            assert "x Done" in line and "Ctrl+P Commands" in line
            assert app.screen.title == "Follow-ups"
            await pilot.press("f1")
            await on_screen(pilot, HelpScreen)
            assert "Everything due from follow-ups" in screen_text(app)
            await pilot.press("escape")
            app.action_switch_language()
            await pilot.pause()
            assert "x Erledigt" in str(app.screen.query_one(KeyLine).render())
    finally:
        set_language("de")
