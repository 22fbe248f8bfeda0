"""Weekly bundle in the UI: the coach's export screen (F5) writes a bundle with a progress bar;
the coordinator's app imports it (result line per file) and shows the report."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session
from textual.widgets import DataTable, Input, ProgressBar, Static

from kim_tui.config import Config
from kim_tui.coordinator.service import CoordinatorService
from kim_tui.coordinator.store import CoordinatorStore
from kim_tui.coordinator_app import CoordinatorApp
from kim_tui.screens.coordinator import CoordinatorScreen
from kim_tui.screens.export import ExportScreen
from kim_tui.store.vault import Vault
from kim_tui.sync import coach_state
from tests.conftest import FAST_KDF_KIB, PASSPHRASE
from tests.ui.conftest import (
    new_app,
    notifications,
    on_screen,
    row_texts,
    type_text,
    unlock,
    unlock_home,
    until,
)


def _connect(vault_dir: Path, coord_dir: Path) -> None:
    """Give the seeded coach vault an identity and connect it to a new coordinator."""
    store, _rk = CoordinatorStore.create(
        coord_dir, PASSPHRASE, name="KI Oberhausen", kdf_memory_kib=FAST_KDF_KIB
    )
    with Vault.open(vault_dir, PASSPHRASE) as vault, Session(vault.engine) as s:
        pub = coach_state.ensure_identity(s, "Anna Coach", "Caritas")
        coach_state.connect(s, store.public())
        s.commit()
    store.enroll(pub)
    store.close()


async def test_export_screen_writes_a_bundle_the_coordinator_imports(
    ui_vault: Path, tmp_path: Path
) -> None:
    coord_dir = tmp_path / "coord"
    # A folder that is not there yet (as `kim export --out` does, F5 makes it, owner only).
    out = tmp_path / "USB Stick Ü" / "Wöche 49"
    _connect(ui_vault, coord_dir)

    app = new_app(ui_vault)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock_home(pilot)
        await pilot.press("f5")
        await on_screen(pilot, ExportScreen)
        status = str(app.screen.query_one("#sync-status", Static).render())
        assert "KI Oberhausen" in status
        assert "Noch kein Paket erstellt." in status
        field = app.screen.query_one("#out_dir", Input)
        field.value = ""
        await type_text(pilot, str(out), "out_dir")
        await pilot.press("enter")
        await until(pilot, lambda: list(out.glob("*.kimb")))
        await until(pilot, lambda: "geschrieben" in str(app.screen.query_one("#result").render()))
        assert f"Zielverzeichnis angelegt: {out}" in str(app.screen.query_one("#result").render())
        assert out.stat().st_mode & 0o777 == 0o700
        bar = app.screen.query_one("#progress", ProgressBar)
        assert bar.percentage == 1.0
        assert "Letztes Paket: Nr. 1" in str(app.screen.query_one("#sync-status").render())
        assert "Änderungen seit dem letzten Paket: 0" in str(
            app.screen.query_one("#sync-status").render()
        )
    bundles = list(out.glob("*.kimb"))
    assert len(bundles) == 1 and bundles[0].name.endswith("-0001.kimb")

    service = CoordinatorService(coord_dir)
    coordinator = CoordinatorApp(coord_dir, config=Config(), session=service)
    async with coordinator.run_test(size=(110, 40)) as pilot:
        await unlock(pilot)
        await on_screen(pilot, CoordinatorScreen)
        # Coach-app keys are not part of the coordinator's app.
        keys = set(coordinator._bindings.key_to_bindings)
        assert "f4" not in keys and "f2" not in keys
        coordinator.screen.query_one("#folder", Input).value = str(out)
        await pilot.press("f6")
        results = coordinator.screen.query_one("#results", DataTable)
        await until(pilot, lambda: results.row_count == 1)
        assert "importiert" in row_texts(results)[0]
        # The file column keeps the name's end: week and bundle number tell files apart.
        assert row_texts(results)[0].startswith("…") and "-0001.kimb |" in row_texts(results)[0]
        # The same file again changes nothing.
        await pilot.press("f6")
        await until(pilot, lambda: results.row_count == 1 and "bereits" in row_texts(results)[0])
        await pilot.press("f7")
        cells = coordinator.screen.query_one("#cells", DataTable)
        await until(pilot, lambda: cells.row_count > 0)
        text = "\n".join(row_texts(cells))
        assert "Fälle eröffnet" in text
        assert "Anna Coach" in text
        # Six clients: every category under the threshold of 5 shows as masked ("x"), never a
        # number.
        assert "| x" in text
        # A threshold under 3 would print cells of one or two people: refused, and the report
        # shown stays as it was.
        coordinator.screen.query_one("#threshold", Input).value = "2"
        await pilot.press("f7")
        await until(pilot, lambda: any("mindestens 3" in n for n in notifications(coordinator)))
        assert "\n".join(row_texts(cells)) == text
    service.release()


async def test_coordinator_decides_a_held_fork(tmp_path: Path) -> None:
    """Held-back bundles are listed in the import tab; Enter (or F8) offers release or discard."""
    from textual.widgets import OptionList

    from kim_tui.coordinator.importer import gaps
    from kim_tui.screens.choice import ChoiceScreen
    from tests.sync.conftest import make_coach, make_fork

    store, _rk = CoordinatorStore.create(
        tmp_path / "coord", PASSPHRASE, name="KI Oberhausen", kdf_memory_kib=FAST_KDF_KIB
    )
    coach = make_coach(tmp_path / "coach", "Anna", store)
    out = tmp_path / "out"
    out.mkdir()
    fork = make_fork(tmp_path, store, coach, out)
    coach.ws.close()
    store.close()

    service = CoordinatorService(tmp_path / "coord")
    app = CoordinatorApp(tmp_path / "coord", config=Config(), session=service)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await on_screen(pilot, CoordinatorScreen)
        held = app.screen.query_one("#held", DataTable)
        assert held.display and held.row_count == 2
        # Computing the report and going to its tab are two palette entries, not one.
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Bericht (F7)" in titles and "Zum Bericht (F3)" in titles
        assert "Gabelung" in row_texts(held)[0]
        await pilot.press("f8")
        await on_screen(pilot, ChoiceScreen)
        question = str(app.screen.query_one(".title").render())
        assert fork.b2.name in question
        assert "Übernehmen nimmt Paket 2 des anderen Stands aus der Kette" in question
        # The safe choice comes first: Enter right away decides nothing.
        assert app.screen.query_one(OptionList).highlighted == 0
        await pilot.press("enter")
        await on_screen(pilot, CoordinatorScreen)
        assert held.row_count == 2
        await pilot.press("f8")
        await on_screen(pilot, ChoiceScreen)
        await pilot.press("down", "enter")  # "Übernehmen"
        await on_screen(pilot, CoordinatorScreen)
        results = app.screen.query_one("#results", DataTable)
        await until(pilot, lambda: results.row_count >= 3)
        rows = row_texts(results)
        assert any(r.startswith(_shown(fork.b2.name)) and "übernommen – Paket 2" in r for r in rows)
        # Bundle 3 of the same history came in with it, under its own file name.
        assert any(r.startswith(_shown(fork.b3.name)) and "importiert – Paket 3" in r for r in rows)
        await until(pilot, lambda: not app.screen.query_one("#held", DataTable).display)
        assert gaps(service.store) == []
        # F3/F2 switch tabs even from inside a field (digits would be typed there).
        from textual.widgets import TabbedContent

        await pilot.press("f7")
        tabs = app.screen.query_one(TabbedContent)
        await until(pilot, lambda: tabs.active == "pane-report")
        await pilot.press("1", "f2")
        await until(pilot, lambda: tabs.active == "pane-import")
        assert app.screen.query_one("#from", Input).value == "1"
        # Nothing left to decide: F8 says so instead of opening an empty dialog.
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, CoordinatorScreen)
    service.release()


def _shown(name: str) -> str:
    """A bundle's file name as the results column shows it: its last 23 characters after "…"."""
    return name if len(name) <= 24 else "…" + name[-23:]
