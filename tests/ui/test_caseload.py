"""Caseload: search without diacritics, stage filter, sort toggle, `i` starts an intake; typing
on the list starts the search, Esc steps back out of it; columns that fit the terminal."""

from __future__ import annotations

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.model import CaseStage
from kim_tui.i18n import Lang
from kim_tui.screens.caseload import (
    DATE_WIDTH,
    PADDING,
    SCROLLBAR,
    CaseloadScreen,
    ColumnLayout,
    column_layout,
)
from kim_tui.screens.follow_ups import FollowUpsScreen
from kim_tui.screens.intake import IntakeScreen
from kim_tui.widgets.windowed_table import WindowedTable
from tests.ui.conftest import (
    column_text,
    on_screen,
    screen_text,
    type_text,
    unlock_home,
    until,
)

BY_NAME = [
    "Kowalski, Piotr",
    "Mueller, Anna",
    "Müller, Hans",
    "Nguyen, Lan",
    "Okafor, Grace",
    "Yılmaz, Şükrü",
]
BY_DUE = [  # next due: 19.11., 23.11., 24.11., 26.11., 15.12., 12.01.
    "Müller, Hans",
    "Kowalski, Piotr",
    "Yılmaz, Şükrü",
    "Nguyen, Lan",
    "Mueller, Anna",
    "Okafor, Grace",
]


