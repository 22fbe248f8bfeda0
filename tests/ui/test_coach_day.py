"""A coach's working day, keyboard only: what went wrong when it was tried in a real terminal.

Each test names the steps a coach took and what they must see (or must not lose).
"""

from __future__ import annotations

from typing import Any

from textual.containers import Vertical
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input

from kim_tui.domain.model import ClosureDraft
from kim_tui.screens.assessment_form import AssessmentFormScreen
from kim_tui.screens.client_file import ClientFileScreen
from kim_tui.screens.confirm import ConfirmScreen
from kim_tui.screens.follow_up_form import FollowUpFormScreen
from kim_tui.screens.help import HelpScreen
from kim_tui.widgets.field_error import FieldError
from tests.conftest import FIXED_TODAY
from tests.ui.conftest import (
    Seeded,
    column_text,
    notifications,
    on_screen,
    screen_text,
    type_text,
    unlock_home,
    until,
)
from tests.ui.test_case_file import SIZE, open_from_caseload, saved, static_text


async def from_nguyens_file(pilot: Pilot, key: str, screen: type[Screen[Any]]) -> None:
    """Unlock, open Nguyen's file from the caseload, press `key` and wait for `screen`."""
    await unlock_home(pilot)
    await open_from_caseload(pilot, "nguyen")
    await pilot.press(key)
    await on_screen(pilot, screen)


# -- needs assessment: a typed situation is never dropped ----------------------------------------


