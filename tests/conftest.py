"""Shared fixtures: cheap vaults (Argon2id at the 8 MiB floor), a fixed day, no user config."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

FIXED_TODAY = date(2026, 11, 24)
PASSPHRASE = "correct horse battery staple"
FAST_KDF_KIB = 8192  # the floor: tests need speed, not brute-force resistance
FAST_KDF_ITERATIONS = 1

# The longest test files (most time first: per-file sums of `--durations=0`), started
# first: `make test` hands whole files to the workers (--dist loadfile), and one of these picked
# up last would leave the other core idle while it runs. The other files follow, the likely
# longer first: number of tests times the CPU seconds a test of that folder takes on average
# (FOLDER_SECONDS, same measurement), so the run ends on short files.
LONG_FILES = (
    "tests/robustness/test_crash.py",
    "tests/ui/test_unsaved_input.py",
    "tests/robustness/test_key_memory.py",
    "tests/robustness/test_fuzz.py",
    "tests/ui/test_form_saves.py",
    "tests/ui/test_dialog_saves.py",
    "tests/ui/test_intake_ahead.py",
    "tests/robustness/test_tamper_bundles.py",
    "tests/domain/test_report_audit.py",
    "tests/robustness/test_tamper_vault.py",
    "tests/ui/test_case_file.py",
    "tests/ui/test_daily_use.py",
    "tests/robustness/test_cli_fuzz.py",
    "tests/ui/test_intake.py",
    "tests/ui/test_corrections.py",
    "tests/ui/test_snapshots.py",
)
FOLDER_SECONDS = {
    "ui": 0.8,
    "robustness": 1.2,
    "sync": 0.45,
    "store": 0.35,
    "service": 0.35,
    "cli": 0.3,
    "documents": 0.55,
    "coordinator": 0.3,
    "domain": 0.07,
    "demo": 0.07,
}


@pytest.hookimpl(optionalhook=True)  # pytest runs without xdist in some tests' subprocesses
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: two workers per core. A Pilot test sleeps about half its wall time (Textual's
    `wait_for_idle` after every key and pause), so one worker per core leaves the cores idle a
    third of the run; measured on two cores, 373 s with two workers, 229–264 s with four."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        cores = os.cpu_count() or 1
    return 2 * cores


def pytest_configure(config: pytest.Config) -> None:
    # pytest-xdist would sort the files by their number of tests (the SIGKILL test, one test
    # and a minute of CPU, came last and ran alone at the end): keep the order given below.
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False
    # Key files made in tests derive with one Argon2id pass instead of the product's three
    # (the memory floor stays, and so does every check of a file's parameters): the suite
    # derives about 1,700 keys, 41 CPU s of its 480 at three passes. Tests that need the
    # product's parameters set or read them explicitly (tests/cli/test_cli.py).
    from kim_tui.store import keyfile

    keyfile.DEFAULT_KDF["iterations"] = FAST_KDF_ITERATIONS


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """LONG_FILES first (in that order), then the other files, the likely longer first; the
    order inside every file is kept."""
    per_file: dict[str, int] = {}
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        per_file[path] = per_file.get(path, 0) + 1

    def rank(item: pytest.Item) -> tuple[int, float]:
        path = item.nodeid.split("::", 1)[0]
        if path in LONG_FILES:
            return LONG_FILES.index(path), 0.0
        folder = path.split("/")[1] if path.count("/") > 1 else ""
        return len(LONG_FILES), -per_file[path] * FOLDER_SECONDS.get(folder, 0.3)

    items.sort(key=rank)  # stable: the order inside every file is kept


@pytest.fixture(autouse=True)
def _no_user_config(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never read (or write) the developer's own kim config."""
    cfg = tmp_path_factory.mktemp("config") / "config.toml"
    monkeypatch.setenv("KIM_CONFIG_FILE", str(cfg))


@pytest.fixture
def fast_default_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands that create key files (`kim init`, `kim coordinator init`, passphrase changes)
    derive at the 8 MiB floor instead of the product default, through the default's own table.
    Use with `pytestmark = pytest.mark.usefixtures("fast_default_kdf")`."""
    from kim_tui.store import keyfile

    monkeypatch.setitem(keyfile.DEFAULT_KDF, "memory_kib", FAST_KDF_KIB)


@pytest.fixture
def english() -> Iterator[None]:
    """The UI language English for one test (German again afterwards, the default)."""
    from kim_tui.i18n import set_language

    set_language("en")
    try:
        yield
    finally:
        set_language("de")


@pytest.fixture
def today() -> date:
    return FIXED_TODAY


@pytest.fixture
def passphrase() -> str:
    return PASSPHRASE


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    return tmp_path / "vault"


@pytest.fixture(scope="session")
def _empty_vault_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """(directory, recovery key) of an empty vault made by `Vault.create` once per test process
    and closed again: `created_vault` copies its files (0.03 s CPU with the unlock) instead of
    creating and migrating a vault for every test (0.18 s)."""
    from kim_tui.store.vault import Vault

    directory = tmp_path_factory.mktemp("empty-vault-template") / "vault"
    vault, recovery = Vault.create(directory, PASSPHRASE, kdf_memory_kib=FAST_KDF_KIB)
    vault.close()
    return directory, recovery


@pytest.fixture
def created_vault(vault_dir: Path, _empty_vault_template: tuple[Path, str]):  # type: ignore[no-untyped-def]
    """(vault, recovery key) of an empty, open vault; closed at teardown if still open.

    A private copy of one template vault, unlocked with the passphrase: every test's vault has
    the same data key, vault id and recovery key as the others of its test process. A test that
    needs a vault of its own keys creates one (`Vault.create`, tests/builders.py `new_vault`).
    """
    from kim_tui.store.vault import Vault

    template, recovery = _empty_vault_template
    shutil.copytree(template, vault_dir, dirs_exist_ok=True)
    vault = Vault.open(vault_dir, PASSPHRASE)
    yield vault, recovery
    if vault.is_open:
        vault.close()


@pytest.fixture
def vault(created_vault):  # type: ignore[no-untyped-def]
    return created_vault[0]


@pytest.fixture
def recovery_key(created_vault) -> str:  # type: ignore[no-untyped-def]
    return created_vault[1]


@pytest.fixture
def workspace(vault):  # type: ignore[no-untyped-def]
    from kim_tui.service.workspace import Workspace

    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    yield ws
    if ws.is_open:
        ws.close()


@pytest.fixture
def passphrase_file(tmp_path: Path) -> Path:
    path = tmp_path / "pass.txt"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def snapshot_files(directory: Path) -> dict[str, bytes]:
    """Name → bytes of every file in a directory (not recursive), except the failed-unlock
    counter, which a wrong passphrase writes on purpose (tests/store/test_failed_unlocks.py)."""
    return {
        p.name: p.read_bytes()
        for p in sorted(directory.iterdir())
        if p.is_file() and not p.name.endswith(".failed-unlocks")
    }


@pytest.fixture
def snapshot() -> Iterator[object]:
    yield snapshot_files
