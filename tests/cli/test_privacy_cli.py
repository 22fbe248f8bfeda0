"""`kim init --regime`, `kim clients`, `kim retention`, `kim erase` and the erasure register at
`kim restore` (issue 12)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kim_tui.cli.privacy_setup import REGIME_CHOICES
from kim_tui.domain.model import ClosureDraft, ContactDraft
from kim_tui.domain.regime import REGIME_CODES
from kim_tui.service.workspace import Workspace
from kim_tui.store.vault import Vault
from tests.builders import intake_client, run_kim, vault_of_its_own
from tests.conftest import FIXED_TODAY, PASSPHRASE

pytestmark = pytest.mark.usefixtures("fast_default_kdf")


def _vault(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """Three clients: one open, one closed in 2022 (retention ended 31.12.2025), one with a
    name that tries to steer the terminal."""
    directory = tmp_path / "vault"
    vault, _rk = vault_of_its_own(directory)
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    ids = {}
    ids["open"], case = intake_client(ws, "Olga", "Offen", date(1990, 1, 2))
    ws.add_contact(ContactDraft(case, FIXED_TODAY, "phone", 5, note="Notiz über Olga Offen"))
    ids["closed"], old = intake_client(
        ws, "Carl", "Closed", date(1985, 5, 6), first_contact_on=date(2022, 3, 1)
    )
    ws.close_case(ClosureDraft(old, date(2022, 6, 30), "moved_away"))
    ids["odd"], _ = intake_client(ws, "Eve", "Evil\x1b[31m\u202e", date(1970, 7, 8))
    ws.close()
    return directory, ids


def test_regime_choices_match_the_data_file() -> None:
    assert REGIME_CHOICES == REGIME_CODES


def test_init_stores_the_regime_or_says_it_took_the_default(
    tmp_path: Path,
    passphrase_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # the recovery key files land here
    pw = str(passphrase_file)
    init = ("init", "--passphrase-file", pw, "--vault")
    code, out, _ = run_kim(
        capsys, *init, str(tmp_path / "a"), "--regime", "dsg-ekd", "--recovery-key-file", "rk"
    )
    assert code == 0
    with Vault.open(tmp_path / "a", PASSPHRASE) as vault:
        assert Workspace(vault).regime().cite("erasure") == "§ 21 DSG-EKD"
    code, out, _ = run_kim(capsys, *init, str(tmp_path / "b"), "--recovery-key-file", "rk2")
    assert code == 0 and "Datenschutzrecht: dsgvo (Standard" in out


def test_clients_lists_status_and_retention_sanitised(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory, ids = _vault(tmp_path)
    base = ("--vault", str(directory), "--passphrase-file", str(passphrase_file))
    code, out, _ = run_kim(capsys, "clients", *base)
    assert code == 0
    assert "Closed, Carl" in out and "31.12.2025" in out and "abgeschlossen" in out
    assert "\x1b" not in out and "\u202e" not in out and "\\u202e" in out
    code, out, _ = run_kim(capsys, "clients", *base, "--search", "offen", "--format", "json")
    (row,) = json.loads(out)
    assert row["id"] == ids["open"] and row["birth_date"] == "1990-01-02"
    assert row["retention_end"] is None and row["case_status"] == "intake"


def test_retention_lists_due_erasures_and_erase_removes_them(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory, ids = _vault(tmp_path)
    base = ("--vault", str(directory), "--passphrase-file", str(passphrase_file))
    code, out, _ = run_kim(capsys, "retention", *base, "--as-of", "24.11.2026", "--format", "json")
    assert code == 0 and [r["id"] for r in json.loads(out)] == [ids["closed"]]
    code, out, _ = run_kim(capsys, "retention", *base, "--as-of", "31.12.2025")
    assert "Ende des Abschlussjahres + 3 Jahre" in out and "0 Klient*in" in out

    code, _, err = run_kim(capsys, "erase", *base, "--client", ids["closed"], "--yes")
    assert code == 0
    code, _, err = run_kim(capsys, "erase", *base, "--client", ids["open"], "--yes")
    assert code == 1 and "nur mit Begründung" in err
    # Said before the confirmation is asked for (here: before "confirm at a terminal").
    code, _, err = run_kim(capsys, "erase", *base, "--client", ids["open"])
    assert code == 1 and "nur mit Begründung (--reason" in err and "Terminal" not in err
    code, out, _ = run_kim(
        capsys, "erase", *base, "--client", ids["open"], "--yes", "--reason", "Antrag"
    )
    assert code == 0 and "Art. 17 DSGVO" in out
    code, out, _ = run_kim(capsys, "clients", *base)
    assert "Closed" not in out and "Offen" not in out and "1 Klient*in" in out
    code, out, _ = run_kim(capsys, "retention", *base, "--as-of", "01.01.2040")
    assert "Closed" not in out and "Offen" not in out
    with Vault.open(directory, PASSPHRASE) as vault:
        report = vault.check()
        assert report.ok and report.counts["client"] == 1 and report.counts["erasedclient"] == 2
        assert report.counts["contactnote"] == 0


def test_restore_reapplies_the_register_of_the_current_vault(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory, ids = _vault(tmp_path)
    base = ("--vault", str(directory), "--passphrase-file", str(passphrase_file))
    backup = tmp_path / "backup.kim"
    assert run_kim(capsys, "backup", *base, "--out", str(backup))[0] == 0
    assert run_kim(capsys, "erase", *base, "--client", ids["closed"], "--yes")[0] == 0

    plain = tmp_path / "plain"
    code, out, _ = run_kim(capsys, "restore", str(backup), "--vault", str(plain))
    assert code == 0 and "Achtung: Die Sicherung ist vom" in out
    with Vault.open(plain, PASSPHRASE) as vault:
        assert ids["closed"] in {c.client_id for c in Workspace(vault).clients()}

    checked = tmp_path / "checked"
    code, out, _ = run_kim(
        capsys,
        "restore",
        str(backup),
        "--vault",
        str(checked),
        "--erasures-from",
        str(directory),
        "--passphrase-file",
        str(passphrase_file),
    )
    assert code == 0 and "1 Klient*in(nen) erneut gelöscht" in out
    with Vault.open(checked, PASSPHRASE) as vault:
        ws = Workspace(vault)
        assert ids["closed"] not in {c.client_id for c in ws.clients()}
        assert ids["closed"] in ws.erased_ids()
