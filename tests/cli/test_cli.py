"""The `kim` command as a coach uses it: init, check, passwd, recover, backup, restore.

Runs `kim_tui.cli.main(argv)` in-process. `kim init` derives with the default Argon2id cost
(about 0.3 s); every other vault here is made at the 8 MiB floor, and the commands use the cost
recorded in the key file, so the whole module stays within a few slow unlocks.
"""

from __future__ import annotations

import json
import re
import stat
from datetime import date
from pathlib import Path

import pytest

from kim_tui.cli import main
from kim_tui.domain.model import FollowUpDraft
from kim_tui.service.workspace import Workspace
from kim_tui.store import migrate
from kim_tui.store.errors import WrongPassphrase
from kim_tui.store.keyfile import DEFAULT_KDF
from kim_tui.store.vault import Vault
from tests.builders import (
    closed_vault,
    file_digests,
    intake_client,
    run_kim,
    vault_of_its_own,
    write_text,
)
from tests.conftest import FAST_KDF_KIB, FIXED_TODAY, PASSPHRASE

RECOVERY_RE = re.compile(r"^[A-Z2-9]{4}(-[A-Z2-9]{4}){7}$")
NEW_PASSPHRASE = "neues Passwort fuer den Tresor"


@pytest.fixture
def fast_vault(vault_dir: Path) -> tuple[Path, str]:
    """A closed vault (8 MiB Argon2id) with two clients; (directory, recovery key)."""
    vault, recovery = vault_of_its_own(vault_dir)
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    for family in ("Nowak", "Haddad"):
        _cid, case_id = intake_client(
            ws, "Test", family, date(1988, 3, 3), first_contact_on=date(2026, 11, 1)
        )
        ws.add_follow_up(FollowUpDraft(case_id, date(2026, 12, 2), "Rückruf"))
    ws.close()
    return vault_dir, recovery


# -- init --------------------------------------------------------------------------------------


