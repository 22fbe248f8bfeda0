"""`kim --lang en coordinator …`: the coordinator commands' own messages in English."""

from __future__ import annotations

from pathlib import Path

import pytest

from kim_tui.cli import main
from kim_tui.i18n import language
from tests.conftest import FAST_KDF_KIB

GERMAN = ("Ablage", "Fingerabdruck", "Schlüssel", "Passwort", "Pakete", "eingeschrieben")


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    from kim_tui.store import keyfile

    monkeypatch.setitem(keyfile.DEFAULT_KDF, "memory_kib", FAST_KDF_KIB)


def test_coordinator_commands_speak_english_with_lang_en(
    tmp_path: Path, passphrase_file: Path, vault_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    coord = tmp_path / "coord"
    cdir = ["--dir", str(coord), "--passphrase-file", str(passphrase_file)]
    en = ["--lang", "en", "coordinator"]
    rk = ["--recovery-key-file", str(tmp_path / "rk")]
    assert main([*en, "init", *cdir, "--name", "Kreis", *rk]) == 0
    out = capsys.readouterr().out
    assert "Coordinator store created" in out and "Fingerprint:" in out
    assert language() == "de"  # put back after the command

    from kim_tui.store.vault import Vault

    Vault.create(vault_dir, "x" * 12, kdf_memory_kib=FAST_KDF_KIB)[0].close()
    pw = tmp_path / "coach-pw"
    pw.write_text("x" * 12 + "\n")
    coach = ["--vault", str(vault_dir), "--passphrase-file", str(pw)]
    assert main(["identity", *coach, "--out", str(tmp_path / "coach.pub"), "--name", "A"]) == 0
    capsys.readouterr()
    assert main([*en, "enroll", *cdir, str(tmp_path / "coach.pub")]) == 0
    assert main([*en, "held", *cdir]) == 0
    assert main([*en, "enroll", *cdir, "--revoke", str(tmp_path / "coach.pub")]) == 0
    assert main([*en, "held", "--dir", str(tmp_path / "none"), "--passphrase-file",
                 str(passphrase_file)]) == 1  # fmt: skip
    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase at all\n")
    assert main([*en, "held", "--dir", str(coord), "--passphrase-file", str(wrong)]) == 1
    captured = capsys.readouterr()
    out, err = captured.out, captured.err
    assert "Coach enrolled: A" in out and "Fingerprint:" in out
    assert "No bundles held back." in out and "revoked" in out
    assert "No coordinator store in" in err
    assert "Wrong passphrase" in err
    for word in GERMAN:
        assert word not in out + err, word
    assert main(["coordinator", "held", *cdir]) == 0
    assert "Keine zurückgehaltenen Pakete." in capsys.readouterr().out
