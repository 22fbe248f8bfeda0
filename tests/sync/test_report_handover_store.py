"""The coordinator's report over stored records: a case handed over from Anna to Bernd is one
case, under Bernd, and one handover Anna → Bernd (issue 14 § 4). The records are written as the
importer leaves them (checked at import), since bundles carry `handover` only once the handover
work lands in the bundle schema."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from kim_tui.coordinator.report import report_cells
from kim_tui.coordinator.store import CoordinatorStore, SyncRecord
from kim_tui.domain import report
from kim_tui.sync import identity

HANDOVER_ID = "3f1c9a52-0d6e-4b8f-9a3e-2c7d5e1f4a60"


def _enroll(store: CoordinatorStore, name: str, organisation: str) -> str:
    pub = identity.CoachPublic(
        name, organisation, identity.signing_public(identity.new_signing_key())
    )
    store.enroll(pub)
    return pub.fingerprint


def _case(client: str, closed: bool) -> dict[str, Any]:
    return {
        "client_id": client,
        "first_contact_on": "2026-01-10",
        "access_route": "self",
        "referred_by": None,
        "legal_domains": [],
        "target_groups": [],
        "stage": "monitoring",
        "closed_on": "2026-03-01" if closed else None,
        "closure_reason": "handed_over" if closed else None,
        "themes": [],
    }


def _store(store: CoordinatorStore, coach: str, table: str, rid: str, data: dict[str, Any]) -> None:
    with store.session() as s:
        s.add(
            SyncRecord(
                coach=coach, table=table, id=rid, revision=1, data=json.dumps(data), checked=True
            )
        )
        s.commit()


def test_report_counts_the_handed_over_case_once_under_the_receiver(
    coordinator: CoordinatorStore,
) -> None:
    anna = _enroll(coordinator, "Anna", "Caritas")
    bernd = _enroll(coordinator, "Bernd", "DRK")
    for coach, client, other, direction in (
        (anna, "p-" + "1" * 32, bernd, "out"),
        (bernd, "p-" + "2" * 32, anna, "in"),
    ):
        _store(
            coordinator,
            coach,
            "client",
            client,
            {
                "gender": "f",
                "nationality": "SYR",
                "interpreter_needed": False,
                "birth_year": 1990,
                "personal": False,
            },
        )
        _store(coordinator, coach, "case", f"{direction}-case", _case(client, direction == "out"))
        _store(
            coordinator,
            coach,
            "handover",
            HANDOVER_ID,
            {"direction": direction, "client": client, "date": "2026-03-01", "counterpart": other},
        )
    # Unmasked (threshold 1, which only the store's own report allows, not a published one).
    period = report.Period(date(2026, 1, 1), date(2026, 12, 31))
    doc = json.loads(report.render_json(report_cells(coordinator, period, 1), 1, period))
    coordinator.close()

    cells = {(c["name"], c["indicator"], c["category"]): c["value"] for c in doc["cells"]}
    assert cells[("alle", "cases_active", "gesamt")] == 1
    assert cells[("Bernd", "cases_active", "gesamt")] == 1
    assert ("Anna", "cases_active", "gesamt") not in cells
    assert cells[("alle", "cases_opened", "gesamt")] == 1
    assert cells[("alle", "handovers", "Anna (Caritas) → Bernd (DRK)")] == 1
