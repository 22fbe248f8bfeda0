"""Erasure, restriction, retention and the regime setting, through the workspace."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from kim_tui.domain.model import (
    AreaRatingDraft,
    AssessmentDraft,
    ClosureDraft,
    ConsentDraft,
    ConsentPurpose,
    ContactDraft,
    FollowUpDraft,
    FollowUpSource,
    GoalAgreementDraft,
    GoalDraft,
    ReferralDraft,
    ResidenceDraft,
    StepDraft,
)
from kim_tui.service.workspace import Workspace
from kim_tui.store.errors import ValidationError
from kim_tui.store.models import TABLES
from tests.builders import intake_client
from tests.conftest import FIXED_TODAY

NAME = "Zeynepova"
LATER = FIXED_TODAY + timedelta(days=10)


def rich_client(ws: Workspace, family: str = NAME) -> tuple[str, str]:
    """A client with a record in every table: consents, residence, assessment, goals and
    steps, referral, contact, follow-ups."""
    client, case = intake_client(
        ws,
        "Aigerim",
        family,
        date(1991, 3, 4),
        residence=ResidenceDraft("duldung", valid_until=FIXED_TODAY + timedelta(days=200)),
        consents=(ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, FIXED_TODAY),),
    )
    ws.add_consent(case, ConsentDraft(ConsentPurpose.SHARE_COORDINATOR, FIXED_TODAY))
    ws.add_assessment(
        AssessmentDraft(case, FIXED_TODAY, (AreaRatingDraft("housing", 3, f"{family} wohnt"),))
    )
    ws.add_goal_agreement(
        GoalAgreementDraft(
            case,
            FIXED_TODAY,
            LATER,
            (
                GoalDraft(
                    "housing", f"Wohnung {family}", steps=(StepDraft("Suchen", "client", LATER),)
                ),
            ),
        )
    )
    ws.add_referral(
        ReferralDraft(
            case,
            "jobcenter",
            "sgb2",
            f"{family} SGB II",
            FIXED_TODAY,
            LATER,
            passes_identifying_data=False,
        )
    )
    ws.add_contact(ContactDraft(case, FIXED_TODAY, "phone", 15, note=f"Anruf {family}"))
    ws.add_follow_up(FollowUpDraft(case, LATER, f"Termin {family}"))
    return client, case


def _row_counts(ws: Workspace) -> dict[str, int]:
    with ws.vault.engine.connect() as conn:
        return {
            str(t.__tablename__): int(
                conn.execute(text(f'SELECT count(*) FROM "{t.__tablename__}"')).scalar_one()
            )
            for t in TABLES
        }


def test_erasure_removes_every_record_of_the_client_and_keeps_the_others(
    workspace: Workspace,
) -> None:
    other, other_case = rich_client(workspace, "Bleibt")
    before = _row_counts(workspace)
    client, case = rich_client(workspace)
    workspace.close_case(ClosureDraft(case, FIXED_TODAY, "moved_away"))
    result = workspace.erase_client(client)
    after = _row_counts(workspace)
    for table, count in before.items():
        if table not in ("auditevent", "erasedclient"):
            assert after[table] == count, table
    assert after["erasedclient"] == 1
    assert result.records_removed > 10
    assert [c.client_id for c in workspace.clients()] == [other]
    assert workspace.caseload(include_closed=True).total == 1
    assert all(NAME not in f.client_name for f in workspace.follow_ups().items)
    assert all(NAME not in e.detail for e in workspace.audit_log())
    assert workspace.audit_log()[0].action == "client.erase"
    assert client in workspace.erased_ids()
    assert workspace.client_file(other).case_id == other_case


def test_an_open_case_is_erased_only_with_a_reason(workspace: Workspace) -> None:
    client, _case = rich_client(workspace)
    with pytest.raises(ValidationError, match="Begründung"):
        workspace.erase_client(client)
    workspace.erase_client(client, "Antrag vom 20.11.2026")
    with pytest.raises(ValidationError, match="bereits gelöscht"):
        workspace.erase_client(client, "noch einmal")


def test_restricted_file_is_read_only_until_lifted(workspace: Workspace, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client, case = rich_client(workspace)
    workspace.restrict_client(client)
    assert workspace.client_file(client).restricted_on == FIXED_TODAY
    assert workspace.caseload().items[0].restricted
    with pytest.raises(ValidationError, match="eingeschränkt"):
        workspace.add_contact(ContactDraft(case, FIXED_TODAY, "phone", 5))
    with pytest.raises(ValidationError, match="eingeschränkt"):
        workspace.add_referral(
            ReferralDraft(
                case, "jobcenter", "sgb2", "x", FIXED_TODAY, passes_identifying_data=False
            )
        )
    # A Wiedervorlage of the coach's own (new or moved) and a printout are processing too.
    (reminder, *_) = [f for f in workspace.follow_ups().items if f.client_id == client]
    with pytest.raises(ValidationError, match="eingeschränkt"):
        workspace.add_follow_up(FollowUpDraft(case, FIXED_TODAY + timedelta(days=9), "Termin"))
    with pytest.raises(ValidationError, match="eingeschränkt"):
        workspace.snooze_follow_up(reminder.id, FIXED_TODAY + timedelta(days=30))
    (agreement,) = workspace.goal_agreements(case)
    with pytest.raises(ValidationError, match="eingeschränkt"):
        workspace.print_goal_agreement(
            agreement.id, str(tmp_path / "zv.pdf"), coach="Anna", organisation="Caritas"
        )
    assert not (tmp_path / "zv.pdf").exists()
    workspace.lift_restriction(client)
    workspace.add_contact(ContactDraft(case, FIXED_TODAY, "phone", 5))
    assert workspace.client_file(client).restricted_on is None
    workspace.snooze_follow_up(reminder.id, FIXED_TODAY + timedelta(days=30))


def test_retention_end_and_due_erasure_follow_up(workspace: Workspace) -> None:
    client, case = rich_client(workspace)
    workspace.close_case(ClosureDraft(case, date(2026, 11, 20), "moved_away"))
    assert workspace.client_file(client).retention_end == date(2029, 12, 31)
    (listing,) = workspace.clients()
    assert listing.retention_end == date(2029, 12, 31)
    assert workspace.retention_due() == ()
    assert workspace.retention_due(date(2030, 1, 1))[0].client_id == client
    rows = [f for f in workspace.follow_ups().items if f.source is FollowUpSource.RETENTION]
    assert [r.due_on for r in rows] == [date(2030, 1, 2)]  # 01.01. is a holiday
    assert "Löschung fällig" in rows[0].reason
    workspace.set_retention_years(1)
    rows = [f for f in workspace.follow_ups().items if f.source is FollowUpSource.RETENTION]
    assert rows[0].original_due_on == date(2028, 1, 1)
    workspace.reopen_case(case)
    assert not [f for f in workspace.follow_ups().items if f.source is FollowUpSource.RETENTION]


def test_regime_is_a_vault_setting(workspace: Workspace) -> None:
    assert workspace.regime().code == "dsgvo"
    workspace.set_regime("kdg")
    assert workspace.regime().cite("erasure") == "§ 19 KDG"
    # The retention rule cites the erasure article of the regime chosen (not the DSGVO's).
    source = workspace.retention_rule().source("de", workspace.regime().cite("erasure"))
    assert "§ 19 KDG" in source and "DSGVO" not in source
    with pytest.raises(ValidationError):
        workspace.set_regime("hipaa")


def test_erasure_takes_the_files_merged_into_the_client(workspace: Workspace) -> None:
    """A second file of the same person, merged into hers, stays as a tombstone with the name
    it had: erasing her empties it too. The tombstone itself stays, so the next bundle can
    tell the coordinator about the merge (tests/sync/test_merge_bundle.py)."""
    client, _case = rich_client(workspace)
    twin, _twin_case = rich_client(workspace, "Zeynepova-Merged")
    workspace.merge_clients(client, twin)
    workspace.erase_client(client, "Antrag der Klientin")
    with workspace.vault.engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM client")).mappings().all()
        everything = [
            dict(row)
            for t in TABLES
            for row in conn.execute(text(f'SELECT * FROM "{t.__tablename__}"')).mappings()
        ]
    # Nowhere: neither in the emptied tombstones nor in the history that emptying them wrote.
    assert [
        r for r in everything if any(NAME in str(v) or "1991-03-04" in str(v) for v in r.values())
    ] == []
    (tomb,) = [r for r in rows if r["id"] == twin]
    assert tomb["merged_into"] == client and tomb["deleted_at"] is not None
    assert {client, twin} <= workspace.erased_ids()  # the merged file as `merged`


def test_erasure_names_the_files_whose_household_list_still_names_the_person(
    workspace: Workspace,
) -> None:
    """Ahmad's household list, typed at intake, names his wife Lina: erasing Lina's own file
    does not edit his, but tells the coach whose list to check. "Ali" is not "Alina"."""
    from kim_tui.domain.erasure_notice import erasure_notices
    from kim_tui.domain.model import ClientDraft, HouseholdMember, IntakeDraft

    lina, _ = intake_client(workspace, "Lina", "Darwish", date(1990, 4, 4))
    for given, family, member in (
        ("Ahmad", "Darwish", HouseholdMember("DARWÎSH, Lina", "Ehefrau")),
        ("Sami", "Haddad", HouseholdMember("Alina Darwisha", "Nachbarin")),
    ):
        workspace.intake(
            IntakeDraft(
                ClientDraft(given, family, date(1988, 1, 1), household=(member,)), FIXED_TODAY
            )
        )
    result = workspace.erase_client(lina, "Antrag der Klientin")
    assert result.named_in_households == ("Darwish, Ahmad",)
    (notice,) = erasure_notices(result)
    assert "Darwish, Ahmad" in notice and "prüfen" in notice
    ahmad = next(c for c in workspace.clients() if c.display_name == "Darwish, Ahmad")
    assert workspace.client_file(ahmad.client_id).client.household[0].name == "DARWÎSH, Lina"


def test_the_register_says_retention_only_once_the_period_has_run(
    workspace: Workspace,
) -> None:
    """A closed case erased without a reason before its retention end is registered as "no
    longer needed", not as the end of a retention period that has not run."""
    from sqlmodel import Session

    from kim_tui.store.models import ErasedClient

    early, early_case = rich_client(workspace, "Frueh")
    workspace.close_case(ClosureDraft(early_case, FIXED_TODAY, "moved_away"))
    workspace.erase_client(early)
    late, late_case = rich_client(workspace, "Spaet")
    workspace.close_case(ClosureDraft(late_case, FIXED_TODAY, "moved_away"))
    # The default rule: end of 2026 plus three years; due from 01.01.2030.
    later = Workspace(workspace.vault, today=lambda: date(2030, 1, 1))
    later.erase_client(late)
    with Session(workspace.vault.engine) as s:
        assert (s.get(ErasedClient, early).reason, s.get(ErasedClient, late).reason) == (
            "not_needed",
            "retention",
        )


