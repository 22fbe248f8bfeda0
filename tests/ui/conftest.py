"""Pilot-test fixtures: a tiny, fully deterministic vault and helpers to drive the app.

Every follow-up in the seeded vault has its own due date, so the list order (due date, then
client name, then id) never depends on random ids. The template vault is built once per session
and copied for each test (creating and migrating a vault costs far more than copying it).
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from kim_tui.app import KimApp, make_app
from kim_tui.config import Config
from kim_tui.widgets.passphrase_input import PassphraseInput
from tests.conftest import FAST_KDF_KIB, FIXED_TODAY, PASSPHRASE

# Due dates as seen from Tuesday 24.11.2026.
D = date


@dataclass(frozen=True)
class Seeded:
    """Ids of the seeded vault, to assert on the store."""

    clients: dict[str, str]
    """Family name → client id."""
    cases: dict[str, str]
    """Family name → case id."""


def seed_small(workspace) -> Seeded:  # type: ignore[no-untyped-def]
    """Six clients, eight open follow-ups on eight distinct dates (all four groups)."""
    from kim_tui.domain.model import (
        AreaRatingDraft,
        AssessmentDraft,
        ClientDraft,
        ConsentDraft,
        ConsentPurpose,
        FollowUpDraft,
        GoalAgreementDraft,
        GoalDraft,
        IntakeDraft,
        ResidenceDraft,
        StepDraft,
    )

    clients: dict[str, str] = {}
    cases: dict[str, str] = {}

    def intake(given: str, family: str, born: date, **extra) -> str:  # type: ignore[no-untyped-def]
        residence = extra.pop("residence", None)
        targets = extra.pop("target_groups", ())
        client_id, case_id = workspace.intake(
            IntakeDraft(
                ClientDraft(given, family, born, **extra),
                D(2026, 10, 1),
                target_groups=targets,
                residence=residence,
                consents=(ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, D(2026, 10, 1)),),
            )
        )
        clients[family] = client_id
        cases[family] = case_id
        return case_id

    # Müller: overdue manual follow-up; residence reminder 8 weeks before 30.06.2027.
    case = intake(
        "Hans",
        "Müller",
        D(1980, 3, 15),
        nationality="DEU",
        residence=ResidenceDraft("duldung", valid_until=D(2027, 6, 30)),
        target_groups=("residence_improvement",),
    )
    workspace.add_follow_up(FollowUpDraft(case, D(2026, 11, 19), "Jobcenter anrufen"))
    # Kowalski (stage Zielvereinbarung): a goal step due Monday (overdue) and the agreement's
    # review date (later).
    case = intake("Piotr", "Kowalski", D(1975, 2, 2), target_groups=("catch_up",))
    workspace.add_assessment(AssessmentDraft(case, D(2026, 11, 3), (AreaRatingDraft("work", 2),)))
    workspace.add_goal_agreement(
        GoalAgreementDraft(
            case,
            D(2026, 11, 10),
            D(2027, 2, 10),
            (
                GoalDraft(
                    "work",
                    "Arbeit finden",
                    steps=(StepDraft("Lebenslauf schreiben", "client", D(2026, 11, 23)),),
                ),
            ),
        )
    )
    # Yılmaz: due today.
    case = intake("Şükrü", "Yılmaz", D(1988, 7, 1))
    workspace.add_follow_up(FollowUpDraft(case, D(2026, 11, 24), "Termin Ausländerbehörde"))
    # Nguyen: this week.
    case = intake("Lan", "Nguyen", D(1995, 12, 12))
    workspace.add_follow_up(FollowUpDraft(case, D(2026, 11, 26), "Bescheid prüfen"))
    # Mueller (another person than Müller): later.
    case = intake("Anna", "Mueller", D(1992, 5, 5))
    workspace.add_follow_up(FollowUpDraft(case, D(2026, 12, 15), "Sprachkurs nachfragen"))
    # Okafor: later.
    case = intake("Grace", "Okafor", D(1999, 9, 9))
    workspace.add_follow_up(FollowUpDraft(case, D(2027, 1, 12), "Wohnungssuche besprechen"))
    return Seeded(clients, cases)


def build_vault(
    directory: Path, seed: Callable[..., Seeded | None] | None = seed_small
) -> Seeded | None:
    """Create a fast-KDF vault in `directory`, fill it and close it again."""
    from kim_tui.service.workspace import Workspace
    from kim_tui.store.vault import Vault

    vault, _recovery = Vault.create(directory, PASSPHRASE, kdf_memory_kib=FAST_KDF_KIB)
    workspace = Workspace(vault, today=lambda: FIXED_TODAY)
    try:
        return seed(workspace) if seed is not None else None
    finally:
        workspace.close()
        if vault.is_open:
            vault.close()


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Seeded]:
    directory = tmp_path_factory.mktemp("template") / "vault"
    seeded = build_vault(directory)
    assert seeded is not None
    return directory, seeded


@pytest.fixture
def seeded(_template: tuple[Path, Seeded]) -> Seeded:
    return _template[1]


@pytest.fixture
def ui_vault(_template: tuple[Path, Seeded], tmp_path: Path) -> Path:
    """A private copy of the seeded vault (closed, unlocked by the app)."""
    target = tmp_path / "vault"
    shutil.copytree(_template[0], target)
    return target


@pytest.fixture(autouse=True)
def _intake_ahead_only_where_asked(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app builds the next intake form once the coach has not pressed a key for
    `IDLE_SECONDS` (wall time; `screens/intake_prebuild.py`). In a test that happened or not
    depending on how busy the machine was, and cost about 1.5 s CPU each time (the form is
    ≈ 200 widgets, styled and laid out while hidden): half the CPU of most Pilot tests. Here
    the coach never pauses that long, so F4 builds its form when pressed (the same screen, as
    right after unlocking). Tests marked `intake_ahead` (tests/ui/test_intake_ahead.py,
    tests/ui/test_daily_use.py) keep the product's timing."""
    if request.node.get_closest_marker("intake_ahead") is None:
        from kim_tui.screens import intake_prebuild

        monkeypatch.setattr(intake_prebuild, "IDLE_SECONDS", 24 * 3600.0)


