"""No personal data ever reaches the disk in plain text: not in the database, its WAL, the key
file, the lock file, nor a backup. Every personal field gets a distinctive canary."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from kim_tui.domain.model import (
    AreaRatingDraft,
    AssessmentDraft,
    ClientDraft,
    ConsentDraft,
    ConsentPurpose,
    ContactDraft,
    FollowUpDraft,
    GoalAgreementDraft,
    GoalDraft,
    HouseholdMember,
    IntakeDraft,
    ReferralDraft,
    ResidenceDraft,
    StepDraft,
)
from kim_tui.service.workspace import Workspace
from kim_tui.store.vault import Vault, backup_open_vault
from tests.builders import canary_needles, needles_in, new_vault
from tests.conftest import FIXED_TODAY, PASSPHRASE

CANARIES = {
    "given_name": "Qzgivencanary",
    "family_name": "Qzfamilycanary",
    "other_names": "Qzothernamecanary",
    "address": "Qzaddresscanarystrasse 17",
    "phone": "+49 1111 7734 9921",
    "household_name": "Qzhouseholdcanary",
    "household_relation": "Qzrelationcanary",
    "legal_basis": "Qzlegalbasiscanary",
    "follow_up_reason": "Qzfollowupreasoncanary",
    "done_note": "Qzdonenotecanary",
    "contact_note": "Qzcontactnotecanary",
    "situation": "Qzsituationcanary",
    "resources": "Qzresourcescanary",
    "assessed_by": "Qzassessedbycanary",
    "goal_title": "Qzgoaltitlecanary",
    "goal_indicator": "Qzgoalindicatorcanary",
    "step_text": "Qzsteptextcanary",
    "referral_reason": "Qzreferralreasoncanary",
    "referral_outcome": "Qzreferraloutcomecanary",
    "override_reason": "Qzoverridereasoncanary",
}
# Unusual dates, so their ISO and German forms cannot occur by chance.
BIRTH_DATE = date(1963, 7, 29)
HOUSEHOLD_BIRTH_DATE = date(2011, 2, 13)
DATE_CANARIES = ("1963-07-29", "29.07.1963", "2011-02-13", "13.02.2011")


def _needles() -> list[tuple[str, bytes]]:
    """Every canary, as found in the file, in the encodings SQLite and Python could write."""
    return canary_needles(
        [*CANARIES.values(), *DATE_CANARIES],
        # The folded search/sort keys store names lower-cased.
        folded=[CANARIES[k] for k in ("given_name", "family_name", "other_names")],
        marker="Qz",
    )


def _leaks(paths: list[Path]) -> list[str]:
    needles = _needles()
    return [
        f"{path.name}: {hit}" for path in paths for hit in needles_in(path.read_bytes(), needles)
    ]


def _fill(ws: Workspace) -> tuple[str, str]:
    today = FIXED_TODAY
    client = ClientDraft(
        given_name=CANARIES["given_name"],
        family_name=CANARIES["family_name"],
        other_names=CANARIES["other_names"],
        birth_date=BIRTH_DATE,
        address=CANARIES["address"],
        phone=CANARIES["phone"],
        household=(
            HouseholdMember(
                CANARIES["household_name"], CANARIES["household_relation"], HOUSEHOLD_BIRTH_DATE
            ),
        ),
    )
    client_id, case_id = ws.intake(
        IntakeDraft(
            client=client,
            first_contact_on=today - timedelta(days=30),
            legal_domains=("aufenthg",),
            residence=ResidenceDraft(
                "duldung", CANARIES["legal_basis"], valid_until=today + timedelta(days=200)
            ),
            consents=(
                ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, today - timedelta(days=30)),
                ConsentDraft(
                    ConsentPurpose.SHARE_AGENCY, today - timedelta(days=30), agency="jobcenter"
                ),
            ),
        )
    )
    done_id = ws.add_follow_up(
        FollowUpDraft(case_id, today + timedelta(days=3), CANARIES["follow_up_reason"] + " A")
    )
    ws.complete_follow_up(done_id, note=CANARIES["done_note"])
    ws.add_follow_up(
        FollowUpDraft(case_id, today + timedelta(days=9), CANARIES["follow_up_reason"] + " B")
    )
    ws.add_contact(ContactDraft(case_id, today, "in_person", 45, note=CANARIES["contact_note"]))
    ws.add_assessment(
        AssessmentDraft(
            case_id,
            today,
            (
                AreaRatingDraft(
                    "language", 2, situation=CANARIES["situation"], resources=CANARIES["resources"]
                ),
            ),
            assessed_by=CANARIES["assessed_by"],
        )
    )
    ws.add_goal_agreement(
        GoalAgreementDraft(
            case_id,
            today,
            today + timedelta(days=60),
            (
                GoalDraft(
                    "language",
                    CANARIES["goal_title"],
                    indicator=CANARIES["goal_indicator"],
                    steps=(StepDraft(CANARIES["step_text"], "client", today + timedelta(days=14)),),
                ),
            ),
        )
    )
    ws.add_referral(
        ReferralDraft(
            case_id,
            "jobcenter",
            "sgb2",
            CANARIES["referral_reason"],
            today,
            feedback_due_on=today + timedelta(days=21),
            outcome=CANARIES["referral_outcome"],
            passes_identifying_data=False,
            override_reason=CANARIES["override_reason"],
        )
    )
    return client_id, case_id


def _vault_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.is_file())


def test_needles_do_find_plaintext(tmp_path: Path) -> None:
    """The scanner itself works: a plain file with a canary is caught in every encoding."""
    for enc in ("utf-8", "utf-16-le", "utf-16-be"):
        f = tmp_path / f"plain-{enc}.txt"
        f.write_bytes(f"xx {CANARIES['step_text']} yy".encode(enc))
        assert _leaks([f])
    g = tmp_path / "date.txt"
    g.write_text("born 1963-07-29")
    assert _leaks([g])


def test_no_canary_on_disk_while_open_and_after_close(vault_dir: Path, tmp_path: Path) -> None:
    vault, _rk = new_vault(vault_dir)
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    client_id, _case_id = _fill(ws)

    # The data really went in (so a clean disk means encrypted, not missing).
    assert ws.client_file(client_id).client.address == CANARIES["address"]
    reasons = {f.reason for f in ws.follow_ups().items}
    assert CANARIES["follow_up_reason"] + " B" in reasons

    # While open, recent writes sit in the WAL: it must be encrypted as well.
    open_files = _vault_files(vault_dir)
    assert (vault_dir / "vault.db-wal").exists(), "expected a WAL while the vault is open"
    assert (vault_dir / "vault.db-wal").stat().st_size > 0
    assert _leaks(open_files) == []

    # A backup taken while open is a file outside the vault: also ciphertext only.
    backup = tmp_path / "backup.kimbak"
    backup_open_vault(vault_dir, PASSPHRASE, backup)
    vault.backup_to(tmp_path / "backup2.kimbak")
    assert _leaks([backup, tmp_path / "backup2.kimbak"]) == []

    ws.close()
    closed_files = _vault_files(vault_dir)
    assert {p.name for p in closed_files} >= {"vault.db", "vault.key", "vault.lock"}
    assert _leaks(closed_files) == []

    # Nothing else under tmp_path (temp files of the backup, stray journals) leaks either.
    everything = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert _leaks(everything) == []

    # And the data is still there after reopening.
    with Vault.open(vault_dir, PASSPHRASE) as again:
        ws2 = Workspace(again, today=lambda: FIXED_TODAY)
        assert ws2.client_file(client_id).client.household[0].name == CANARIES["household_name"]


@pytest.mark.parametrize("name", ["vault.key", "vault.lock"])
def test_key_and_lock_files_hold_nothing_personal(workspace: Workspace, name: str) -> None:
    _fill(workspace)
    path = workspace.vault.directory / name
    assert _leaks([path]) == []


def test_scan_would_catch_an_unencrypted_vault(
    vault_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Guard against a vacuous test: with the key pragma removed, the canaries are found."""
    from kim_tui.store import engine

    real = engine._pragmas

    def no_key(dbapi_conn, dek_hex):  # type: ignore[no-untyped-def]
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode = WAL").fetchone()
        cur.close()

    monkeypatch.setattr(engine, "_pragmas", no_key)
    vault, _rk = new_vault(vault_dir)
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    _fill(ws)
    leaks_open = _leaks(_vault_files(vault_dir))
    ws.close()
    leaks_closed = _leaks(_vault_files(vault_dir))
    monkeypatch.setattr(engine, "_pragmas", real)
    assert any(CANARIES["address"] in leak for leak in leaks_open)
    assert any(CANARIES["step_text"] in leak for leak in leaks_closed)
