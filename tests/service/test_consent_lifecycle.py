"""Consents as a lifecycle through the service: recorded at any time, renewed (history kept),
withdrawn; oral ones name a witness; the caseload marks clients without a case-management
consent."""

from __future__ import annotations

from datetime import date

import pytest

from kim_tui.domain.consents import in_force
from kim_tui.domain.model import ConsentDraft, ConsentForm, ConsentPurpose, ReferralDraft
from kim_tui.service.workspace import Workspace
from kim_tui.store.errors import ConsentRequired, ValidationError
from tests.builders import intake_client
from tests.conftest import FIXED_TODAY

D = date


@pytest.fixture
def ws(vault) -> Workspace:  # type: ignore[no-untyped-def]
    return Workspace(vault, today=lambda: FIXED_TODAY)


def test_recorded_later_with_every_field_then_in_force(ws: Workspace) -> None:
    client_id, case_id = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12))
    assert ws.client_file(client_id).consents == ()
    assert not ws.caseload("nguyen").items[0].case_consent
    ws.add_consent(
        case_id,
        ConsentDraft(
            ConsentPurpose.SHARE_AGENCY,
            D(2026, 11, 20),
            ConsentForm.WRITTEN,
            recipient="Beratungsstelle Sonnenhof e. V.",
            scope="Name, Anschrift, Aufenthaltsstatus",
            special_categories=True,
            recorded_by="Coach Weber",
        ),
    )
    ws.add_consent(case_id, ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, D(2026, 11, 21)))
    share, cm = ws.client_file(client_id).consents
    assert (share.recipient, share.scope, share.special_categories, share.recorded_by) == (
        "Beratungsstelle Sonnenhof e. V.",
        "Name, Anschrift, Aufenthaltsstatus",
        True,
        "Coach Weber",
    )
    assert in_force(cm, FIXED_TODAY)
    assert ws.caseload("nguyen").items[0].case_consent


def test_an_oral_consent_needs_a_witness(ws: Workspace) -> None:
    _client_id, case_id = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12))
    oral = ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, FIXED_TODAY, ConsentForm.ORAL)
    with pytest.raises(ValidationError, match="Zeugin oder einen Zeugen"):
        ws.add_consent(case_id, oral)
    ws.add_consent(case_id, ConsentDraft(**{**oral.__dict__, "witness": "Frau Demir"}))


def test_sharing_needs_a_recipient_and_cannot_be_given_in_the_future(ws: Workspace) -> None:
    _client_id, case_id = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12))
    with pytest.raises(ValidationError, match="Stelle angeben"):
        ws.add_consent(case_id, ConsentDraft(ConsentPurpose.SHARE_AGENCY, FIXED_TODAY))
    with pytest.raises(ValidationError, match="Zukunft"):
        ws.add_consent(case_id, ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, D(2026, 12, 1)))


def test_renewal_supersedes_and_keeps_the_old_one(ws: Workspace) -> None:
    client_id, case_id = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12))
    old_id = ws.add_consent(
        case_id, ConsentDraft(ConsentPurpose.SHARE_AGENCY, D(2026, 10, 1), agency="jobcenter")
    )
    new_id = ws.renew_consent(
        old_id,
        ConsentDraft(
            ConsentPurpose.SHARE_AGENCY,
            D(2026, 11, 20),
            agency="jobcenter",
            scope="Bescheide",
        ),
    )
    old, new = ws.client_file(client_id).consents
    assert (old.id, new.id) == (old_id, new_id)
    assert old.superseded_on == D(2026, 11, 20) and new.renews_id == old_id
    assert not in_force(old, FIXED_TODAY) and in_force(new, FIXED_TODAY)
    assert in_force(old, D(2026, 11, 19))  # the history stays true for the days before
    assert ws.sharing_consent_for(case_id, "jobcenter", FIXED_TODAY)
    assert "consent.renew" in [e.action for e in ws.audit_log(case_id)]
    # The renewed one can be neither renewed nor withdrawn again; the new one can.
    with pytest.raises(ValidationError, match="schon erneuert"):
        ws.renew_consent(
            old_id, ConsentDraft(ConsentPurpose.SHARE_AGENCY, FIXED_TODAY, agency="jobcenter")
        )
    with pytest.raises(ValidationError, match="erneuert"):
        ws.withdraw_consent(old_id, FIXED_TODAY)
    with pytest.raises(ValidationError, match="demselben Zweck"):
        ws.renew_consent(new_id, ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, FIXED_TODAY))
    ws.withdraw_consent(new_id, FIXED_TODAY)
    assert not ws.sharing_consent_for(case_id, "jobcenter", FIXED_TODAY)


def test_withdrawal_counts_from_its_day_and_brings_back_the_marker(ws: Workspace) -> None:
    client_id, case_id = intake_client(
        ws,
        "Lan",
        "Nguyen",
        D(1995, 12, 12),
        consents=(ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, D(2026, 10, 1)),),
    )
    assert ws.caseload("nguyen").items[0].case_consent
    (consent,) = ws.client_file(client_id).consents
    ws.withdraw_consent(consent.id, FIXED_TODAY)
    (consent,) = ws.client_file(client_id).consents
    assert consent.withdrawn_on == FIXED_TODAY
    assert in_force(consent, D(2026, 11, 23)) and not in_force(consent, FIXED_TODAY)
    assert not ws.caseload("nguyen").items[0].case_consent
    with pytest.raises(ValidationError, match="bereits widerrufen"):
        ws.withdraw_consent(consent.id, FIXED_TODAY)


def test_a_referral_after_recording_the_missing_consent_goes_through(ws: Workspace) -> None:
    _client_id, case_id = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12))
    draft = ReferralDraft(case_id, "jobcenter", "sgb2", "Anspruch", FIXED_TODAY)
    with pytest.raises(ConsentRequired):
        ws.add_referral(draft)
    ws.add_consent(
        case_id, ConsentDraft(ConsentPurpose.SHARE_AGENCY, FIXED_TODAY, agency="jobcenter")
    )
    assert ws.add_referral(draft)