def test_a_missing_file_is_named_as_the_coach_knows_it(workspace: Workspace) -> None:
    """ "Klient*in nicht gefunden.", not the table's English class name."""
    from kim_tui.i18n import set_language
    from kim_tui.store.errors import NotFound

    with pytest.raises(NotFound, match=r"^Klient\*in nicht gefunden\.$"):
        workspace.subject_access_copy("no-such-id")
    set_language("en")
    try:
        with pytest.raises(NotFound, match=r"^Client not found\.$"):
            workspace.subject_access_copy("no-such-id")
    finally:
        set_language("de")


def test_a_backup_from_before_the_merge_loses_both_files_to_the_register(
    workspace: Workspace, tmp_path: Path
) -> None:
    """The register lists the merged file too (`merged`): in a backup made before the merge,
    where it is still a file of its own, applying the register erases both. The merged file's
    tombstone itself cannot be erased alone (it goes with the file it was merged into)."""
    import shutil

    from kim_tui.store.errors import ValidationError
    from kim_tui.store.vault import Vault
    from tests.conftest import PASSPHRASE

    client, _ = rich_client(workspace)
    twin, _ = rich_client(workspace, "Zeynepova-Merged")
    vault_dir = workspace.vault.directory
    workspace.close()
    workspace.vault.close()
    shutil.copytree(vault_dir, tmp_path / "backup", ignore=shutil.ignore_patterns("*.lock"))
    current = Workspace(Vault.open(vault_dir, PASSPHRASE), today=lambda: FIXED_TODAY)
    current.merge_clients(client, twin)
    with pytest.raises(ValidationError, match="in einer anderen aufgegangen"):
        current.erase_client(twin, "Antrag")
    current.erase_client(client, "Antrag der Klientin")
    register = current.erased_ids()
    assert {client, twin} <= register
    current.close()

    restored = Workspace(Vault.open(tmp_path / "backup", PASSPHRASE), today=lambda: FIXED_TODAY)
    assert restored.re_erase(register) == 2
    assert not [c for c in restored.clients() if NAME in c.display_name]
    restored.close()
