"""Residence papers through the service: earlier papers are accepted, the expiry reminder
follows the current paper and never vanishes because an older paper was added, and the same
paper is not stored twice."""

from __future__ import annotations

from datetime import date

import pytest

from kim_tui.domain.model import ClosureDraft, EntryKind, FollowUpSource, ResidenceDraft
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


# -- the reminder follows the current paper through corrections, lead times, reopening and
#    merging (a wrong or missing expiry reminder can cost a client the lawful stay) ----------

DULDUNG_2027 = ResidenceDraft("duldung", valid_from=D(2026, 6, 1), valid_until=D(2027, 3, 31))


def residence_rows(ws: Workspace) -> list[tuple[date, str]]:
    return [
        (f.due_on, f.reason)
        for f in ws.follow_ups(limit=1000).items
        if f.source is FollowUpSource.RESIDENCE
    ]


def test_correcting_the_current_paper_moves_its_reminder_even_after_an_older_one(
    ws: Workspace,
) -> None:
    """The paper recorded last (here an old Gestattung, for the history) is not the one that
    reminds: the current paper is, before and after the coach corrects its expiry."""
    client_id, _case = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12), residence=DULDUNG_2027)
    old = ws.add_residence_record(
        client_id,
        ResidenceDraft("gestattung", valid_from=D(2024, 1, 1), valid_until=D(2025, 1, 31)),
    )
    duldung = next(r for r in ws.client_file(client_id).residence if r.status == "duldung")
    ws.correct_residence_record(
        duldung.id,
        ResidenceDraft("duldung", valid_from=D(2026, 6, 1), valid_until=D(2026, 12, 31)),
    )
    # 8 weeks before 31.12.2026 is Thursday 05.11.2026.
    assert residence_rows(ws) == [(D(2026, 11, 5), "Ablauf 31.12.2026: Duldung")]
    ws.delete_entry(EntryKind.RESIDENCE, old, "Versehentlich erfasst, Doppelung")
    assert residence_rows(ws) == [(D(2026, 11, 5), "Ablauf 31.12.2026: Duldung")]


def test_a_new_lead_time_keeps_done_reminders_done_and_moves_the_next_due_date(
    ws: Workspace,
) -> None:
    first, first_case = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12), residence=DULDUNG_2027)
    intake_client(
        ws,
        "Anna",
        "Mueller",
        D(1992, 5, 5),
        residence=ResidenceDraft("duldung", valid_until=D(2027, 1, 15)),
    )
    done = next(f for f in ws.follow_ups().items if f.reason == "Ablauf 15.01.2027: Duldung")
    ws.complete_follow_up(done.id, "Verlängerung am 20.11. beantragt")
    ws.set_residence_reminder_weeks(12)
    # Only the open reminder moved (12 weeks before 31.03.2027 is Thursday 06.01.2027); the one
    # the coach ticked off stays off.
    assert residence_rows(ws) == [(D(2027, 1, 6), "Ablauf 31.03.2027: Duldung")]
    (row,) = [r for r in ws.caseload().items if r.client_id == first]
    assert row.next_due_on == D(2027, 1, 6) and row.case_id == first_case


def test_reopening_a_case_reminds_of_a_paper_recorded_while_it_was_closed(
    ws: Workspace,
) -> None:
    client_id, case_id = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12), residence=DULDUNG_2027)
    ws.close_case(ClosureDraft(case_id, FIXED_TODAY, "goals_reached"))
    ws.add_residence_record(
        client_id, ResidenceDraft("ae_25b", valid_from=D(2026, 11, 20), valid_until=D(2028, 11, 19))
    )
    ws.reopen_case(case_id)
    assert [reason for _due, reason in residence_rows(ws)] == ["Ablauf 19.11.2028: AE § 25b"]


