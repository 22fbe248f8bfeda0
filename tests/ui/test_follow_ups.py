"""Every key of the Wiedervorlagen screen: x, s, n, /, t, j/k, Enter — on screen and in the store.

Seeded list (today Tuesday 24.11.2026), one row per due date:
  0 19.11. Müller (manual)   1 23.11. Kowalski (step)   2 24.11. Yılmaz   3 26.11. Nguyen
  4 15.12. Mueller           5 12.01. Okafor            6 10.02. Kowalski review  7 05.05. Müller
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select
from textual.widgets import DataTable, Input, OptionList, Static

from kim_tui.screens.client_file import ClientFileScreen
from kim_tui.screens.follow_up_done import FollowUpDoneScreen
from kim_tui.screens.follow_up_form import FollowUpFormScreen
from kim_tui.screens.follow_ups import FollowUpsScreen
from kim_tui.screens.snooze import SnoozeScreen
from kim_tui.store.models import FollowUp, Step
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

CLIENT, REASON, DUE = 2, 3, 1


def _table(app) -> DataTable:  # type: ignore[no-untyped-def]
    return app.screen.query_one("#followups", DataTable)


def _row(app, reason: str) -> FollowUp:  # type: ignore[no-untyped-def]
    """The follow-up whose reason reads `reason` in German (derived ones store a code)."""
    from kim_tui.domain.followups import render_reason

    with Session(app.workspace.vault.engine) as s:
        rows = s.exec(select(FollowUp)).all()
    (row,) = [r for r in rows if render_reason(r.reason, "de") == reason]
    return row


async def test_x_marks_done_with_a_note(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        table = _table(app)
        assert table.cursor_row == 0
        assert column_text(table, REASON)[0] == "Jobcenter anrufen"
        await pilot.press("x")
        await on_screen(pilot, FollowUpDoneScreen)
        assert "Müller, Hans – Jobcenter anrufen" in screen_text(app)
        await type_text(pilot, "Termin am 1.12. steht")
        await pilot.press("enter")
        await on_screen(pilot, FollowUpsScreen)
        await until(pilot, lambda: table.row_count == 7)
        assert "Jobcenter anrufen" not in column_text(table, REASON)
        assert "Erledigt." in notifications(app)
        counts = str(app.screen.query_one("#counts", Static).render())
        assert counts.startswith("Überfällig: 1 ")
        row = _row(app, "Jobcenter anrufen")
        assert row.done_on == FIXED_TODAY
        assert row.done_note == "Termin am 1.12. steht"
        assert row.open == 0


async def test_x_on_a_step_completes_the_step(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await pilot.press("j")
        assert column_text(_table(app), REASON)[1] == "Schritt: Lebenslauf schreiben"
        await pilot.press("x")
        await on_screen(pilot, FollowUpDoneScreen)
        await pilot.press("enter")  # no note
        await until(pilot, lambda: _table(app).row_count == 7)
        assert "Schritt: Lebenslauf schreiben" not in column_text(_table(app), REASON)
        row = _row(app, "Schritt: Lebenslauf schreiben")
        assert row.done_on == FIXED_TODAY and row.done_note == ""
        with Session(app.workspace.vault.engine) as s:
            step = s.get(Step, row.source_id)
        assert step is not None and step.done_on == FIXED_TODAY


async def test_x_then_escape_changes_nothing(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test() as pilot:
        await unlock_home(pilot)
        await pilot.press("x")
        await on_screen(pilot, FollowUpDoneScreen)
        await pilot.press("escape")
        await on_screen(pilot, FollowUpsScreen)
        assert _table(app).row_count == 8
        assert _row(app, "Jobcenter anrufen").open == 1


async def test_s_snoozes_one_week_to_a_working_day(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await pilot.press("j", "j")
        assert column_text(_table(app), CLIENT)[2] == "Yılmaz, Şükrü"
        await pilot.press("s")
        await on_screen(pilot, SnoozeScreen)
        assert "+1 Woche  →  01.12.2026" in screen_text(app)
        await pilot.press("2")
        await on_screen(pilot, FollowUpsScreen)
        await until(pilot, lambda: "Verschoben auf 01.12.2026." in notifications(app))
        assert _row(app, "Termin Ausländerbehörde").due_on == date(2026, 12, 1)
        table = _table(app)
        index = column_text(table, CLIENT).index("Yılmaz, Şükrü")
        assert column_text(table, DUE)[index] == "01.12.2026"
        counts = str(app.screen.query_one("#counts", Static).render())
        assert "Heute: 0" in counts


async def test_s_pick_a_date_moves_a_holiday_to_the_next_working_day(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await pilot.press("s")
        await on_screen(pilot, SnoozeScreen)
        await pilot.press("4")
        field = app.screen.query_one("#date-input", Input)
        assert field.has_focus
        await type_text(pilot, "20.11.2026")
        await pilot.press("enter")  # in the past: refused inline
        assert isinstance(app.screen, SnoozeScreen)
        assert "Vergangenheit" in str(app.screen.query_one("#date-error", Static).render())
        # What was typed is quoted in the message as typed, never read as markup.
        field.value = ""
        await type_text(pilot, "[red]1.2[/red]")
        await pilot.press("enter")
        assert "'[red]1.2[/red]'" in str(app.screen.query_one("#date-error", Static).render())
        field.value = ""
        await type_text(pilot, "25.12.2026")
        await pilot.press("enter")  # 1. Weihnachtstag, then Sat/Sun
        await on_screen(pilot, FollowUpsScreen)
        await until(pilot, lambda: "Verschoben auf 28.12.2026." in notifications(app))
        assert _row(app, "Jobcenter anrufen").due_on == date(2026, 12, 28)
        table = _table(app)
        index = column_text(table, REASON).index("Jobcenter anrufen")
        assert column_text(table, DUE)[index] == "28.12.2026"


async def test_n_new_follow_up_choosing_the_client_by_typing(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await pilot.press("n")
        await on_screen(pilot, FollowUpFormScreen)
        form = app.screen
        # Prefilled with the highlighted row's client; the reason field has the focus.
        assert form.query_one("#client", Input).value == "Müller, Hans"
        assert form.query_one("#reason", Input).has_focus
        await pilot.press("shift+tab", "shift+tab")
        assert form.query_one("#client", Input).has_focus
        await pilot.press(*"nguy")
        options = form.query_one("#client-options", OptionList)
        await until(pilot, lambda: options.option_count == 1)
        await pilot.press("enter", "enter")
        assert form.query_one("#client", Input).value == "Nguyen, Lan"
        assert form.query_one("#due", Input).has_focus
        await type_text(pilot, "28.11.2026")  # a Saturday
        await pilot.press("tab")
        await type_text(pilot, "Unterlagen mitbringen")
        await pilot.press("ctrl+s")
        await on_screen(pilot, FollowUpsScreen)
        await until(pilot, lambda: _table(app).row_count == 9)
        assert "Wiedervorlage angelegt." in notifications(app)
        table = _table(app)
        index = column_text(table, REASON).index("Unterlagen mitbringen")
        assert column_text(table, CLIENT)[index] == "Nguyen, Lan"
        assert column_text(table, DUE)[index] == "30.11.2026"
        row = _row(app, "Unterlagen mitbringen")
        assert row.case_id == seeded.cases["Nguyen"]
        assert row.original_due_on == date(2026, 11, 28)
        assert row.due_on == date(2026, 11, 30)


async def test_n_without_a_reason_is_refused_inline(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test() as pilot:
        await unlock_home(pilot)
        await pilot.press("n")
        await on_screen(pilot, FollowUpFormScreen)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, FollowUpFormScreen)
        assert "Anlass" in str(app.screen.query_one("#form-error", Static).render())
        await pilot.press("escape")
        await on_screen(pilot, FollowUpsScreen)
        assert _table(app).row_count == 8


async def test_slash_filters_without_diacritics_and_escape_clears(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        field = app.screen.query_one("#filter", Input)
        assert not field.display
        await pilot.press("slash")
        assert field.display and field.has_focus
        await pilot.press(*"sukru")
        table = _table(app)
        await until(pilot, lambda: table.row_count == 1)
        assert column_text(table, CLIENT) == ["Yılmaz, Şükrü"]
        info = app.screen.query_one("#window-info", Static)
        assert "Filter: „sukru“" in str(info.render())
        # The counts follow a short pause in typing: the rows never wait for them.
        counts = app.screen.query_one("#counts", Static)
        await until(pilot, lambda: "Zeilen 1–1 von 1 " in str(info.render()))
        assert str(counts.render()).startswith("Überfällig: 0   Heute: 1   Diese Woche: 0")
        field.value = ""
        await type_text(pilot, "MULLER")
        await until(pilot, lambda: table.row_count == 3)
        assert set(column_text(table, CLIENT)) == {"Müller, Hans", "Mueller, Anna"}
        await pilot.press("escape")
        await until(pilot, lambda: table.row_count == 8)
        assert not field.display and field.value == ""
        assert table.has_focus


async def test_t_jumps_to_today_and_j_k_move(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        table = _table(app)
        assert table.cursor_row == 0
        await pilot.press("t")
        assert table.cursor_row == 2
        assert column_text(table, CLIENT)[table.cursor_row] == "Yılmaz, Şükrü"
        await pilot.press("j", "j", "j")
        assert table.cursor_row == 5
        await pilot.press("k")
        assert table.cursor_row == 4
        await pilot.press("t")
        assert table.cursor_row == 2


async def test_enter_opens_the_client_file(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        home = app.screen
        await pilot.press("t", "enter")
        await on_screen(pilot, ClientFileScreen)
        assert app.screen.client_id == seeded.clients["Yılmaz"]
        assert len(app.screen_stack) == 3  # default, home, file: opened once
        assert "Yılmaz, Şükrü" in screen_text(app)
        await pilot.press("escape")
        await on_screen(pilot, FollowUpsScreen)
        assert app.screen is home


async def test_long_list_pages_in_windows_the_size_of_the_terminal(
    ui_vault, seeded: Seeded
) -> None:  # type: ignore[no-untyped-def]
    """70 more items: a 24-row terminal gets 40-row windows; ↓ at the end of a window shows the
    next one with the cursor on its first row, ↑ at its start goes back to the last row."""
    from datetime import timedelta

    from kim_tui.domain.model import FollowUpDraft
    from kim_tui.service.workspace import Workspace
    from kim_tui.store.vault import Vault
    from tests.conftest import PASSPHRASE
    from tests.ui.conftest import new_app

    with Vault.open(ui_vault, PASSPHRASE) as vault:
        ws = Workspace(vault, today=lambda: FIXED_TODAY)
        case = next(iter(seeded.cases.values()))
        for i in range(70):
            ws.add_follow_up(FollowUpDraft(case, date(2027, 3, 1) + timedelta(days=i), f"Nr. {i}"))
        ws.close()
    app = new_app(ui_vault)
    async with app.run_test(size=(100, 24)) as pilot:
        await unlock_home(pilot)
        table = _table(app)
        info = app.screen.query_one("#window-info", Static)
        assert table.row_count == 40
        assert "Zeilen 1–40 von 78" in str(info.render())
        await pilot.press(*["j"] * 39)
        assert table.cursor_row == 39
        await pilot.press("down")
        await until(pilot, lambda: "Zeilen 41–78 von 78" in str(info.render()))
        assert table.cursor_row == 0 and table.row_count == 38
        first_of_second = column_text(table, REASON)[0]
        await pilot.press("up")
        await until(pilot, lambda: "Zeilen 1–40 von 78" in str(info.render()))
        assert table.cursor_row == 39
        await pilot.press("down")
        await until(pilot, lambda: column_text(table, REASON)[0] == first_of_second)
    async with new_app(ui_vault).run_test(size=(100, 60)) as pilot:
        await unlock_home(pilot)
        # A taller terminal gets a taller window (its height): no half-empty list on a big screen.
        assert _table(pilot.app).row_count == 60
