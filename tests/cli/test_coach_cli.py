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
