"""`kim coordinator recover` and `kim coordinator passwd`: the coordinator's recovery key (written
by `kim coordinator init --recovery-key-file`) sets a new passphrase on its store, the way
`kim recover` does for a coach's vault; a wrong key, a wrong passphrase or a store open in
another process change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from kim_tui.coordinator.service import CoordinatorService
from kim_tui.coordinator.store import KEY_FILE, PUB_FILE, CoordinatorStore
from tests.builders import file_digests, run_kim, write_text
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.usefixtures("fast_default_kdf")

NEW_PASSPHRASE = "neues Passwort der Koordinierung"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return {
        "old": write_text(tmp_path / "pw", PASSPHRASE + "\n"),
        "new": write_text(tmp_path / "pw-neu", NEW_PASSPHRASE + "\n"),
    }


@pytest.fixture
def coord(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> tuple[Path, Path]:
    """A coordinator store made by `kim coordinator init`; (directory, recovery key file)."""
    directory, rk = tmp_path / "coord", tmp_path / "recovery.txt"
    code, _out, err = run_kim(
        capsys,
        "coordinator",
        "init",
        "--dir",
        str(directory),
        "--passphrase-file",
        str(files["old"]),
        "--name",
        "KI Oberhausen",
        "--recovery-key-file",
        str(rk),
    )
    assert code == 0, err
    return directory, rk


def _held(capsys: pytest.CaptureFixture[str], directory: Path, pw: Path) -> tuple[int, str]:
    """Open the store with a passphrase file the way a coordinator would (list held forks)."""
    code, out, err = run_kim(
        capsys, "coordinator", "held", "--dir", str(directory), "--passphrase-file", str(pw)
    )
    return code, out + err


def test_recover_with_the_key_from_init_sets_a_new_passphrase(
    coord: tuple[Path, Path], files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    directory, rk = coord
    pub_before = (directory / PUB_FILE).read_bytes()
    code, out, err = run_kim(
        capsys,
        "coordinator",
        "recover",
        "--dir",
        str(directory),
        "--recovery-key-file",
        str(rk),
        "--new-passphrase-file",
        str(files["new"]),
    )
    assert code == 0, err
    assert "Neues Passwort gesetzt. Der Wiederherstellungsschlüssel gilt weiter." in out

    # The new passphrase opens the store, the old one no longer does.
    code, shown = _held(capsys, directory, files["new"])
    assert code == 0 and "Keine zurückgehaltenen Pakete." in shown
    code, shown = _held(capsys, directory, files["old"])
    assert code == 1
    assert "Passwort ist falsch. Die Ablage wurde nicht verändert." in shown
    # Same store, same keys: coaches keep encrypting to the same coordinator.pub.
    with CoordinatorStore.open(directory, NEW_PASSPHRASE) as store:
        assert store.public().to_json() == pub_before
    # The recovery key still works a second time, typed sloppily (lower case, no dashes).
    sloppy = write_text(rk.with_name("rk-sloppy"), rk.read_text().strip().lower().replace("-", ""))
    code, _out, err = run_kim(
        capsys,
        "coordinator",
        "recover",
        "--dir",
        str(directory),
        "--recovery-key-file",
        str(sloppy),
        "--new-passphrase-file",
        str(files["old"]),
    )
    assert code == 0, err
    assert _held(capsys, directory, files["old"])[0] == 0


def test_recover_with_a_wrong_key_changes_nothing(
    coord: tuple[Path, Path], files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    directory, rk = coord
    right = rk.read_text().strip()
    wrong = write_text(rk.with_name("wrong"), ("B" if right[0] != "B" else "C") + right[1:] + "\n")
    before = file_digests(directory)
    code, out, err = run_kim(
        capsys,
        "coordinator",
        "recover",
        "--dir",
        str(directory),
        "--recovery-key-file",
        str(wrong),
        "--new-passphrase-file",
        str(files["new"]),
    )
    assert code == 1 and not out
    assert "Wiederherstellungsschlüssel ist falsch. Die Ablage wurde nicht verändert." in err
    assert file_digests(directory) == before
    assert _held(capsys, directory, files["old"])[0] == 0


def test_recover_refuses_while_the_coordinator_ui_has_the_store_open(
    coord: tuple[Path, Path], files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    directory, rk = coord
    before = file_digests(directory)
    service = CoordinatorService(directory)  # what `kim coordinator ui` unlocks
    service.unlock(PASSPHRASE)
    try:
        code, _out, err = run_kim(
            capsys,
            "coordinator",
            "recover",
            "--dir",
            str(directory),
            "--recovery-key-file",
            str(rk),
            "--new-passphrase-file",
            str(files["new"]),
        )
    finally:
        service.release()
    assert code == 1
    assert "ist bereits in einem anderen kim-Prozess geöffnet" in err
    assert file_digests(directory) == before
    # Once the other process has closed it, the same command works.
    code, _out, err = run_kim(
        capsys,
        "coordinator",
        "recover",
        "--dir",
        str(directory),
        "--recovery-key-file",
        str(rk),
        "--new-passphrase-file",
        str(files["new"]),
    )
    assert code == 0, err


def test_recover_refuses_a_too_short_new_passphrase(
    coord: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    directory, rk = coord
    short = write_text(rk.with_name("short"), "kurz\n")
    before = file_digests(directory)
    code, _out, err = run_kim(
        capsys,
        "coordinator",
        "recover",
        "--dir",
        str(directory),
        "--recovery-key-file",
        str(rk),
        "--new-passphrase-file",
        str(short),
    )
    assert code == 1 and "Das Passwort muss mindestens" in err
    assert file_digests(directory) == before


def test_recover_on_a_folder_without_a_store_names_the_coordinator_command(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    rk = write_text(tmp_path / "rk", "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789\n")
    empty = tmp_path / "leer"
    empty.mkdir()
    code, _out, err = run_kim(
        capsys,
        "coordinator",
        "recover",
        "--dir",
        str(empty),
        "--recovery-key-file",
        str(rk),
        "--new-passphrase-file",
        str(files["new"]),
    )
    assert code == 1
    assert f"Keine Koordinierungs-Ablage in {empty}" in err
    assert "kim coordinator init" in err and "kim init" not in err
    assert "Tresor" not in err
    assert not any(empty.iterdir())


def test_passwd_changes_the_passphrase_and_a_wrong_old_one_changes_nothing(
    coord: tuple[Path, Path], files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    directory, rk = coord
    before = file_digests(directory)
    wrong = write_text(rk.with_name("falsch"), "nicht das richtige Passwort\n")
    code, _out, err = run_kim(
        capsys,
        "coordinator",
        "passwd",
        "--dir",
        str(directory),
        "--passphrase-file",
        str(wrong),
        "--new-passphrase-file",
        str(files["new"]),
    )
    assert code == 1 and "Passwort ist falsch. Die Ablage wurde nicht verändert." in err
    assert file_digests(directory) == before

    code, out, err = run_kim(
        capsys,
        "coordinator",
        "passwd",
        "--dir",
        str(directory),
        "--passphrase-file",
        str(files["old"]),
        "--new-passphrase-file",
        str(files["new"]),
    )
    assert code == 0, err
    assert "Passwort geändert." in out
    assert _held(capsys, directory, files["new"])[0] == 0
    assert _held(capsys, directory, files["old"])[0] == 1
    # Only the key file changed: the data was not re-encrypted.
    after = file_digests(directory)
    assert after[KEY_FILE] != before[KEY_FILE]
    assert after[PUB_FILE] == before[PUB_FILE]
