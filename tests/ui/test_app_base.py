"""What both apps share through `VaultApp`, and what they do not: the coordinator app has none
of the coach's actions, and a worker that fails shows a clear message instead of a stuck
screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from kim_tui.app import APP_ACTIONS, KimApp
from kim_tui.config import Config
from kim_tui.coordinator.service import CoordinatorService
from kim_tui.coordinator.store import CoordinatorStore
from kim_tui.coordinator_app import CoordinatorApp
from kim_tui.screens.export import ExportScreen
from tests.conftest import FAST_KDF_KIB, PASSPHRASE
from tests.ui.conftest import new_app, notifications, on_screen, unlock, unlock_home, until

COACH_ONLY = {a.id for a in APP_ACTIONS} - {"app.lock", "app.help", "app.quit"}


def test_the_coordinator_app_inherits_no_coach_action() -> None:
    assert not issubclass(CoordinatorApp, KimApp)
    ids = {a.id for a in CoordinatorApp.ACTIONS}
    assert ids == {"app.lock", "app.help", "app.quit"}
    assert "app.intake" in COACH_ONLY  # F4 Erstberatung is the coach's
    names = {b.action for b in CoordinatorApp.BINDINGS}  # type: ignore[union-attr]
    keys = {b.key for b in CoordinatorApp.BINDINGS}  # type: ignore[union-attr]
    assert not names & {"intake", "home", "caseload", "export", "switch_language"}
    assert "f4" not in keys and "f5" not in keys
    for action in ("intake", "caseload", "export", "coach_details", "reminder_weeks", "home"):
        assert not hasattr(CoordinatorApp, f"action_{action}")


async def test_the_coordinator_palette_offers_no_coach_action(tmp_path: Path) -> None:
    store, _rk = CoordinatorStore.create(
        tmp_path / "coord", PASSPHRASE, name="KI", kdf_memory_kib=FAST_KDF_KIB
    )
    store.close()
    service = CoordinatorService(tmp_path / "coord")
    app = CoordinatorApp(tmp_path / "coord", config=Config(), session=service)
    try:
        async with app.run_test(size=(110, 40)) as pilot:
            await unlock(pilot)
            await until(pilot, lambda: app.is_unlocked)
            titles = [c.title for c in app.get_system_commands(app.screen)]
            assert not [t for t in titles if "Erstberatung" in t or "Wochenpaket" in t]
            assert any(t.startswith("Sperren") for t in titles)
    finally:
        service.release()


async def test_an_export_that_raises_oserror_shows_a_message_and_the_screen_works(
    ui_vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = new_app(ui_vault)
    secret = "/media/Klientin-Mustermann/usb"

    def broken(self, out_dir, progress=None):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device", secret)

    from kim_tui.service.workspace import Workspace

    monkeypatch.setattr(Workspace, "export_weekly", broken)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock_home(pilot)
        await pilot.press("f5")
        await on_screen(pilot, ExportScreen)
        await pilot.press("ctrl+e")
        result = app.screen.query_one("#result", Static)
        await until(pilot, lambda: "Erstelle Paket" not in str(result.render()))
        shown = str(result.render())
        assert "ENOSPC" in shown and "Speicherplatz" in shown
        assert secret not in shown and "No space left" not in shown
        assert any("ENOSPC" in n for n in notifications(app))
        assert not any(secret in n for n in notifications(app))
        # Usable again: the field takes input and a second try runs (and fails the same way).
        field = app.screen.query_one("#out_dir", Input)
        field.focus()
        await pilot.press("x")
        assert field.value.endswith("x")
        await pilot.press("ctrl+e")
        await until(pilot, lambda: "ENOSPC" in str(result.render()))
        assert isinstance(app.screen, ExportScreen)


async def test_a_worker_failure_message_is_in_the_apps_language(
    ui_vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kim_tui.i18n import set_language
    from kim_tui.service.workspace import Workspace

    def broken(self, out_dir, progress=None):  # type: ignore[no-untyped-def]
        raise RuntimeError("Klientin Mustermann")

    monkeypatch.setattr(Workspace, "export_weekly", broken)
    app = new_app(ui_vault)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock_home(pilot)
        set_language("en")
        try:
            await pilot.press("f5")
            await on_screen(pilot, ExportScreen)
            await pilot.press("ctrl+e")
            result = app.screen.query_one("#result", Static)
            await until(pilot, lambda: "RuntimeError" in str(result.render()))
            shown = str(result.render())
            assert "Unexpected error" in shown and "Mustermann" not in shown
        finally:
            set_language("de")
