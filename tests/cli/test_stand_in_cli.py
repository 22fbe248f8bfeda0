"""`kim stand-in` from the command line: send, receive, return, import, and the erasure of the
copy on the first command after the end date (told on stderr)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from kim_tui.cli import main
from kim_tui.domain.model import (
    ClientDraft,
    ConsentDraft,
    ConsentPurpose,
    ContactDraft,
    FollowUpDraft,
    IntakeDraft,
)
from kim_tui.service.workspace import Workspace
from kim_tui.store.models import StandIn
from kim_tui.store.vault import Vault
from kim_tui.sync.identity import CoachPublic, display_fingerprint
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.usefixtures("fast_default_kdf")


def _coach(tmp_path: Path, name: str, pw: Path) -> tuple[list[str], Path]:
    vault = ["--vault", str(tmp_path / name), "--passphrase-file", str(pw)]
    assert main(["init", *vault]) == 0
    pub = tmp_path / f"{name}.pub"
    assert main(["identity", *vault, "--out", str(pub), "--name", name]) == 0
    return vault, pub


def _team(tmp_path: Path) -> tuple[list[str], list[str]]:
    """Anna and Ben, each with a vault, who know each other: their CLI vault arguments."""
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE + "\n")
    anna, anna_pub = _coach(tmp_path, "Anna", pw)
    ben, ben_pub = _coach(tmp_path, "Ben", pw)
    _befriend(anna, ben_pub)
    _befriend(ben, anna_pub)
    return anna, ben


def _befriend(vault: list[str], pub: Path) -> None:
    fp = display_fingerprint(CoachPublic.from_json(pub.read_bytes()).fingerprint)
    assert main(["colleague", "add", *vault, str(pub), "--fingerprint", fp]) == 0


def test_stand_in_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    anna, ben = _team(tmp_path)
    today = date.today()
    with Vault.open(tmp_path / "Anna", PASSPHRASE) as vault:
        ws = Workspace(vault)
        consent = (ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, today),)
        lent, case = ws.intake(
            IntakeDraft(ClientDraft("Lina", "Haddad", None), today, consents=consent)
        )
        ws.intake(IntakeDraft(ClientDraft("Omar", "Bleibt", None), today, consents=consent))
        ws.add_follow_up(FollowUpDraft(case, today + timedelta(days=2), "Rückruf Jobcenter"))
    capsys.readouterr()

    until = (today + timedelta(days=7)).strftime("%d.%m.%Y")
    out = tmp_path / "vertretung.kimh"
    args = ["stand-in", *anna, "--to", "Ben", "--until", until, "--client", lent, "--out", str(out)]
    assert main(args) == 0
    assert "1 Klient*innen" in capsys.readouterr().out

    assert main(["stand-in", *ben, "--receive", str(out)]) == 0
    assert "Haddad, Lina" in capsys.readouterr().out
    assert main(["stand-in", *ben, "--receive", str(out)]) == 1
    assert "bereits übernommen" in capsys.readouterr().err

    with Vault.open(tmp_path / "Ben", PASSPHRASE) as vault:
        ws = Workspace(vault)
        ws.add_contact(ContactDraft(case, today, "phone", 10, note="Anruf bei Ben"))
        (callback,) = [i for i in ws.follow_ups().items if i.reason == "Rückruf Jobcenter"]
        moved_to = ws.snooze_follow_up(callback.id, today + timedelta(days=30))
    back = tmp_path / "rueckgabe.kimh"
    assert main(["stand-in", *ben, "--return", "--out", str(back)]) == 0
    assert "1 Kontakte" in capsys.readouterr().out
    assert main(["stand-in", *anna, "--import-return", str(back)]) == 0
    imported = capsys.readouterr().out
    assert "1 Kontakte" in imported and "1 verschoben" in imported
    with Vault.open(tmp_path / "Anna", PASSPHRASE) as vault:
        (at_anna,) = [
            i for i in Workspace(vault).follow_ups().items if i.reason == "Rückruf Jobcenter"
        ]
    assert at_anna.due_on == moved_to
    assert main(["stand-in", *anna, "--import-return", str(back)]) == 1
    assert "bereits eingelesen" in capsys.readouterr().err
    assert main(["stand-in", *ben, "--import-return", str(out)]) == 1
    assert "keine Rückgabe" in capsys.readouterr().err

    # Time passes: the stand-in ended yesterday. Any command that opens Ben's vault erases the
    # copy and says so.
    with Vault.open(tmp_path / "Ben", PASSPHRASE) as vault, Session(vault.engine) as s:
        for row in s.exec(select(StandIn)).all():
            row.until = today - timedelta(days=1)
            s.add(row)
        s.commit()
    # `kim export` too (Ben has no coordinator yet, so it then stops with a reason).
    assert main(["export", *ben, "--out", str(tmp_path / "outbox")]) == 1
    captured = capsys.readouterr()
    assert "Vertretung für Anna endete" in captured.err and "Haddad, Lina" in captured.err
    assert "Rückgabe geschrieben" in captured.err
    assert main(["clients", *ben]) == 0
    captured = capsys.readouterr()
    assert "Haddad" not in captured.out and "endete" not in captured.err


def test_stand_in_usage_errors_speak_english_with_lang_en(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--lang", "en", "stand-in", "--vault", str(tmp_path / "none"), "--receive", "a",
                 "--return"])  # fmt: skip
    err = capsys.readouterr().err
    assert code != 0 and "Only one at a time" in err and "Bitte" not in err


def test_a_return_for_a_file_erased_meanwhile_says_it_was_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Anna erased the client (the client asked) while Ben stood in: Ben's contact is not
    brought back, and the summary says it was skipped, not that it was there already."""
    anna, ben = _team(tmp_path)
    today = date.today()
    with Vault.open(tmp_path / "Anna", PASSPHRASE) as vault:
        consent = (ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, today),)
        lent, case = Workspace(vault).intake(
            IntakeDraft(ClientDraft("Lina", "Haddad", None), today, consents=consent)
        )
    until = (today + timedelta(days=7)).strftime("%d.%m.%Y")
    out = tmp_path / "vertretung.kimh"
    assert main(["stand-in", *anna, "--to", "Ben", "--until", until, "--client", lent,
                 "--out", str(out)]) == 0  # fmt: skip
    assert main(["stand-in", *ben, "--receive", str(out)]) == 0
    with Vault.open(tmp_path / "Ben", PASSPHRASE) as vault:
        Workspace(vault).add_contact(ContactDraft(case, today, "phone", 10, note="Anruf"))
    back = tmp_path / "rueckgabe.kimh"
    assert main(["stand-in", *ben, "--return", "--out", str(back)]) == 0
    with Vault.open(tmp_path / "Anna", PASSPHRASE) as vault:
        Workspace(vault).erase_client(lent, "Die Klientin hat die Löschung verlangt.")
    capsys.readouterr()
    assert main(["stand-in", *anna, "--import-return", str(back)]) == 0
    summary = capsys.readouterr().out
    assert "0 Kontakte" in summary
    assert "1 übersprungen (schon eingelesen, oder die Akte ist hier gelöscht)" in summary
