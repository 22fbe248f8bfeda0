"""`kim connect` and `kim export` at their edges: both fingerprint forms, a missing --out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kim_tui.cli import main
from kim_tui.store.vault import Vault
from kim_tui.sync.identity import display_fingerprint
from tests.conftest import FAST_KDF_KIB, PASSPHRASE


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    from kim_tui.store import keyfile

    monkeypatch.setitem(keyfile.DEFAULT_KDF, "memory_kib", FAST_KDF_KIB)


def _coordinator(tmp_path: Path, passphrase_file: Path, name: str = "coord") -> Path:
    directory = tmp_path / name
    argv = ["coordinator", "init", "--dir", str(directory), "--passphrase-file",
            str(passphrase_file), "--name", "Kreis",
            "--recovery-key-file", str(tmp_path / f"{name}.rk")]  # fmt: skip
    assert main(argv) == 0
    return directory / "coordinator.pub"


def _vault(tmp_path: Path) -> Path:
    directory = tmp_path / "vault"
    vault, _rk = Vault.create(directory, PASSPHRASE, kdf_memory_kib=FAST_KDF_KIB)
    vault.close()
    return directory


def _connect(pub: Path, vault_dir: Path, passphrase_file: Path, fingerprint: str) -> int:
    return main(["connect", str(pub), "--vault", str(vault_dir), "--passphrase-file",
                 str(passphrase_file), "--fingerprint", fingerprint])  # fmt: skip


def test_connect_accepts_both_fingerprint_forms(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pub = _coordinator(tmp_path, passphrase_file)
    vault_dir = _vault(tmp_path)
    hex_form = json.loads(pub.read_text())["fingerprint"]
    shown = display_fingerprint(hex_form)
    capsys.readouterr()
    for typed in (
        hex_form,
        hex_form.upper(),
        ":".join(hex_form[i : i + 2] for i in range(0, 64, 2)),
        " ".join(hex_form[i : i + 8] for i in range(0, 64, 8)),
        shown,
        shown.lower(),
        shown.replace("-", " "),
    ):
        assert _connect(pub, vault_dir, passphrase_file, typed) == 0, typed
        assert "Stimmt mit dem angegebenen" in capsys.readouterr().out
    wrong = ("0" if hex_form[0] != "0" else "1") + hex_form[1:]
    for typed in (wrong, hex_form[:-1], shown[:-1]):
        assert _connect(pub, vault_dir, passphrase_file, typed) != 0, typed
        assert "stimmt nicht überein" in capsys.readouterr().err


def _identity_and_connect(
    tmp_path: Path, vault_dir: Path, passphrase_file: Path, pub: Path
) -> None:
    common = ["--vault", str(vault_dir), "--passphrase-file", str(passphrase_file)]
    assert main(["identity", *common, "--out", str(tmp_path / "coach.pub"), "--name", "Anna"]) == 0
    fingerprint = json.loads(pub.read_text())["fingerprint"]
    assert _connect(pub, vault_dir, passphrase_file, fingerprint) == 0


def test_export_creates_a_missing_target_folder_for_its_owner_only(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault_dir = _vault(tmp_path)
    _identity_and_connect(
        tmp_path, vault_dir, passphrase_file, _coordinator(tmp_path, passphrase_file)
    )
    capsys.readouterr()
    out = tmp_path / "neu" / "tiefer" / "pakete"
    common = ["--vault", str(vault_dir), "--passphrase-file", str(passphrase_file)]
    assert main(["export", *common, "--out", str(out)]) == 0
    assert f"Zielverzeichnis angelegt: {out}" in capsys.readouterr().out
    assert len(list(out.glob("*.kimb"))) == 1
    for folder in (out, out.parent, out.parent.parent):
        assert folder.stat().st_mode & 0o777 == 0o700
    assert main(["export", *common, "--out", str(out)]) == 0  # exists now: nothing to say
    assert "angelegt" not in capsys.readouterr().out
    blocker = tmp_path / "datei"
    blocker.write_text("x")
    assert main(["export", *common, "--out", str(blocker)]) != 0
    assert "ist kein Ordner" in capsys.readouterr().err
