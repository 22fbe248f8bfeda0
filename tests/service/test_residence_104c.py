"""A § 104c permit on file gets the transition reminder (apply for § 25a / § 25b), not the
general expiry reminder (issue 15 § 2)."""

from __future__ import annotations

from datetime import date

from kim_tui.domain.followups import transition_104c_deadline
from kim_tui.domain.model import ClientDraft, FollowUpSource, IntakeDraft, ResidenceDraft
from kim_tui.domain.scheduling import residence_reminder_date
from kim_tui.service.workspace import Workspace
from tests.conftest import FIXED_TODAY

D = date


def _residence_reasons(ws: Workspace) -> list[tuple[str, date]]:
    page = ws.follow_ups()
    return [(i.reason, i.due_on) for i in page.items if i.source is FollowUpSource.RESIDENCE]


def test_adding_a_104c_record_creates_the_transition_follow_up(vault) -> None:  # type: ignore[no-untyped-def]
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    client_id, _case_id = ws.intake(
        IntakeDraft(
            ClientDraft("Amina", "Haddad", D(1990, 5, 1)),
            D(2026, 11, 2),
            residence=ResidenceDraft("duldung", valid_until=D(2027, 2, 28)),
        )
    )
    [(before, _)] = _residence_reasons(ws)
    assert before == "Ablauf 28.02.2027: Duldung"

    expiry = D(2027, 3, 14)
    ws.add_residence_record(client_id, ResidenceDraft("ae_104c", valid_until=expiry))

    weeks = ws.residence_reminder_weeks()
    deadline = transition_104c_deadline()
    assert deadline is not None
    [(reason, due_on)] = _residence_reasons(ws)
    assert "AE § 25a / § 25b vor Ablauf am 14.03.2027 beantragen" in reason
    assert f"spätestens bis {deadline:%d.%m.%Y}" in reason
    assert "Fiktionswirkung" in reason
    assert due_on == residence_reminder_date(min(expiry, deadline), weeks)

    # A later § 104c permit expiring after the deadline: due before the deadline.
    ws.add_residence_record(client_id, ResidenceDraft("ae_104c", valid_until=D(2028, 1, 31)))
    [(_, due_on)] = _residence_reasons(ws)
    assert due_on == residence_reminder_date(deadline, weeks)
    ws.close()
