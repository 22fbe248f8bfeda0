"""Settings → "Kolleg*in hinzufügen": the coach sees the colleague's name and fingerprint, and
the colleague is stored only after confirming that they match."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from kim_tui.screens.confirm import ConfirmScreen
from kim_tui.screens.text_prompt import TextPromptScreen
from kim_tui.store.vault import Vault
from kim_tui.sync.identity import (
    CoachPublic,
    display_fingerprint,
    kem_public_bytes,
    new_kem_key,
    new_signing_key,
    receiving_key_message,
    signing_key,
    signing_public,
)
from tests.conftest import PASSPHRASE
from tests.ui.conftest import (
    new_app,
    notifications,
    on_screen,
    screen_text,
    type_text,
    unlock_home,
    until,
)


def _colleague_file(tmp_path: Path) -> tuple[Path, CoachPublic]:
    sign = new_signing_key()
    kem = kem_public_bytes(new_kem_key())
    pub = CoachPublic(
        "Jana Kovač",
        "Diakonie",
        signing_public(sign),
        kem,
        signing_key(sign).sign(receiving_key_message(kem)),
    )
    path = tmp_path / "jana.pub"
    path.write_bytes(pub.to_json())
    return path, pub


async def _offer(pilot, path: Path) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.run_action("add_colleague")
    await on_screen(pilot, TextPromptScreen)
    await type_text(pilot, str(path))
    await pilot.press("enter")
    await on_screen(pilot, ConfirmScreen)


async def test_colleague_is_stored_after_the_fingerprint_is_confirmed(
    ui_vault: Path, tmp_path: Path
) -> None:
    path, pub = _colleague_file(tmp_path)
    app = new_app(ui_vault)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await _offer(pilot, path)
        shown = screen_text(app)
        assert "Jana Kovač, Diakonie" in shown and display_fingerprint(pub.fingerprint) in shown
        await pilot.click("#no")
        assert "Nichts gespeichert." in notifications(app)
        assert app.workspace.colleagues() == []

        await _offer(pilot, path)
        await pilot.click("#yes")
        await pilot.pause()
        assert [c.fingerprint for c in app.workspace.colleagues()] == [pub.fingerprint]


async def test_a_damaged_colleague_file_gets_a_clear_message(
    ui_vault: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "kaputt.pub"
    broken.write_text("{")
    app = new_app(ui_vault)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await pilot.app.run_action("add_colleague")
        await on_screen(pilot, TextPromptScreen)
        prompt = app.screen
        await type_text(pilot, str(broken))
        await pilot.press("enter")
        # Said under the path, which stays as typed, so the coach can correct it.
        error = prompt.query_one("#form-error")
        await until(pilot, lambda: "kein gültiges JSON" in str(error.render()))
        assert app.screen is prompt
        assert prompt.query_one("#answer", Input).value == str(broken)
    with Vault.open(ui_vault, PASSPHRASE):
        pass  # the vault is untouched and opens
