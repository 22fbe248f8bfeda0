"""Nothing untrusted reaches the terminal raw (issue #13, section 2).

Names in public-key files, names and organisations of enrolled coaches, payload codes in the
report and client names in the duplicate message all pass through the one sanitiser
(`kim_tui.cli.common.shown`): escape sequences, C0/C1 controls, bidi controls and zero-width
characters come out as visible escapes. Identity files with such names are refused outright.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session

from kim_tui.cli import main
from kim_tui.cli.common import shown
from kim_tui.cli.coordinator import _terminal_safe_report
from kim_tui.store.vault import Vault
from kim_tui.sync import coach_state, identity
from kim_tui.sync.identity import (
    CoachPublic,
    CoordinatorPublic,
    display_fingerprint,
    kem_public_bytes,
    new_kem_key,
    new_signing_key,
    signing_public,
)
from tests.conftest import FAST_KDF_KIB, PASSPHRASE

# Characters that must never reach a terminal unescaped.
DANGEROUS = {
    *map(chr, range(0x00, 0x09)),
    *map(chr, range(0x0B, 0x20)),
    "\x7f",
    *map(chr, range(0x80, 0xA0)),
    *"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c",
    *"\u200b\u200c\u200d\u2060\ufeff",
}
# Moves the cursor up, clears the line and prints a fake fingerprint in place of the real one.
HIDING_NAME = "Anna\x1b[1A\x1b[2K\r  Fingerabdruck: AAAA-BBBB-CCCC-DDDD-EEEE-FFFF\x1b]0;t\x07"
BIDI_NAME = "Anna\u202eanirak\u202c\u200b\u2066x\u2069\u200d\ufeff"


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    from kim_tui.store import keyfile

    monkeypatch.setitem(keyfile.DEFAULT_KDF, "memory_kib", FAST_KDF_KIB)


def assert_terminal_safe(text: str) -> None:
    bad = sorted({f"U+{ord(ch):04X}" for ch in text if ch in DANGEROUS})
    assert not bad, f"raw control characters reached the terminal: {bad}"


@pytest.mark.parametrize(
    ("raw", "visible"),
    [
        ("a\x1b[2Jb", "a\u241b[2Jb"),
        ("a\x9b31mb", "a\\x9b31mb"),  # C1 CSI
        ("a\x1b]0;title\x07b", "a\u241b]0;title\\x07b"),  # OSC
        ("a\u202eb", "a\\u202eb"),
        ("a\u2066b\u2069", "a\\u2066b\\u2069"),
        ("a\u200eb\u200f\u061c", "a\\u200eb\\u200f\\u061c"),
        ("a\u200b\u200c\u200db", "a\\u200b\\u200c\\u200db"),
        ("a\u2060\ufeffb", "a\\u2060\\ufeffb"),
        ("Ünal Şahin-Öztürk [bold]", "Ünal Şahin-Öztürk [bold]"),
    ],
)
def test_shown_makes_every_steering_character_visible(raw: str, visible: str) -> None:
    assert shown(raw) == visible
    assert_terminal_safe(shown(raw))


# -- identity files --------------------------------------------------------------------------


def _coach_pub(tmp_path: Path, name: str, organisation: str = "Träger") -> tuple[Path, str]:
    pub = CoachPublic(name, organisation, signing_public(new_signing_key()))
    path = tmp_path / "coach.pub"
    path.write_bytes(pub.to_json())
    return path, display_fingerprint(pub.fingerprint)


@pytest.mark.parametrize(
    ("name", "organisation", "reason"),
    [
        (HIDING_NAME, "Träger", "Name enthält ein Steuer- oder unsichtbares Zeichen (U+001B"),
        ("Anna", BIDI_NAME, "Organisation enthält ein Steuer- oder unsichtbares Zeichen (U+202E"),
        ("Anna\u200b", "Träger", "(U+200B an Stelle 5)"),
        ("A" * 101, "Träger", "Name ist zu lang (höchstens 100 Zeichen)"),
    ],
)
def test_identity_files_with_unprintable_or_long_names_are_refused(
    tmp_path: Path, name: str, organisation: str, reason: str
) -> None:
    path, _ = _coach_pub(tmp_path, name, organisation)
    with pytest.raises(identity.IdentityError, match=r"Datei abgelehnt") as refused:
        CoachPublic.from_json(path.read_bytes(), path)
    assert reason in str(refused.value)
    assert_terminal_safe(str(refused.value))


def test_identity_file_names_must_be_text(tmp_path: Path) -> None:
    path, _ = _coach_pub(tmp_path, "Anna")
    doc = json.loads(path.read_bytes())
    doc["name"] = ["A", "n"]
    with pytest.raises(identity.IdentityError, match="Name ist kein Text"):
        CoachPublic.from_json(json.dumps(doc).encode(), path)


def test_ordinary_names_with_umlauts_and_other_scripts_are_accepted(tmp_path: Path) -> None:
    for name in ("Ünal Şahin-Öztürk", "مريم الحسن", "Мария Иванова", "A" * 100):
        path, _ = _coach_pub(tmp_path, name, "Caritas Köln e. V.")
        assert CoachPublic.from_json(path.read_bytes(), path).name == name


def _coordinator(tmp_path: Path, passphrase_file: Path) -> Path:
    directory = tmp_path / "coord"
    rk = tmp_path / "coord.rk"
    args = ["coordinator", "init", "--dir", str(directory), "--passphrase-file"]
    assert main([*args, str(passphrase_file), "--recovery-key-file", str(rk)]) == 0
    return directory


def test_enroll_refuses_the_hidden_fingerprint_attack(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = _coordinator(tmp_path, passphrase_file)
    capsys.readouterr()
    path, _ = _coach_pub(tmp_path, HIDING_NAME)
    enroll = ["coordinator", "enroll", str(path), "--dir", str(directory)]
    assert main([*enroll, "--passphrase-file", str(passphrase_file)]) == 1
    out, err = capsys.readouterr()
    assert_terminal_safe(out + err)
    assert "Name enthält ein Steuer- oder unsichtbares Zeichen (U+001B an Stelle 5)" in err
    assert "Coach eingeschrieben" not in out and "Fingerabdruck" not in out + err


def test_enroll_prints_the_real_fingerprint_even_if_a_hostile_name_got_through(
    tmp_path: Path,
    passphrase_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Defence in depth: with the file check switched off the name is still shown with its
    escapes visible, and the one fingerprint line is the real one."""
    directory = _coordinator(tmp_path, passphrase_file)
    capsys.readouterr()
    monkeypatch.setattr(identity, "label_problem", lambda value, what: None)
    path, real = _coach_pub(tmp_path, HIDING_NAME)
    enroll = ["coordinator", "enroll", str(path), "--dir", str(directory)]
    assert main([*enroll, "--passphrase-file", str(passphrase_file)]) == 0
    out, err = capsys.readouterr()
    assert_terminal_safe(out + err)
    assert f"Coach eingeschrieben: {shown(HIDING_NAME)}, Träger" in out
    assert "Anna\u241b[1A\u241b[2K\\x0d" in out
    lines = [line for line in out.splitlines() if line.startswith("  Fingerabdruck:")]
    assert lines == [f"  Fingerabdruck: {real} (bitte mit dem Coach vergleichen)"]


