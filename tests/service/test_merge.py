"""Merging two client files of one person (issue 11 § 5): nothing is lost, one audit event,
the other file becomes a tombstone pointing at the survivor, master data as the coach chose."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, func, select

from kim_tui.domain.dates import format_date
from kim_tui.domain.model import (
    AreaRatingDraft,
    AssessmentDraft,
    ClientDraft,
    ClosureDraft,
    ConsentDraft,
    ConsentPurpose,
    ContactDraft,
    FollowUpDraft,
    FollowUpSource,
    GoalAgreementDraft,
    GoalDraft,
    IntakeDraft,
    ReferralDraft,
    ResidenceDraft,
    StepDraft,
)
from kim_tui.service.workspace import Workspace
from kim_tui.store.errors import ValidationError
from kim_tui.store.models import (
    AuditEvent,
    Case,
    Client,
    Consent,
    ContactNote,
    GoalAgreement,
    Referral,
    ResidenceRecord,
)
from kim_tui.store.vault import Vault
from tests.conftest import FIXED_TODAY

D = date


@dataclass
class Two:
    ws: Workspace
    survivor: str
    other: str
    survivor_case: str
    other_case: str


def _file(ws: Workspace, draft: ClientDraft, first_contact: date, n: int) -> tuple[str, str]:
    """A client with a bit of everything: consent, residence, assessment, goal with a step,
    referral, contact and a follow-up."""
    client_id, case_id = ws.intake(
        IntakeDraft(
            draft,
            first_contact,
            target_groups=("catch_up",) if n == 1 else ("residence_improvement",),
            residence=ResidenceDraft("duldung", valid_until=FIXED_TODAY + timedelta(days=60 * n)),
            consents=(ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, first_contact),),
        )
    )
    ws.add_assessment(AssessmentDraft(case_id, first_contact, (AreaRatingDraft("housing", n),)))
    ws.add_goal_agreement(
        GoalAgreementDraft(
            case_id,
            first_contact + timedelta(days=1),
            None,
            (
                GoalDraft(
                    "work",
                    f"Ziel {n}",
                    steps=(StepDraft(f"Schritt {n}", "client", FIXED_TODAY + timedelta(days=n)),),
                ),
            ),
        )
    )
    ws.add_referral(
        ReferralDraft(
            case_id,
            "jobcenter",
            "sgb2",
            f"Grund {n}",
            first_contact + timedelta(days=2),
            feedback_due_on=FIXED_TODAY + timedelta(days=10 + n),
            passes_identifying_data=False,
        )
    )
    ws.add_contact(ContactDraft(case_id, first_contact + timedelta(days=3), "phone", 10 * n))
    ws.add_follow_up(FollowUpDraft(case_id, FIXED_TODAY + timedelta(days=20 + n), f"Anruf {n}"))
    return client_id, case_id


@pytest.fixture
def two(vault: Vault) -> Iterator[Two]:
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    survivor, survivor_case = _file(
        ws,
        ClientDraft("Şükrü", "Öztürk", D(1999, 7, 29), phone="0211 1", nationality="TUR"),
        D(2026, 10, 5),
        1,
    )
    other, other_case = _file(
        ws,
        ClientDraft("Sukru", "Ozturk", D(1999, 1, 1), phone="0211 2", address="Weg 2"),
        D(2026, 10, 1),
        2,
    )
    yield Two(ws, survivor, other, survivor_case, other_case)


def _count(ws: Workspace, model: type[Any], **where: str) -> int:
    with Session(ws.vault.engine) as s:
        stmt = select(func.count()).select_from(model)
        for name, value in where.items():
            stmt = stmt.where(col(getattr(model, name)) == value)
        if hasattr(model, "deleted_at"):
            stmt = stmt.where(col(model.deleted_at).is_(None))
        return int(s.exec(stmt).one())


def test_the_files_are_found_as_duplicates_with_their_reasons(two: Two) -> None:
    [candidate] = two.ws.duplicates_of(two.survivor)
    assert candidate.client_id == two.other
    assert candidate.reasons == ("same_name", "placeholder_birth_date")


def test_master_data_differences_are_listed_for_the_coach(two: Two) -> None:
    differences = {
        d.field: (d.survivor, d.other) for d in two.ws.merge_differences(two.survivor, two.other)
    }
    assert differences["birth_date"] == ("29.07.1999", "01.01.1999")
    assert differences["phone"] == ("0211 1", "0211 2")
    assert differences["family_name"] == ("Öztürk", "Ozturk")


def test_merge_keeps_everything_in_one_file_with_one_audit_event(two: Two) -> None:
    ws = two.ws
    before = {
        model: _count(ws, model)
        for model in (Consent, ResidenceRecord, GoalAgreement, Referral, ContactNote)
    }
    open_follow_ups = len([f for f in ws.follow_ups().items])
    events = _count(ws, AuditEvent)
    revision = ws.revision()

    ws.merge_clients(two.survivor, two.other, frozenset({"phone"}))

    assert (_count(ws, AuditEvent), ws.revision()) == (events + 1, revision + 1)
    (event,) = ws.audit_log(two.survivor_case, limit=1)
    assert (event.action, event.entity_id) == ("client.merge", two.survivor)
    # Nothing is lost: every record still exists, now in the surviving file's one open case.
    for model, count in before.items():
        assert _count(ws, model) == count, model
    assert _count(ws, Consent, client_id=two.survivor) == before[Consent]
    assert _count(ws, ResidenceRecord, client_id=two.survivor) == before[ResidenceRecord]
    for model in (GoalAgreement, Referral, ContactNote):
        assert _count(ws, model, case_id=two.survivor_case) == before[model], model
    # Every follow-up but one: of the two files' Duldungen only the current paper (here the one
    # recorded last, both without a start) reminds.
    assert len(ws.follow_ups().items) == open_follow_ups - 1
    assert {f.client_id for f in ws.follow_ups().items} == {two.survivor}
    (reminder,) = [f for f in ws.follow_ups().items if f.source is FollowUpSource.RESIDENCE]
    assert reminder.reason == f"Ablauf {format_date(FIXED_TODAY + timedelta(days=120))}: Duldung"
    # The other file is a tombstone pointing at the survivor; its case was folded in.
    with Session(ws.vault.engine) as s:
        other = s.get(Client, two.other)
        folded = s.get(Case, two.other_case)
        assert other is not None and other.deleted_at is not None
        assert other.merged_into == two.survivor
        assert folded is not None and folded.deleted_at is not None
    file = ws.client_file(two.survivor)
    assert file.client.phone == "0211 2"  # the coach chose the other file's phone
    assert file.client.birth_date == D(1999, 7, 29)  # kept: the survivor's
    assert file.client.address == "Weg 2"  # the survivor had none: filled from the other
    assert file.client.other_names == ""  # "Sukru Ozturk" folds to the survivor's own name
    assert file.first_contact_on == D(2026, 10, 1)  # the earlier first contact
    assert set(file.target_groups) == {"catch_up", "residence_improvement"}
    assert len(file.agreements) == 2 and len(file.referrals) == 2 and len(file.contacts) == 2
    assert len(file.assessments) == 2 and len(file.residence) == 2
    # Both histories are kept: the other file's events still name its case, now a tombstone,
    # and the survivor's Verlauf shows the merge.
    assert ws.audit_log(two.other_case, limit=50)
    assert ws.caseload().total == 1
    assert ws.duplicates_of(two.survivor) == []


def test_a_closed_case_of_the_other_file_moves_as_it_is(two: Two) -> None:
    ws = two.ws
    ws.close_case(ClosureDraft(two.other_case, FIXED_TODAY, "moved_away"))
    ws.merge_clients(two.survivor, two.other)
    with Session(ws.vault.engine) as s:
        moved = s.get(Case, two.other_case)
        assert moved is not None and moved.deleted_at is None
        assert (moved.client_id, moved.closed_on) == (two.survivor, FIXED_TODAY)


def test_merging_a_file_into_itself_or_an_unknown_field_is_refused(two: Two) -> None:
    events = _count(two.ws, AuditEvent)
    with pytest.raises(ValidationError, match="mit sich selbst"):
        two.ws.merge_clients(two.survivor, two.survivor)
    with pytest.raises(ValueError, match="unknown master-data fields"):
        two.ws.merge_clients(two.survivor, two.other, frozenset({"nonsense"}))
    assert _count(two.ws, AuditEvent) == events