def test_after_a_merge_only_the_current_paper_reminds(ws: Workspace) -> None:
    """Two files of one person, each with its paper: the merged file reminds once, of the
    paper that is current."""
    same_a, _ = intake_client(ws, "Amina", "Yusuf", D(1990, 1, 2), residence=DULDUNG_2027)
    same_b, _ = intake_client(ws, "Amina", "Jusuf", D(1990, 1, 2), residence=DULDUNG_2027)
    ws.merge_clients(same_a, same_b)
    assert [reason for _due, reason in residence_rows(ws)] == ["Ablauf 31.03.2027: Duldung"]
    old, _ = intake_client(
        ws,
        "Bilal",
        "Omar",
        D(1991, 3, 4),
        residence=ResidenceDraft("duldung", valid_from=D(2026, 6, 1), valid_until=D(2026, 12, 31)),
    )
    new, _ = intake_client(
        ws,
        "Bilal",
        "Umar",
        D(1991, 3, 4),
        residence=ResidenceDraft("ae_25b", valid_from=D(2026, 11, 1), valid_until=D(2028, 10, 31)),
    )
    ws.merge_clients(old, new)
    assert [reason for _due, reason in residence_rows(ws)] == [
        "Ablauf 31.03.2027: Duldung",
        "Ablauf 31.10.2028: AE § 25b",
    ]


def test_a_paper_recorded_after_midnight_counts_for_that_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SQLite keeps the UTC time: at 00:30 in Germany it is still yesterday in UTC, and the
    paper's recording day (which decides between papers of one day) is the coach's day."""
    import time
    from datetime import UTC, datetime

    from kim_tui.service.converters import local_day

    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is POSIX-only: the zone cannot be set in this process")
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        assert local_day(datetime(2026, 11, 23, 23, 30)) == D(2026, 11, 24)
        assert local_day(datetime(2026, 11, 23, 23, 30, tzinfo=UTC)) == D(2026, 11, 24)
        assert local_day(datetime(2026, 11, 23, 22, 30)) == D(2026, 11, 23)
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_paper_recorded_ahead_takes_over_the_reminder_on_its_day(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The AE § 25b starts on 01.01.2027, the Duldung ends the day before. Until then the
    Duldung reminds; at the first unlock from that day on the AE does (one audited write,
    and none at an unlock where nothing moves)."""
    from sqlmodel import Session, func, select

    from kim_tui.service.session import VaultSession
    from kim_tui.store.models import AuditEvent
    from tests.builders import new_vault
    from tests.conftest import PASSPHRASE

    day = [FIXED_TODAY]
    vault, _recovery = new_vault(tmp_path / "vault")
    ws = Workspace(vault, today=lambda: day[0])
    client_id, _case = intake_client(
        ws,
        "Lan",
        "Nguyen",
        D(1995, 12, 12),
        residence=ResidenceDraft("duldung", valid_from=D(2026, 1, 1), valid_until=D(2026, 12, 31)),
    )
    ws.add_residence_record(
        client_id, ResidenceDraft("ae_25b", valid_from=D(2027, 1, 1), valid_until=D(2027, 12, 31))
    )
    assert [r for _d, r in residence_rows(ws)] == ["Ablauf 31.12.2026: Duldung"]

    def events(ws: Workspace) -> tuple[int, int]:
        with Session(ws.vault.engine) as s:
            return s.exec(select(func.count()).select_from(AuditEvent)).one(), ws.revision()

    before = events(ws)
    assert ws.follow_current_papers() == 0
    assert events(ws) == before
    ws.close()
    vault.close()

    day[0] = D(2027, 1, 4)
    session = VaultSession(tmp_path / "vault", today=lambda: day[0])
    ws = session.unlock(bytearray(PASSPHRASE.encode()))
    try:
        # 8 weeks before Friday 31.12.2027 is Friday 05.11.2027.
        assert residence_rows(ws) == [(D(2027, 11, 5), "Ablauf 31.12.2027: AE § 25b")]
        assert events(ws) == (before[0] + 1, before[1] + 1)
        assert ws.follow_current_papers() == 0
    finally:
        session.release()


