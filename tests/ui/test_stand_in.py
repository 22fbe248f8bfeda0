"""Stand-in (Vertretung) in the app: ``V`` in the Wiedervorlagen lends the clients with open
follow-ups to a colleague; the colleague takes the file over from the palette and sees the
clients marked "Vertretung bis …" in the Wiedervorlagen and the caseload; after the end date
the next unlock erases the copy and says so."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import Input

from kim_tui.app import make_app
from kim_tui.config import Config
from kim_tui.screens.caseload import CaseloadScreen
from kim_tui.screens.choice import ChoiceScreen
from kim_tui.screens.text_prompt import TextPromptScreen
from kim_tui.service.workspace import Workspace
from kim_tui.store.vault import Vault
from kim_tui.widgets.windowed_table import WindowedTable
from tests.conftest import FIXED_TODAY, PASSPHRASE
from tests.ui.conftest import (
    build_vault,
    new_app,
    notifications,
    on_screen,
    row_texts,
    screen_text,
    type_text,
    unlock_home,
    until,
)

UNTIL = FIXED_TODAY + timedelta(days=14)


def _team(anna_dir: Path, ben_dir: Path) -> None:
    build_vault(ben_dir, seed=None)
    with Vault.open(anna_dir, PASSPHRASE) as a, Vault.open(ben_dir, PASSPHRASE) as b:
        anna = Workspace(a, today=lambda: FIXED_TODAY)
        ben = Workspace(b, today=lambda: FIXED_TODAY)
        anna.add_colleague(ben.create_identity("Ben Berger", "Caritas"))
        ben.add_colleague(anna.create_identity("Anna Albers", "Caritas"))


async def _answer(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await on_screen(pilot, TextPromptScreen)
    field = pilot.app.screen.query_one(Input)
    field.value = ""
    await type_text(pilot, text)
    await pilot.press("enter")


async def test_lend_from_the_follow_ups_and_see_the_marker(ui_vault: Path, tmp_path: Path) -> None:
    ben_dir = tmp_path / "ben"
    _team(ui_vault, ben_dir)
    out = tmp_path / "vertretung.kimh"

    app = new_app(ui_vault)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await pilot.press("V")
        await on_screen(pilot, ChoiceScreen)
        assert "Ben Berger, Caritas" in screen_text(app)
        await pilot.press("enter")
        await _answer(pilot, UNTIL.strftime("%d.%m.%Y"))
        await on_screen(pilot, ChoiceScreen)
        await pilot.pause()
        assert "Alle mit offenen Wiedervorlagen (6)" in screen_text(app)
        await pilot.press("enter")
        await _answer(pilot, str(out))
        await until(pilot, lambda: any("Vertretung bis" in n for n in notifications(app)))
        assert "6 Klient*innen" in notifications(app)[-1]
    assert out.exists()

    palette_file = tmp_path / "palette.kimh"
    palette_file.write_bytes(out.read_bytes())
    ben = new_app(ben_dir)
    async with ben.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await pilot.app.run_action("stand_in_receive")
        await _answer(pilot, str(palette_file))
        await until(pilot, lambda: any("übernommen" in n for n in notifications(ben)))
        await pilot.pause()
        marker = f"Vertretung bis {UNTIL.strftime('%d.%m.%Y')}"
        rows = row_texts(ben.screen.query_one(WindowedTable))
        assert len(rows) == 8 and all(marker in r for r in rows)
        await pilot.press("f3")
        await on_screen(pilot, CaseloadScreen)
        await pilot.pause()
        assert f"⇄ {marker}" in screen_text(ben)
        assert "! " not in screen_text(ben)  # the consent came along with the copy
        await pilot.press("enter")
        await until(pilot, lambda: "⇄ Vertretung bis" in screen_text(ben))
        assert f"⇄ {marker} – nur Kontakte" in screen_text(ben)

    # At 80 columns the rows carry the sign, the line under the list says until when.
    small = new_app(ben_dir)
    async with small.run_test(size=(80, 24)) as pilot:
        await unlock_home(pilot)
        rows = row_texts(small.screen.query_one(WindowedTable))
        assert all(r.split(" | ")[2].startswith("⇄ ") for r in rows)
        assert f"⇄ {marker}" in screen_text(small)

    # After the end date, the next unlock erases the copy and says what went.
    later = make_app(
        ben_dir, language="de", config=Config(), today=lambda: UNTIL + timedelta(days=1)
    )
    async with later.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await until(pilot, lambda: any("endete" in n for n in notifications(later)))
        notice = next(n for n in notifications(later) if "endete" in n)
        assert "Anna Albers" in notice and "Keine Rückgabe geschrieben" in notice
        assert "Nichts fällig." in screen_text(later)


async def test_a_wrong_file_in_the_palette_is_refused_with_a_reason(
    ui_vault: Path, tmp_path: Path
) -> None:
    _team(ui_vault, tmp_path / "ben")
    junk = tmp_path / "kaputt.kimh"
    junk.write_bytes(b"KIMH nonsense")
    app = new_app(ui_vault)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await pilot.app.run_action("stand_in_receive")
        await _answer(pilot, str(junk))
        # The refusal stays under the path, which stays there to be corrected.
        prompt = app.screen
        assert isinstance(prompt, TextPromptScreen)
        await until(pilot, lambda: "abgelehnt" in str(prompt.query_one("#form-error").render()))
        assert prompt.query_one(Input).value == str(junk)
        assert app.workspace.stand_ins() == ()
