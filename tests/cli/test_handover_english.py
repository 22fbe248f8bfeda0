"""With `kim --lang en`, what the handover, stand-in and colleague commands say reaches the
coach in English, refusals included: a file meant for someone else, a replayed file, an
unknown sender, a file of the wrong kind, a missing file (issue 14, leftovers)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from kim_tui.cli import main
from kim_tui.service.workspace import Workspace
from kim_tui.store.models import StandIn
from kim_tui.store.vault import Vault
from kim_tui.sync.identity import CoachPublic
from tests.builders import intake_client, run_kim
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.usefixtures("fast_default_kdf")

GERMAN = ("Datei", "Nichts", "nicht", "bitte", "Bitte", "Kolleg*in", "Übergabe", "Vertretung")


def _english_only(text: str) -> None:
    assert text.strip()
    found = [w for w in GERMAN if w in text]
    assert not found, f"German in an English message: {found}: {text}"


@pytest.fixture
def pw(tmp_path: Path) -> Path:
    path = tmp_path / "pw"
    path.write_text(PASSPHRASE + "\n")
    path.chmod(0o600)
    return path


def _coach(tmp_path: Path, pw: Path, name: str, organisation: str) -> list[str]:
    vault = ["--vault", str(tmp_path / name), "--passphrase-file", str(pw)]
    assert main(["init", *vault, "--recovery-key-file", str(tmp_path / f"{name}.rk")]) == 0
    pub = tmp_path / f"{name}.pub"
    argv = ["identity", *vault, "--out", str(pub), "--name", name, "--organisation", organisation]
    assert main(argv) == 0
    return vault


def _knows(tmp_path: Path, me: list[str], other: str) -> None:
    fp = CoachPublic.from_json((tmp_path / f"{other}.pub").read_bytes()).fingerprint
    assert main(["colleague", "add", *me, str(tmp_path / f"{other}.pub"), "--fingerprint", fp]) == 0


def _client(tmp_path: Path, name: str, given: str, family: str) -> str:
    with Vault.open(tmp_path / name, PASSPHRASE) as vault:
        opened = date.today() - timedelta(days=30)
        client, _case = intake_client(
            Workspace(vault), given, family, date(1988, 2, 9), first_contact_on=opened
        )
        return client


REASON = "Umzug in einen anderen Sozialraum, mündlich abgestimmt"


def test_handover_refusals_in_english(
    tmp_path: Path, pw: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    anna = _coach(tmp_path, pw, "anna", "Caritas")
    ben = _coach(tmp_path, pw, "ben", "DRK")
    carl = _coach(tmp_path, pw, "carl", "ZAQ")
    _knows(tmp_path, anna, "ben")
    _knows(tmp_path, ben, "anna")
    _knows(tmp_path, carl, "anna")
    _knows(tmp_path, carl, "ben")
    first = _client(tmp_path, "anna", "Ada", "Lovelace-Test")
    from_carl = _client(tmp_path, "carl", "Carla", "Unbekannt-Test")

    code, _out, err = run_kim(capsys, "--lang", "en", "handover", *anna, "--client", first,
                              "--to", "ben", "--out", str(tmp_path / "h1.kimh"))  # fmt: skip
    assert code == 1 and "No valid consent" in err
    _english_only(err)
    code, _out, err = run_kim(capsys, "--lang", "en", "handover", *anna, "--client", first,
                              "--to", "ben", "--out", str(tmp_path / "h1.kimh"),
                              "--override-reason", "kurz")  # fmt: skip
    assert code == 1 and "too short" in err
    _english_only(err)
    code, out, err = run_kim(capsys, "--lang", "en", "handover", *anna, "--client", first,
                             "--to", "ben", "--out", str(tmp_path / "h1.kimh"),
                             "--override-reason", REASON)  # fmt: skip
    assert code == 0, err
    assert "Handover file written" in out

    # Meant for Ben, read by Carl.
    code, _out, err = run_kim(capsys, "--lang", "en", "receive", str(tmp_path / "h1.kimh"), *carl)
    assert code == 1 and "meant for someone else" in err
    _english_only(err)

    # Ben takes it in, then the same file again.
    code, out, err = run_kim(capsys, "--lang", "en", "receive", str(tmp_path / "h1.kimh"), *ben)
    assert code == 0 and "Taken in as a new file" in out, err
    code, _out, err = run_kim(capsys, "--lang", "en", "receive", str(tmp_path / "h1.kimh"), *ben)
    assert code == 1 and "already received" in err and "Nothing was changed" in err
    _english_only(err)

    # Carl, whom Ben never stored, hands a file to Ben.
    code, _out, err = run_kim(capsys, "--lang", "en", "handover", *carl, "--client", from_carl,
                              "--to", "ben", "--out", str(tmp_path / "h2.kimh"),
                              "--override-reason", REASON)  # fmt: skip
    assert code == 0, err
    code, _out, err = run_kim(capsys, "--lang", "en", "receive", str(tmp_path / "h2.kimh"), *ben)
    assert code == 1 and "Unknown sender" in err and "kim colleague add" in err
    _english_only(err)

    # A damaged file, a file that is not there, a handover given as a receipt.
    damaged = bytearray((tmp_path / "h1.kimh").read_bytes())
    damaged[-1] ^= 1
    (tmp_path / "damaged.kimh").write_bytes(bytes(damaged))
    code, _out, err = run_kim(
        capsys, "--lang", "en", "receive", str(tmp_path / "damaged.kimh"), *ben
    )
    assert code == 1 and "File refused" in err
    _english_only(err)
    code, _out, err = run_kim(capsys, "--lang", "en", "receive", str(tmp_path / "gone.kimh"), *ben)
    assert code == 1 and "does not exist" in err
    code, _out, err = run_kim(
        capsys, "--lang", "en", "handover", "--confirm", str(tmp_path / "h1.kimh"), *anna
    )
    assert code == 1 and "not a receipt" in err
    _english_only(err)

    # The same refusal in German without --lang.
    code, _out, err = run_kim(capsys, "receive", str(tmp_path / "h1.kimh"), *ben)
    assert code == 1 and "Nichts wurde geändert" in err


def test_stand_in_and_colleague_refusals_in_english(
    tmp_path: Path, pw: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    anna = _coach(tmp_path, pw, "anna", "Caritas")
    ben = _coach(tmp_path, pw, "ben", "DRK")
    _knows(tmp_path, anna, "ben")
    client = _client(tmp_path, "anna", "Ada", "Lent-Test")
    until = (date.today() + timedelta(days=14)).strftime("%d.%m.%Y")

    code, _out, err = run_kim(capsys, "--lang", "en", "stand-in", *anna, "--to", "ben",
                              "--until", "31.02.2026",
                              "--out", str(tmp_path / "s.kimh"))  # fmt: skip
    assert code == 1 and "invalid date" in err
    _english_only(err)
    code, _out, err = run_kim(capsys, "--lang", "en", "stand-in", *anna, "--to", "Nobody",
                              "--until", until, "--out", str(tmp_path / "s.kimh"))  # fmt: skip
    assert code == 1 and "No stored colleague" in err
    _english_only(err)

    # Ben works for another provider: the copy needs the client's consent to pass it there.
    code, out, err = run_kim(capsys, "--lang", "en", "stand-in", *anna, "--to", "ben",
                             "--until", until, "--client", client,
                             "--out", str(tmp_path / "s.kimh"))  # fmt: skip
    assert code == 1 and "No valid consent to pass files to “DRK” for: Lent-Test, Ada" in err
    _english_only(err)
    assert not (tmp_path / "s.kimh").exists()
    from kim_tui.domain.model import ConsentDraft, ConsentPurpose

    with Vault.open(tmp_path / "anna", PASSPHRASE) as vault:
        ws = Workspace(vault)
        ws.add_consent(
            ws.client_file(client).case_id,
            ConsentDraft(ConsentPurpose.SHARE_AGENCY, date.today(), recipient="DRK"),
        )
    code, out, err = run_kim(capsys, "--lang", "en", "stand-in", *anna, "--to", "ben",
                             "--until", until, "--client", client,
                             "--out", str(tmp_path / "s.kimh"))  # fmt: skip
    assert code == 0, err
    # Ben has not stored Anna: the sender is unknown.
    code, _out, err = run_kim(
        capsys, "--lang", "en", "stand-in", *ben, "--receive", str(tmp_path / "s.kimh")
    )
    assert code == 1 and "not a stored colleague" in err
    _english_only(err)
    _knows(tmp_path, ben, "anna")
    code, _out, err = run_kim(capsys, "--lang", "en", "receive", str(tmp_path / "s.kimh"), *ben)
    assert code == 1 and "stand-in file" in err and "kim stand-in --receive" in err
    _english_only(err)
    code, out, err = run_kim(
        capsys, "--lang", "en", "stand-in", *ben, "--receive", str(tmp_path / "s.kimh")
    )
    assert code == 0 and "Standing in for anna" in out, err
    code, _out, err = run_kim(
        capsys, "--lang", "en", "stand-in", *ben, "--receive", str(tmp_path / "s.kimh")
    )
    assert code == 1 and "already taken over" in err
    _english_only(err)
    code, _out, err = run_kim(
        capsys, "--lang", "en", "stand-in", *anna, "--import-return", str(tmp_path / "s.kimh")
    )
    assert code == 1 and "not a return" in err
    _english_only(err)

    # A colleague file that is no coach.pub, and one's own identity.
    (tmp_path / "bad.pub").write_text("{not json")
    code, _out, err = run_kim(capsys, "--lang", "en", "colleague", "add", *anna,
                              str(tmp_path / "bad.pub"), "--fingerprint", "ABCD")  # fmt: skip
    assert code == 1 and "not valid JSON" in err
    own = CoachPublic.from_json((tmp_path / "anna.pub").read_bytes()).fingerprint
    code, out, err = run_kim(capsys, "--lang", "en", "colleague", "add", *anna,
                             str(tmp_path / "anna.pub"), "--fingerprint", own)  # fmt: skip
    assert code == 1 and "Fingerprint" in out and "own identity" in err
    _english_only(err)
    code, out, _err = run_kim(capsys, "--lang", "en", "colleague", "list", *anna)
    assert "ben, DRK" in out

    # The stand-in ended yesterday: the next command on Ben's vault erases the copy, in English.
    with Vault.open(tmp_path / "ben", PASSPHRASE) as vault, Session(vault.engine) as s:
        for row in s.exec(select(StandIn)).all():
            row.until = date.today() - timedelta(days=1)
            s.add(row)
        s.commit()
    code, _out, err = run_kim(capsys, "--lang", "en", "clients", *ben)
    assert code == 0 and "Standing in for anna ended" in err and "No return written" in err
    _english_only(err)
