"""SVG snapshots of the main screens at 80x24 and 120x40: Wiedervorlagen, intake, caseload,
client file and the coordinator's import tab (with a held-back fork).

Each test also asserts the screen's decisive content as text at both sizes (a picture that
changed for the worse would otherwise only be noticed by whoever looks at the SVG): which paper
expires when, the expiry column of the caseload, all eight file tabs and F1, the form's first
fields, the held fork.

Deterministic: fixed today, a vault whose rows all have distinct due dates, no clock, no
cursor blink. Regenerate after an intended UI change with
``pytest tests/ui/test_snapshots.py --snapshot-update`` and look at the SVGs before keeping them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from kim_tui.screens.caseload import CaseloadScreen
from kim_tui.screens.client_file import ClientFileScreen
from kim_tui.screens.intake import IntakeScreen
from tests.ui.conftest import new_app, on_screen, screen_text, type_text, unlock_home

SIZES = [(80, 24), (120, 40)]


def shown_after(run_before, seen: list[str]):  # type: ignore[no-untyped-def]
    """`run_before`, then the screen's text into `seen` (what the snapshot shows, as text)."""

    async def run(pilot: Pilot) -> None:
        await run_before(pilot)
        seen.append(screen_text(pilot.app))

    return run


def line_with(text: str, part: str) -> str:
    return next(line for line in text.splitlines() if part in line)


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
    seen: list[str] = []
    assert snap_compare(new_app(ui_vault), terminal_size=size, run_before=shown_after(_home, seen))
    (text,) = seen
    # Which paper expires, and when, even at 80 columns.
    assert "Müller, Hans" in line_with(text, "Ablauf 30.06.2027: Duldung")
    assert "Überfällig: " in text and "F1 Hilfe" in text and "Strg+P Befehle" in text


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_intake_form(snap_compare, ui_vault: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    assert snap_compare(
        new_app(ui_vault), terminal_size=size, run_before=shown_after(_intake, seen)
    )
    (text,) = seen
    for label in ("Erstberatung", "Vorname(n)", "Familienname *", "Geburtsdatum", "F1 Hilfe"):
        assert label in text, label


async def _caseload(pilot: Pilot) -> None:
    await unlock_home(pilot)
    await pilot.press("f3")
    await on_screen(pilot, CaseloadScreen)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _client_file(pilot: Pilot) -> None:
    await _caseload(pilot)
    await pilot.press("slash")
    await type_text(pilot, "kowalski")
    await pilot.press("enter")
    await on_screen(pilot, ClientFileScreen)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_caseload(snap_compare, ui_vault: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    assert snap_compare(
        new_app(ui_vault), terminal_size=size, run_before=shown_after(_caseload, seen)
    )
    (text,) = seen
    assert "Gültig bis" in line_with(text, " Name ")
    müller = line_with(text, "Müller, Hans")
    assert "15.03.1980" in müller and "19.11.2026" in müller and "30.06.2027" in müller
    assert "Strg+O" in text and "F1 Hilfe" in text


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_client_file(snap_compare, ui_vault: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    assert snap_compare(
        new_app(ui_vault), terminal_size=size, run_before=shown_after(_client_file, seen)
    )
    (text,) = seen
    assert "Kowalski, Piotr" in text
    # All eight sections can be seen and reached, and help stays on the key line.
    tabs = line_with(text, "1 Über")
    for number in "12345678":
        assert f"{number} " in tabs, number
    assert ("7 Einwilligungen" if size[0] >= 120 else "7 Einw.") in tabs
    assert "8 Verlauf" in tabs
    assert "F1 Hilfe" in text


@pytest.fixture(scope="module")
def _held_fork(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A coordinator store with one coach, bundles 1 and 2 imported and a fork held back.

    Keys and bundle nonces come from a counter instead of the system's randomness, so the held
    bundles' ids (prefixes of their chain links) are the same in every run."""
    import hashlib
    import os

    from kim_tui.coordinator.store import CoordinatorStore
    from kim_tui.sync import exporter, identity
    from tests.conftest import FAST_KDF_KIB, PASSPHRASE
    from tests.sync.conftest import make_coach, make_fork

    counter = iter(range(1_000_000))

    def fixed(n: int) -> bytes:
        out = b""
        while len(out) < n:
            out += hashlib.sha256(str(next(counter)).encode()).digest()
        return out[:n]

    class FixedOs:
        def __getattr__(self, name: str) -> object:
            return getattr(os, name)

        def urandom(self, n: int) -> bytes:
            return fixed(n)

    base = tmp_path_factory.mktemp("coordinator")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(identity, "new_signing_key", lambda: fixed(32))
        mp.setattr(identity, "new_kem_key", lambda: fixed(96))
        mp.setattr(exporter, "os", FixedOs())
        store, _rk = CoordinatorStore.create(
            base / "coord", PASSPHRASE, name="KI Oberhausen", kdf_memory_kib=FAST_KDF_KIB
        )
        coach = make_coach(base / "coach", "Anna Beispiel", store)
        out = base / "out"
        out.mkdir()
        make_fork(base, store, coach, out)
        coach.ws.close()
        store.close()
    return base / "coord"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_coordinator_import(
    snap_compare, _held_fork: Path, tmp_path: Path, size: tuple[int, int]
) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from kim_tui.config import Config
    from kim_tui.coordinator.service import CoordinatorService
    from kim_tui.coordinator_app import CoordinatorApp
    from kim_tui.screens.coordinator import CoordinatorScreen
    from tests.ui.conftest import unlock

    directory = tmp_path / "coord"
    shutil.copytree(_held_fork, directory)
    service = CoordinatorService(directory)

    async def _import_tab(pilot: Pilot) -> None:
        await unlock(pilot)
        await on_screen(pilot, CoordinatorScreen)
        # The folder field shows the home directory by default: fixed here for the picture.
        pilot.app.screen.query_one("#folder", Input).value = "/media/usb"
        pilot.app.screen.query_one("#folder", Input).cursor_blink = False
        await pilot.pause()

    seen: list[str] = []

    async def _report_tab(pilot: Pilot) -> None:
        # The report tab's value column must be on screen at every size ("x" when masked).
        from textual.widgets import DataTable

        await pilot.press("f3")
        await pilot.pause()
        table = pilot.app.screen.query_one("#cells", DataTable)
        right = sum(c.get_render_width(table) for c in table.columns.values())
        seen.append(str(right <= pilot.app.size.width - 2))
        await pilot.press("f2")
        await pilot.pause()

    async def _run(pilot: Pilot) -> None:
        await _import_tab(pilot)
        await _report_tab(pilot)
        seen.append(screen_text(pilot.app))

    app = CoordinatorApp(directory, config=Config(), session=service)
    try:
        assert snap_compare(app, terminal_size=size, run_before=_run)
    finally:
        service.release()
    fits, text = seen
    assert fits == "True"
    assert "/media/usb" in text and "F1 Hilfe" in text


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_weekly_bundle_screen(snap_compare, ui_vault: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    from kim_tui.screens.export import ExportScreen

    async def _export(pilot: Pilot) -> None:
        await unlock_home(pilot)
        # The commands name the vault, a temporary folder here: a fixed one for the picture
        # (read when F5 opens; the open vault is not touched).
        pilot.app.directory = Path("/home/coach/kim-vault")
        await pilot.press("f5")
        await on_screen(pilot, ExportScreen)
        field = pilot.app.screen.query_one("#out_dir", Input)
        field.value = "/media/usb"
        field.cursor_blink = False
        await pilot.pause()

    seen: list[str] = []
    assert snap_compare(
        new_app(ui_vault), terminal_size=size, run_before=shown_after(_export, seen)
    )
    (text,) = seen
    lines = [line.strip() for line in text.splitlines()]
    # Both one-time commands whole on a line of their own, at 80 columns too.
    assert "kim identity --vault /home/coach/kim-vault --out coach.pub" in lines
    assert "kim connect --vault /home/coach/kim-vault coordinator.pub" in lines
    assert "Noch kein Paket erstellt." in lines
    assert any(line.startswith("Änderungen seit dem letzten Paket: ") for line in lines)
    assert "/media/usb" in lines and "Zielverzeichnis (z. B. USB-Stick)" in lines
    assert "Strg+E Paket erstellen" in text and "F1 Hilfe" in text
