"""Unlock, wrong passphrase, growing delay, Ctrl+L, auto-lock, and input that survives a lock."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from textual.widgets import DataTable, Input, Static

from kim_tui.config import Config
from kim_tui.screens import unlock as unlock_module
from kim_tui.screens.follow_ups import FollowUpsScreen
from kim_tui.screens.intake import IntakeScreen
from kim_tui.screens.unlock import UnlockScreen
from kim_tui.widgets.passphrase_input import PassphraseInput
from tests.conftest import PASSPHRASE, snapshot_files
from tests.ui.conftest import (
    new_app,
    notifications,
    on_screen,
    screen_text,
    unlock,
    unlock_home,
    until,
)

PERSONAL = ("Müller", "Kowalski", "Yılmaz", "Şükrü", "Nguyen", "Okafor", "Jobcenter")


def _error_text(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#unlock-error", Static).render())


async def _wrong(pilot, app) -> None:  # type: ignore[no-untyped-def]
    before = app.failed_unlocks
    app.screen.query_one("#passphrase", PassphraseInput).type_text("falsches passwort 123")
    await pilot.press("enter")
    await until(pilot, lambda: app.failed_unlocks == before + 1)


async def test_right_passphrase_typed_opens_the_follow_up_list(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, UnlockScreen)
        assert not app.is_unlocked
        field = app.screen.query_one("#passphrase", PassphraseInput)
        assert field.has_focus
        await pilot.press(*PASSPHRASE)
        assert field.length == len(PASSPHRASE)
        assert PASSPHRASE not in screen_text(app)  # masked
        assert "•" * len(PASSPHRASE) in screen_text(app)
        await pilot.press("enter")
        await on_screen(pilot, FollowUpsScreen)
        assert app.is_unlocked
        counts = str(app.screen.query_one("#counts", Static).render())
        assert counts == "Überfällig: 2   Heute: 1   Diese Woche: 1   Später: 4"
        assert app.screen.query_one(DataTable).row_count == 8
        text = screen_text(app)
        assert "Wiedervorlagen" in text
        assert "Müller, Hans" in text


async def test_wrong_passphrase_inline_error_vault_untouched(app, ui_vault: Path) -> None:  # type: ignore[no-untyped-def]
    before = snapshot_files(ui_vault)
    async with app.run_test() as pilot:
        await _wrong(pilot, app)
        assert isinstance(app.screen, UnlockScreen)
        assert not app.is_unlocked
        assert "Falsches Passwort" in _error_text(app)
        field = app.screen.query_one("#passphrase", PassphraseInput)
        assert field.length == 0 and not field.disabled
        assert snapshot_files(ui_vault) == before
        # The right one still works afterwards and resets the counter.
        await unlock_home(pilot)
        assert app.failed_unlocks == 0


async def test_four_wrong_tries_disable_input_until_the_wait_is_over(  # type: ignore[no-untyped-def]
    app, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The unlock screen's clock moves 1 µs per reading until the test moves it: a slow machine
    # cannot let the 2 s wait run out between two assertions.
    now = [time.monotonic()]

    def monotonic() -> float:
        now[0] += 1e-6
        return now[0]

    monkeypatch.setattr(unlock_module, "time", SimpleNamespace(monotonic=monotonic))
    async with app.run_test() as pilot:
        for _ in range(3):
            await _wrong(pilot, app)
            assert not app.screen.query_one("#passphrase", PassphraseInput).disabled
        assert app.locked_until <= now[0]
        await _wrong(pilot, app)
        field = app.screen.query_one("#passphrase", PassphraseInput)
        assert field.disabled
        assert app.locked_until > now[0] + 1
        assert "Nächster Versuch in 2 s" in _error_text(app)
        # Enter while waiting does nothing.
        field.post_message(PassphraseInput.Submitted(field, bytearray(PASSPHRASE.encode())))
        await pilot.pause()
        assert not app.is_unlocked and app.failed_unlocks == 4
        # Time passes: the field comes back.
        now[0] += 10
        app.screen._tick_delay()
        await pilot.pause()
        assert not field.disabled
        assert "erneut versuchen" in _error_text(app)
        await unlock_home(pilot)
        assert app.failed_unlocks == 0


async def test_ctrl_l_locks_covers_everything_and_unlock_returns(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        home = app.screen
        await pilot.press("j", "j")
        assert home.query_one(DataTable).cursor_row == 2
        assert "Müller" in screen_text(app)
        await pilot.press("ctrl+l")
        await on_screen(pilot, UnlockScreen)
        assert not app.is_unlocked
        text = screen_text(app)
        assert "Gesperrt" in text
        for word in PERSONAL:
            assert word not in text
        # F2/F3/F4 do not reach the data while locked.
        await pilot.press("f3", "f4")
        assert isinstance(app.screen, UnlockScreen)
        await unlock(pilot)
        assert app.screen is home
        assert home.query_one(DataTable).cursor_row == 2
        assert "Müller, Hans" in screen_text(app)


async def test_idle_time_locks_the_vault(ui_vault: Path) -> None:
    app = new_app(ui_vault, config=Config(idle_lock_minutes=5))
    async with app.run_test() as pilot:
        await unlock_home(pilot)
        # Four minutes without a key: still open. Six: locked. The last key is set back
        # instead of waiting, so the test does not depend on the machine's speed.
        app._last_activity = time.monotonic() - 4 * 60
        app._check_idle()
        await pilot.pause()
        assert app.is_unlocked
        app._last_activity = time.monotonic() - 6 * 60
        app._check_idle()
        await on_screen(pilot, UnlockScreen)
        assert not app.is_unlocked
        assert "Müller" not in screen_text(app)
        await unlock(pilot)
        assert isinstance(app.screen, FollowUpsScreen)


async def test_default_idle_time_does_not_lock_at_once(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test() as pilot:
        await unlock_home(pilot)
        app._check_idle()
        await pilot.pause()
        assert app.is_unlocked


async def test_unsaved_intake_input_survives_lock_and_unlock(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await pilot.press("f4")
        await on_screen(pilot, IntakeScreen)
        intake = app.screen
        await pilot.press(*"Ayşe")
        intake.query_one("#family_name", Input).focus()
        await pilot.press(*"Öztürk")
        await pilot.press("ctrl+l")
        await on_screen(pilot, UnlockScreen)
        assert "Öztürk" not in screen_text(app)
        await unlock(pilot)
        assert app.screen is intake
        assert intake.query_one("#given_name", Input).value == "Ayşe"
        assert intake.query_one("#family_name", Input).value == "Öztürk"
        # And it can be saved with the new key.
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.workspace.caseload("ozturk").total == 1)


def test_delay_grows_from_the_fourth_wrong_try() -> None:
    delays = [unlock_module.delay_after(n) for n in range(1, 8)]
    assert delays == [0, 0, 0, 2, 4, 8, 16]
    assert unlock_module.delay_after(100) == unlock_module.MAX_DELAY_SECONDS


async def test_a_failing_upgrade_is_reported_on_the_unlock_screen(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The screen never stays at "Entsperre …": the error is shown and the field is usable."""
    from tests.store.test_migrations import _vault_failing_its_upgrade

    app = new_app(_vault_failing_its_upgrade(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        app.screen.query_one("#passphrase", PassphraseInput).type_text(PASSPHRASE)
        await pilot.press("enter")
        await until(pilot, lambda: "ließ sich nicht" in screen_text(app))
        assert isinstance(app.screen, UnlockScreen)
        # The label's text, not the screen's: where the message wraps depends on the length
        # of the vault path (longer under pytest-xdist).
        assert "Version 0003" in _error_text(app)
        assert not app.is_unlocked


async def test_an_unexpected_error_while_unlocking_is_shown_not_hung(ui_vault, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    app = new_app(ui_vault)

    def broken(_passphrase: str, _on_upgrade: object = None) -> None:
        raise RuntimeError("Müller, Hans")  # never shown: it could be anything

    async with app.run_test(size=(100, 30)) as pilot:
        monkeypatch.setattr(app.session, "unlock", broken)
        app.screen.query_one("#passphrase", PassphraseInput).type_text(PASSPHRASE)
        await pilot.press("enter")
        await until(pilot, lambda: "Entsperren fehlgeschlagen (RuntimeError)" in screen_text(app))
        assert "Müller" not in screen_text(app)
        assert isinstance(app.screen, UnlockScreen)


async def test_failed_attempts_are_shown_after_the_next_unlock(app, ui_vault: Path) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test() as pilot:
        await _wrong(pilot, app)
        await _wrong(pilot, app)
        assert (ui_vault / "vault.failed-unlocks").exists()
        await unlock_home(pilot)
        shown = [n for n in notifications(app) if "Fehlversuche" in n]
        assert len(shown) == 1 and shown[0].startswith("2 Fehlversuche beim Entsperren seit ")
        assert not (ui_vault / "vault.failed-unlocks").exists()
        # Locked and unlocked again: nothing new to report.
        await pilot.press("ctrl+l")
        await on_screen(pilot, UnlockScreen)
        await unlock(pilot)
        assert len([n for n in notifications(app) if "Fehlversuche" in n]) == 1


async def test_the_field_is_emptied_and_zeroed_after_unlock_and_lock(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test() as pilot:
        field = app.screen.query_one("#passphrase", PassphraseInput)
        await pilot.press(*"abc", "backspace", "ä")
        assert field.length == 3
        await pilot.press("ctrl+u")
        assert field.length == 0 and not any(field._buffer)
        await unlock_home(pilot)
        assert not any(field._buffer)
        await pilot.press("ctrl+l")
        await on_screen(pilot, UnlockScreen)
        assert app.screen.query_one("#passphrase", PassphraseInput).length == 0
