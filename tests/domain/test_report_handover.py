"""A handed-over case counts once in the coordinator report: under the sender up to the
handover day, under the receiver from it; handovers are an indicator of their own."""

from __future__ import annotations

from datetime import date
from typing import Any

from kim_tui.domain.report import CoachRows, Period, compute, render_json

A_FP, B_FP = "a" * 64, "b" * 64
HANDOVER_ID = "3f1c9a52-0d6e-4b8f-9a3e-2c7d5e1f4a60"
A_CLIENT, B_CLIENT = "p-" + "1" * 32, "p-" + "2" * 32
OPENED, HANDED_OVER_ON = "2026-01-10", "2026-03-01"
WHOLE_YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))
BEFORE_HANDOVER = Period(date(2026, 1, 1), date(2026, 2, 15))


def _handover(direction: str, client: str, counterpart: str) -> dict[str, Any]:
    return {
        "_id": HANDOVER_ID,
        "_rev": 9,
        "direction": direction,
        "client": client,
        "date": HANDED_OVER_ON,
        "counterpart": counterpart,
    }


def _client(pid: str) -> dict[str, Any]:
    return {"_id": pid, "_rev": 1, "gender": "f", "nationality": "SYR", "birth_year": 1990}


def _contact(cid: str, case_id: str, on: str) -> dict[str, Any]:
    return {"_id": cid, "_rev": 3, "case_id": case_id, "on": on, "kind": "phone", "minutes": 30}


def sender(*, with_case: bool = True) -> CoachRows:
    """Coach A: opened the case, handed it over on 01.03.2026 (closed as handed over)."""
    rows: dict[str, list[dict[str, Any]]] = {"handover": [_handover("out", A_CLIENT, B_FP)]}
    if with_case:
        rows["client"] = [_client(A_CLIENT)]
        rows["case"] = [
            {
                "_id": "case-a",
                "_rev": 2,
                "client_id": A_CLIENT,
                "first_contact_on": OPENED,
                "closed_on": HANDED_OVER_ON,
                "closure_reason": "handed_over",
                "target_groups": [],
                "themes": [],
            }
        ]
        rows["contactnote"] = [_contact("contact-a", "case-a", "2026-01-15")]
    else:  # erased after the receipt: the marker and the handover record stay
        rows["client"] = [{"_id": A_CLIENT, "_rev": 5, "erased": True, "personal": False}]
    return CoachRows("Anna", "Caritas", rows, fingerprint=A_FP)


def receiver() -> CoachRows:
    """Coach B: received the file; the copy keeps the original opening date and history."""
    rows: dict[str, list[dict[str, Any]]] = {
        "handover": [_handover("in", B_CLIENT, A_FP)],
        "client": [_client(B_CLIENT)],
        "case": [
            {
                "_id": "case-b",
                "_rev": 2,
                "client_id": B_CLIENT,
                "first_contact_on": OPENED,
                "closed_on": None,
                "closure_reason": None,
                "target_groups": [],
                "themes": [],
            }
        ],
        "contactnote": [
            _contact("contact-b-copy", "case-b", "2026-01-15"),
            _contact("contact-b", "case-b", "2026-03-05"),
        ],
    }
    return CoachRows("Bernd", "DRK", rows, fingerprint=B_FP)


def figures(coaches: list[CoachRows], period: Period = WHOLE_YEAR) -> dict[tuple[str, ...], int]:
    cells = compute(coaches, period, threshold=1)
    return {(c.scope_name, c.indicator, c.category): c.value for c in cells}


def test_both_halves_one_case_under_the_receiver_and_one_handover() -> None:
    seen = figures([sender(), receiver()])

    assert seen[("alle", "cases_active", "gesamt")] == 1
    assert seen[("Bernd", "cases_active", "gesamt")] == 1
    assert ("Anna", "cases_active", "gesamt") not in seen
    assert seen[("alle", "cases_opened", "gesamt")] == 1
    assert seen[("Anna", "cases_opened", "gesamt")] == 1
    assert ("Bernd", "cases_opened", "gesamt") not in seen
    # The case goes on: the sender's "handed over" is not a closure.
    assert not any(k[1] == "cases_closed" for k in seen)
    # One client in the client indicators, one contact before the handover (the sender's).
    assert seen[("alle", "gender", "f")] == 1
    assert seen[("alle", "contacts", "phone")] == 2
    assert seen[("Anna", "contacts", "phone")] == 1
    assert seen[("Bernd", "contacts", "phone")] == 1
    handover = "Anna (Caritas) → Bernd (DRK)"
    assert seen[("Anna", "handovers", handover)] == 1
    assert seen[("Caritas", "handovers", handover)] == 1
    assert seen[("alle", "handovers", handover)] == 1
    assert ("Bernd", "handovers", handover) not in seen


def test_a_period_ending_before_the_handover_counts_the_case_under_the_sender() -> None:
    seen = figures([sender(), receiver()], BEFORE_HANDOVER)

    assert seen[("Anna", "cases_active", "gesamt")] == 1
    assert ("Bernd", "cases_active", "gesamt") not in seen
    assert seen[("alle", "cases_active", "gesamt")] == 1
    assert not any(k[1] == "handovers" for k in seen)


def test_only_the_in_half_with_the_sender_erased_still_counts_once() -> None:
    seen = figures([sender(with_case=False), receiver()])

    assert seen[("alle", "cases_active", "gesamt")] == 1
    assert seen[("Bernd", "cases_active", "gesamt")] == 1
    # Opened by the sender, who had it then, even though the sender's copy is gone.
    assert seen[("Anna", "cases_opened", "gesamt")] == 1
    assert seen[("alle", "cases_opened", "gesamt")] == 1
    assert seen[("alle", "handovers", "Anna (Caritas) → Bernd (DRK)")] == 1


def test_only_the_in_half_without_the_senders_bundle_counts_under_the_receiver() -> None:
    seen = figures([receiver()])

    assert seen[("Bernd", "cases_active", "gesamt")] == 1
    assert seen[("Bernd", "cases_opened", "gesamt")] == 1
    assert seen[("alle", "handovers", "Coach ohne eingelesenes Paket → Bernd (DRK)")] == 1


def test_only_the_out_half_counts_under_the_sender_as_before() -> None:
    seen = figures([sender()])

    assert seen[("Anna", "cases_active", "gesamt")] == 1
    assert seen[("Anna", "cases_opened", "gesamt")] == 1
    assert seen[("Anna", "cases_closed", "handed_over")] == 1
    assert seen[("alle", "handovers", "Anna (Caritas) → Coach ohne eingelesenes Paket")] == 1


def test_handover_cells_are_masked_like_every_other_small_cell() -> None:
    cells = compute([sender(), receiver()], WHOLE_YEAR, threshold=5)

    handovers = [c for c in cells if c.indicator == "handovers"]
    assert handovers and all(c.masked for c in handovers)
    assert '"Übergaben"' in render_json(cells, 5, WHOLE_YEAR)
    assert all(c.display(5) == "x" for c in handovers)