def test_init_writes_private_recovery_key_and_check_passes(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d, rk = tmp_path / "tresor", tmp_path / "recovery.txt"
    code, out, err = run_kim(
        capsys,
        "init",
        "--vault",
        str(d),
        "--passphrase-file",
        str(passphrase_file),
        "--recovery-key-file",
        str(rk),
    )
    assert code == 0, err
    assert "Tresor angelegt" in out
    assert stat.S_IMODE(rk.stat().st_mode) == 0o600
    recovery = rk.read_text().strip()
    assert RECOVERY_RE.match(recovery)
    assert recovery not in out + err  # written to the file, not shown
    assert stat.S_IMODE(d.stat().st_mode) == 0o700
    key = json.loads((d / "vault.key").read_text())
    assert key["kdf"]["memory_kib"] == DEFAULT_KDF["memory_kib"]  # the real cost, not the test one

    code, out, err = run_kim(
        capsys, "check", "--vault", str(d), "--passphrase-file", str(passphrase_file)
    )
    assert code == 0, err
    assert "in Ordnung" in out
    assert re.search(r"client\s+0\b", out)
    assert "Schema-Version" in out

    # The recovery key from the file really opens the vault.
    with Vault.open_with_recovery(d, recovery) as vault:
        assert vault.check().ok


def test_init_without_recovery_file_shows_the_key_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Keep this one fast: the printed key is what matters, not the KDF cost.
    import kim_tui.store.keyfile as keyfile

    monkeypatch.setitem(keyfile.DEFAULT_KDF, "memory_kib", FAST_KDF_KIB)
    pw = write_text(tmp_path / "pw", PASSPHRASE + "\n")
    code, out, _err = run_kim(
        capsys, "init", "--vault", str(tmp_path / "t"), "--passphrase-file", str(pw)
    )
    assert code == 0
    shown = [line.strip() for line in out.splitlines() if RECOVERY_RE.match(line.strip())]
    assert len(shown) == 1
    assert "Wiederherstellungsschlüssel" in out
    with Vault.open_with_recovery(tmp_path / "t", shown[0]) as vault:
        assert vault.check().ok


def test_init_refuses_to_overwrite_existing_recovery_key_file(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rk = write_text(tmp_path / "recovery.txt", "ALTER-SCHL-USSE-L000\n")
    code, _out, err = run_kim(
        capsys,
        "init",
        "--vault",
        str(tmp_path / "t"),
        "--passphrase-file",
        str(passphrase_file),
        "--recovery-key-file",
        str(rk),
    )
    assert code == 1
    assert "existiert bereits" in err
    assert rk.read_text() == "ALTER-SCHL-USSE-L000\n"


def test_init_with_existing_recovery_file_creates_no_vault(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rk = write_text(tmp_path / "recovery.txt", "old\n")
    d = tmp_path / "t"
    run_kim(
        capsys,
        "init",
        "--vault",
        str(d),
        "--passphrase-file",
        str(passphrase_file),
        "--recovery-key-file",
        str(rk),
    )
    assert not (d / "vault.key").exists()


def test_init_refuses_non_empty_dir(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = tmp_path / "belegt"
    d.mkdir()
    write_text(d / "brief.txt", "nicht löschen")
    before = file_digests(d, recursive=True)
    code, _out, err = run_kim(
        capsys, "init", "--vault", str(d), "--passphrase-file", str(passphrase_file)
    )
    assert code == 1
    assert "existiert bereits und ist nicht leer" in err
    assert file_digests(d, recursive=True) == before
    assert sorted(p.name for p in d.iterdir()) == ["brief.txt"]


def test_init_refuses_existing_vault(
    fast_vault: tuple[Path, str], passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d, _rk = fast_vault
    before = file_digests(d, recursive=True)
    code, _out, err = run_kim(
        capsys, "init", "--vault", str(d), "--passphrase-file", str(passphrase_file)
    )
    assert code == 1 and "existiert bereits" in err
    assert file_digests(d, recursive=True) == before


def test_init_refuses_short_passphrase(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pw = write_text(tmp_path / "pw", "kurz\n")
    code, _out, err = run_kim(
        capsys, "init", "--vault", str(tmp_path / "t"), "--passphrase-file", str(pw)
    )
    assert code == 1
    assert "mindestens 10 Zeichen" in err
    assert not (tmp_path / "t" / "vault.key").exists()


# -- check and passphrase files ------------------------------------------------------------------


def test_check_prints_counts(
    fast_vault: tuple[Path, str], passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d, _rk = fast_vault
    code, out, err = run_kim(
        capsys, "check", "--vault", str(d), "--passphrase-file", str(passphrase_file)
    )
    assert code == 0, err
    assert re.search(r"client\s+2\b", out)
    assert re.search(r"followup\s+2\b", out)
    # The counts stand in one column, whatever the longest table name.
    counts = [line for line in out.splitlines() if re.fullmatch(r"  \w+ +\d+", line)]
    assert len(counts) > 10 and len({len(line) for line in counts}) == 1
    assert f"Schema-Version: {migrate.head_revision()}" in out
    assert "in Ordnung" in out


def test_wrong_passphrase_file_is_clear_and_changes_nothing(
    fast_vault: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d, _rk = fast_vault
    before = file_digests(d, recursive=True)
    pw = write_text(tmp_path / "wrong", "das ist nicht das Passwort\n")
    code, out, err = run_kim(capsys, "check", "--vault", str(d), "--passphrase-file", str(pw))
    assert code == 1
    assert "Passwort ist falsch" in err and "nicht verändert" in err
    assert "Traceback" not in err and out == ""
    assert file_digests(d, recursive=True) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "gibt es nicht"), ("", "ist leer"), ("\n", "ist leer"), (b"\xff\xfe\x00", "UTF-8")],
    ids=["missing", "empty", "only-newline", "not-utf8"],
)
def test_bad_passphrase_file_messages(
    fast_vault: tuple[Path, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | bytes | None,
    message: str,
) -> None:
    d, _rk = fast_vault
    before = file_digests(d, recursive=True)
    pw = tmp_path / "pw"
    if isinstance(content, bytes):
        pw.write_bytes(content)
    elif content is not None:
        pw.write_text(content)
    code, _out, err = run_kim(capsys, "check", "--vault", str(d), "--passphrase-file", str(pw))
    assert code == 1
    assert f"Passwortdatei {pw}" in err and message in err
    assert file_digests(d, recursive=True) == before


def test_passphrase_file_keeps_inner_spaces_and_drops_crlf(
    vault_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    closed_vault(vault_dir, "  spaces inside  ")
    pw = write_text(tmp_path / "pw", "  spaces inside  \r\nsecond line ignored\n")
    code, _out, err = run_kim(
        capsys, "check", "--vault", str(vault_dir), "--passphrase-file", str(pw)
    )
    assert code == 0, err


def test_no_passphrase_and_no_terminal_fails_fast(
    fast_vault: tuple[Path, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    d, _rk = fast_vault
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    code, _out, err = run_kim(capsys, "check", "--vault", str(d))
    assert code == 1
    assert "--passphrase-file" in err


@pytest.mark.parametrize("command", ["check", "init", "backup", "passwd"])
def test_passphrase_on_the_command_line_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    extra = ["--out", str(tmp_path / "b")] if command == "backup" else []
    with pytest.raises(SystemExit) as info:
        main([command, "--vault", str(tmp_path / "v"), "--passphrase", "geheim-123456", *extra])
    assert info.value.code == 2
    assert "Aufruf: kim" in capsys.readouterr().err
    assert not (tmp_path / "v").exists()


def test_check_of_missing_vault(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run_kim(
        capsys, "check", "--vault", str(tmp_path / "nix"), "--passphrase-file", str(passphrase_file)
    )
    assert code == 1
    assert "Kein Tresor" in err and "kim init" in err
    assert not (tmp_path / "nix").exists()


# -- passwd and recover ---------------------------------------------------------------------------


def test_passwd_changes_passphrase(
    fast_vault: tuple[Path, str],
    passphrase_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    d, recovery = fast_vault
    new = write_text(tmp_path / "new", NEW_PASSPHRASE + "\n")
    code, out, err = run_kim(
        capsys,
        "passwd",
        "--vault",
        str(d),
        "--passphrase-file",
        str(passphrase_file),
        "--new-passphrase-file",
        str(new),
    )
    assert code == 0, err
    assert "Passwort geändert" in out
    code, _out, err = run_kim(
        capsys, "check", "--vault", str(d), "--passphrase-file", str(passphrase_file)
    )
    assert code == 1 and "Passwort ist falsch" in err
    code, out, _err = run_kim(capsys, "check", "--vault", str(d), "--passphrase-file", str(new))
    assert code == 0 and re.search(r"client\s+2\b", out)
    with Vault.open_with_recovery(d, recovery) as vault:
        assert vault.check().counts["client"] == 2


def test_passwd_with_wrong_old_passphrase_changes_nothing(
    fast_vault: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d, _rk = fast_vault
    before = file_digests(d, recursive=True)
    wrong = write_text(tmp_path / "wrong", "falsches altes Passwort\n")
    new = write_text(tmp_path / "new", NEW_PASSPHRASE + "\n")
    code, _out, err = run_kim(
        capsys,
        "passwd",
        "--vault",
        str(d),
        "--passphrase-file",
        str(wrong),
        "--new-passphrase-file",
        str(new),
    )
    assert code == 1 and "Passwort ist falsch" in err
    assert file_digests(d, recursive=True) == before


def test_recover_sets_a_new_passphrase(
    fast_vault: tuple[Path, str],
    passphrase_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    d, recovery = fast_vault
    # Typed sloppily: lower case, no dashes.
    rk = write_text(tmp_path / "rk", recovery.lower().replace("-", "") + "\n")
    new = write_text(tmp_path / "new", NEW_PASSPHRASE + "\n")
    code, out, err = run_kim(
        capsys,
        "recover",
        "--vault",
        str(d),
        "--recovery-key-file",
        str(rk),
        "--new-passphrase-file",
        str(new),
    )
    assert code == 0, err
    assert "Neues Passwort gesetzt" in out
    code, out, _err = run_kim(capsys, "check", "--vault", str(d), "--passphrase-file", str(new))
    assert code == 0 and re.search(r"client\s+2\b", out)
    with pytest.raises(WrongPassphrase):
        Vault.open(d, PASSPHRASE)


def test_recover_with_wrong_key_changes_nothing(
    fast_vault: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d, recovery = fast_vault
    before = file_digests(d, recursive=True)
    wrong = ("B" if recovery[0] != "B" else "C") + recovery[1:]
    rk = write_text(tmp_path / "rk", wrong + "\n")
    new = write_text(tmp_path / "new", NEW_PASSPHRASE + "\n")
    code, _out, err = run_kim(
        capsys,
        "recover",
        "--vault",
        str(d),
        "--recovery-key-file",
        str(rk),
        "--new-passphrase-file",
        str(new),
    )
    assert code == 1 and "Wiederherstellungsschlüssel ist falsch" in err
    assert file_digests(d, recursive=True) == before


# -- backup and restore ---------------------------------------------------------------------------


def test_backup_and_restore(
    fast_vault: tuple[Path, str],
    passphrase_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    d, recovery = fast_vault
    out_file = tmp_path / "sicherung.kim"
    # While the vault is open in this (another) kim process: backup takes no lock.
    with Vault.open(d, PASSPHRASE):
        code, out, err = run_kim(
            capsys,
            "backup",
            "--vault",
            str(d),
            "--passphrase-file",
            str(passphrase_file),
            "--out",
            str(out_file),
        )
    assert code == 0, err
    assert "Sicherung geschrieben" in out
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600

    # A second backup to the same file is refused and the first one kept.
    first = out_file.read_bytes()
    code, _out, err = run_kim(
        capsys,
        "backup",
        "--vault",
        str(d),
        "--passphrase-file",
        str(passphrase_file),
        "--out",
        str(out_file),
    )
    assert code == 1 and "existiert bereits" in err
    assert out_file.read_bytes() == first

    target = tmp_path / "zurueck"
    code, out, err = run_kim(capsys, "restore", "--vault", str(target), str(out_file))
    assert code == 0, err
    assert "wiederhergestellt" in out
    code, out, err = run_kim(
        capsys, "check", "--vault", str(target), "--passphrase-file", str(passphrase_file)
    )
    assert code == 0, err
    assert re.search(r"client\s+2\b", out)
    with Vault.open_with_recovery(target, recovery) as vault:
        assert vault.check().ok

    # Restoring over an existing vault is refused and changes nothing.
    before = file_digests(target, recursive=True)
    code, _out, err = run_kim(capsys, "restore", "--vault", str(target), str(out_file))
    assert code == 1 and "existiert bereits" in err
    assert file_digests(target, recursive=True) == before


def test_restore_needs_an_explicit_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run_kim(capsys, "restore", str(tmp_path / "x.kim"))
    assert code == 1 and "--vault" in err


def test_restore_of_garbage_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "kaputt.kim"
    bad.write_bytes(b"\x00garbage" * 100)
    code, _out, err = run_kim(capsys, "restore", "--vault", str(tmp_path / "t"), str(bad))
    assert code == 1 and "beschädigt" in err
    assert not (tmp_path / "t").exists()


@pytest.mark.parametrize("command", ["init", "coordinator-init"])
def test_init_with_a_missing_recovery_key_folder_creates_nothing(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """The recovery key is shown only once: a folder that is missing for it refuses the whole
    command before a store exists, instead of creating one whose key then has nowhere to go."""
    target = tmp_path / "store"
    where = ["--vault", str(target)] if command == "init" else ["--dir", str(target)]
    argv = ["init"] if command == "init" else ["coordinator", "init"]
    code, _out, err = run_kim(
        capsys,
        *argv,
        *where,
        "--passphrase-file",
        str(passphrase_file),
        "--recovery-key-file",
        str(tmp_path / "missing" / "rk"),
    )
    assert code == 1
    assert "fehlt" in err and "nichts angelegt" in err
    assert not target.exists()
