"""The CLI as a coach meets it: backups into a new folder, help in one language."""

from __future__ import annotations

from pathlib import Path

import pytest

from kim_tui.cli import main
from kim_tui.store.vault import Vault
from tests.conftest import FAST_KDF_KIB


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    from kim_tui.store import keyfile

    monkeypatch.setitem(keyfile.DEFAULT_KDF, "memory_kib", FAST_KDF_KIB)


def test_backup_into_a_new_folder_creates_it(
    tmp_path: Path,
    created_vault: tuple[Vault, str],
    vault_dir: Path,
    passphrase_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`kim backup --out` naming a folder that does not exist yet (a new one on the USB
    stick): the folder is made, as `kim export` does, instead of an error about a hidden work
    file the coach never named."""
    created_vault[0].close()
    out = tmp_path / "sicherungen" / "2026-12" / "kim.kimbackup"
    argv = ["backup", "--vault", str(vault_dir), "--passphrase-file", str(passphrase_file)]
    assert main([*argv, "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert ".kim-backup" not in captured.err + captured.out
    assert out.is_file()
    assert f"Ordner angelegt: {out.parent}" in captured.out


def test_german_help_has_no_english_argparse_words(capsys: pytest.CaptureFixture[str]) -> None:
    """`kim backup --help` in German: headings, -h and --passphrase-file are German and
    explained; with --lang en the same help is English."""
    with pytest.raises(SystemExit):
        main(["backup", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("Aufruf: kim backup")
    assert "Optionen:" in out and "diese Hilfe zeigen und beenden" in out
    for english in ("usage:", "options:", "show this help"):
        assert english not in out
    passphrase_line = next(
        line for line in out.splitlines() if line.startswith("  --passphrase-file")
    )
    assert "Datei mit dem Passwort" in passphrase_line
    with pytest.raises(SystemExit):
        main(["--lang", "en", "backup", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("usage: kim backup")
    assert "options:" in out and "file holding the passphrase" in out


def test_a_mistyped_command_is_answered_in_german(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["exprt"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("Aufruf: kim")
    assert "kim: Fehler: Angabe BEFEHL: ungültige Wahl: 'exprt' (möglich: 'init'" in err
    with pytest.raises(SystemExit):
        main(["backup"])
    assert "kim backup: Fehler: diese Angaben fehlen: --out" in capsys.readouterr().err


def test_export_without_identity_makes_no_folder(
    tmp_path: Path,
    created_vault: tuple[Vault, str],
    vault_dir: Path,
    passphrase_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`kim export --out NEW` before `kim identity`: the message names the command to run
    first, and no empty folder is left on the stick."""
    created_vault[0].close()
    out = tmp_path / "stick" / "kim-pakete"
    argv = ["export", "--vault", str(vault_dir), "--passphrase-file", str(passphrase_file)]
    assert main([*argv, "--out", str(out)]) != 0
    assert "zuerst `kim identity`" in capsys.readouterr().err
    assert not out.exists() and not out.parent.exists()
