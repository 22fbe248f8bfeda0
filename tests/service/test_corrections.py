"""Correct and delete, with history (Art. 16 DSGVO): the current value is the corrected one, the
old one is only in the history; a deleted entry leaves every list and follow-up and keeps its
reason."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest

from kim_tui.domain.model import (
    AreaRatingDraft,
    AssessmentDraft,
    ClientDraft,
    ConsentDraft,
    ConsentForm,
    ConsentPurpose,
    ContactDraft,
    EntryKind,
    FollowUpDraft,
    FollowUpSource,
    GoalAgreementDraft,
    GoalDraft,
    HouseholdMember,
    IntakeDraft,
    ReferralDraft,
    ResidenceDraft,
    StepDraft,
)
from kim_tui.service.workspace import Workspace
from kim_tui.store.errors import ValidationError
from tests.conftest import FIXED_TODAY

D = date
SOON = FIXED_TODAY + timedelta(days=10)
REASON = "Versehentlich bei der falschen Person erfasst."


def _client(ws: Workspace) -> tuple[str, str]:
    return ws.intake(
        IntakeDraft(
            ClientDraft("Amira", "Haddad", D(1991, 7, 3), address="Alte Str. 1", phone="0208 1"),
            D(2026, 10, 1),
            residence=ResidenceDraft("duldung", valid_until=FIXED_TODAY + timedelta(days=60)),
            consents=(ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, D(2026, 10, 1)),),
        )
    )


def _changes(ws: Workspace, client_id: str) -> dict[str, tuple[str, str]]:
    return {
        c.field: (c.old_value, c.new_value)
        for c in reversed(ws.record_history(client_id))  # oldest first: the newest wins
        if c.kind == "changed"
    }


def _follow_up_reasons(ws: Workspace) -> list[str]:
    return [f.reason for f in ws.follow_ups().items]


def test_master_data_correction_keeps_old_and_new_value(workspace: Workspace) -> None:
    client_id, case_id = _client(workspace)
    workspace.create_identity("Anna Coach", "Träger")
    old = workspace.client_file(client_id).client
    workspace.update_client(
        client_id,
        replace(
            old,
            address="Neue Str. 2",
            phone="0208 2",
            household=(HouseholdMember("Samir", "Sohn", D(2015, 1, 1)),),
        ),
    )
    assert workspace.client_file(client_id).client.address == "Neue Str. 2"
    changes = _changes(workspace, client_id)
    assert changes["address"] == ("Alte Str. 1", "Neue Str. 2")
    assert changes["phone"] == ("0208 1", "0208 2")
    assert "Samir" in changes["household_json"][1]
    # Derived copies are no corrections of their own.
    assert "search_key" not in changes and "sort_key" not in changes
    (change, *_) = workspace.record_history(client_id)
    assert change.by == "Anna Coach" and change.case_id is None
    # The correction is in the case's Verlauf (audit) with the same revision.
    event = next(e for e in workspace.audit_log(case_id) if e.action == "client.update")
    assert event.revision == change.revision


def test_an_unchanged_save_records_no_history(workspace: Workspace) -> None:
    client_id, _ = _client(workspace)
    workspace.update_client(client_id, workspace.client_file(client_id).client)
    assert workspace.record_history(client_id) == ()


def test_contact_correction(workspace: Workspace) -> None:
    client_id, case_id = _client(workspace)
    contact = workspace.add_contact(ContactDraft(case_id, D(2026, 11, 3), "phone", 10, "Anruf"))
    workspace.correct_contact(
        contact, ContactDraft(case_id, D(2026, 11, 4), "in_person", 45, "Gespräch im Büro")
    )
    (view,) = workspace.client_file(client_id).contacts
    assert (view.on, view.kind, view.minutes, view.note) == (
        D(2026, 11, 4),
        "in_person",
        45,
        "Gespräch im Büro",
    )
    changes = _changes(workspace, client_id)
    assert changes["on"] == ("2026-11-03", "2026-11-04")
    assert changes["note"] == ("Anruf", "Gespräch im Büro")
    assert all(c.entity == "contactnote" for c in workspace.record_history(client_id))


def test_consent_correction(workspace: Workspace) -> None:
    client_id, _ = _client(workspace)
    (consent,) = workspace.client_file(client_id).consents
    workspace.correct_consent(
        consent.id, ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, D(2026, 10, 2), ConsentForm.ORAL)
    )
    (view,) = workspace.client_file(client_id).consents
    assert (view.given_on, view.form) == (D(2026, 10, 2), ConsentForm.ORAL)
    assert _changes(workspace, client_id)["form"] == ("written", "oral")


def test_residence_correction_moves_its_reminder(workspace: Workspace) -> None:
    client_id, _ = _client(workspace)
    (record,) = workspace.client_file(client_id).residence
    before = {
        f.due_on for f in workspace.follow_ups().items if f.source is FollowUpSource.RESIDENCE
    }
    workspace.correct_residence_record(
        record.id, ResidenceDraft("duldung", valid_until=FIXED_TODAY + timedelta(days=120))
    )
    after = {f.due_on for f in workspace.follow_ups().items if f.source is FollowUpSource.RESIDENCE}
    assert len(after) == 1 and after != before
    assert (
        _changes(workspace, client_id)["valid_until"][1]
        == (FIXED_TODAY + timedelta(days=120)).isoformat()
    )


def test_assessment_goal_step_referral_and_follow_up_corrections(workspace: Workspace) -> None:
    client_id, case_id = _client(workspace)
    assessment = workspace.add_assessment(
        AssessmentDraft(case_id, FIXED_TODAY, (AreaRatingDraft("housing", 3, "keine Wohnung"),))
    )
    workspace.correct_assessment(
        assessment,
        AssessmentDraft(
            case_id,
            FIXED_TODAY,
            (AreaRatingDraft("housing", 2, "Wohnung in Aussicht"), AreaRatingDraft("work", 1)),
        ),
    )
    (view,) = workspace.assessments(case_id)
    assert (view.level("housing"), view.level("work")) == (2, 1)
    workspace.add_goal_agreement(
        GoalAgreementDraft(
            case_id,
            FIXED_TODAY,
            None,
            (GoalDraft("housing", "Wohnnung", steps=(StepDraft("Makler", "client", SOON),)),),
        )
    )
    (goal,) = workspace.goal_agreements(case_id)[0].goals
    workspace.correct_goal(goal.id, GoalDraft("housing", "Wohnung"))
    workspace.correct_step(goal.steps[0].id, StepDraft("Makler anrufen", "coach", SOON))
    (goal,) = workspace.goal_agreements(case_id)[0].goals
    assert goal.title == "Wohnung" and goal.steps[0].text == "Makler anrufen"
    assert any("Makler anrufen" in r for r in _follow_up_reasons(workspace))
    referral = workspace.add_referral(
        ReferralDraft(
            case_id, "jobcenter", "sgb2", "Antrag", FIXED_TODAY, SOON, passes_identifying_data=False
        )
    )
    workspace.correct_referral(
        referral,
        ReferralDraft(
            case_id,
            "jobcenter",
            "sgb2",
            "Antrag auf Bürgergeld",
            FIXED_TODAY,
            SOON,
            passes_identifying_data=False,
        ),
    )
    assert workspace.client_file(client_id).referrals[0].reason == "Antrag auf Bürgergeld"
    manual = workspace.add_follow_up(FollowUpDraft(case_id, SOON, "Termn"))
    workspace.correct_follow_up(manual, FollowUpDraft(case_id, SOON, "Termin"))
    assert "Termin" in _follow_up_reasons(workspace)
    changes = _changes(workspace, client_id)
    assert changes["title"] == ("Wohnnung", "Wohnung")
    assert changes["text"] == ("Makler", "Makler anrufen")
    assert changes["level"] == ("3", "2")
    assert changes["reason"] == ("Termn", "Termin")


def test_a_derived_follow_up_is_corrected_at_its_source(workspace: Workspace) -> None:
    _client(workspace)
    (reminder,) = workspace.follow_ups().items
    with pytest.raises(ValidationError, match="Quelle"):
        workspace.correct_follow_up(reminder.id, FollowUpDraft(reminder.case_id, SOON, "x"))


def test_delete_needs_a_real_reason(workspace: Workspace) -> None:
    _client_id, case_id = _client(workspace)
    contact = workspace.add_contact(ContactDraft(case_id, FIXED_TODAY, "phone", 5))
    with pytest.raises(ValidationError, match="mindestens 10 Zeichen"):
        workspace.delete_entry(EntryKind.CONTACT, contact, "x")


def test_deleted_entries_leave_lists_counts_and_follow_ups(workspace: Workspace) -> None:
    client_id, case_id = _client(workspace)
    contact = workspace.add_contact(ContactDraft(case_id, D(2026, 11, 3), "phone", 5, "Notiz"))
    referral = workspace.add_referral(
        ReferralDraft(
            case_id, "jobcenter", "sgb2", "Antrag", FIXED_TODAY, SOON, passes_identifying_data=False
        )
    )
    workspace.add_goal_agreement(
        GoalAgreementDraft(
            case_id,
            FIXED_TODAY,
            None,
            (GoalDraft("housing", "Wohnung", steps=(StepDraft("Makler", "client", SOON),)),),
        )
    )
    (goal,) = workspace.goal_agreements(case_id)[0].goals
    assessment = workspace.add_assessment(
        AssessmentDraft(case_id, FIXED_TODAY, (AreaRatingDraft("housing", 3),))
    )
    manual = workspace.add_follow_up(FollowUpDraft(case_id, SOON, "Anruf"))
    (record,) = workspace.client_file(client_id).residence
    (consent,) = workspace.client_file(client_id).consents
    assert workspace.follow_up_counts().total == 4  # residence, step, referral, manual

    workspace.delete_entry(EntryKind.CONTACT, contact, REASON)
    workspace.delete_entry(EntryKind.STEP, goal.steps[0].id, REASON)
    workspace.delete_entry(EntryKind.REFERRAL, referral, REASON)
    workspace.delete_entry(EntryKind.FOLLOW_UP, manual, REASON)
    assert workspace.client_file(client_id).next_due_on is not None  # the paper's reminder
    workspace.delete_entry(EntryKind.RESIDENCE, record.id, REASON)
    assert workspace.follow_up_counts().total == 0
    assert workspace.client_file(client_id).next_due_on is None
    workspace.delete_entry(EntryKind.GOAL, goal.id, REASON)
    workspace.delete_entry(EntryKind.ASSESSMENT, assessment, REASON)
    workspace.delete_entry(EntryKind.CONSENT, consent.id, REASON)

    file = workspace.client_file(client_id)
    assert file.contacts == () and file.referrals == () and file.residence == ()
    assert file.consents == () and file.assessments == ()
    assert file.agreements[0].goals == ()
    deleted = [c for c in workspace.record_history(client_id) if c.kind == "deleted"]
    kinds = {c.entity for c in deleted}
    assert kinds >= {
        "contactnote",
        "step",
        "referral",
        "residencerecord",
        "followup",
        "goal",
        "assessment",
        "arearating",
        "consent",
    }
    assert all(c.reason == REASON for c in deleted)
    note = next(c for c in deleted if c.entity == "contactnote")
    assert json.loads(note.old_value)["note"] == "Notiz"
    assert note.reason == REASON and note.case_id == case_id


def test_deleting_the_current_paper_brings_the_older_ones_reminder_back(
    workspace: Workspace,
) -> None:
    client_id, _ = _client(workspace)
    workspace.add_residence_record(
        client_id, ResidenceDraft("ae_25b", valid_until=FIXED_TODAY + timedelta(days=40))
    )
    newest = workspace.client_file(client_id).residence[0]
    assert newest.status == "ae_25b"
    workspace.delete_entry(EntryKind.RESIDENCE, newest.id, "Falscher Status, war Duldung.")
    reminders = [f for f in workspace.follow_ups().items if f.source is FollowUpSource.RESIDENCE]
    assert len(reminders) == 1 and "Duldung" in reminders[0].reason


def test_the_done_note_of_a_follow_up_is_in_the_history(workspace: Workspace) -> None:
    client_id, case_id = _client(workspace)
    follow_up = workspace.add_follow_up(FollowUpDraft(case_id, SOON, "Anruf"))
    workspace.complete_follow_up(follow_up, "Termin beim Amt vereinbart")
    changes = _changes(workspace, client_id)
    assert changes["done_note"] == ("", "Termin beim Amt vereinbart")
    assert changes["done_on"] == ("", FIXED_TODAY.isoformat())


def test_sharing_without_consent_needs_a_real_sentence(workspace: Workspace) -> None:
    _client_id, case_id = _client(workspace)
    draft = ReferralDraft(case_id, "jobcenter", "sgb2", "Antrag", FIXED_TODAY, override_reason="x")
    # An override reason needs `MIN_OVERRIDE_REASON` (20) characters, more than a deletion.
    with pytest.raises(ValidationError, match="mindestens 20"):
        workspace.add_referral(draft)
    workspace.add_referral(replace(draft, override_reason="Frist läuft ab, mündlich zugestimmt."))
