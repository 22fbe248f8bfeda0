"""`kim import-clients` against a real vault: German Excel files, all-or-nothing, duplicates."""

from __future__ import annotations

from pathlib import Path

import pytest

from kim_tui.cli import main
from kim_tui.service.workspace import Workspace
from kim_tui.store.vault import Vault
from tests.builders import closed_vault
from tests.conftest import PASSPHRASE

HEADER = "Nachname;Vorname;Geburtsdatum;Staatsangehörigkeit;Aufenthaltsstatus;Gültig bis"
GOOD = [
    "Müller;Jürgen;03.07.1971;Deutschland;;",
    "Yılmaz;Şükrü;1990-01-02;Türkei;Duldung;31.12.2027",
    "Al-Hassan;Amira;15.05.1995;Syrien;AE § 25 Abs. 2 GFK;30.06.2028",
]


def _clients(directory: Path) -> list[str]:
    with Vault.open(directory, PASSPHRASE) as vault:
        return [c.display_name for c in Workspace(vault).caseload().items]


def _run(csv: Path, vault_dir: Path, passphrase_file: Path, *extra: str) -> int:
    return main([
        "import-clients", str(csv), "--vault", str(vault_dir),
        "--passphrase-file", str(passphrase_file), *extra,
    ])  # fmt: skip


def test_windows_1252_semicolon_file_imports_every_row(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault_dir = closed_vault(tmp_path / "vault")
    csv = tmp_path / "liste.csv"
    # Windows-1252 cannot hold "ı" and "Ş": Excel writes such names as UTF-8 only, so this
    # file carries the German rows in cp1252 and the Turkish one in transliteration.
    rows = [HEADER, GOOD[0], "Yilmaz;Sükrü;1990-01-02;Türkei;Duldung;31.12.2027", GOOD[2]]
    csv.write_bytes("\r\n".join(rows).encode("cp1252"))
    assert _run(csv, vault_dir, passphrase_file) == 0
    assert "3 Klient*innen importiert" in capsys.readouterr().out
    assert sorted(_clients(vault_dir)) == ["Al-Hassan, Amira", "Müller, Jürgen", "Yilmaz, Sükrü"]


def test_utf8_bom_file_keeps_turkish_letters(tmp_path: Path, passphrase_file: Path) -> None:
    vault_dir = closed_vault(tmp_path / "vault")
    csv = tmp_path / "liste.csv"
    csv.write_bytes("\ufeff".encode() + "\n".join([HEADER, *GOOD]).encode())
    assert _run(csv, vault_dir, passphrase_file) == 0
    assert "Yılmaz, Şükrü" in _clients(vault_dir)


def test_a_file_with_mistakes_imports_nothing_and_names_each_line(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault_dir = closed_vault(tmp_path / "vault")
    csv = tmp_path / "fehler.csv"
    rows = [HEADER, GOOD[0], "Weber;Anna;31.02.1990;;;", "Kaya;Emre;01.01.1985;;Fantasie;"]
    csv.write_bytes("\n".join(rows).encode())
    assert _run(csv, vault_dir, passphrase_file) == 1
    err = capsys.readouterr().err
    assert "nichts importiert" in err
    assert "Zeile 3" in err and "31.02.1990" in err
    assert "Zeile 4" in err and "Fantasie" in err
    assert _clients(vault_dir) == []


def test_importing_the_same_list_twice_is_stopped_by_the_duplicate_check(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault_dir = closed_vault(tmp_path / "vault")
    csv = tmp_path / "liste.csv"
    csv.write_bytes("\n".join([HEADER, *GOOD]).encode())
    assert _run(csv, vault_dir, passphrase_file) == 0
    capsys.readouterr()
    assert _run(csv, vault_dir, passphrase_file) == 1
    err = capsys.readouterr().err
    assert "3 mögliche Dublette(n), nichts importiert" in err
    assert "Zeile 2: vermutlich schon im Tresor: Müller, Jürgen" in err
    assert len(_clients(vault_dir)) == 3
    assert _run(csv, vault_dir, passphrase_file, "--allow-duplicates") == 0
    assert len(_clients(vault_dir)) == 6


def test_dry_run_and_template_touch_no_vault(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "vorlage.csv"
    assert main(["import-clients", "--template", str(template)]) == 0
    assert template.read_bytes().startswith("\ufeff".encode())
    csv = tmp_path / "liste.csv"
    csv.write_bytes("\n".join([HEADER, *GOOD]).encode())
    assert main(["import-clients", str(csv), "--dry-run"]) == 0
    assert "3 Zeile(n) geprüft" in capsys.readouterr().out


@pytest.mark.parametrize("delimiter", [";", ","])
def test_template_imports_back(tmp_path: Path, passphrase_file: Path, delimiter: str) -> None:
    vault_dir = closed_vault(tmp_path / "vault")
    template = tmp_path / "vorlage.csv"
    assert main(["import-clients", "--template", str(template), "--csv-delimiter", delimiter]) == 0
    data = template.read_bytes()
    assert data.startswith("\ufeff".encode()) and data.decode("utf-8-sig").count(delimiter) >= 5
    # Filled in as Excel saves it: the template's header, full rows with the same separator.
    columns = data.decode("utf-8-sig").strip().split(delimiter)
    given = [dict(zip(HEADER.split(";"), row.split(";"), strict=True)) for row in GOOD]
    rows = [delimiter.join(row.get(column, "") for column in columns) for row in given]
    template.write_bytes(data + "\r\n".join(rows).encode() + b"\r\n")
    assert _run(template, vault_dir, passphrase_file) == 0
    assert sorted(_clients(vault_dir)) == ["Al-Hassan, Amira", "Müller, Jürgen", "Yılmaz, Şükrü"]


def test_the_duplicate_check_names_why_each_row_matched(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11 § 5: placeholder date, swapped names a day off, transliteration; each with its
    reason (the row text itself goes through the sanitiser)."""
    vault_dir = closed_vault(tmp_path / "vault")
    first = tmp_path / "erste.csv"
    first.write_bytes(
        "\n".join(
            [HEADER, "Öztürk;Şükrü;29.07.1999;;;", "Karimi;Ahmad;10.04.1990;;;",
             "Hussein;Mohammed;02.02.1985;;;"]
        ).encode()
    )  # fmt: skip
    assert _run(first, vault_dir, passphrase_file) == 0
    capsys.readouterr()
    second = tmp_path / "zweite.csv"
    second.write_bytes(
        "\n".join(
            [HEADER, "Öztürk;Şükrü;01.01.1999;;;", "Ahmad;Karimi;11.04.1990;;;",
             "Husain;Muhammad;02.02.1985;;;"]
        ).encode()
    )  # fmt: skip
    assert _run(second, vault_dir, passphrase_file) == 1
    err = capsys.readouterr().err
    assert "3 mögliche Dublette(n), nichts importiert" in err
    assert (
        "Zeile 2: vermutlich schon im Tresor: Öztürk, Şükrü, 29.07.1999 "
        "(gleicher Name, Platzhalter-Geburtsdatum (01.01.) im selben Jahr)"
    ) in err
    assert "Zeile 3: vermutlich schon im Tresor: Karimi, Ahmad, 10.04.1990 " in err
    assert "(Vor- und Nachname vertauscht, Geburtsdatum wenige Tage auseinander)" in err
    assert "(andere Umschrift des Namens, gleiches Geburtsdatum)" in err
