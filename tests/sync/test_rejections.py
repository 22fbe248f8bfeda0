"""Hostile hands: every damaged or foreign bundle is rejected with its reason, nothing merged."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlmodel import func, select

from kim_tui.coordinator.importer import HELD, IMPORTED, REJECTED, import_bundle
from kim_tui.coordinator.store import CoordinatorStore, HeldBundle, ImportedBundle, SyncRecord
from kim_tui.sync.exporter import ExportResult
from tests.conftest import PASSPHRASE
from tests.sync.conftest import Coach, make_coach


def _count(store: CoordinatorStore) -> tuple[int, int]:
    with store.session() as s:
        records = s.exec(select(func.count()).select_from(SyncRecord)).one()
        bundles = s.exec(select(func.count()).select_from(ImportedBundle)).one()
    return int(records), int(bundles)


@pytest.fixture
def bundle(coach: Coach, outbox: Path) -> ExportResult:
    for i in range(3):
        coach.add_client(i, share=i == 0)
    return coach.export(outbox)


def test_flipped_bits_anywhere_are_rejected(
    bundle: ExportResult, coordinator: CoordinatorStore
) -> None:
    data = bundle.path.read_bytes()
    rng = random.Random(48)
    header_end = 14 + int.from_bytes(data[6:10], "big")
    # Every byte of the framing and header, then a spread over ciphertext and signature.
    positions = list(range(0, header_end + 4)) + rng.sample(range(header_end + 4, len(data)), 150)
    positions += list(range(len(data) - 64, len(data)))
    reasons = set()
    for pos in positions:
        mutated = bytearray(data)
        mutated[pos] ^= 1 << rng.randrange(8)
        outcome = import_bundle(coordinator, bytes(mutated), f"bit{pos}")
        assert outcome.status == REJECTED, (pos, outcome.line)
        reasons.add(outcome.reason)
    assert _count(coordinator) == (0, 0)
    assert reasons <= {"corrupt", "version", "bad_signature", "unknown_coach"}
    assert "bad_signature" in reasons and "corrupt" in reasons
    # The pristine file still imports afterwards.
    assert import_bundle(coordinator, data, "ok").status == IMPORTED


def test_truncation_and_extension_are_rejected(
    bundle: ExportResult, coordinator: CoordinatorStore
) -> None:
    data = bundle.path.read_bytes()
    for cut in [0, 3, 9, 10, 200, len(data) // 2, len(data) - 65, len(data) - 1]:
        outcome = import_bundle(coordinator, data[:cut], f"cut{cut}")
        assert (outcome.status, outcome.reason) == (REJECTED, "corrupt"), cut
        assert "abgelehnt" in outcome.line
    assert import_bundle(coordinator, data + b"\0", "long").reason == "corrupt"
    assert _count(coordinator) == (0, 0)


def test_wrong_coordinator(tmp_path: Path, coach: Coach, outbox: Path) -> None:
    other, _ = CoordinatorStore.create(tmp_path / "other", PASSPHRASE, kdf_memory_kib=8192)
    try:
        with other.session():
            pass
        from sqlmodel import Session

        from kim_tui.sync import coach_state

        with Session(coach.vault.engine) as s:
            other.enroll(coach_state.coach_public(s))
        coach.add_client(1, share=True)
        data = coach.export(outbox).path.read_bytes()
        outcome = import_bundle(other, data, "x")
        assert (outcome.status, outcome.reason) == (REJECTED, "wrong_recipient")
        assert "nicht an diese Koordinierung adressiert" in outcome.line
        assert _count(other) == (0, 0)
    finally:
        other.close()


def test_unknown_and_revoked_coach(
    tmp_path: Path, coordinator: CoordinatorStore, coach: Coach, outbox: Path
) -> None:
    stranger = make_coach(tmp_path / "stranger", "Fremd", None)
    try:
        from sqlmodel import Session

        from kim_tui.sync import coach_state

        with Session(stranger.vault.engine) as s:
            coach_state.connect(s, coordinator.public())
            s.commit()
        stranger.add_client(1, share=False)
        data = stranger.export(outbox).path.read_bytes()
        outcome = import_bundle(coordinator, data, "s")
        assert (outcome.status, outcome.reason) == (REJECTED, "unknown_coach")
    finally:
        stranger.ws.close()

    coach.add_client(2, share=False)
    own = coach.export(outbox).path.read_bytes()
    with Session(coach.vault.engine) as s:
        fingerprint = coach_state.coach_public(s).fingerprint
    coordinator.revoke(fingerprint)
    outcome = import_bundle(coordinator, own, "r")
    assert (outcome.status, outcome.reason) == (REJECTED, "revoked_coach")
    assert "widerrufen" in outcome.line
    assert _count(coordinator) == (0, 0)


def test_another_coachs_signature(
    tmp_path: Path, coordinator: CoordinatorStore, coach: Coach, outbox: Path
) -> None:
    """Bob re-signs Anna's bundle with his own key (header still names Anna): bad signature."""
    from sqlmodel import Session

    from kim_tui.sync import bundle_format as bf
    from kim_tui.sync import coach_state, identity

    bob = make_coach(tmp_path / "bob", "Bob", coordinator)
    try:
        with Session(bob.vault.engine) as s:
            bob_key = coach_state.sign_key(s)
    finally:
        bob.ws.close()
    coach.add_client(1, share=True)
    parsed = bf.parse(coach.export(outbox).path.read_bytes())
    forged = parsed.signed + identity.signing_key(bob_key).sign(parsed.signed)
    outcome = import_bundle(coordinator, forged, "f")
    assert (outcome.status, outcome.reason) == (REJECTED, "bad_signature")
    assert _count(coordinator) == (0, 0)


def test_fork_is_held_back(
    tmp_path: Path, coordinator: CoordinatorStore, coach: Coach, outbox: Path
) -> None:
    """A laptop restored from an old backup makes a different bundle 2: reported, held back."""
    import shutil

    from kim_tui.service.workspace import Workspace
    from kim_tui.store.vault import Vault
    from tests.conftest import FIXED_TODAY
    from tests.sync.conftest import Coach as CoachT

    coach.add_client(1, share=False)
    p1 = coach.export(outbox).path
    coach.ws.close()
    backup = tmp_path / "backup"
    shutil.copytree(coach.vault.directory, backup)
    reopened = Vault.open(coach.vault.directory, PASSPHRASE)
    coach.vault, coach.ws = reopened, Workspace(reopened, today=lambda: FIXED_TODAY)
    coach.add_client(2, share=False)
    p2 = coach.export(outbox, days=7).path
    assert [import_bundle(coordinator, p.read_bytes(), p.name).status for p in (p1, p2)] == [
        IMPORTED,
        IMPORTED,
    ]
    before = _count(coordinator)

    old = Vault.open(backup, PASSPHRASE)
    restored = CoachT(old, Workspace(old, today=lambda: FIXED_TODAY))
    try:
        restored.add_client(3, share=False)
        forked_dir = tmp_path / "forked"
        forked_dir.mkdir()
        p2b = restored.export(forked_dir, days=8).path
        restored.add_client(4, share=False)
        p3b = restored.export(forked_dir, days=14).path
    finally:
        restored.ws.close()
    o2 = import_bundle(coordinator, p2b.read_bytes(), p2b.name)
    assert o2.status == HELD and "Gabelung" in o2.line
    o3 = import_bundle(coordinator, p3b.read_bytes(), p3b.name)
    assert o3.status == HELD
    assert _count(coordinator) == before
    with coordinator.session() as s:
        assert s.exec(select(func.count()).select_from(HeldBundle)).one() == 2
