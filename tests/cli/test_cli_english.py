"""With `kim --lang en`, the vault, import, client-list, retention, erasure, demo, identity and
data-protection commands speak English: messages, table headers, counts, errors and `--help`.
Without `--lang` the same commands keep their German wording."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kim_tui.domain.model import ClosureDraft
from kim_tui.i18n import language
from kim_tui.service.workspace import Workspace
from tests.builders import closed_vault, intake_client, run_kim, vault_of_its_own, write_text
from tests.conftest import FIXED_TODAY

pytestmark = pytest.mark.usefixtures("fast_default_kdf")

GERMAN = (
    "Klient",
    "Tresor",
    "Passwort",
    "Sicherung",
    "Datei",
    "nicht",
    "Prüfung",
    "Lösch",
    "gelöscht",
    "Zeile",
    "geschrieben",
    "Bitte",
    "bitte",
    "Achtung",
    "Fingerabdruck",
    "Geburt",
    "Aufbewahrung",
    "Regel",
    "Stichtag",
    "Wiederherstellungsschlüssel",
    "Datensätze",
    "Verzeichnis",
    "Koordinierung",
    "Dublette",
    "importiert",
    "Vorlage",
    "Datenschutzrecht",
    "angelegt",
    "Hinweis",
    "eingeschränkt",
    "abgeschlossen",
)

CSV = (
    "Nachname;Vorname;Geburtsdatum;Staatsangehörigkeit;Aufenthaltsstatus;Gültig bis\n"
    "Meyer;Jana;03.07.1971;Deutschland;;\n"
)


def _english_only(*texts: str) -> None:
    text = "\n".join(texts)
    assert text.strip()
    found = [word for word in GERMAN if word in text]
    assert not found, f"German under --lang en: {found}:\n{text}"


def _en(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """Run `kim --lang en ARGV`; (exit code, stdout and stderr), which must be English."""
    code, out, err = run_kim(capsys, "--lang", "en", *argv)
    _english_only(out, err)
    assert language() == "de"  # put back for the next command
    return code, out + err


def test_vault_commands_speak_english(
    tmp_path: Path,
    passphrase_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    pw = ("--passphrase-file", str(passphrase_file))
    vault = ("--vault", str(tmp_path / "v"))
    new_pw = write_text(tmp_path / "new.txt", "another long passphrase 4 the test\n")
    new_pw.chmod(0o600)

    code, out = _en(capsys, "init", *vault, *pw)
    assert code == 0 and "Vault created" in out and "Recovery key (shown only now)" in out
    assert "Data-protection law: dsgvo (default" in out
    code, out = _en(capsys, "check", *vault, *pw)
    assert code == 0 and "Check: fine" in out and "Schema version" in out
    code, out = _en(capsys, "backup", *vault, *pw, "--out", str(tmp_path / "b.kimbak"))
    assert code == 0 and "Backup written" in out
    code, out = _en(capsys, "restore", str(tmp_path / "b.kimbak"), "--vault", str(tmp_path / "r"))
    assert code == 0 and "Backup restored to" in out and "Note: the backup is from" in out
    code, out = _en(capsys, "passwd", *vault, *pw, "--new-passphrase-file", str(new_pw))
    assert code == 0 and "Passphrase changed" in out
    code, out = _en(capsys, "restore", str(tmp_path / "b.kimbak"))
    assert code == 1 and "Please give a new target directory with --vault." in out
    code, out = _en(capsys, "check", *vault, "--passphrase-file", str(tmp_path / "missing"))
    assert code == 1 and "Passphrase file" in out and "does not exist" in out
    bad = write_text(tmp_path / "bad.txt", "not the passphrase at all\n")
    bad.chmod(0o600)
    code, out = _en(capsys, "check", *vault, "--passphrase-file", str(bad))
    assert code == 1 and "Passphrase is wrong. The vault was not changed." in out
    code, out = _en(capsys, "check", "--vault", str(tmp_path / "none"), *pw)
    assert code == 1 and "No vault in" in out
    code, out = _en(capsys, "restore", str(new_pw), "--vault", str(tmp_path / "r2"))
    assert code == 1 and "is damaged or not a kim file: not a kim backup" in out

    code, out, _err = run_kim(capsys, "check", "--vault", str(tmp_path / "r"), *pw)
    assert code == 0 and "Prüfung: in Ordnung (Verschlüsselung, Integrität, Schema)." in out


def test_import_clients_speaks_english(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ("--vault", str(closed_vault(tmp_path / "v")), "--passphrase-file", str(passphrase_file))
    csv = write_text(tmp_path / "list.csv", CSV)

    code, out = _en(capsys, "import-clients", "--template", str(tmp_path / "t.csv"))
    assert code == 0 and "Template written" in out
    code, out = _en(capsys, "import-clients", "--template", str(tmp_path / "t.csv"))
    assert code == 1 and "already exists; nothing is overwritten" in out
    code, out = _en(capsys, "import-clients", str(csv), *base, "--dry-run")
    assert code == 0 and "1 row(s) checked, all fine" in out and "Dry run" in out
    code, out = _en(capsys, "import-clients", str(csv), *base)
    assert code == 0 and "1 client imported." in out
    code, out = _en(capsys, "import-clients", str(csv), *base)
    assert code == 1 and "possible duplicate(s), nothing imported" in out
    assert "Row 2: probably already in the vault" in out and "--allow-duplicates" in out
    code, out = _en(capsys, "import-clients", str(tmp_path / "none.csv"), *base)
    assert code == 1 and "does not exist" in out
    code, out = _en(capsys, "import-clients", *base)
    assert code == 1 and "Please name a CSV file" in out
    code, out = _en(capsys, "import-clients", str(tmp_path), *base)
    assert code == 1 and "is a directory, not a file" in out
    bad_rows = write_text(tmp_path / "rows.csv", "Nachname;Vorname;Geburtsdatum\n;Ann;01.02.1990\n")
    code, out = _en(capsys, "import-clients", str(bad_rows), *base, "--dry-run")
    assert (
        code == 1
        and "1 error, nothing imported" in out
        and "Row 2: Nachname (family name) missing" in out
    )
    bad_header = write_text(tmp_path / "head.csv", "foo;Vorname\n1;2\n")
    # The column names are the file's own (German) headings; the words around them are English.
    code, _out, err = run_kim(capsys, "--lang", "en", "import-clients", str(bad_header), *base)
    assert code == 1 and "Header row: Unknown column" in err and "Allowed columns" in err
    assert "Kopfzeile" not in err and "Erlaubte" not in err and "Pflicht" not in err

    code, out, err = run_kim(capsys, "import-clients", str(csv), *base)
    assert code == 1 and "mögliche Dublette(n), nichts importiert" in err
    code, out, err = run_kim(capsys, "import-clients", str(bad_header), *base)
    assert code == 1 and "Kopfzeile: Unbekannte Spalte" in err


def _two_clients(tmp_path: Path) -> tuple[Path, str, str]:
    """One open case, and one closed in 2022 whose retention has ended."""
    vault, _rk = vault_of_its_own(tmp_path / "v")
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    open_id, _case = intake_client(ws, "Olga", "Offen", date(1990, 1, 2))
    closed_id, old = intake_client(
        ws, "Carl", "Closed", date(1985, 5, 6), first_contact_on=date(2022, 3, 1)
    )
    ws.close_case(ClosureDraft(old, date(2022, 6, 30), "moved_away"))
    ws.close()
    return tmp_path / "v", open_id, closed_id


def test_clients_retention_and_erase_speak_english(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory, open_id, closed_id = _two_clients(tmp_path)
    base = ("--vault", str(directory), "--passphrase-file", str(passphrase_file))

    code, out = _en(capsys, "clients", *base)
    assert code == 0 and "2 clients" in out and "Born" in out and "Keep until" in out
    assert "closed" in out  # the status, from the catalog's English side
    code, out = _en(capsys, "retention", *base, "--as-of", "01.02.2026")
    assert code == 0 and "Rule:" in out and "As of: 01.02.2026" in out and "1 client" in out
    assert "Erase with: kim erase" in out
    code, out = _en(capsys, "erase", *base, "--client", open_id, "--yes")
    assert code == 1 and "The case is still open: erase only with a reason" in out
    code, out = _en(capsys, "erase", *base, "--client", closed_id, "--yes")
    assert code == 0 and "Erased (" in out and "records" in out and "Art. 17" in out
    code, out = _en(capsys, "erase", *base, "--client", closed_id, "--yes")
    assert code == 1 and "This client is already erased." in out
    code, out = _en(capsys, "erase", *base, "--client", "no-such-id", "--yes")
    assert code == 1 and "No client with the ID no-such-id." in out

    code, out, _err = run_kim(capsys, "clients", *base)
    assert code == 0 and "Geburt" in out and "Aufbewahrung bis" in out
    assert "1 Klient*in(nen)" in out


def test_demo_identity_and_data_protection_speak_english(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pw = ("--passphrase-file", str(passphrase_file))
    directory = tmp_path / "demo"
    code, out = _en(capsys, "demo", "--vault", str(directory), *pw, "--clients", "2", "--no-ui")
    assert code == 0 and "Demo vault" in out and "2 clients created" in out
    base = ("--vault", str(directory), *pw)

    code, out = _en(capsys, "identity", *base, "--out", str(tmp_path / "coach.pub"))
    assert code == 0 and "Identity written" in out and "Fingerprint" in out and "Hint" in out
    code, out = _en(capsys, "processing-record", *base, "--out", str(tmp_path / "r.md"))
    assert code == 0 and "Record of processing activities written" in out
    assert "(in German, for the data-protection officer" in out  # the document itself is German
    code, out = _en(capsys, "processing-record", *base, "--out", str(tmp_path / "r.md"))
    assert code == 1 and "already exists" in out
    code, out = _en(capsys, "processing-record", *base, "--out", str(tmp_path / "r.txt"))
    assert code == 1 and "Please name a file ending in .md" in out
    code, out = _en(capsys, "subject-access", *base, "--client", "x", "--out", str(tmp_path / "no"))
    assert code == 1 and "Target directory" in out and "does not exist" in out

    code, out, err = run_kim(capsys, "--vault", str(tmp_path / "none"))
    assert code == 1 and "Kein Tresor in" in err
    code, out = _en(capsys, "--vault", str(tmp_path / "none"))
    assert code == 1 and "No vault in" in out


@pytest.mark.parametrize(
    ("argv", "english", "german"),
    [
        ((), "Create a new vault", "Neuen Tresor anlegen"),
        (("clients",), "search by name", "nach Namen suchen"),
        (("erase",), "Erase one client for good", "Eine Klient*in endgültig löschen"),
        (("import-clients",), "only check, import nothing", "nur prüfen, nichts importieren"),
        (("coordinator", "report"), "cells below N are masked", "Zellen unter N werden maskiert"),
    ],
)
def test_help_follows_the_language(
    argv: tuple[str, ...], english: str, german: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from kim_tui.cli import main

    with pytest.raises(SystemExit):
        main(["--lang", "en", *argv, "--help"])
    out = capsys.readouterr().out
    assert english in out and german not in out
    assert language() == "de"
    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    out = capsys.readouterr().out
    assert german in out and english not in out


def test_lang_is_read_wherever_it_stands() -> None:
    from kim_tui.cli import requested_language

    assert requested_language(["demo", "--lang", "en"]) == "en"
    assert requested_language(["--lang=en", "clients"]) == "en"
    assert requested_language(["--lang", "de"]) == "de"
    assert requested_language(["clients", "--search", "x"]) is None
    assert requested_language(["--", "--lang", "en"]) is None


def test_demo_says_how_many_files_it_made(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Household members of the demo families become clients of their own: the summary names
    them, so what `kim clients` lists adds up to what `kim demo` said."""
    import re

    pw = ("--passphrase-file", str(passphrase_file))
    base = ("--vault", str(tmp_path / "demo"), *pw)
    code, out = _en(capsys, "demo", *base, "--clients", "8", "--no-ui")
    assert code == 0 and "8 clients created" in out
    (members,) = re.findall(r"and (\d+) household members with a file of their own", out)
    code, out = _en(capsys, "clients", *base)
    assert code == 0 and f"\n{8 + int(members)} clients\n" in out
