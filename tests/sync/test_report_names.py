"""Two coaches with the same name stay two rows (and two groups for the masking)."""

from __future__ import annotations

from pathlib import Path

from kim_tui.coordinator.importer import import_bundle
from kim_tui.coordinator.report import load_coach_rows
from kim_tui.coordinator.store import CoordinatorStore
from tests.sync.conftest import make_coach


def test_same_name_coaches_are_told_apart(
    tmp_path: Path, coordinator: CoordinatorStore, outbox: Path
) -> None:
    for n in (1, 2):
        coach = make_coach(tmp_path / f"coach{n}", "Anna", coordinator)
        coach.add_client(n, share=False)
        path = coach.export(outbox).path
        assert import_bundle(coordinator, path.read_bytes(), path.name).status == "imported"
        coach.ws.close()
    names = sorted(c.coach for c in load_coach_rows(coordinator))
    assert len(names) == 2 and len(set(names)) == 2
    assert all(name.startswith("Anna (") for name in names)