async def test_situation_typed_then_ctrl_s_is_saved(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    """b, 2 on the first area, e, type a situation and press Ctrl+S at once (no Enter first):
    the situation is saved with the rating."""
    async with app.run_test(size=SIZE) as pilot:
        await from_nguyens_file(pilot, "b", AssessmentFormScreen)
        form = app.screen
        await pilot.press("2", "up", "e")
        await type_text(pilot, "Duldung läuft ab")
        await pilot.press("ctrl+s")
        await saved(pilot, "Bestandsaufnahme gespeichert.")
        (assessment,) = app.workspace.assessments(seeded.cases["Nguyen"])
        (rating,) = assessment.ratings
        assert (rating.area, rating.level, rating.situation) == ("residence", 2, "Duldung läuft ab")
        assert form is not app.screen


async def test_situation_without_a_need_level_is_not_dropped(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    """A situation typed for an area that has no need level yet: Ctrl+S does not save the
    assessment without it; it says which area needs a level and the text is still there."""
    async with app.run_test(size=SIZE) as pilot:
        await from_nguyens_file(pilot, "b", AssessmentFormScreen)
        form = app.screen
        # residence 3; language gets only a situation
        await pilot.press("3", "e")
        await type_text(pilot, "Sucht einen B1-Kurs")
        await pilot.press("enter", "ctrl+s")
        await pilot.pause()
        assert app.screen is form
        error = static_text(form.query_one(FieldError))
        assert "Spracherwerb" in error and "0–3" in error
        assert form.query_one("#matrix", DataTable).cursor_row == 1
        assert not app.workspace.assessments(seeded.cases["Nguyen"])
        # The coach gives the level; now both are saved.
        await pilot.press("1", "ctrl+s")
        await saved(pilot, "Bestandsaufnahme gespeichert.")
        (assessment,) = app.workspace.assessments(seeded.cases["Nguyen"])
        levels = {r.area: (r.level, r.situation) for r in assessment.ratings}
        assert levels == {"residence": (3, ""), "language": (1, "Sucht einen B1-Kurs")}


# -- a closed case: case work is refused before the form, not after it was typed -------------------


async def test_closed_case_refuses_case_work_before_the_form(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    """On a closed case b, z and v do not open a form the coach would fill in only to hear on
    Ctrl+S that the case is closed: they say so at once, with the key that reopens it."""
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        screen = await open_from_caseload(pilot, "nguyen")
        app.workspace.close_case(ClosureDraft(seeded.cases["Nguyen"], FIXED_TODAY, "moved_away"))
        screen.reload()
        await until(pilot, lambda: screen.file is not None and screen.file.closed_on is not None)
        for key in ("b", "z", "v"):
            app._notifications.clear()
            await pilot.press(key)
            await until(pilot, lambda: notifications(app))
            assert app.screen is screen, key
            assert notifications(app) == [
                "Der Fall ist abgeschlossen; bitte erst wieder öffnen (a)."
            ]


# -- dates: an impossible day is named as such --------------------------------------------------


async def test_a_day_that_does_not_exist_is_named_as_such(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    """n in the client file, due date 31.02.2027 (written as TT.MM.JJJJ, but there is no such
    day): the message says the day does not exist instead of asking for the format it has."""
    async with app.run_test(size=SIZE) as pilot:
        await from_nguyens_file(pilot, "n", FollowUpFormScreen)
        form = app.screen
        await type_text(pilot, "Unterlagen nachreichen", "reason")
        form.query_one("#due", Input).value = "31.02.2027"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        error = static_text(form.query_one(FieldError))
        assert "31.02.2027" in error and "diesen Tag gibt es nicht" in error
        assert "bitte TT.MM.JJJJ" not in error


# -- help: the key table uses the room the dialog takes ----------------------------------------


async def test_help_table_fills_its_dialog(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    """F1 in the client file at 120x40: the dialog is as tall as the terminal allows, so the
    table of keys uses that height instead of 16 rows over an empty half of the dialog."""
    async with app.run_test(size=(120, 40)) as pilot:
        await from_nguyens_file(pilot, "f1", HelpScreen)
        table = app.screen.query_one("#help-table", DataTable)
        await pilot.pause()
        dialog = app.screen.query_one(Vertical)
        shown_rows = table.scrollable_content_region.height
        assert table.virtual_size.height > shown_rows  # the file has more keys than fit
        # Title, the screen's help line, the closing line, border and padding: a few rows;
        # the rest is the table.
        assert dialog.size.height - shown_rows <= 10, (dialog.size.height, shown_rows)


async def test_help_on_the_unlock_screen_lists_only_what_works_there(app) -> None:  # type: ignore[no-untyped-def]
    """F1 on the unlock screen: F2 is 'forgot passphrase?' there, so it is not also listed as
    the Wiedervorlagen; F3-F5 and Ctrl+L do nothing while locked and are not offered; Ctrl+Q is
    listed once. As the palette: help, quit and the language."""
    from kim_tui.screens.unlock import UnlockScreen

    async with app.run_test(size=(120, 40)) as pilot:
        await on_screen(pilot, UnlockScreen)
        await pilot.press("f1")
        await on_screen(pilot, HelpScreen)
        keys = column_text(app.screen.query_one("#help-table", DataTable), 0)
        assert keys.count("F2") == 1
        assert keys.count("Strg+Q") == 1
        for dead in ("F3", "F4", "F5", "Strg+L"):
            assert dead not in keys
        labels = "\n".join(column_text(app.screen.query_one("#help-table", DataTable), 1))
        assert "Passwort vergessen?" in labels and "Sprache: English" in labels


# -- a yes/no question answers to the arrow keys --------------------------------------------------


async def test_confirm_question_moves_with_the_arrows(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    """L (erase) in the client file asks first, with Cancel focused. → moves to the other
    answer, ← back, as in the unsaved-input question the coach knows; the dialog says so."""
    async with app.run_test(size=SIZE) as pilot:
        await from_nguyens_file(pilot, "L", ConfirmScreen)
        dialog = app.screen
        assert app.focused is dialog.query_one("#no", Button)
        assert "←/→ wählen" in screen_text(app)
        await pilot.press("right")
        assert app.focused is dialog.query_one("#yes", Button)
        await pilot.press("left")
        assert app.focused is dialog.query_one("#no", Button)
        await pilot.press("enter")
        await on_screen(pilot, ClientFileScreen)
        assert app.workspace.client_file(seeded.clients["Nguyen"]) is not None


# -- switching the language keeps the coach in the client file ------------------------------------


async def test_language_switch_in_a_client_file_stays_in_it(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    """In Nguyen's file, Ctrl+P 'Sprache: English': the file is shown again, in English,
    instead of the follow-up list; Esc leads back to the list as before."""
    from kim_tui.i18n import set_language
    from kim_tui.screens.follow_ups import FollowUpsScreen

    try:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_home(pilot)
            await open_from_caseload(pilot, "nguyen")
            app.action_switch_language()
            await until(
                pilot,
                lambda: isinstance(app.screen, ClientFileScreen) and app.screen.file is not None,
            )
            assert app.screen.client_id == seeded.clients["Nguyen"]
            assert "1 Overview" in screen_text(app)
            await pilot.press("escape")
            await on_screen(pilot, FollowUpsScreen)
    finally:
        set_language("de")


# -- English: an empty date field asks for DD.MM.YYYY ---------------------------------------------


async def test_english_date_fields_ask_for_dd_mm_yyyy(ui_vault) -> None:  # type: ignore[no-untyped-def]
    """English UI, F4 intake: the empty birth-date field says DD.MM.YYYY, as the English error
    messages do, not the German TT.MM.JJJJ (every date field takes the same placeholder)."""
    from kim_tui.app import make_app
    from kim_tui.config import Config
    from kim_tui.i18n import set_language
    from kim_tui.screens.intake import IntakeScreen

    app = make_app(ui_vault, language="en", config=Config(), today=lambda: FIXED_TODAY)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await unlock_home(pilot)
            await pilot.press("f4")
            await on_screen(pilot, IntakeScreen)
            await until(pilot, lambda: app.screen.query("#birth_date"))
            assert app.screen.query_one("#birth_date", Input).placeholder == "DD.MM.YYYY"
            text = screen_text(app)
            assert "TT.MM.JJJJ" not in text and "DD.MM.YYYY" in text
    finally:
        set_language("de")


# -- the key line: no room spent on the key to where the coach already is -------------------------


async def test_key_line_leaves_off_the_key_of_the_current_list(app) -> None:  # type: ignore[no-untyped-def]
    """At 120x40 the follow-up list's key line was cut after 'F2 Wiedervorlagen F3…': F2 does
    nothing there. It is left off, and F3 (the caseload) is named; on the caseload F2 is back
    and F3 is left off."""
    from kim_tui.screens.caseload import CaseloadScreen
    from kim_tui.widgets.key_line import KeyLine

    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        line = str(app.screen.query_one(KeyLine).render())
        assert "F2 Wiedervorlagen" not in line
        assert "F3 Klient*innen" in line
        await pilot.press("f2")  # still works, and still does nothing here
        await pilot.press("f3")
        await on_screen(pilot, CaseloadScreen)
        await pilot.pause()
        line = str(app.screen.query_one(KeyLine).render())
        assert "F3 Klient" not in line and "F2 Wiedervorl" in line


# -- intake: every problem at once ----------------------------------------------------------------


async def test_intake_shows_a_wrong_date_and_a_missing_name_together(app) -> None:  # type: ignore[no-untyped-def]
    """F4, a given name, no family name, birth date 30.02.1990, Ctrl+S: both problems are shown
    at once (before, the missing family name appeared only after the date was fixed and Ctrl+S
    pressed again). The cursor goes to the first one, the family name."""
    from kim_tui.screens.intake import IntakeScreen

    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await pilot.press("f4")
        await on_screen(pilot, IntakeScreen)
        form = app.screen
        await until(pilot, lambda: form.query("#birth_date"))
        await type_text(pilot, "Amina", "given_name")
        await type_text(pilot, "30.02.1990", "birth_date")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "diesen Tag gibt es nicht" in static_text(form.query_one("#err-birth_date"))
        assert "Familiennamen" in static_text(form.query_one("#err-family_name"))
        assert "2 Angabe(n) prüfen" in static_text(form.query_one("#form-summary"))
        assert form.query_one("#family_name", Input).has_focus
        # Both fixed: saved.
        await type_text(pilot, "Haddad", "family_name")
        form.query_one("#birth_date", Input).value = "28.02.1990"
        await pilot.press("ctrl+s")
        await on_screen(pilot, ClientFileScreen)


# -- data protection: found by its name in the palette ---------------------------------------------


async def test_palette_finds_data_protection_from_the_follow_up_list(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    """On the follow-up list a coach with a request types 'Auskunft' (or 'Löschung') into the
    palette: an entry says where access copy, restriction and erasure are, with the articles;
    in a client file it names this file's keys."""
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        (title,) = [t for t in commands if "Auskunft" in t and "Löschung" in t]
        await commands[title].callback()  # type: ignore[misc]
        await pilot.pause()
        (guide,) = notifications(app)
        assert "Art. 15 DSGVO" in guide and "Art. 17 DSGVO" in guide and "Art. 18 DSGVO" in guide
        assert "F3" in guide and "x Auskunft" in guide and "L Klient*in löschen" in guide
        app._notifications.clear()
        await open_from_caseload(pilot, "nguyen")
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        await commands[title].callback()  # type: ignore[misc]
        await pilot.pause()
        assert notifications(app)[-1].startswith("In dieser Akte: x Auskunft (Art. 15 DSGVO)")
