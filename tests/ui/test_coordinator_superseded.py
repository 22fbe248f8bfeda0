"""The coordinator app after a released fork: the records only the superseded history had are
shown under the gaps, and F9 (or releasing with "…und entfernen") drops them."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, OptionList, Static

from kim_tui.config import Config
from kim_tui.coordinator.service import CoordinatorService
from kim_tui.coordinator.store import CoordinatorStore
from kim_tui.coordinator_app import CoordinatorApp
from kim_tui.screens.choice import ChoiceScreen
from kim_tui.screens.coordinator import CoordinatorScreen
from tests.conftest import FAST_KDF_KIB, PASSPHRASE
from tests.ui.conftest import on_screen, row_texts, unlock, until


def _held_fork(tmp_path: Path) -> Path:
    from tests.sync.conftest import make_coach, make_fork

    store, _rk = CoordinatorStore.create(
        tmp_path / "coord", PASSPHRASE, name="KI Oberhausen", kdf_memory_kib=FAST_KDF_KIB
    )
    coach = make_coach(tmp_path / "coach", "Anna", store)
    out = tmp_path / "out"
    out.mkdir()
    make_fork(tmp_path, store, coach, out)
    coach.ws.close()
    store.close()
    return tmp_path / "coord"


def _options(app: CoordinatorApp) -> list[str]:
    options = app.screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_release_then_f9_drops_what_only_the_other_history_had(tmp_path: Path) -> None:
    directory = _held_fork(tmp_path)
    service = CoordinatorService(directory)
    app = CoordinatorApp(directory, config=Config(), session=service)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await on_screen(pilot, CoordinatorScreen)
        await pilot.press("f8")
        await on_screen(pilot, ChoiceScreen)
        question = str(app.screen.query_one(".title").render())
        assert "Übernehmen nimmt Paket 2" in question
        assert _options(app)[-1] == "Übernehmen + 11 Datensätze nur des anderen Stands entfernen"
        await pilot.press("down", "enter")  # plain "Übernehmen": the records stay
        await on_screen(pilot, CoordinatorScreen)
        gaps = app.screen.query_one("#gaps", Static)
        await until(pilot, lambda: "Nur im abgelösten Stand" in str(gaps.render()))
        assert "F9 entfernt sie" in str(gaps.render())
        before = len(service.superseded())
        assert before == 1

        await pilot.press("f9")
        await on_screen(pilot, ChoiceScreen)
        assert app.screen.query_one(OptionList).highlighted == 0  # keeping is the safe default
        await pilot.press("enter")
        await on_screen(pilot, CoordinatorScreen)
        assert len(service.superseded()) == 1
        await pilot.press("f9")
        await on_screen(pilot, ChoiceScreen)
        await pilot.press("down", "enter")
        await on_screen(pilot, CoordinatorScreen)
        results = app.screen.query_one("#results", DataTable)
        await until(pilot, lambda: any("entfernt" in r for r in row_texts(results)))
        await until(pilot, lambda: "abgelösten" not in str(gaps.render()))
        assert service.superseded() == []
        await pilot.press("f9")  # nothing left: said, no dialog
        await pilot.pause()
        assert isinstance(app.screen, CoordinatorScreen)
    service.release()


async def test_release_and_remove_in_one_choice(tmp_path: Path) -> None:
    directory = _held_fork(tmp_path)
    service = CoordinatorService(directory)
    app = CoordinatorApp(directory, config=Config(), session=service)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await on_screen(pilot, CoordinatorScreen)
        await pilot.press("f8")
        await on_screen(pilot, ChoiceScreen)
        await pilot.press("down", "down", "down", "enter")
        await on_screen(pilot, CoordinatorScreen)
        results = app.screen.query_one("#results", DataTable)
        await until(pilot, lambda: any("entfernt (" in r for r in row_texts(results)))
        removed = [r for r in row_texts(results) if "entfernt (" in r]
        assert "client 1" in removed[0]
        assert service.superseded() == []
        assert not app.screen.query_one("#held", DataTable).display
    service.release()
