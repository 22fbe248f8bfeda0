"""SVG snapshots of the home screen and the intake form at 80x24 and 120x40.

Deterministic: fixed today, a vault whose rows all have distinct due dates, no clock, no
cursor blink. Regenerate after an intended UI change with
``pytest tests/ui/test_snapshots.py --snapshot-update`` and look at the SVGs before keeping them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from kim_tui.screens.intake import IntakeScreen
from tests.ui.conftest import new_app, on_screen, unlock_home

SIZES = [(80, 24), (120, 40)]


async def _home(pilot: Pilot) -> None:
    await unlock_home(pilot)
    # The group counts arrive from a worker after the rows are painted.
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _intake(pilot: Pilot) -> None:
    await unlock_home(pilot)
    await pilot.press("f4")
    await on_screen(pilot, IntakeScreen)
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home_screen(snap_compare, ui_vault: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(new_app(ui_vault), terminal_size=size, run_before=_home)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_intake_form(snap_compare, ui_vault: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(new_app(ui_vault), terminal_size=size, run_before=_intake)
