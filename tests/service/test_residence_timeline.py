"""Residence papers through the service: earlier papers are accepted, the expiry reminder
follows the current paper and never vanishes because an older paper was added, and the same
paper is not stored twice."""

from __future__ import annotations

from datetime import date

import pytest

from kim_tui.domain.model import FollowUpSource, ResidenceDraft
from kim_tui.domain.residence import current_paper
from kim_tui.service.workspace import Workspace
from kim_tui.store.errors import ValidationError
from tests.builders import intake_client
from tests.conftest import FIXED_TODAY

D = date
DULDUNG = ResidenceDraft("duldung", valid_until=D(2027, 6, 30))


@pytest.fixture
def ws(vault) -> Workspace:  # type: ignore[no-untyped-def]
    return Workspace(vault, today=lambda: FIXED_TODAY)


def reminders(ws: Workspace) -> list[str]:
    return [f.reason for f in ws.follow_ups().items if f.source is FollowUpSource.RESIDENCE]


def test_adding_an_older_paper_keeps_the_reminder_of_the_current_one(ws: Workspace) -> None:
    client_id, _case_id = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12), residence=DULDUNG)
    expected = ["Ablauf 30.06.2027: Duldung"]
    assert reminders(ws) == expected
    # An earlier Gestattung with both dates, in the past: accepted, the reminder stays.
    ws.add_residence_record(
        client_id,
        ResidenceDraft("gestattung", valid_from=D(2019, 3, 1), valid_until=D(2021, 5, 31)),
    )
    assert reminders(ws) == expected
    # An earlier Gestattung without an end date (the case): still the Duldung's.
    ws.add_residence_record(client_id, ResidenceDraft("gestattung", valid_from=D(2021, 6, 1)))
    assert reminders(ws) == expected
    file = ws.client_file(client_id)
    current = current_paper(reversed(file.residence), FIXED_TODAY)
    assert current is not None and current.record.status == "duldung"


def test_a_newer_paper_takes_over_the_reminder(ws: Workspace) -> None:
    client_id, _case_id = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12), residence=DULDUNG)
    ws.add_residence_record(
        client_id, ResidenceDraft("ae_25b", valid_from=D(2026, 11, 20), valid_until=D(2028, 11, 19))
    )
    assert reminders(ws) == ["Ablauf 19.11.2028: AE § 25b"]


def test_an_expired_current_paper_keeps_its_overdue_reminder(ws: Workspace) -> None:
    client_id, _case_id = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12))
    ws.add_residence_record(
        client_id, ResidenceDraft("duldung", valid_from=D(2026, 5, 1), valid_until=D(2026, 10, 31))
    )
    (reminder,) = [f for f in ws.follow_ups().items if f.source is FollowUpSource.RESIDENCE]
    assert reminder.reason == "Ablauf 31.10.2026: Duldung"
    assert reminder.due_on < FIXED_TODAY  # overdue, not gone
    # An even older paper changes nothing.
    ws.add_residence_record(
        client_id,
        ResidenceDraft("gestattung", valid_from=D(2020, 1, 1), valid_until=D(2026, 4, 30)),
    )
    assert reminders(ws) == ["Ablauf 31.10.2026: Duldung"]


def test_changing_the_lead_time_keeps_only_the_current_papers_reminder(ws: Workspace) -> None:
    client_id, _case_id = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12), residence=DULDUNG)
    ws.add_residence_record(
        client_id,
        ResidenceDraft("gestattung", valid_from=D(2019, 3, 1), valid_until=D(2021, 5, 31)),
    )
    ws.set_residence_reminder_weeks(4)
    (reminder,) = [f for f in ws.follow_ups().items if f.source is FollowUpSource.RESIDENCE]
    assert reminder.original_due_on == D(2027, 6, 2)


def test_the_same_paper_twice_is_refused_with_a_clear_message(ws: Workspace) -> None:
    client_id, _case_id = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12))
    paper = ResidenceDraft("duldung", valid_from=D(2026, 1, 1), valid_until=D(2026, 12, 31))
    ws.add_residence_record(client_id, paper)
    with pytest.raises(ValidationError) as refused:
        ws.add_residence_record(client_id, paper)
    assert str(refused.value) == (
        "Dieses Papier ist schon erfasst: Duldung, 01.01.2026 – 31.12.2026. "
        "Nichts wurde doppelt gespeichert."
    )
    assert len(ws.client_file(client_id).residence) == 1
