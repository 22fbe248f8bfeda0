"""Key files and settings that are hostile or broken (issue #13, section 7).

A key file is untrusted input: every tampered `vault.key` (and the coordinator's key file, the
same class) ends in one clear line and exit 1, never a traceback, a hang or an exhausted
machine, and leaves the database untouched. Out-of-range KDF parameters (which would make the
unlock take hours or all memory) are refused before Argon2 runs; a directory, FIFO or huge file
in the key file's place is refused before a byte is read; types are checked ("version": "1");
nesting thousands deep and 5,000-digit numbers are broken JSON like any other. A broken
settings file names itself and says what to do.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kim_tui.cli import main
from kim_tui.config import ConfigError, load_config
from kim_tui.store.keyfile import KeyFile
from kim_tui.store.vault import Vault
from tests.conftest import FAST_KDF_KIB, PASSPHRASE

Doc = dict[str, Any]


def _set(path: tuple[str, ...], value: object) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


# name → (change to the parsed key file, words the one error line must contain)
TAMPERED: dict[str, tuple[Callable[[Doc], None], str]] = {
    "memory huge": (_set(("kdf", "memory_kib"), 2**40), "memory_kib außerhalb"),
    "memory negative": (_set(("kdf", "memory_kib"), -1), "memory_kib außerhalb"),
    "memory zero": (_set(("kdf", "memory_kib"), 0), "memory_kib außerhalb"),
    "memory as text": (_set(("kdf", "memory_kib"), "131072"), "memory_kib ist keine ganze Zahl"),
    "memory as float": (_set(("kdf", "memory_kib"), 8192.5), "memory_kib ist keine ganze Zahl"),
    "iterations 10^9": (_set(("kdf", "iterations"), 10**9), "iterations außerhalb"),
    "iterations zero": (_set(("kdf", "iterations"), 0), "iterations außerhalb"),
    "iterations true": (_set(("kdf", "iterations"), True), "iterations ist keine ganze Zahl"),
    "lanes zero": (_set(("kdf", "lanes"), 0), "lanes außerhalb"),
    "lanes negative": (_set(("kdf", "lanes"), -4), "lanes außerhalb"),
    "lanes huge": (_set(("kdf", "lanes"), 2**32), "lanes außerhalb"),
    "salt a number": (_set(("kdf", "salt"), 5), "Felder fehlen oder sind ungültig"),
    "salt empty": (_set(("kdf", "salt"), ""), "Salz hat eine unzulässige Länge"),
    "kdf a list": (_set(("kdf",), [1, 2]), "Felder fehlen oder sind ungültig"),
    "wrapped a string": (_set(("wrapped",), "x"), "Felder fehlen oder sind ungültig"),
    "vault id a number": (_set(("vault_id",), 7), "Felder fehlen oder sind ungültig"),
    "version as text": (_set(("version",), "1"), "unbekannte Version der Schlüsseldatei"),
    "version missing": (_set(("version",), None), "unbekannte Version der Schlüsseldatei"),
    "version 2": (_set(("version",), 2), "Format-Version 2"),
}
# name → raw bytes of the key file
RAW: dict[str, tuple[bytes, str]] = {
    "deep nesting": (b'{"format": "kim-vault-key", "x": ' + b"[" * 30_000 + b"]" * 30_000 + b"}",
                     "kein gültiges JSON"),
    "5000-digit number": (b'{"format": "kim-vault-key", "version": ' + b"9" * 5000 + b"}",
                          "kein gültiges JSON"),
    "not UTF-8": (b"\xff\xfe{", "kein gültiges JSON"),
    "empty": (b"", "kein gültiges JSON"),
    "too large": (b" " * (64 * 1024 + 1), "zu groß"),
}  # fmt: skip


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("hostile") / "vault"
    Vault.create(directory, PASSPHRASE, kdf_memory_kib=FAST_KDF_KIB)[0].close()
    return directory


@pytest.fixture
def vault_dir(template: Path, tmp_path: Path) -> Path:
    directory = tmp_path / "vault"
    shutil.copytree(template, directory)
    return directory


def _check(vault_dir: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]) -> str:
    before = (vault_dir / "vault.db").read_bytes()
    result = main(["check", "--vault", str(vault_dir), "--passphrase-file", str(passphrase_file)])
    out, err = capsys.readouterr()
    assert result == 1
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kim: "), err
    assert (vault_dir / "vault.db").read_bytes() == before
    return lines[0]


@pytest.mark.parametrize("name", TAMPERED)
def test_tampered_key_file_is_one_clear_line(
    name: str, vault_dir: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mutate, words = TAMPERED[name]
    key = vault_dir / "vault.key"
    doc = json.loads(key.read_bytes())
    mutate(doc)
    key.write_text(json.dumps(doc))
    line = _check(vault_dir, passphrase_file, capsys)
    assert str(key) in line and words in line


@pytest.mark.parametrize("name", RAW)
def test_broken_key_file_bytes_are_one_clear_line(
    name: str, vault_dir: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, words = RAW[name]
    key = vault_dir / "vault.key"
    key.write_bytes(data)
    line = _check(vault_dir, passphrase_file, capsys)
    assert str(key) in line and words in line


def test_key_file_that_is_a_directory(
    vault_dir: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = vault_dir / "vault.key"
    key.unlink()
    key.mkdir()
    assert "ist ein Verzeichnis, keine Datei" in _check(vault_dir, passphrase_file, capsys)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_key_file_that_is_a_fifo_does_not_hang(
    vault_dir: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = vault_dir / "vault.key"
    key.unlink()
    os.mkfifo(key)
    assert "keine gewöhnliche Datei" in _check(vault_dir, passphrase_file, capsys)


def test_lock_file_that_is_a_directory(
    vault_dir: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (vault_dir / "vault.lock").unlink(missing_ok=True)
    (vault_dir / "vault.lock").mkdir()
    assert "vault.lock" in _check(vault_dir, passphrase_file, capsys)


def test_coordinator_key_file_is_checked_the_same_way(
    tmp_path: Path,
    passphrase_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kim_tui.store import keyfile

    monkeypatch.setitem(keyfile.DEFAULT_KDF, "memory_kib", FAST_KDF_KIB)
    directory = tmp_path / "coord"
    pw = ["--passphrase-file", str(passphrase_file)]
    rk = ["--recovery-key-file", str(tmp_path / "rk")]
    assert main(["coordinator", "init", "--dir", str(directory), *pw, *rk]) == 0
    capsys.readouterr()
    key = next(p for p in directory.iterdir() if p.suffix == ".key")
    doc = json.loads(key.read_bytes())
    doc["kdf"]["iterations"] = 10**9
    key.write_text(json.dumps(doc))
    for command in ("held", "passwd"):
        extra = ["--new-passphrase-file", str(passphrase_file)] if command == "passwd" else []
        assert main(["coordinator", command, "--dir", str(directory), *pw, *extra]) == 1
        err = capsys.readouterr().err
        assert "Traceback" not in err
        assert "iterations außerhalb des zulässigen Bereichs (1–16)" in err


def test_the_product_defaults_lie_within_the_bounds() -> None:
    kf, _dek, _rk = KeyFile.create(PASSPHRASE, kdf_memory_kib=FAST_KDF_KIB, created_at="x")
    doc = json.loads(kf.to_json())
    from kim_tui.store.keyfile import DEFAULT_KDF

    doc["kdf"].update(DEFAULT_KDF)
    assert KeyFile.from_json(json.dumps(doc).encode()).kdf.memory_kib == 128 * 1024


# -- settings ----------------------------------------------------------------------------------

BROKEN_CONFIGS = {
    "bad toml": (b"language = \n", "kein gültiges TOML"),
    "not utf-8": (b'coach_name = "\xff"\n', "nicht UTF-8"),
    "unknown key": (b"colour = 'red'\n", "unbekannte Einträge"),
    "language": (b"language = 'fr'\n", "language muss"),
    "minutes text": (b"idle_lock_minutes = 'zehn'\n", "idle_lock_minutes muss"),
    "minutes nan": (b"idle_lock_minutes = nan\n", "idle_lock_minutes muss"),
    "minutes negative": (b"idle_lock_minutes = -5\n", "idle_lock_minutes muss"),
    "name a table": (b"[coach_name]\nx = 1\n", "coach_name muss Text"),
    "deep nesting": (b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n", "kein gültiges TOML"),
    "long number": (b"idle_lock_minutes = " + b"9" * 5000 + b"\n", "Konfigurationsdatei"),
}


@pytest.mark.parametrize("name", BROKEN_CONFIGS)
def test_broken_config_names_the_file(name: str, tmp_path: Path) -> None:
    data, words = BROKEN_CONFIGS[name]
    path = tmp_path / "config.toml"
    path.write_bytes(data)
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert str(path) in str(refused.value) and words in str(refused.value)


def test_a_good_config_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("language = 'en'\nidle_lock_minutes = 5\ncoach_name = 'Ünal'\n")
    config = load_config(path)
    assert (config.language, config.idle_lock_minutes, config.coach_name) == ("en", 5.0, "Ünal")


def test_kim_with_a_broken_config_is_one_line(
    template: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"language = [1,\n")
    monkeypatch.setenv("KIM_CONFIG_FILE", str(path))
    assert main(["--vault", str(template)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"kim: Konfigurationsdatei {path}: kein gültiges TOML")
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert sys.stdin is not None  # the UI never started
