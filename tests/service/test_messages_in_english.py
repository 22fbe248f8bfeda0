"""What the consent and residence rules say reaches the coach in the UI language: with English
chosen, no German message comes back from the service (issue 11, §8 "each language is
complete")."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kim_tui.domain.consents import validate_consent
from kim_tui.domain.model import (
    ClientDraft,
    ConsentDraft,
    ConsentForm,
    ConsentPurpose,
    IntakeDraft,
    ResidenceDraft,
)
from kim_tui.service.workspace import Workspace
from kim_tui.store.errors import ValidationError
from tests.conftest import FIXED_TODAY

D = date


def _refused(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        call()
    return str(refused.value)


def test_consent_and_residence_messages_in_english(workspace: Workspace, english: None) -> None:
    client_id, case_id = workspace.intake(
        IntakeDraft(
            ClientDraft("Amira", "Haddad", D(1991, 7, 3)),
            D(2026, 10, 1),
            residence=ResidenceDraft("duldung", valid_until=FIXED_TODAY + timedelta(days=60)),
            consents=(ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, D(2026, 10, 1)),),
        )
    )
    (consent,) = workspace.client_file(client_id).consents
    messages = [
        _refused(lambda: workspace.withdraw_consent(consent.id, D(2026, 9, 1))),
        _refused(
            lambda: workspace.renew_consent(
                consent.id, ConsentDraft(ConsentPurpose.SHARE_COORDINATOR, FIXED_TODAY)
            )
        ),
        _refused(
            lambda: workspace.renew_consent(
                consent.id, ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, D(2026, 9, 1))
            )
        ),
        _refused(
            lambda: workspace.add_consent(
                case_id,
                ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, FIXED_TODAY, ConsentForm.ORAL),
            )
        ),
        _refused(
            lambda: workspace.add_residence_record(
                client_id, ResidenceDraft("duldung", valid_until=FIXED_TODAY + timedelta(days=60))
            )
        ),
        _refused(
            lambda: workspace.add_residence_record(
                client_id, ResidenceDraft("duldung", valid_until=D(2026, 1, 1))
            )
        ),
        _refused(lambda: workspace.set_residence_reminder_weeks(60)),
    ]
    workspace.withdraw_consent(consent.id, FIXED_TODAY)
    messages.append(_refused(lambda: workspace.withdraw_consent(consent.id, FIXED_TODAY)))
    assert messages == [
        "A withdrawal cannot be dated before the consent was given.",
        "A renewal is for the same purpose as the consent it renews.",
        "The renewal cannot be dated before the consent it renews.",
        "An oral consent needs a witness: please give their name.",
        "This paper is recorded already: toleration, open – 23.01.2027. Nothing was saved twice.",
        "Valid until 01.01.2026 is before today: an earlier paper also needs “valid from” "
        "(record it in the file with s).",
        "Please give 0 to 52 weeks.",
        "This consent has already been withdrawn.",
    ]


def test_the_same_rules_speak_german_by_default() -> None:
    problems = validate_consent(
        ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, FIXED_TODAY, ConsentForm.ORAL), FIXED_TODAY
    )
    assert problems["witness"].startswith("Eine mündliche Einwilligung braucht")