def test_the_check_at_unlock_reads_many_clients_in_chunks(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Clients with several papers are read a chunk at a time (SQLite's limit on parameters):
    with chunks of one, each client is still judged on its own papers."""
    from kim_tui.service import residence

    monkeypatch.setattr(residence, "_CHUNK", 1)
    ahead = ResidenceDraft("ae_25b", valid_from=D(2026, 11, 25), valid_until=D(2028, 11, 24))
    moved, _ = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12), residence=DULDUNG_2027)
    ws.add_residence_record(moved, ahead)
    kept, _ = intake_client(ws, "Anna", "Mueller", D(1992, 5, 5), residence=DULDUNG_2027)
    ws.add_residence_record(
        kept, ResidenceDraft("gestattung", valid_from=D(2020, 1, 1), valid_until=D(2021, 1, 1))
    )
    later = Workspace(ws.vault, today=lambda: D(2026, 11, 25))
    assert later.follow_current_papers() == 1
    assert sorted(r for _d, r in residence_rows(later)) == [
        "Ablauf 24.11.2028: AE § 25b",
        "Ablauf 31.03.2027: Duldung",
    ]


def test_a_reminder_marked_done_stays_done_when_only_the_lead_time_differs(
    ws: Workspace,
) -> None:
    """Ticked off, then the case is closed, the lead time changed and the case reopened: the
    expiry is the same, so the reminder stays done (it reopens only for a new expiry)."""
    client_id, case_id = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12), residence=DULDUNG_2027)
    (done,) = [f for f in ws.follow_ups().items if f.source is FollowUpSource.RESIDENCE]
    ws.complete_follow_up(done.id, "Verlängerung beantragt")
    ws.close_case(ClosureDraft(case_id, FIXED_TODAY, "goals_reached"))
    ws.set_residence_reminder_weeks(12)
    ws.reopen_case(case_id)
    assert residence_rows(ws) == []
    # A new expiry is something to act on: the reminder is open again.
    duldung = next(r for r in ws.client_file(client_id).residence if r.status == "duldung")
    ws.correct_residence_record(
        duldung.id,
        ResidenceDraft("duldung", valid_from=D(2026, 6, 1), valid_until=D(2027, 6, 30)),
    )
    assert [r for _d, r in residence_rows(ws)] == ["Ablauf 30.06.2027: Duldung"]


def test_the_unlock_check_writes_nothing_when_nothing_moves(ws: Workspace) -> None:
    """A reminder marked done of a paper that then lost its expiry is kept (done) by the
    re-derivation: the unlock check sees nothing to move, also the second time."""
    from sqlmodel import Session, func, select

    from kim_tui.store.models import AuditEvent

    client_id, _case = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12), residence=DULDUNG_2027)
    ws.add_residence_record(
        client_id,
        ResidenceDraft("gestattung", valid_from=D(2020, 1, 1), valid_until=D(2021, 1, 1)),
    )
    (done,) = [f for f in ws.follow_ups().items if f.source is FollowUpSource.RESIDENCE]
    ws.complete_follow_up(done.id, "erledigt")
    duldung = next(r for r in ws.client_file(client_id).residence if r.status == "duldung")
    ws.correct_residence_record(duldung.id, ResidenceDraft("duldung", valid_from=D(2026, 6, 1)))

    def events() -> tuple[int, int]:
        with Session(ws.vault.engine) as s:
            return s.exec(select(func.count()).select_from(AuditEvent)).one(), ws.revision()

    before = events()
    assert (ws.follow_current_papers(), ws.follow_current_papers()) == (0, 0)
    assert events() == before


def test_a_reminder_stored_after_the_expiry_is_moved_before_it_at_unlock(ws: Workspace) -> None:
    """Lead time 0 and an expiry on Sunday 31.01.2027: earlier releases stored the reminder
    for Monday 01.02.2027 (its own date still 31.01.), a day too late for an application in
    time (§ 81 Abs. 4 AufenthG). The unlock check moves it to Friday 29.01.2027, once. One the
    coach snoozed past the expiry on purpose stays where the coach put it."""
    from sqlmodel import Session, select

    from kim_tui.store.models import FollowUp

    ws.set_residence_reminder_weeks(0)
    paper = ResidenceDraft("duldung", valid_from=D(2026, 6, 1), valid_until=D(2027, 1, 31))
    lan, _ = intake_client(ws, "Lan", "Nguyen", D(1995, 12, 12), residence=paper)
    intake_client(ws, "Ada", "Berg", D(1980, 1, 1), residence=paper)
    assert residence_rows(ws) == [(D(2027, 1, 29), "Ablauf 31.01.2027: Duldung")] * 2
    with Session(ws.vault.engine) as s:  # as an earlier release stored them
        for row in s.exec(select(FollowUp).where(FollowUp.source == "residence")).all():
            assert row.original_due_on == D(2027, 1, 31)
            row.due_on = D(2027, 2, 1) if row.client_id == lan else D(2027, 2, 5)
            s.add(row)
        s.commit()

    assert ws.follow_current_papers() == 1
    assert sorted(residence_rows(ws)) == [
        (D(2027, 1, 29), "Ablauf 31.01.2027: Duldung"),
        (D(2027, 2, 5), "Ablauf 31.01.2027: Duldung"),
    ]
    assert ws.follow_current_papers() == 0
