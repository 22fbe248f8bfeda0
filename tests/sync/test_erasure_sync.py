"""Erasure and restriction reach the coordinator: identifying data go, the counts stay, and a
restored older vault cannot bring an erased client back."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

from sqlmodel import select

from kim_tui.coordinator.importer import HELD, IMPORTED, import_bundle
from kim_tui.coordinator.store import CoordinatorStore, SyncRecord
from kim_tui.domain.model import ClosureDraft
from kim_tui.service.workspace import Workspace
from kim_tui.store.vault import Vault
from tests.conftest import FIXED_TODAY, PASSPHRASE
from tests.sync.conftest import Coach


def _live(store: CoordinatorStore) -> list[SyncRecord]:
    with store.session() as s:
        return list(s.exec(select(SyncRecord).where(SyncRecord.deleted == False)).all())  # noqa: E712


def _everything(store: CoordinatorStore) -> str:
    return " ".join(r.data for r in _live(store))


def _report(store: CoordinatorStore) -> str:
    """The coordinator's report as JSON, unmasked (threshold 1), from the open store."""
    from kim_tui.coordinator.report import load_coach_rows
    from kim_tui.domain import report

    period = report.Period(None, None)
    return report.render_json(report.compute(load_coach_rows(store), period, 1), 1, period)


def test_erasure_drops_identifying_data_and_keeps_the_counts(
    coach: Coach, coordinator: CoordinatorStore, outbox: Path
) -> None:
    erased = coach.add_client(1, share=True)
    coach.add_client(2, share=True)
    first = coach.export(outbox).path
    assert import_bundle(coordinator, first.read_bytes(), first.name).status == IMPORTED
    assert "Vorname001x" in _everything(coordinator)
    before = Counter(r.table for r in _live(coordinator))
    report_before = _report(coordinator)
    assert report_before.count('"value"') > 5, report_before[:300]

    coach.ws.close_case(ClosureDraft(coach.cases[erased], FIXED_TODAY, "moved_away"))
    coach.ws.erase_client(erased)
    second = coach.export(outbox, days=7).path
    from tests.sync.test_roundtrip import _plaintext

    payload = _plaintext(coordinator, second)
    assert "Vorname001x" not in payload and '"erased": true' in payload
    outcome = import_bundle(coordinator, second.read_bytes(), second.name)
    assert outcome.status == IMPORTED and "1 Löschung(en) übernommen" in outcome.line
    assert _report(coordinator) == report_before  # every figure stays

    text = _everything(coordinator)
    for secret in ("Vorname001x", "Nachname001y", "Geheimweg 1 ", "0170-5500001"):
        assert secret not in text
    assert "Vorname002x" in text  # the other client is untouched
    assert Counter(r.table for r in _live(coordinator)) == before
    docs = [json.loads(r.data) for r in _live(coordinator) if r.table == "client"]
    (gone,) = [d for d in docs if d.get("erased")]
    assert gone["personal"] is False and gone["nationality"] == "SYR" and gone["birth_year"]


def test_a_restored_older_vault_cannot_bring_an_erased_client_back(
    coach: Coach, coordinator: CoordinatorStore, outbox: Path, tmp_path: Path
) -> None:
    erased = coach.add_client(1, share=True)
    first = coach.export(outbox).path
    coach.ws.close()
    backup = tmp_path / "backup"
    shutil.copytree(coach.vault.directory, backup)
    coach.vault = Vault.open(coach.vault.directory, PASSPHRASE)
    coach.ws = Workspace(coach.vault, today=lambda: FIXED_TODAY)
    coach.ws.erase_client(erased, "Antrag der Klientin")
    second = coach.export(outbox, days=7).path
    for path in (first, second):
        assert import_bundle(coordinator, path.read_bytes(), path.name).status == IMPORTED

    old = Vault.open(backup, PASSPHRASE)
    restored = Workspace(old, today=lambda: FIXED_TODAY)
    try:
        assert restored.clients()[0].client_id == erased  # the old backup still has them
        restored.update_client(erased, restored.client_file(erased).client)
        revived = Coach(old, restored).export(tmp_path, days=8).path
    finally:
        restored.close()
    assert import_bundle(coordinator, revived.read_bytes(), revived.name).status == HELD
    from kim_tui.coordinator.forks import held_bundles, release

    outcome_lines = release(coordinator, held_bundles(coordinator)[0].id).lines
    assert any("gelöschte Klient*in(nen) erneut gesendet" in line for line in outcome_lines)
    assert "Vorname001x" not in _everything(coordinator)


def test_restricted_client_travels_without_identifying_data(
    coach: Coach, coordinator: CoordinatorStore, outbox: Path
) -> None:
    client = coach.add_client(1, share=True)
    coach.ws.restrict_client(client)
    bundle = coach.export(outbox).path
    assert import_bundle(coordinator, bundle.read_bytes(), bundle.name).status == IMPORTED
    assert "Vorname001x" not in _everything(coordinator)


def test_an_erasure_marker_carries_nothing_else() -> None:
    import pytest

    from kim_tui.sync.payload_schema import SchemaError, check_data

    check_data("client", {"erased": True, "personal": False})
    for bad in (
        {"erased": True, "personal": False, "given_name": "Eve"},
        {"erased": True, "personal": True},
        {"erased": False, "personal": False},
    ):
        with pytest.raises(SchemaError):
            check_data("client", bad)
