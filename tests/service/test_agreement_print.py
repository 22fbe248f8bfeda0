"""Printing the goal agreement (issue 11 § 8): the PDF says when it was agreed, last changed
and printed and which version it is, marks done steps, and every print is in the history."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pypdf import PdfReader

from kim_tui.domain.model import (
    ClientDraft,
    GoalAgreementDraft,
    GoalDraft,
    IntakeDraft,
    StepDraft,
)
from kim_tui.service.workspace import Workspace
from tests.conftest import FIXED_TODAY

D = date


def _text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


def test_each_print_has_its_version_dates_and_done_steps(vault, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    _client, case_id = ws.intake(
        IntakeDraft(ClientDraft("Lan", "Nguyen", D(1995, 12, 12)), D(2026, 10, 1))
    )
    agreement_id = ws.add_goal_agreement(
        GoalAgreementDraft(
            case_id,
            D(2026, 10, 5),
            D(2027, 1, 15),
            (
                GoalDraft(
                    "language",
                    "Deutschkurs",
                    steps=(
                        StepDraft("Kursplatz suchen", "client", D(2026, 12, 1)),
                        StepDraft("Anmeldung abgeben", "client", D(2026, 12, 10)),
                    ),
                ),
            ),
        )
    )
    first = Path(
        ws.print_goal_agreement(agreement_id, str(tmp_path / "v1"), coach="C", organisation="O")
    )
    text = _text(first)
    assert "Vereinbart am: 05.10.2026" in text
    assert "Fassung: 1" in text and f"Gedruckt am: {FIXED_TODAY:%d.%m.%Y}" in text
    assert "✓" not in text

    # A step done and a goal added later: a new version, the agreed-on date stays.
    (goal,) = ws.goal_agreements(case_id)[0].goals
    ws.set_step_done(goal.steps[0].id, D(2026, 11, 20))
    ws.add_goal(agreement_id, GoalDraft("work", "Praktikum finden"))
    second = Path(
        ws.print_goal_agreement(agreement_id, str(tmp_path / "v3"), coach="C", organisation="O")
    )
    text = _text(second)
    assert "Vereinbart am: 05.10.2026" in text
    assert "Zuletzt geändert am:" in text
    assert "Fassung: 3" in text and "Fassung 3 – gedruckt am" in text  # the footer too
    assert "✓ 20.11.2026" in text  # the done step is marked with its date
    assert "Praktikum finden" in text

    prints = [e for e in ws.audit_log(case_id) if e.action == "goalagreement.print"]
    assert sorted(e.detail for e in prints) == ["v1", "v3"]
    for event in prints:  # nothing personal in the history
        assert "Nguyen" not in event.detail and "Deutschkurs" not in event.detail
