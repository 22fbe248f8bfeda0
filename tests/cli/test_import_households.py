"""`kim import-clients` with the optional household columns (issue 14 § 6): rows with the same
"Haushalt" value become one household, each person with their own file, "Rolle im Haushalt"
gives the role; a wrong role names its line and imports nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from kim_tui.cli import main
from kim_tui.service.workspace import Workspace
from kim_tui.store.vault import Vault
from tests.builders import closed_vault
from tests.conftest import PASSPHRASE

HEADER = "Nachname;Vorname;Geburtsdatum;Aufenthaltsstatus;Haushalt;Rolle im Haushalt"
ROWS = [
    "Haddad;Samir;02.03.1985;Duldung;H1;",
    "Haddad;Lina;14.09.1988;Duldung;H1;Ehefrau",
    "Haddad;Omar;01.05.2014;;H1;Kind",
    "Haddad;Nour;20.01.2019;;h1;Tochter",
    "Müller;Jürgen;03.07.1971;;;",
]


def _run(csv: Path, vault_dir: Path, passphrase_file: Path) -> int:
    return main([
        "import-clients", str(csv), "--vault", str(vault_dir),
        "--passphrase-file", str(passphrase_file),
    ])  # fmt: skip


def test_rows_with_one_household_value_become_one_household(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault_dir = closed_vault(tmp_path / "vault")
    csv = tmp_path / "liste.csv"
    csv.write_text("\n".join([HEADER, *ROWS]), encoding="utf-8")
    assert _run(csv, vault_dir, passphrase_file) == 0
    out = capsys.readouterr().out
    assert "5 Klient*innen importiert" in out and "1 Haushalt verknüpft" in out
    with Vault.open(vault_dir, PASSPHRASE) as vault:
        ws = Workspace(vault)
        ids = {c.display_name: c.client_id for c in ws.caseload().items}
        household = ws.household(ids["Haddad, Samir"])
        assert household is not None and household.role == "reference"
        roles = {m.display_name: m.role for m in household.members}
        assert roles == {"Haddad, Lina": "spouse", "Haddad, Omar": "child", "Haddad, Nour": "child"}
        assert ws.household(ids["Müller, Jürgen"]) is None


def test_an_unknown_role_names_the_line_and_imports_nothing(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault_dir = closed_vault(tmp_path / "vault")
    csv = tmp_path / "liste.csv"
    rows = [*ROWS[:2], "Haddad;Omar;01.05.2014;;H1;Cousin", "Müller;Jürgen;03.07.1971;;;Kind"]
    csv.write_text("\n".join([HEADER, *rows]), encoding="utf-8")
    assert _run(csv, vault_dir, passphrase_file) == 1
    err = capsys.readouterr().err
    assert "Zeile 4: Rolle im Haushalt 'Cousin' unbekannt" in err
    assert "Zeile 5: Rolle im Haushalt ohne Haushalt" in err
    with Vault.open(vault_dir, PASSPHRASE) as vault:
        assert Workspace(vault).caseload().total == 0
