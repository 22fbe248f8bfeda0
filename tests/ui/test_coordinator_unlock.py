"""The coordinator app's unlock and lock screens speak of its store ("Ablage") and name
`kim coordinator recover`, not the coach's vault and `kim recover`; the coach app is unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from kim_tui.config import Config
from kim_tui.coordinator.service import CoordinatorService
from kim_tui.coordinator.store import CoordinatorStore
from kim_tui.coordinator_app import CoordinatorApp
from kim_tui.i18n import set_language
from kim_tui.screens.coordinator import CoordinatorScreen
from kim_tui.screens.help import HelpScreen
from kim_tui.screens.unlock import UnlockScreen
from kim_tui.widgets.passphrase_input import PassphraseInput
from tests.conftest import FAST_KDF_KIB, PASSPHRASE
from tests.ui.conftest import (
    notifications,
    on_screen,
    row_texts,
    screen_text,
    unlock,
    until,
)


@pytest.fixture(autouse=True)
def _german() -> Iterator[None]:
    set_language("de")
    yield
    set_language("de")


@pytest.fixture
def coordinator_app(tmp_path: Path) -> Iterator[CoordinatorApp]:
    store, _rk = CoordinatorStore.create(
        tmp_path / "coord", PASSPHRASE, name="KI Oberhausen", kdf_memory_kib=FAST_KDF_KIB
    )
    store.close()
    service = CoordinatorService(tmp_path / "coord")
    yield CoordinatorApp(tmp_path / "coord", config=Config(), session=service)
    service.release()


def printed_command(shown: str):  # type: ignore[no-untyped-def]
    """The `kim …` line of a text, parsed by kim's own parser (fails if it would not run)."""
    import shlex

    from kim_tui.cli.parser import build_parser

    (line,) = [line.strip() for line in shown.splitlines() if line.strip().startswith("kim ")]
    return build_parser().parse_args(shlex.split(line)[1:])


def _text(app: CoordinatorApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_coordinator_unlock_screen_names_the_store_and_its_recover_command(
    coordinator_app: CoordinatorApp,
) -> None:
    app = coordinator_app
    async with app.run_test(size=(110, 40)) as pilot:
        await on_screen(pilot, UnlockScreen)
        text = screen_text(app)
        assert "KIM Koordinierung – Ablage entsperren" in text
        assert "Tresor" not in text and "KIM Coach" not in text

        await pilot.press("f2")
        await until(pilot, lambda: not app.screen.query_one("#unlock-help").has_class("hidden"))
        shown = _text(app, "#unlock-help")
        # A command that runs as shown: the real parser takes it, for this very store.
        args = printed_command(shown)
        from kim_tui.cli.coordinator import cmd_coordinator_recover

        assert args.func.__doc__ == cmd_coordinator_recover.__doc__
        assert Path(args.dir) == app.directory
        assert "kim recover" not in shown and "Tresor" not in shown

        app.screen.query_one("#passphrase", PassphraseInput).type_text("falsches passwort 123")
        await pilot.press("enter")
        await until(pilot, lambda: app.failed_unlocks == 1)
        assert _text(app, "#unlock-error") == "Falsches Passwort. Die Ablage wurde nicht verändert."

        await unlock(pilot)
        await on_screen(pilot, CoordinatorScreen)
        # The failed attempt is told with the command that changes this store's passphrase.
        (told,) = [n for n in notifications(app) if "Fehlversuch" in n]
        args = printed_command(told.split("(", 1)[1].rstrip(")."))
        from kim_tui.cli.coordinator import cmd_coordinator_passwd

        assert args.func.__doc__ == cmd_coordinator_passwd.__doc__
        assert Path(args.dir) == app.directory
        # F1 describes Ctrl+L as locking the store, not the vault.
        await pilot.press("f1")
        await on_screen(pilot, HelpScreen)
        rows = "\n".join(row_texts(app.screen.query_one(DataTable)))
        assert "Strg+L | Sperren – Ablage sperren" in rows and "Tresor" not in rows
        await pilot.press("escape")
        await on_screen(pilot, CoordinatorScreen)

        # Ctrl+L covers everything with the same coordinator wording.
        await pilot.press("ctrl+l")
        await on_screen(pilot, UnlockScreen)
        assert not app.is_unlocked
        assert "KIM Koordinierung – Ablage entsperren" in screen_text(app)


async def test_coach_unlock_screen_keeps_the_vault_wording(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(110, 40)) as pilot:
        await on_screen(pilot, UnlockScreen)
        assert "KIM Coach – Tresor entsperren" in screen_text(app)
        await pilot.press("f2")
        await until(pilot, lambda: not app.screen.query_one("#unlock-help").has_class("hidden"))
        shown = str(app.screen.query_one("#unlock-help", Static).render())
        args = printed_command(shown)
        assert args.func.__name__ == "cmd_recover"
        assert Path(args.vault) == app.directory
        assert "coordinator" not in shown


async def test_the_report_tab_speaks_english_with_english_chosen(
    coordinator_app: CoordinatorApp,
) -> None:
    """`kim --lang en coordinator ui`: the report tab's date fields ask for DD.MM.YYYY and the
    (empty store's) report runs; labels come from the same renderer as the CLI's."""
    set_language("en")
    app = coordinator_app
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await on_screen(pilot, CoordinatorScreen)
        await pilot.press("f7")
        await pilot.pause()
        assert app.screen.query_one("#from", Input).placeholder == "DD.MM.YYYY"
        assert app.screen.query_one("#to", Input).placeholder == "DD.MM.YYYY"
        assert "TT.MM.JJJJ" not in screen_text(app)


async def test_unlocking_an_older_store_says_it_is_being_upgraded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store of an earlier kim is brought to this schema at its first unlock (about a minute
    for a state-wide store): the unlock screen says so instead of a bare "Entsperre …"."""
    import shutil

    from tests.coordinator.test_store_v1 import FIXTURE, _fixture_passphrase

    directory = tmp_path / "coordinator_v1"
    shutil.copytree(FIXTURE, directory)
    shown: list[str] = []
    original = UnlockScreen._error

    def record(self: UnlockScreen, message: str, *, error: bool = True) -> None:
        shown.append(message)
        original(self, message, error=error)

    monkeypatch.setattr(UnlockScreen, "_error", record)
    service = CoordinatorService(directory)
    app = CoordinatorApp(directory, config=Config(), session=service)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await unlock(pilot, _fixture_passphrase())
            await on_screen(pilot, CoordinatorScreen)
    finally:
        service.release()
    assert any("stelle die Daten einmalig auf diese kim-Version um" in m for m in shown), shown


async def test_at_80x24_the_report_figures_show_below_the_chart(
    coordinator_app: CoordinatorApp,
) -> None:
    """The need chart (up to twelve areas, two lines each) scrolls in its own part: the table
    of figures keeps its room on a small terminal instead of being pushed out of sight."""
    from rich.text import Text

    app = coordinator_app
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await on_screen(pilot, CoordinatorScreen)
        await pilot.press("f7")
        await pilot.pause()
        # As tall as a chart of all twelve areas with a first and a last assessment.
        lines = ["Bedarf je Handlungsfeld"] + [f"Handlungsfeld {n:02d} ░░░ 1,2" for n in range(26)]
        app.screen.query_one("#chart", Static).update(Text("\n".join(lines)))
        await pilot.pause()
        text = screen_text(app)
        assert "Bedarf je Handlungsfeld" in text
        assert "Kennzahl" in text and "Wert" in text  # the table's head is in view
        table = app.screen.query_one("#cells", DataTable)
        assert table.region.height >= 5 and table.region.bottom <= 23
