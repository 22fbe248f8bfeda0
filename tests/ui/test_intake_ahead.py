"""F4 shows an intake form built ahead while the coach was idle (issue 11 § 8: F4 took 3–5 s),
and keys typed right after F4 land where they were typed."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from kim_tui.screens.intake import IntakeScreen
from tests.ui.conftest import on_screen, unlock_home, until


def _burst(app, *keys: str) -> None:  # type: ignore[no-untyped-def]
    """Keys as a fast typist (or a paste) sends them: all queued before the app handles one."""
    driver = app._driver
    for key in keys:
        char = {"tab": "\t", "space": " "}.get(key, key if len(key) == 1 else None)
        event = events.Key(key, char)
        event.set_sender(app)
        driver.send_message(event)


async def test_keys_typed_right_after_f4_go_into_their_fields(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        _burst(app, "f4", *"Amal", "tab", *"Haddad")
        await on_screen(pilot, IntakeScreen)
        form = app.screen
        await until(pilot, lambda: form.query_one("#family_name", Input).value == "Haddad")
        assert form.query_one("#given_name", Input).value == "Amal"
