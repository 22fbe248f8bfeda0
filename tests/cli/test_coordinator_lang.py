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


GERMAN_IMPORT = (
    "Paket",
    "Datensätze",
    "übernommen",
    "importiert",
    "abgelehnt",
    "zurückgehalten",
    "Gabelung",
    "fehlt",
    "Hinweis",
    "Änderung",
    "verworfen",
    "Signatur",
    "entscheiden",
)


def test_coordinator_import_and_decisions_speak_english_with_lang_en(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A good, a tampered and a replayed bundle, a gap, a fork, the held list and a discard:
    every line in English, and the same import in German keeps its German wording."""
    from kim_tui.coordinator.store import CoordinatorStore
    from tests.conftest import PASSPHRASE
    from tests.sync.conftest import make_coach, make_fork

    store, _rk = CoordinatorStore.create(
        tmp_path / "coord", PASSPHRASE, name="Kreis", kdf_memory_kib=FAST_KDF_KIB
    )
    coach = make_coach(tmp_path / "coach", "Anna", store)
    out = tmp_path / "out"
    out.mkdir()
    try:
        fork = make_fork(tmp_path / "branches", store, coach, out)  # A1, A2 in; B2, B3 held
        store.close()
        coach.add_client(5, share=False)
        a3 = coach.export(out, days=21).path
        coach.add_client(6, share=False)
        a4 = coach.export(out, days=28).path
    finally:
        coach.ws.close()
    tampered = tmp_path / "tampered.kimb"
    data = bytearray(a3.read_bytes())
    data[-1] ^= 0x01  # the signature's last byte
    tampered.write_bytes(bytes(data))
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE + "\n")
    cdir = ["--dir", str(tmp_path / "coord"), "--passphrase-file", str(pw)]
    en = ["--lang", "en", "coordinator"]

    assert main([*en, "import", *cdir, str(a4)]) == 0  # bundle 3 not yet here: a gap
    gap = capsys.readouterr().out
    assert "imported – bundle 4 (" in gap and "1 new" in gap
    assert "Note: bundle 3 from coach Anna" in gap and "is missing" in gap
    assert "held back (ID " in gap and "fork: bundle 2 is already there with other content" in gap

    assert main([*en, "import", *cdir, str(a3), str(tampered)]) == 1
    captured = capsys.readouterr()
    good, bad = captured.out, captured.err
    assert "imported – bundle 3 (" in good and "is missing" not in good
    assert "tampered.kimb: rejected – invalid signature (altered or signed by someone else)" in bad

    assert main([*en, "import", *cdir, str(a3)]) == 0  # replayed
    replayed = capsys.readouterr().out
    assert "already imported (bundle 3 from coach Anna" in replayed and "no change" in replayed

    assert main([*en, "import", *cdir, str(fork.b2), str(fork.b3)]) == 1
    forked = capsys.readouterr().out
    assert "held back – fork: bundle 2 is already there with other content" in forked
    assert "fork: bundle 3 builds on the held-back bundle 2" in forked
    assert "please decide (ID " in forked and "nothing taken over" in forked

    assert main([*en, "held", *cdir]) == 0
    held = capsys.readouterr().out
    assert "bundle 2 (" in held and "fork: bundle 2 is already there with other content" in held
    ident = held.split()[0]
    assert main([*en, "held", *cdir, "--discard", ident]) == 0
    discarded = capsys.readouterr().out
    assert "discarded – bundle 2 from coach Anna" in discarded
    assert main([*en, "import", *cdir, str(fork.b2)]) == 0
    decided = capsys.readouterr().out
    assert "already decided – bundle 2 from coach Anna" in decided and "was discarded on" in decided
    assert main([*en, "held", *cdir, "--discard", "zz"]) == 1
    refused = capsys.readouterr()
    assert "The ID has at least 4 characters" in refused.out + refused.err
    assert main([*en, "held", *cdir, "--release", ident]) == 0
    released = capsys.readouterr().out
    assert "released (discarded before) – bundle 2" in released
    assert "bundles 2, 3, 4 of the other history taken out of the chain" in released

    everything = "\n".join(
        [gap, good, bad, replayed, forked, held, discarded, decided, refused.out, refused.err,
         released]
    )  # fmt: skip
    for word in GERMAN_IMPORT:
        assert word not in everything, word
    assert language() == "de"

    # A row an earlier version let in: the report's skip line, in English, then in German.
    from tests.sync.test_bad_stored_rows import spoil_stored_row

    with CoordinatorStore.open(tmp_path / "coord", PASSPHRASE) as coord:
        spoilt = spoil_stored_row(coord, "case", "first_contact_on", '"2026-02-30"')
    assert main([*en, "report", *cdir]) == 0
    err = capsys.readouterr().err
    assert f"record case {spoilt[:12]} from coach Anna" in err
    assert "skipped: field first_contact_on: not a calendar date (2026-02-30)" in err
    assert main(["coordinator", "report", *cdir]) == 0
    err = capsys.readouterr().err
    assert "übersprungen: Feld first_contact_on: kein Kalenderdatum (2026-02-30)" in err

    # The same kinds of lines in German, word for word as before.
    assert main(["coordinator", "import", *cdir, str(a3), str(tampered)]) == 1
    captured = capsys.readouterr()
    assert "bereits entschieden – Paket 3 von Coach Anna" in captured.out
    assert "durch ein freigegebenes Paket ersetzt, keine Änderung" in captured.out
    assert "abgelehnt – Signatur ungültig (verändert oder fremd signiert)" in captured.err


def test_bundle_and_payload_messages_follow_the_language() -> None:
    """A damaged file and a payload that breaks the schema are described in the UI language."""
    from kim_tui.i18n import set_language
    from kim_tui.sync import bundle_format as bf
    from kim_tui.sync.payload_schema import check_records

    bad_record = [{"t": "client", "id": "x", "rev": 1, "del": False, "data": {}}]
    try:
        set_language("en")
        with pytest.raises(bf.BundleError) as short:
            bf.parse(b"kim")
        assert str(short.value) == "file is too short (truncated)"
        violation = check_records(bad_record)
        assert violation is not None
        assert violation.line() == (
            "record 1 (client), field id: not a valid id (expected: pseudonym p-…)"
        )
    finally:
        set_language("de")
    with pytest.raises(bf.BundleError) as short:
        bf.parse(b"kim")
    assert str(short.value) == "Datei ist zu kurz (abgeschnitten)"
    violation = check_records(bad_record)
    assert violation is not None
    assert violation.line() == (
        "Datensatz 1 (client), Feld id: keine gültige ID (erwartet: Pseudonym p-…)"
    )


def test_enroll_says_what_became_of_a_key_it_knows(
    tmp_path: Path, passphrase_file: Path, vault_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Enrolling a known key again changes nothing (and says so), under another name renames
    the coach in every later report (and says so, old and new), after a revocation admits it
    again; revoking twice says it was revoked already."""
    from kim_tui.store.vault import Vault

    coord = tmp_path / "coord"
    cdir = ["--dir", str(coord), "--passphrase-file", str(passphrase_file)]
    rk = ["--recovery-key-file", str(tmp_path / "rk")]
    assert main(["coordinator", "init", *cdir, "--name", "Kreis", *rk]) == 0
    Vault.create(vault_dir, "x" * 12, kdf_memory_kib=FAST_KDF_KIB)[0].close()
    pw = tmp_path / "coach-pw"
    pw.write_text("x" * 12 + "\n")
    coach = ["--vault", str(vault_dir), "--passphrase-file", str(pw)]
    pub = str(tmp_path / "coach.pub")
    assert main(["identity", *coach, "--out", pub, "--name", "Anna"]) == 0
    capsys.readouterr()

    def enroll(*extra: str) -> str:
        assert main(["coordinator", "enroll", *cdir, *extra, pub]) == 0
        return capsys.readouterr().out

    assert "Coach eingeschrieben: Anna" in enroll()
    assert "Anna ist bereits eingeschrieben; nichts geändert." in enroll()
    assert main(["identity", *coach, "--out", pub, "--name", "Anna B."]) == 0
    capsys.readouterr()
    assert "Coach umbenannt (derselbe Schlüssel): Anna → Anna B." in enroll()
    assert "widerrufen" in enroll("--revoke")
    assert "Anna B. ist bereits widerrufen; nichts geändert." in enroll("--revoke")
    assert "Coach wieder zugelassen: Anna B." in enroll()
    # Revoked and renamed at once: both are said.
    assert "widerrufen" in enroll("--revoke")
    assert main(["identity", *coach, "--out", pub, "--name", "Anna C."]) == 0
    capsys.readouterr()
    out = enroll()
    assert "Coach wieder zugelassen: Anna C." in out
    assert "Coach umbenannt (derselbe Schlüssel): Anna B. → Anna C." in out