def test_connect_refuses_a_coordinator_file_with_bidi_and_zero_width_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pub = CoordinatorPublic(
        BIDI_NAME, kem_public_bytes(new_kem_key()), signing_public(new_signing_key())
    )
    source = tmp_path / "coordinator.pub"
    source.write_bytes(pub.to_json())
    assert main(["connect", str(source), "--fingerprint", "X", "--vault", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert_terminal_safe(out + err)
    assert "Name enthält ein Steuer- oder unsichtbares Zeichen (U+202E an Stelle 5)" in err
    assert out == ""


# -- kim identity ------------------------------------------------------------------------------


def test_identity_refuses_a_hostile_name_and_shows_a_stored_one_visibly(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault_dir = tmp_path / "vault"
    Vault.create(vault_dir, PASSPHRASE, kdf_memory_kib=FAST_KDF_KIB)[0].close()
    base = ["identity", "--vault", str(vault_dir), "--passphrase-file", str(passphrase_file)]
    out_file = tmp_path / "coach.pub"
    assert main([*base, "--out", str(out_file), "--name", HIDING_NAME]) == 1
    out, err = capsys.readouterr()
    assert_terminal_safe(out + err)
    assert "--name enthält ein Steuer- oder unsichtbares Zeichen (U+001B" in err
    assert not out_file.exists()

    # A name stored by an earlier version (no check then) is still shown with visible escapes.
    with Vault.open(vault_dir, PASSPHRASE) as vault, Session(vault.engine) as s:
        coach_state.ensure_identity(s, BIDI_NAME, HIDING_NAME)
        s.commit()
    assert main([*base, "--out", str(out_file)]) == 0
    out, err = capsys.readouterr()
    assert_terminal_safe(out + err)
    assert f"  Coach: {shown(BIDI_NAME)}, {shown(HIDING_NAME)}" in out


# -- kim coordinator import / report -----------------------------------------------------------


def test_import_lines_and_report_show_hostile_names_and_codes_visibly(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kim_tui.coordinator.store import CoordinatorStore
    from tests.sync.conftest import make_coach

    directory = _coordinator(tmp_path, passphrase_file)
    with CoordinatorStore.open(directory, PASSPHRASE) as store:
        coach = make_coach(tmp_path / "coach", "Anna", None)
        with Session(coach.vault.engine) as s:
            coach_state.connect(s, store.public())
            # Names from before identity files were checked: enrolled as they came.
            pub = coach_state.ensure_identity(s, HIDING_NAME, BIDI_NAME + "\x9b2J")
            s.commit()
        store.enroll(pub)
    try:
        coach.add_client(1, share=True)
        outbox = tmp_path / "out"
        outbox.mkdir()
        bundle = coach.export(outbox).path
    finally:
        coach.ws.close()
    capsys.readouterr()
    coord = ["--dir", str(directory), "--passphrase-file", str(passphrase_file)]
    assert main(["coordinator", "import", str(bundle), *coord]) == 0
    out, err = capsys.readouterr()
    assert_terminal_safe(out + err)
    assert shown(HIDING_NAME) in out

    for fmt in ("table", "csv", "json"):
        assert main(["coordinator", "report", *coord, "--format", fmt]) == 0
        out, err = capsys.readouterr()
        # The CSV's leading byte-order mark is kim's own (for Excel), not untrusted text.
        assert_terminal_safe(out.removeprefix("\ufeff").replace("\r\n", "\n") + err)
        if fmt == "json":
            # Still valid JSON, with the names as they are stored.
            assert BIDI_NAME + "\x9b2J" in json.dumps(json.loads(out), ensure_ascii=False)
        else:
            assert shown(BIDI_NAME + "\x9b2J") in out


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_report_payload_codes_cannot_steer_the_terminal(fmt: str) -> None:
    code = "code\x1b[2J\x1b]0;owned\x07\u202e\u200b\x85"
    if fmt == "json":
        text = json.dumps({"cells": [{"code": code, "wert": "<5"}]}, ensure_ascii=False)
    elif fmt == "csv":
        text = f"Ebene;Name;Code\r\nCoach;Anna;{code}\r\n"
    else:
        text = f"Zeitraum: Anfang bis heute\n  {code:<20} 3\n"
    safe = _terminal_safe_report(text, fmt)
    assert_terminal_safe(safe.replace("\r\n", "\n"))
    if fmt == "json":
        assert json.loads(safe) == json.loads(text)
    else:
        assert shown(code) in safe
    if fmt == "csv":
        assert safe.count("\r\n") == 2
    clean = {"json": '{"a": "Ünal"}\n', "csv": "a;Ünal\r\n", "table": "Ünal  <5\n"}[fmt]
    assert _terminal_safe_report(clean, fmt) == clean


# -- kim import-clients ------------------------------------------------------------------------


def test_import_clients_duplicate_message_shows_bidi_and_zero_width_visibly(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kim_tui.domain.model import ClientDraft, IntakeDraft
    from kim_tui.service.workspace import Workspace

    vault_dir = tmp_path / "vault"
    vault, _ = Vault.create(vault_dir, PASSPHRASE, kdf_memory_kib=FAST_KDF_KIB)
    family = "Mül\u202eler\u200b\u2066\u200d"
    ws = Workspace(vault)
    try:
        ws.intake(IntakeDraft(ClientDraft("Jürgen", family, date(1971, 7, 3)), date(2026, 1, 5)))
    finally:
        ws.close()
    csv = tmp_path / "liste.csv"
    csv.write_text("Nachname;Vorname;Geburtsdatum\nMüller;Jürgen;03.07.1971\n", encoding="utf-8")
    argv = ["import-clients", str(csv), "--vault", str(vault_dir)]
    assert main([*argv, "--passphrase-file", str(passphrase_file)]) == 1
    out, err = capsys.readouterr()
    assert_terminal_safe(out + err)
    assert "mögliche Dublette(n), nichts importiert" in err
    assert "Mül\\u202eler\\u200b\\u2066\\u200d" in err