@pytest.fixture
def snapshot(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Syrupy's `snapshot` again (tests/conftest.py reuses the name for vault file snapshots),
    so pytest-textual-snapshot's `snap_compare` works here."""
    from syrupy.assertion import SnapshotAssertion
    from syrupy.extensions.amber import AmberSnapshotExtension
    from syrupy.location import PyTestLocation

    return SnapshotAssertion(
        update_snapshots=request.config.option.update_snapshots,
        extension_class=AmberSnapshotExtension,
        test_location=PyTestLocation(request.node),
        session=request.session.config._syrupy,
    )


def new_app(vault_dir: Path, *, config: Config | None = None) -> KimApp:
    """The app as `kim` builds it, with a fixed today and no user config."""
    return make_app(vault_dir, language="de", config=config or Config(), today=lambda: FIXED_TODAY)


@pytest.fixture
def app(ui_vault: Path) -> KimApp:
    return new_app(ui_vault)


# -- driving helpers ----------------------------------------------------------------------------


async def until(pilot: Pilot, condition: Callable[[], object], timeout: float = 10.0) -> None:
    """Let the app run until `condition()` is true (workers run in threads)."""
    steps = int(timeout / 0.02)
    for _ in range(steps):
        if condition():
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError(f"condition not reached within {timeout} s")


async def type_text(pilot: Pilot, text: str, field_id: str | None = None) -> None:
    """Type `text` into an Input (focused, or `field_id` focused first) in one go.

    Pilot.press costs about 90 ms per key (it waits for idle twice), so long texts whose keys
    do not matter go in at once; Input.Changed fires as for typing.
    """
    app = pilot.app
    if field_id is not None:
        app.screen.query_one(f"#{field_id}", Input).focus()
        await pilot.pause()
    field = app.focused
    assert isinstance(field, Input), field
    if field.selected_text:  # like typing: replaces a selection (select_on_focus)
        field.delete_selection()
    field.insert_text_at_cursor(text)
    await pilot.pause()


async def unlock(pilot: Pilot, passphrase: str = PASSPHRASE) -> None:
    """Type the passphrase into the unlock screen and wait for the vault to open."""
    from kim_tui.screens.unlock import UnlockScreen

    app = pilot.app
    assert isinstance(app.screen, UnlockScreen)
    app.screen.query_one("#passphrase", PassphraseInput).type_text(passphrase)
    await pilot.press("enter")
    await until(pilot, lambda: app.is_unlocked and not isinstance(app.screen, UnlockScreen))  # type: ignore[attr-defined]


async def unlock_home(pilot: Pilot) -> None:
    """Unlock and wait for the Wiedervorlagen list."""
    from kim_tui.screens.follow_ups import FollowUpsScreen

    await unlock(pilot)
    await until(pilot, lambda: isinstance(pilot.app.screen, FollowUpsScreen))


async def on_screen(pilot: Pilot, screen_type: type) -> None:
    await until(pilot, lambda: isinstance(pilot.app.screen, screen_type))


def screen_text(app: KimApp) -> str:
    """What the terminal shows right now, as plain text (the top screen and what it covers)."""
    console = Console(
        width=app.size.width,
        height=app.size.height,
        file=io.StringIO(),
        record=True,
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text()


def column_text(table: DataTable, column: int) -> list[str]:
    """Plain text of one column, top to bottom."""
    return [_plain(table.get_row_at(i)[column]) for i in range(table.row_count)]


def row_texts(table: DataTable) -> list[str]:
    return [" | ".join(_plain(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def _plain(cell: object) -> str:
    return getattr(cell, "plain", str(cell))


def notifications(app: KimApp) -> list[str]:
    """Messages of the notifications raised so far (run_test hides the toasts themselves)."""
    return [n.message for n in app._notifications]
