"""The handover in the TUI (issue 14): U in the client file hands the client over (colleague,
file, a reason when there is no consent); the colleague takes it in from the palette and sees
where the receipt went; the sender confirms from the palette and the client is gone."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from kim_tui.screens.choice import ChoiceScreen
from kim_tui.screens.client_file import ClientFileScreen
from kim_tui.screens.confirm import ConfirmScreen
from kim_tui.screens.text_prompt import TextPromptScreen
from kim_tui.service.workspace import Workspace
from kim_tui.store.vault import Vault
from tests.conftest import FIXED_TODAY, PASSPHRASE
from tests.ui.conftest import (
    Seeded,
    build_vault,
    new_app,
    notifications,
    on_screen,
    screen_text,
    type_text,
    unlock_home,
    until,
)
from tests.ui.test_case_file import open_from_caseload

REASON = "Herr Kowalski zieht um; Übergabe mit ihm mündlich besprochen"


def _pair(anna_dir: Path, ben_dir: Path) -> None:
    """Identities for both vaults, each stored as the other's colleague."""
    build_vault(ben_dir, seed=None)
    with Vault.open(anna_dir, PASSPHRASE) as a, Vault.open(ben_dir, PASSPHRASE) as b:
        anna = Workspace(a, today=lambda: FIXED_TODAY)
        ben = Workspace(b, today=lambda: FIXED_TODAY)
        anna_pub = anna.create_identity("Anna", "Caritas")
        ben_pub = ben.create_identity("Ben", "DRK")
        anna.add_colleague(ben_pub)
        ben.add_colleague(anna_pub)


async def _answer(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await on_screen(pilot, TextPromptScreen)
    pilot.app.screen.query_one(Input).value = ""
    await type_text(pilot, text)
    await pilot.press("enter")


async def test_hand_over_receive_and_confirm_in_the_tui(
    ui_vault: Path, seeded: Seeded, tmp_path: Path
) -> None:
    ben_dir = tmp_path / "ben"
    _pair(ui_vault, ben_dir)
    outbox = tmp_path / "outbox"
    outbox.mkdir()

    app = new_app(ui_vault)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await open_from_caseload(pilot, "kowalski")
        await pilot.press("U")
        await on_screen(pilot, ChoiceScreen)
        assert "Ben, DRK" in screen_text(app)
        await pilot.press("enter")
        await _answer(pilot, str(outbox))
        # No consent for DRK: the reason is asked, a short one is not taken.
        await on_screen(pilot, TextPromptScreen)
        assert "Keine gültige Einwilligung" in screen_text(app)
        await _answer(pilot, "zu kurz")
        assert isinstance(app.screen, TextPromptScreen)
        await _answer(pilot, REASON)
        await until(pilot, lambda: any("Übergabedatei für Ben" in n for n in notifications(app)))
        await on_screen(pilot, ClientFileScreen)
    (handover,) = outbox.glob("*.kimh")

    app = new_app(ben_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock_home(pilot)
        await pilot.app.run_action("receive_handover")
        await _answer(pilot, str(handover))
        await on_screen(pilot, ChoiceScreen)
        shown = " ".join(screen_text(app).split())
        assert "Von Anna" in shown and "Kowalski" in shown
        await pilot.press("enter")  # the first choice: a new file
        await until(pilot, lambda: any("Empfangsbestätigung" in n for n in notifications(app)))
        await on_screen(pilot, ClientFileScreen)
        assert "Kowalski" in screen_text(app)
    (receipt,) = outbox.glob("kim-quittung-*.kimh")

    app = new_app(ui_vault)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await pilot.app.run_action("confirm_handover")
        await _answer(pilot, str(receipt))
        await on_screen(pilot, ConfirmScreen)
        shown = " ".join(screen_text(app).split())
        assert "Ben bestätigt den Empfang von Kowalski, Piotr" in shown
        await pilot.click("#yes")
        await until(pilot, lambda: any("bestätigt" in n for n in notifications(app)))
        assert seeded.clients["Kowalski"] in app.workspace.erased_ids()


async def test_a_file_for_someone_else_is_refused_with_the_reason(
    ui_vault: Path, tmp_path: Path
) -> None:
    _pair(ui_vault, tmp_path / "ben")
    bad = tmp_path / "kaputt.kimh"
    bad.write_bytes(b"KIMH not really")
    app = new_app(ui_vault)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock_home(pilot)
        await pilot.app.run_action("receive_handover")
        await _answer(pilot, str(bad))
        # The reason under the path, which stays there to be corrected.
        prompt = app.screen
        assert isinstance(prompt, TextPromptScreen)
        await until(
            pilot, lambda: "Nichts wurde geändert" in str(prompt.query_one("#form-error").render())
        )
        assert prompt.query_one(Input).value == str(bad)


async def test_refusals_follow_the_language_in_the_tui(ui_vault: Path, tmp_path: Path) -> None:
    """With English chosen, a handover file meant for someone else is refused in English."""
    from kim_tui.i18n import set_language

    carl_dir = tmp_path / "carl"
    _pair(ui_vault, tmp_path / "ben")
    build_vault(carl_dir, seed=None)
    with Vault.open(carl_dir, PASSPHRASE) as c:
        Workspace(c, today=lambda: FIXED_TODAY).create_identity("Carl", "ZAQ")
    with Vault.open(ui_vault, PASSPHRASE) as a:
        anna = Workspace(a, today=lambda: FIXED_TODAY)
        ben_fp = anna.colleagues()[0].fingerprint
        made = anna.hand_over(anna.clients()[0].client_id, ben_fp, str(tmp_path), REASON)
    app = new_app(carl_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock_home(pilot)
        set_language("en")
        try:
            await pilot.app.run_action("receive_handover")
            await _answer(pilot, made.path)
            prompt = app.screen
            assert isinstance(prompt, TextPromptScreen)
            error = prompt.query_one("#form-error")
            await until(pilot, lambda: "someone else" in str(error.render()))
            shown = str(error.render())
            assert "Nothing was changed" in shown and "Nichts" not in shown
        finally:
            set_language("de")