async def test_caseload_search_filter_sort(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await pilot.press("f3")
        await on_screen(pilot, CaseloadScreen)
        screen = app.screen
        table = screen.query_one(DataTable)
        assert column_text(table, 0) == BY_NAME
        info = screen.query_one("#window-info", Static)
        assert "sortiert nach Name" in str(info.render())
        # Search as you type, ignoring case and diacritics.
        await pilot.press("slash")
        assert screen.query_one("#search", Input).has_focus
        await pilot.press(*"muller")
        await until(pilot, lambda: table.row_count == 2)
        assert column_text(table, 0) == ["Mueller, Anna", "Müller, Hans"]
        await until(pilot, lambda: str(info.render()).startswith("1–2 von 2 ·"))
        screen.query_one("#search", Input).value = ""
        await type_text(pilot, "SUKRU")
        await until(pilot, lambda: column_text(table, 0) == ["Yılmaz, Şükrü"])
        screen.query_one("#search", Input).value = ""
        await pilot.press("enter")
        await until(pilot, lambda: table.row_count == 6)
        assert table.has_focus
        # Stage filter: only Kowalski has a goal agreement.
        stage = app.workspace.client_file(
            next(r.client_id for r in screen.page.items if r.display_name.startswith("Kow"))
        ).stage
        assert stage is CaseStage.GOAL_AGREEMENT
        await pilot.press("g")
        select = screen.query_one("#stage", Select)
        assert select.has_focus
        select.value = stage.value
        await until(pilot, lambda: column_text(table, 0) == ["Kowalski, Piotr"])
        select.value = CaseStage.INTAKE.value
        await until(pilot, lambda: table.row_count == 5)
        assert "Kowalski, Piotr" not in column_text(table, 0)
        select.clear()
        await until(pilot, lambda: table.row_count == 6)
        # Sort toggles between name and next due date.
        table.focus()
        await pilot.press("o")
        assert column_text(table, 0) == BY_DUE
        assert column_text(table, 3)[0] == "19.11.2026"
        assert "sortiert nach Fälligkeit" in str(info.render())
        await pilot.press("o")
        assert column_text(table, 0) == BY_NAME
        # `i` starts an intake; Esc on the empty form comes straight back.
        await pilot.press("i")
        await on_screen(pilot, IntakeScreen)
        await pilot.press("escape")
        await on_screen(pilot, CaseloadScreen)
        assert app.screen is screen
        # Esc leaves the caseload for the follow-up list.
        await pilot.press("escape")
        await on_screen(pilot, FollowUpsScreen)


async def _caseload(pilot: Pilot[int]) -> tuple[CaseloadScreen, WindowedTable, Input, Static]:
    await unlock_home(pilot)
    await pilot.press("f3")
    await on_screen(pilot, CaseloadScreen)
    screen = pilot.app.screen
    assert isinstance(screen, CaseloadScreen)
    table = screen.query_one(WindowedTable)
    await until(pilot, lambda: table.has_focus and table.row_count == 6)
    return (
        screen,
        table,
        screen.query_one("#search", Input),
        screen.query_one("#window-info", Static),
    )


async def _burst(pilot: Pilot[int], text: str) -> None:
    """Keys that arrive all at once, as from a fast typist: each is sent before the app has
    handled the one before it (Pilot.press waits for the app after every key)."""
    for character in text:
        event = events.Key(character, character)
        event.set_sender(pilot.app)
        pilot.app.post_message(event)
    await pilot.pause()


async def test_typing_on_the_list_starts_the_search(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table, search, info = await _caseload(pilot)
        # The empty box says how to search.
        assert search.placeholder.startswith("/ Suchen")
        assert "/ Suchen: Name" in screen_text(app)
        # A letter that is no key here starts the search with it; the rest goes into the box,
        # bound letters (g) included.
        await pilot.press(*"nguyen")
        assert search.has_focus
        assert search.value == "nguyen"
        await until(pilot, lambda: column_text(table, 0) == ["Nguyen, Lan"])
        assert "Suche: „nguyen“ (Esc löscht)" in str(info.render())
        # Esc clears it and goes back to the list.
        await pilot.press("escape")
        await until(pilot, lambda: table.row_count == 6)
        assert table.has_focus and search.value == ""
        # Typed faster than the app handles keys: `i` and `z` after the first letter are part
        # of the name, not the intake form or the target-group filter.
        await _burst(pilot, "yilmaz")
        await until(pilot, lambda: column_text(table, 0) == ["Yılmaz, Şükrü"])
        assert app.screen is screen
        assert search.has_focus and search.value == "yilmaz"
        await pilot.press("escape")
        await until(pilot, lambda: table.row_count == 6 and table.has_focus)
        # A bound key keeps its meaning: o sorts, the search stays empty.
        await pilot.press("o")
        assert "sortiert nach Fälligkeit" in str(info.render())
        assert table.has_focus and search.value == ""
        # Capitalised, the same letter is not a key: it starts the search.
        await pilot.press("O", *"kafor")
        await until(pilot, lambda: column_text(table, 0) == ["Okafor, Grace"])
        assert search.value == "Okafor"
        await pilot.press("escape")
        await until(pilot, lambda: table.row_count == 6 and table.has_focus)
        # A space does not start a search.
        await pilot.press("space")
        assert table.has_focus and search.value == ""
        # Down goes back to the list; there `/` selects what is in the box, so typing
        # replaces it.
        await pilot.press("m")
        assert search.value == "m"
        await pilot.press("down")
        assert table.has_focus
        await pilot.press("slash", *"nguyen")
        assert search.value == "nguyen"
        # And `i` first on the list opens the intake form, as the key line says.
        await pilot.press("escape", "i")
        await on_screen(pilot, IntakeScreen)
        await pilot.press("escape")
        await on_screen(pilot, CaseloadScreen)


async def test_escape_clears_the_search_then_leaves(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        screen, table, search, info = await _caseload(pilot)
        await pilot.press("slash")
        await type_text(pilot, "muller")
        await until(pilot, lambda: table.row_count == 2)
        await until(pilot, lambda: "Suche: „muller“ (Esc löscht)" in str(info.render()))
        # Esc in the box: cleared, back on the list, no hint, still the caseload.
        await pilot.press("escape")
        await until(pilot, lambda: table.row_count == 6)
        assert table.has_focus and search.value == ""
        assert "Suche" not in str(info.render())
        assert app.screen is screen
        # So the next key is a key again, not text.
        await pilot.press("o")
        assert "sortiert nach Fälligkeit" in str(info.render())
        assert search.value == ""
        # Esc in the empty box goes back to the list as well.
        await pilot.press("slash")
        assert search.has_focus
        await pilot.press("escape")
        assert table.has_focus and app.screen is screen
        # Esc on the list with a search: the search goes first ...
        await pilot.press(*"muller", "enter")  # two hits: Enter goes to the list
        await until(pilot, lambda: table.row_count == 2 and table.has_focus)
        assert "Suche: „muller“ (Esc löscht)" in str(info.render())
        await pilot.press("escape")
        await until(pilot, lambda: table.row_count == 6)
        assert table.has_focus and search.value == "" and app.screen is screen
        assert "Suche" not in str(info.render())
        # ... and only a further Esc leaves the caseload.
        await pilot.press("escape")
        await on_screen(pilot, FollowUpsScreen)


async def test_search_hint_shows_the_text_literally(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        _screen, table, _search, info = await _caseload(pilot)
        await pilot.press("slash")
        await type_text(pilot, "[bold]x\x1b")
        await until(pilot, lambda: table.row_count == 0)
        assert "Suche: „[bold]x␛“" in str(info.render())  # markup as typed, ESC visible


def _width(layout: ColumnLayout) -> int:
    shown = (layout.name, layout.stage, layout.status, layout.until, layout.targets)
    columns = 2 + sum(1 for w in shown if w)
    return sum(shown) + 2 * DATE_WIDTH + columns * PADDING + SCROLLBAR


@pytest.mark.parametrize("lang", ["de", "en"])
def test_column_layout_fits_the_terminal(lang: Lang) -> None:
    stage_max = max(len(e.label(lang)) for e in catalog("case_stages"))
    status_max = max(len(e.label(lang)) for e in catalog("residence_statuses"))
    for width in range(72, 241):
        layout = column_layout(width, stage_max=stage_max, status_max=status_max)
        assert _width(layout) <= width, (width, layout)
        assert layout.name >= 16 and layout.stage >= 12 and layout.status >= 12
        if layout.targets:
            assert layout.until and _width(layout) == width  # the last column takes the rest
    at_80 = column_layout(80, stage_max=stage_max, status_max=status_max)
    assert _width(at_80) == 80
    assert at_80.name >= 18 and at_80.status >= 18
    # At 120 six columns (each costs on every keystroke); the target groups come at 140.
    at_120 = column_layout(120, stage_max=stage_max, status_max=status_max)
    assert at_120.until == DATE_WIDTH and not at_120.targets
    at_140 = column_layout(140, stage_max=stage_max, status_max=status_max)
    assert at_140.targets >= 14


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_columns_fit_and_cut_with_an_ellipsis(app, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=size) as pilot:
        _screen, table, _search, _info = await _caseload(pilot)
        assert table.max_scroll_x == 0  # nothing reached by scrolling sideways
        text = screen_text(app)
        header = next(line for line in text.splitlines() if line.startswith(" Name "))
        for title in ("Geb.", "Phase", "Fällig", "Aufenthalt"):
            assert title in header
        müller = next(line for line in text.splitlines() if "Müller, Hans" in line)
        assert "15.03.1980" in müller and "19.11.2026" in müller and "Duldung" in müller
        kowalski = next(line for line in text.splitlines() if "Kowalski, Piotr" in line)
        if size[0] == 80:
            # No room for the expiry date and the target groups; a cut stage ends in "…".
            assert "Gültig bis" not in header and "Zielgruppen" not in header
            assert "Zielvereinb…" in kowalski
            assert "30.06.2027" not in müller
        else:
            assert "Gültig bis" in header and "Zielgruppen" not in header
            assert "Zielvereinbarung" in kowalski
            assert "30.06.2027" in müller  # the expiry date in its own column, never cut


async def test_an_expired_residence_document_is_red(app, seeded) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from kim_tui.domain.model import ResidenceDraft

    async with app.run_test(size=(120, 40)) as pilot:
        _screen, table, _search, _info = await _caseload(pilot)
        app.workspace.add_residence_record(
            seeded.clients["Nguyen"],
            ResidenceDraft("duldung", valid_from=date(2026, 5, 21), valid_until=date(2026, 11, 20)),
        )
        app.screen.reload()
        await pilot.pause()
        rows = {
            str(table.get_row_at(i)[0].plain): table.get_row_at(i) for i in range(table.row_count)
        }
        expired = rows["Nguyen, Lan"][5]
        assert expired.plain == "20.11.2026" and "red" in str(expired.style)
        valid = rows["Müller, Hans"][5]
        assert valid.plain == "30.06.2027" and "red" not in str(valid.style)


async def test_palette_speaks_german(app) -> None:  # type: ignore[no-untyped-def]
    from textual.command import CommandPalette

    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        assert app.screen.query_one(Input).placeholder == "Befehl suchen …"
