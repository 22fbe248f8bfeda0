"""With `kim --lang en`, the errors that reach the coach from below the commands read English
(issue 13 §9): a broken settings file, a rule a CSV row breaks, a report period the wrong way
round, a vault database that cannot be read, a damaged change log (write-ahead log). Without
`--lang` the same errors keep their German wording."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from kim_tui.service.workspace import Workspace
from kim_tui.store.vault import Vault
from tests.builders import closed_vault, intake_client, new_vault, run_kim, write_text
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.usefixtures("fast_default_kdf")

GERMAN = ("Datei", "Tresor", "nicht", "Bitte", "bitte", "liegt", "Zukunft", "beschädigt", "muss")


def _english(text: str) -> None:
    found = [word for word in GERMAN if word in text]
    assert not found, f"German under --lang en: {found}:\n{text}"


def test_settings_file_and_csv_rule_errors_read_english(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ("--vault", str(closed_vault(tmp_path / "v")), "--passphrase-file", str(passphrase_file))
    future = write_text(
        tmp_path / "rows.csv", "Nachname;Vorname;Geburtsdatum\nMeyer;Jana;01.01.2030\n"
    )
    code, out, err = run_kim(
        capsys, "--lang", "en", "import-clients", str(future), *base, "--dry-run"
    )
    assert code == 1 and "Row 2: Geburtsdatum: Date of birth 01.01.2030 is in the future" in err
    _english(out + err)  # the column name is the file's own heading
    code, out, err = run_kim(capsys, "import-clients", str(future), *base, "--dry-run")
    assert code == 1 and "Geburtsdatum 01.01.2030 liegt in der Zukunft" in err

    Path(os.environ["KIM_CONFIG_FILE"]).write_text('language = "fr"\n', encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    access = ("subject-access", *base, "--client", "x", "--out", str(out_dir))
    code, _out, err = run_kim(capsys, "--lang", "en", *access)
    assert code == 1 and "Settings file " in err
    assert "language must be 'de' or 'en'. Please correct or delete the file" in err
    _english(err)
    code, _out, err = run_kim(capsys, *access)
    assert (
        code == 1 and "Konfigurationsdatei " in err and "language muss 'de' oder 'en' sein" in err
    )


def test_report_period_error_reads_english(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = (
        "coordinator", "report", "--dir", str(tmp_path / "coord"),
        "--passphrase-file", str(passphrase_file), "--from", "01.02.2026", "--to", "01.01.2026",
    )  # fmt: skip
    code, _out, err = run_kim(capsys, "--lang", "en", *report)
    assert code == 1 and "--from is after --to." in err
    code, _out, err = run_kim(capsys, *report)
    assert code == 1 and "--from liegt nach --to." in err


def test_unreadable_database_reads_english(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = closed_vault(tmp_path / "v")
    (vault / "vault.db").write_bytes(os.urandom(8192))
    code, _out, err = run_kim(
        capsys, "--lang", "en", "check", "--vault", str(vault), "--passphrase-file",
        str(passphrase_file),
    )  # fmt: skip
    assert code == 1 and "cannot be read with this key (damaged or another program's file)" in err
    _english(err)


def test_damaged_change_log_reads_english(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A vault left open (changes only in its write-ahead log) whose log is damaged in the
    middle: `kim check` refuses it, in English, and points to the README section."""
    source = tmp_path / "open"
    vault, _rk = new_vault(source)
    vault.close()
    vault = Vault.open(source, PASSPHRASE)
    workspace = Workspace(vault)
    for number in range(10):
        intake_client(workspace, f"Vorname{number}", "Familie", date(1980, 1, 1 + number))
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("vault.key", "vault.db", "vault.db-wal"):
        shutil.copy2(source / name, copy / name)
    workspace.close()
    wal = bytearray((copy / "vault.db-wal").read_bytes())
    wal[len(wal) // 2] ^= 0x10
    (copy / "vault.db-wal").write_bytes(bytes(wal))

    argv = ("check", "--vault", str(copy), "--passphrase-file", str(passphrase_file))
    code, _out, err = run_kim(capsys, "--lang", "en", *argv)
    assert code == 1 and "vault.db-wal is damaged or not a kim file: Section " in err
    assert "valid sections of saved changes after it would be lost on opening" in err
    assert "Nothing was changed. Please restore the latest backup (kim restore)" in err
    code, _out, err = run_kim(capsys, *argv)
    assert code == 1 and "gültige Abschnitte gespeicherter Änderungen" in err
    assert (copy / "vault.db-wal").read_bytes() == bytes(wal)
