"""Case data (first contact, access route, legal domains, target groups) can be corrected from
the client file like every other entry; the old values stay in the history (issue 11, §1)."""

from __future__ import annotations

from datetime import date

import pytest

from kim_tui.domain.case_data import CaseDataDraft
from kim_tui.domain.model import (
    ClientDraft,
    ClosureDraft,
    ConsentDraft,
    ConsentPurpose,
    IntakeDraft,
)
from kim_tui.domain.record_history import describe
from kim_tui.service.workspace import Workspace
from kim_tui.store.errors import ValidationError
from tests.conftest import FIXED_TODAY

D = date


def _client(ws: Workspace) -> tuple[str, str]:
    return ws.intake(
        IntakeDraft(
            ClientDraft("Amira", "Haddad", D(1991, 7, 3)),
            D(2026, 10, 1),
            legal_domains=("sgb2",),
            target_groups=("catch_up",),
            consents=(ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, D(2026, 10, 1)),),
        )
    )


def test_case_data_correction_keeps_old_and_new_value(workspace: Workspace) -> None:
    client_id, case_id = _client(workspace)
    workspace.correct_case_data(
        case_id,
        CaseDataDraft(
            D(2026, 9, 28),
            "referred",
            "jobcenter",
            ("sgb2", "aufenthg"),
            ("residence_improvement",),
        ),
    )
    file = workspace.client_file(client_id)
    assert file.first_contact_on == D(2026, 9, 28)
    assert (file.access_route, file.referred_by) == ("referred", "jobcenter")
    assert file.legal_domains == ("sgb2", "aufenthg")
    assert file.target_groups == ("residence_improvement",)
    sentences = {describe(c).sentence for c in workspace.record_history(client_id)}
    assert "Erstkontakt geändert: 01.10.2026 → 28.09.2026" in sentences
    assert any(s.startswith("Zielgruppen geändert: ") for s in sentences)
    assert all(c.entity == "case" for c in workspace.record_history(client_id))
    event = next(e for e in workspace.audit_log(case_id) if e.action == "case.correct")
    assert event.revision == workspace.record_history(client_id)[0].revision


def test_back_to_self_referral_drops_the_referring_agency(workspace: Workspace) -> None:
    client_id, case_id = _client(workspace)
    workspace.correct_case_data(case_id, CaseDataDraft(D(2026, 10, 1), "referred", "jobcenter"))
    workspace.correct_case_data(case_id, CaseDataDraft(D(2026, 10, 1), "self", "jobcenter"))
    file = workspace.client_file(client_id)
    assert (file.access_route, file.referred_by) == ("self", None)


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (CaseDataDraft(D(2027, 1, 1)), "first_contact_on"),
        (CaseDataDraft(D(1990, 1, 1)), "first_contact_on"),
        (CaseDataDraft(D(2026, 10, 1), "referred"), "referred_by"),
        (CaseDataDraft(D(2026, 10, 1), legal_domains=("nonsense",)), "legal_domains"),
    ],
)
def test_wrong_case_data_is_refused_with_its_field(
    workspace: Workspace, draft: CaseDataDraft, field: str
) -> None:
    client_id, case_id = _client(workspace)
    with pytest.raises(ValidationError) as refused:
        workspace.correct_case_data(case_id, draft)
    assert field in refused.value.problems
    assert workspace.record_history(client_id) == ()


def test_first_contact_cannot_move_after_the_closure(workspace: Workspace) -> None:
    _client_id, case_id = _client(workspace)
    workspace.close_case(ClosureDraft(case_id, D(2026, 11, 2), "moved_away"))
    with pytest.raises(ValidationError, match="nach dem Abschluss"):
        workspace.correct_case_data(case_id, CaseDataDraft(FIXED_TODAY))
