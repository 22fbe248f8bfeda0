"""F4 shows an intake form built ahead while the coach was idle (issue 11 § 8: F4 took 3–5 s),
keys typed right after F4 land in the fields they were typed for, and each intake gets a
fresh, empty form in the current language."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input

from kim_tui.screens.client_file import ClientFileScreen
from kim_tui.screens.follow_ups import FollowUpsScreen
from kim_tui.screens.intake import IntakeScreen
from kim_tui.screens.unlock import UnlockScreen
from tests.ui.conftest import (
    notifications,
    on_screen,
    screen_text,
    type_text,
    unlock,
    unlock_home,
    until,
)

pytestmark = pytest.mark.intake_ahead  # what this file tests

EMPTY = {"given_name": "", "family_name": "", "birth_date": "", "first_contact_on": "24.11.2026"}


def _burst(app, *keys: str) -> None:  # type: ignore[no-untyped-def]
    """Keys as a fast typist (or a busy machine) delivers them: all queued before the app
    handles the first one."""
    driver = app._driver
    for key in keys:
        char = {"tab": "\t", "space": " "}.get(key, key if len(key) == 1 else None)
        event = events.Key(key, char)
        event.set_sender(app)
        driver.send_message(event)


async def _form_ready(pilot) -> IntakeScreen:  # type: ignore[no-untyped-def]
    """Wait while the coach looks at the list until the next form is built; return it."""
    app = pilot.app
    await until(pilot, lambda: app.intake_ahead.ready, timeout=60)
    form = app.intake_ahead._screen
    assert isinstance(form, IntakeScreen)
    return form


def _values(form: IntakeScreen) -> dict[str, str]:
    return {field: form.query_one(f"#{field}", Input).value for field in EMPTY}


async def test_f4_shows_the_form_built_ahead_and_it_takes_typing(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        ahead = await _form_ready(pilot)
        await pilot.press("f4")
        assert app.screen is ahead
        assert ahead.query_one("#given_name", Input).has_focus
        text = screen_text(app)
        assert "Erstberatung – neue Klient*in" in text and "Vorname(n)" in text
        await pilot.press(*"Amal", "tab", *"Haddad")
        assert _values(ahead)["given_name"] == "Amal"
        assert _values(ahead)["family_name"] == "Haddad"


async def test_keys_typed_right_after_f4_go_into_their_fields(app) -> None:  # type: ignore[no-untyped-def]
    # Right after unlocking nothing is built yet: F4 builds the form, and the keys wait for it.
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        _burst(app, "f4", *"Amal", "tab", *"Haddad")
        await on_screen(pilot, IntakeScreen)
        form = app.screen
        await until(pilot, lambda: _values(form)["family_name"] == "Haddad")
        assert _values(form)["given_name"] == "Amal"
        assert isinstance(app.screen, IntakeScreen)  # no key reached the list below


async def test_keys_typed_right_after_f4_reach_the_form_built_ahead(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        ahead = await _form_ready(pilot)
        _burst(app, "f4", *"Amal", "tab", *"Haddad", "tab", *"al-Haddad")
        await until(pilot, lambda: ahead.query_one("#other_names", Input).value == "al-Haddad")
        assert app.screen is ahead
        assert _values(ahead)["given_name"] == "Amal"
        assert _values(ahead)["family_name"] == "Haddad"


async def test_after_a_saved_intake_the_next_one_gets_a_fresh_empty_form(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        first = await _form_ready(pilot)
        await pilot.press("f4")
        await pilot.press(*"Amal", "tab")
        await type_text(pilot, "Haddad")
        await pilot.press("ctrl+s")
        await on_screen(pilot, ClientFileScreen)
        assert "Klient*in angelegt." in notifications(app)
        second = await _form_ready(pilot)
        assert second is not first
        await pilot.press("f4")
        assert app.screen is second
        assert _values(second) == EMPTY
        assert second.query_one("#given_name", Input).has_focus
        # Esc on the untouched form closes it without asking.
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, IntakeScreen))
        assert app.workspace.caseload("haddad").total == 1


async def test_after_discarding_the_next_intake_gets_a_fresh_empty_form(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        first = await _form_ready(pilot)
        await pilot.press("f4")
        await pilot.press(*"Amal")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#discard")
        await on_screen(pilot, FollowUpsScreen)
        second = await _form_ready(pilot)
        await pilot.press("f4")
        assert app.screen is second and second is not first
        assert _values(second) == EMPTY
        assert app.workspace.caseload().total == 6


async def test_a_language_switch_builds_the_next_form_in_the_new_language(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        german = await _form_ready(pilot)
        app.action_switch_language()
        await on_screen(pilot, FollowUpsScreen)
        english = await _form_ready(pilot)
        assert english is not german
        await pilot.press("f4")
        assert app.screen is english
        text = screen_text(app)
        assert "Intake – new client" in text and "Given name(s)" in text
        assert "Vorname" not in text


async def test_the_form_built_ahead_survives_a_lock(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        ahead = await _form_ready(pilot)
        await pilot.press("ctrl+l")
        await on_screen(pilot, UnlockScreen)
        await pilot.press("f4")  # nothing while locked
        assert isinstance(app.screen, UnlockScreen)
        await unlock(pilot)
        await on_screen(pilot, FollowUpsScreen)
        await pilot.press("f4")
        assert app.screen is ahead
        assert _values(ahead) == EMPTY


async def test_the_form_built_ahead_looks_exactly_like_one_built_on_f4(app) -> None:  # type: ignore[no-untyped-def]
    # Styled and laid out while hidden: nothing may differ from a form built when shown.
    from textual.widgets import TextArea

    async def shown() -> str:
        form = app.screen
        assert isinstance(form, IntakeScreen)
        await until(pilot, lambda: form.is_built)
        for field in [*form.query(Input), *form.query(TextArea)]:
            field.cursor_blink = False
        await pilot.pause()
        return str(app.export_screenshot())

    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await _form_ready(pilot)
        await pilot.press("f4")
        ahead = await shown()
        await pilot.press("escape")
        await on_screen(pilot, FollowUpsScreen)
        await _form_ready(pilot)
        app.intake_ahead.take().remove()  # none waiting: the next F4 builds its form
        await pilot.pause()
        await pilot.press("f4")
        assert await shown() == ahead
