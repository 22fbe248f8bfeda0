"""Names and notes with Rich markup, terminal escapes and bidi overrides are shown as text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

from kim_tui.screens.caseload import CaseloadScreen
from kim_tui.screens.client_file import ClientFileScreen
from kim_tui.screens.follow_up_done import FollowUpDoneScreen
from kim_tui.screens.follow_ups import FollowUpsScreen
from tests.ui.conftest import (
    Seeded,
    build_vault,
    column_text,
    new_app,
    on_screen,
    screen_text,
    type_text,
    unlock_home,
    until,
)

EVIL_FAMILY = "[bold]Evil[/bold] [link=http://x]y[/link]"
EVIL_GIVEN = "\x1b[31mRot\u202eMia"
EVIL_REASON = "Anruf [red]laut[/red] \x1b[31m\u202eTXT\u200b[/]"
EVIL_OTHER = "[i]kursiv[/i] \x1b]8;;http://x\x1b\\link"


def seed_evil(workspace) -> Seeded:  # type: ignore[no-untyped-def]
    from kim_tui.domain.model import ClientDraft, FollowUpDraft, IntakeDraft

    ids: dict[str, str] = {}
    cases: dict[str, str] = {}
    for given, family, other, reason, due in (
        (EVIL_GIVEN, EVIL_FAMILY, EVIL_OTHER, EVIL_REASON, date(2026, 11, 20)),
        ("Nora", "Normal", "", "Ganz normaler Anlass", date(2026, 11, 26)),
    ):
        client_id, case_id = workspace.intake(
            IntakeDraft(ClientDraft(given, family, date(1990, 1, 1), other), date(2026, 10, 1))
        )
        workspace.add_follow_up(FollowUpDraft(case_id, due, reason))
        ids[family], cases[family] = client_id, case_id
    return Seeded(ids, cases)


def _plain(cell: object) -> str:
    assert isinstance(cell, Text), type(cell)  # never a markup string
    return cell.plain


async def test_markup_and_escapes_are_shown_literally(tmp_path: Path) -> None:
    vault_dir = tmp_path / "vault"
    build_vault(vault_dir, seed_evil)
    app = new_app(vault_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await unlock_home(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
        client_cell, reason_cell = table.get_row_at(0)[2], table.get_row_at(0)[3]
        assert _plain(client_cell).startswith("[bold]Evil[/bold] [li")
        reason = _plain(reason_cell)
        assert "[red]laut[/red]" in reason and "[/]" in reason
        assert "\x1b" not in reason and "\u202e" not in reason and "\u200b" not in reason
        assert "␛[31m" in reason and "\\u202e" in reason
        # Stored exactly as typed; only the display neutralises it.
        item = app.workspace.follow_ups().items[0]
        assert item.reason == EVIL_REASON

        # Layout: every line exactly the terminal width; the evil row is one line and its
        # columns start where the normal row's do.
        text = screen_text(app)
        lines = text.splitlines()
        assert len(lines) == 30
        assert all(cell_len(line) == 120 for line in lines)
        assert "\x1b" not in text and "\u202e" not in text
        evil = [line for line in lines if "[bold]Evil[/bold]" in line]
        normal = [line for line in lines if "Normal, Nora" in line]
        assert len(evil) == 1 and len(normal) == 1
        assert evil[0].index("20.11.2026") == normal[0].index("26.11.2026")
        assert evil[0].index("[bold]Evil") == normal[0].index("Normal, Nora")
        assert evil[0].index("Anruf [red]") == normal[0].index("Ganz normaler")
        assert all(row.height == 1 for row in table.rows.values())
        width = table.virtual_size.width
        await pilot.press("slash")
        await type_text(pilot, "normal")
        await until(pilot, lambda: table.row_count == 1)
        assert table.virtual_size.width == width
        await pilot.press("escape")
        await until(pilot, lambda: table.row_count == 2)

        # The done dialog quotes name and reason literally.
        table.focus()
        await pilot.press("x")
        await on_screen(pilot, FollowUpDoneScreen)
        assert "[bold]Evil[/bold] [link=http://x]y[/link], ␛[31mRot\\u202eMia" in screen_text(app)
        await pilot.press("escape")
        await on_screen(pilot, FollowUpsScreen)

        # The client file shows the whole name and the other spellings as typed.
        await pilot.press("enter")
        await on_screen(pilot, ClientFileScreen)
        text = screen_text(app)
        assert "[bold]Evil[/bold] [link=http://x]y" in text  # the header may shorten it
        assert "[i]kursiv[/i]" in text
        assert "\x1b" not in text and "\u202e" not in text
        assert all(cell_len(line) == 120 for line in text.splitlines())

        # And the caseload.
        await pilot.press("f3")
        await on_screen(pilot, CaseloadScreen)
        names = column_text(app.screen.query_one(DataTable), 0)
        # Cut to the 28-cell name column, the markup still as typed (after the "!" of a client
        # without a case-management consent).
        assert names[0] == "! " + EVIL_FAMILY[:27] + "…"
        assert "[bold]Evil[/bold]" in screen_text(app)
