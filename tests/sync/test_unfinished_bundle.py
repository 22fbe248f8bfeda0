"""A sequence number is never used up without its file: a crash or a full disk between taking
the number and writing the file is repaired by the next export, which says so."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from kim_tui.coordinator.importer import IMPORTED, gaps, import_files
from kim_tui.coordinator.store import CoordinatorStore
from kim_tui.sync import exporter
from tests.sync.conftest import Coach


def _disk_full(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    raise OSError(errno.ENOSPC, "No space left on device", str(path))


def test_next_export_rewrites_a_bundle_whose_file_never_arrived(
    coach: Coach, coordinator: CoordinatorStore, outbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    coach.add_client(1, share=False)
    first = coach.export(outbox)
    coach.add_client(2, share=False)
    with monkeypatch.context() as patched:
        patched.setattr(exporter, "write_atomic", _disk_full)
        with pytest.raises(OSError):
            coach.export(outbox, days=7)
    assert sorted(p.name for p in outbox.glob("*.kimb")) == [first.path.name]

    coach.add_client(3, share=False)
    result = coach.export(outbox, days=14)

    assert result.repaired is not None and result.repaired.exists()
    assert result.header.seq == 3
    outcomes = import_files(coordinator, sorted(outbox.glob("*.kimb")))
    assert [o.status for o in outcomes] == [IMPORTED, IMPORTED, IMPORTED]
    assert gaps(coordinator) == []


def test_an_export_after_a_finished_one_repairs_nothing(coach: Coach, outbox: Path) -> None:
    coach.add_client(1, share=False)
    coach.export(outbox)
    assert coach.export(outbox, days=7).repaired is None
