"""Passphrase policy: strength estimate at init, passwd, recover and coordinator init (weak is
refused with the reason, `--allow-weak` overrides with a warning), NFC normalisation with a
one-time rewrap of older key files, and a warning for passphrase files others can read."""

from __future__ import annotations

import dataclasses
import os
import shutil
import unicodedata
from pathlib import Path

import pytest
from sqlmodel import Session, select

from kim_tui.domain.passphrase import assess
from kim_tui.store import keyfile
from kim_tui.store.models import AuditEvent
from kim_tui.store.vault import Vault
from tests.builders import closed_vault, run_kim, write_text
from tests.conftest import FAST_KDF_KIB, PASSPHRASE

pytestmark = pytest.mark.usefixtures("fast_default_kdf")

WEAK = "passwort123"
FIXTURES = Path(__file__).parent.parent / "fixtures"


def _secret(tmp_path: Path, name: str, text: str) -> Path:
    path = write_text(tmp_path / name, text + "\n")
    path.chmod(0o600)
    return path


def test_weakness_is_explained_in_german_and_english() -> None:
    strength = assess("geheimgeheim")
    assert not strength.acceptable
    assert "zu leicht zu erraten" in strength.message("de")
    assert "Wiederholungen" in strength.message("de")
    assert "Repeats" in strength.message("en")
    assert assess(PASSPHRASE).acceptable


def test_init_refuses_a_weak_passphrase_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pw = _secret(tmp_path, "pw", WEAK)
    code, _out, err = run_kim(
        capsys, "init", "--vault", str(tmp_path / "v"), "--passphrase-file", str(pw)
    )
    assert code == 1
    assert "zu leicht zu erraten" in err and "--allow-weak" in err
    assert not (tmp_path / "v").exists()


def test_allow_weak_sets_it_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pw = _secret(tmp_path, "pw", WEAK)
    code, _out, err = run_kim(
        capsys, "init", "--vault", str(tmp_path / "v"), "--passphrase-file", str(pw), "--allow-weak"
    )
    assert code == 0
    assert "Warnung (--allow-weak)" in err and "zu leicht zu erraten" in err
    Vault.open(tmp_path / "v", WEAK, migrate_schema=False).close()


def test_too_short_is_refused_even_with_allow_weak(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pw = _secret(tmp_path, "pw", "kurz")
    code, _out, err = run_kim(
        capsys, "init", "--vault", str(tmp_path / "v"), "--passphrase-file", str(pw), "--allow-weak"
    )
    assert code == 1 and "mindestens 10 Zeichen" in err
    assert not (tmp_path / "v").exists()


@pytest.mark.parametrize("command", ["passwd", "recover", "coordinator-init"])
def test_every_command_that_sets_a_passphrase_checks_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    weak = _secret(tmp_path, "weak", WEAK)
    if command == "coordinator-init":
        argv = ["coordinator", "init", "--dir", str(tmp_path / "c"), "--passphrase-file", str(weak)]
        target = tmp_path / "c"
    else:
        directory = tmp_path / "v"
        vault, recovery = Vault.create(directory, PASSPHRASE, kdf_memory_kib=FAST_KDF_KIB)
        vault.close()
        target = directory / "vault.key"
        if command == "passwd":
            old = _secret(tmp_path, "old", PASSPHRASE)
            argv = ["passwd", "--vault", str(directory), "--passphrase-file", str(old)]
        else:
            rk = _secret(tmp_path, "rk", recovery)
            argv = ["recover", "--vault", str(directory), "--recovery-key-file", str(rk)]
        argv += ["--new-passphrase-file", str(weak)]
    before = target.read_bytes() if target.is_file() else None
    code, _out, err = run_kim(capsys, *argv)
    assert code == 1 and "zu leicht zu erraten" in err
    assert (target.read_bytes() if target.is_file() else None) == before
    assert target.is_file() or not target.exists()
    code, _out, err = run_kim(capsys, *argv, "--allow-weak")
    assert code == 0 and "Warnung (--allow-weak)" in err


@pytest.mark.skipif(os.name != "posix", reason="mode bits mean nothing on Windows (ACLs)")
def test_a_passphrase_file_others_can_read_draws_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = closed_vault(tmp_path / "vault")
    pw = _secret(tmp_path, "pw", PASSPHRASE)
    code, _out, err = run_kim(
        capsys, "check", "--vault", str(directory), "--passphrase-file", str(pw)
    )
    assert code == 0 and "lesbar" not in err
    pw.chmod(0o644)
    code, _out, err = run_kim(
        capsys, "check", "--vault", str(directory), "--passphrase-file", str(pw)
    )
    assert code == 0  # still used
    assert "auch für andere lesbar (Rechte 644)" in err and "chmod 600" in err


NFC = unicodedata.normalize("NFC", "Grüße aus Köln, schön")
NFD = unicodedata.normalize("NFD", NFC)


def test_both_unicode_forms_open_the_same_vault(tmp_path: Path) -> None:
    assert NFC != NFD
    vault, _rk = Vault.create(tmp_path / "v", NFD, kdf_memory_kib=FAST_KDF_KIB)
    vault.close()
    Vault.open(tmp_path / "v", NFC).close()
    Vault.open(tmp_path / "v", bytearray(NFD.encode())).close()


def test_a_key_file_from_before_normalisation_opens_and_is_rewrapped_once(tmp_path: Path) -> None:
    directory = tmp_path / "v"
    vault, _rk = Vault.create(directory, NFC, kdf_memory_kib=FAST_KDF_KIB)
    assert vault._dek is not None
    dek, kf = bytearray(vault._dek), vault.keyfile
    vault.close()
    # What an older kim wrote: the key wrapped under exactly what was typed (here NFD).
    old_wrap = keyfile._wrap(
        keyfile._derive(bytearray(NFD.encode()), kf.kdf),
        dek,
        keyfile._aad(kf.vault_id, "passphrase"),
    )
    dataclasses.replace(kf, wrapped_by_passphrase=old_wrap).write(directory / "vault.key")
    legacy = (directory / "vault.key").read_bytes()

    with Vault.open(directory, NFD) as vault, Session(vault.engine) as s:
        events = s.exec(
            select(AuditEvent).where(AuditEvent.action == "vault.passphrase_normalised")
        ).all()
        assert len(events) == 1
    assert (directory / "vault.key").read_bytes() != legacy
    # From now on the NFC form opens it, and no second rewrap happens.
    renewed = (directory / "vault.key").read_bytes()
    Vault.open(directory, NFC).close()
    Vault.open(directory, NFD).close()
    assert (directory / "vault.key").read_bytes() == renewed


def test_the_version_1_fixture_still_opens(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "vault_v1", tmp_path / "v1")
    passphrase = (FIXTURES / "vault_v1.passphrase").read_text().strip()
    with Vault.open(tmp_path / "v1", passphrase) as vault:
        assert vault.check().ok
