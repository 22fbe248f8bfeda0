"""The list windows the screens ask for without counts, and the counts asked for separately,
agree with the full answer: same rows, a correct "more follow" flag, the same numbers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from kim_tui.domain.model import (
    CaseStage,
    DueGroup,
    FollowUpDraft,
)
from kim_tui.service.workspace import Workspace
from tests.builders import intake_client


def _fill(ws: Workspace, n: int) -> None:
    for i in range(n):
        family = "Haddad" if i % 3 == 0 else f"Nachname{i:02d}"
        _client, case = intake_client(
            ws, f"Vorname{i:02d}", family, date(1990, 1, 1), first_contact_on=date(2026, 10, 1)
        )
        ws.add_follow_up(FollowUpDraft(case, date(2026, 11, 2) + timedelta(days=7 * i), f"R{i}"))


def test_follow_up_window_without_counts(workspace: Workspace) -> None:
    _fill(workspace, 12)
    for query in ("", "haddad", "nobody"):
        full = workspace.follow_ups(query, limit=100)
        assert full.counts is not None and full.total == len(full.items)
        counts = workspace.follow_up_counts(query)
        assert counts.counts == full.counts and counts.total == full.total
        for offset in range(0, len(full.items) + 1):
            window = workspace.follow_ups(query, offset=offset, limit=3, with_counts=False)
            assert window.counts is None and window.total is None
            assert window.items == full.items[offset : offset + 3]
            assert window.has_more == (offset + 3 < len(full.items))
    assert workspace.follow_up_counts().counts[DueGroup.OVERDUE] > 0


def test_caseload_window_without_total(workspace: Workspace) -> None:
    _fill(workspace, 12)
    for query, stage in (("", None), ("haddad", None), ("", CaseStage.CLOSED), ("xyz", None)):
        full = workspace.caseload(query, stage=stage, limit=100)
        assert full.total == len(full.items)
        assert workspace.caseload_total(query, stage=stage) == full.total
        for offset in range(0, len(full.items) + 1):
            window = workspace.caseload(
                query, stage=stage, offset=offset, limit=5, with_total=False
            )
            assert window.total is None
            assert window.items == full.items[offset : offset + 5]
            assert window.has_more == (offset + 5 < len(full.items))
    assert workspace.caseload_total("haddad") == 4


def test_equal_due_dates_list_in_the_caseloads_name_order(workspace: Workspace) -> None:
    """Ç sorts with C (the folded sort key), not after Z as in binary order; a renamed client
    moves with the new name."""
    due = date(2026, 12, 1)
    cases = {}
    for given, family in (("Viktor", "Weber"), ("Ayşe", "Çelik"), ("Anna", "Becker")):
        client, case = intake_client(
            workspace, given, family, date(1990, 1, 1), first_contact_on=date(2026, 10, 1)
        )
        workspace.add_follow_up(FollowUpDraft(case, due, "Termin"))
        cases[family] = client
    names = [f.client_name for f in workspace.follow_ups().items if f.due_on == due]
    assert names == ["Becker, Anna", "Çelik, Ayşe", "Weber, Viktor"]
    assert [c.display_name for c in workspace.caseload().items] == names

    file = workspace.client_file(cases["Weber"])
    workspace.update_client(cases["Weber"], replace(file.client, family_name="Aydin"))
    names = [f.client_name for f in workspace.follow_ups().items if f.due_on == due]
    assert names == ["Aydin, Viktor", "Becker, Anna", "Çelik, Ayşe"]
