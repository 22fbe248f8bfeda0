"""Backup and restore: a single encrypted file that restores to a working vault, and never
overwrites anything."""

from __future__ import annotations

import io
import json
import tarfile
from datetime import date
from pathlib import Path

import pytest

from kim_tui.domain.model import FollowUpDraft
from kim_tui.service.workspace import Workspace
from kim_tui.store.errors import CorruptFile, UnsupportedVersion, VaultExists, WrongPassphrase
from kim_tui.store.vault import Vault, backup_open_vault, restore_backup
from tests.builders import file_digests, intake_client
from tests.conftest import FIXED_TODAY, PASSPHRASE

PEOPLE = [("Jovana", "Petrović", date(1985, 6, 1)), ("Ömer", "Şahin", date(2001, 9, 30))]


def _seed(ws: Workspace) -> None:
    for given, family, born in PEOPLE:
        _cid, case_id = intake_client(ws, given, family, born, first_contact_on=date(2026, 10, 1))
        ws.add_follow_up(FollowUpDraft(case_id, date(2026, 12, 7), f"Rückruf {given}"))


def _state(vault: Vault) -> tuple[object, ...]:
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    clients = tuple((c.display_name, c.birth_date, c.stage) for c in ws.caseload().items)
    follow_ups = tuple((f.client_name, f.reason, f.due_on) for f in ws.follow_ups().items)
    return clients, follow_ups, ws.revision()


def test_round_trip_opens_with_passphrase_and_recovery_key(
    workspace: Workspace, recovery_key: str, tmp_path: Path
) -> None:
    _seed(workspace)
    original = _state(workspace.vault)
    assert len(original[0]) == 2
    backup = tmp_path / "kim.backup"
    workspace.vault.backup_to(backup)
    workspace.close()

    target = tmp_path / "restored"
    restore_backup(backup, target)
    assert sorted(p.name for p in target.iterdir()) == ["vault.db", "vault.key"]
    with Vault.open(target, PASSPHRASE) as vault:
        assert _state(vault) == original
        assert vault.check().ok
    with Vault.open_with_recovery(target, recovery_key) as vault:
        assert _state(vault) == original


def test_backup_of_a_vault_open_in_this_process(
    workspace: Workspace, vault_dir: Path, tmp_path: Path
) -> None:
    """The open Vault holds the lock; `backup_open_vault` (what `kim backup` uses) still works."""
    _seed(workspace)
    original = _state(workspace.vault)
    backup = tmp_path / "while-open.backup"
    backup_open_vault(vault_dir, PASSPHRASE, backup)
    # The open vault keeps working after the backup.
    workspace.add_follow_up(
        FollowUpDraft(workspace.caseload().items[0].case_id, date(2026, 12, 9), "danach")
    )
    workspace.close()

    target = tmp_path / "restored"
    restore_backup(backup, target)
    with Vault.open(target, PASSPHRASE) as vault:
        assert _state(vault) == original  # the snapshot, without the later write


def test_backup_with_wrong_passphrase_writes_nothing(
    workspace: Workspace, vault_dir: Path, tmp_path: Path
) -> None:
    _seed(workspace)
    with pytest.raises(WrongPassphrase):
        backup_open_vault(vault_dir, "nicht das Passwort", tmp_path / "b")
    assert not (tmp_path / "b").exists()


def test_backup_never_overwrites_an_existing_file(workspace: Workspace, tmp_path: Path) -> None:
    existing = tmp_path / "existing.backup"
    existing.write_bytes(b"keep me")
    with pytest.raises(VaultExists):
        workspace.vault.backup_to(existing)
    assert existing.read_bytes() == b"keep me"


@pytest.fixture
def backup_file(workspace: Workspace, tmp_path: Path) -> Path:
    _seed(workspace)
    out = tmp_path / "good.backup"
    workspace.vault.backup_to(out)
    workspace.close()
    return out


def test_restore_refuses_existing_non_empty_dir(backup_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "occupied"
    target.mkdir()
    (target / "notes.txt").write_text("wichtig")
    (target / "sub").mkdir()
    (target / "sub" / "x").write_bytes(b"\x00\x01")
    before = file_digests(target, recursive=True)
    with pytest.raises(VaultExists):
        restore_backup(backup_file, target)
    assert file_digests(target, recursive=True) == before
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt", "sub"]


def test_restore_refuses_to_overwrite_an_existing_vault(backup_file: Path, vault_dir: Path) -> None:
    before = file_digests(vault_dir, recursive=True)
    with pytest.raises(VaultExists):
        restore_backup(backup_file, vault_dir)
    assert file_digests(vault_dir, recursive=True) == before


def test_restore_into_empty_existing_dir_works(backup_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "empty"
    target.mkdir()
    restore_backup(backup_file, target)
    with Vault.open(target, PASSPHRASE) as vault:
        assert len(_state(vault)[0]) == 2


def _tar(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _members(backup: Path) -> dict[str, bytes]:
    with tarfile.open(backup) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "damage",
    ["truncated", "garbage", "empty", "foreign-tar", "bad-manifest", "bad-keyfile", "missing"],
)
def test_damaged_backup_is_corrupt_file_and_creates_nothing(
    backup_file: Path, tmp_path: Path, damage: str
) -> None:
    good = backup_file.read_bytes()
    members = _members(backup_file)
    bad = tmp_path / "bad.backup"
    if damage == "truncated":
        bad.write_bytes(good[: len(good) // 3])
    elif damage == "garbage":
        bad.write_bytes(bytes(range(256)) * 64)
    elif damage == "empty":
        bad.write_bytes(b"")
    elif damage == "foreign-tar":
        bad.write_bytes(_tar({"photo.jpg": b"\xff\xd8\xff"}))
    elif damage == "bad-manifest":
        bad.write_bytes(_tar(dict(members, **{"manifest.json": b"{not json"})))
    elif damage == "bad-keyfile":
        bad.write_bytes(_tar(dict(members, **{"vault.key": members["vault.key"][:40]})))
    target = tmp_path / "target"
    with pytest.raises(CorruptFile) as info:
        restore_backup(bad, target)
    assert str(bad) in str(info.value)
    assert not target.exists()


def test_newer_backup_version_refused(backup_file: Path, tmp_path: Path) -> None:
    members = _members(backup_file)
    manifest = json.loads(members["manifest.json"])
    manifest["version"] = 99
    bad = tmp_path / "newer.backup"
    bad.write_bytes(_tar(dict(members, **{"manifest.json": json.dumps(manifest).encode()})))
    with pytest.raises(UnsupportedVersion):
        restore_backup(bad, tmp_path / "target")
    assert not (tmp_path / "target").exists()


def test_backup_with_damaged_database_restores_but_fails_loudly(
    backup_file: Path, tmp_path: Path
) -> None:
    """A flipped byte inside the database member cannot be hidden by the tar container."""
    members = _members(backup_file)
    db = bytearray(members["vault.db"])
    db[len(db) // 2] ^= 0xFF
    bad = tmp_path / "flipped.backup"
    bad.write_bytes(_tar(dict(members, **{"vault.db": bytes(db)})))
    target = tmp_path / "target"
    restore_backup(bad, target)
    try:
        vault = Vault.open(target, PASSPHRASE, migrate_schema=False)
    except CorruptFile:
        return
    with vault:
        assert not vault.check().ok


def test_a_killed_backup_leaves_nothing_the_next_backup_does_not_remove(
    workspace: Workspace, vault_dir: Path, tmp_path: Path
) -> None:
    """A backup killed at any moment leaves at most its hidden work folder; the next backup into
    the same directory removes it (and never a folder whose backup is still running)."""
    import random
    import subprocess
    import sys
    import time

    from kim_tui.store.lock import VaultLock
    from kim_tui.store.vault import BACKUP_WORK_PREFIX

    _seed(workspace)
    target_dir = tmp_path / "sicherungen"
    target_dir.mkdir()
    script = (
        "import sys; from pathlib import Path; from kim_tui.store.vault import backup_open_vault;"
        "backup_open_vault(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))"
    )
    rng = random.Random(20261203)
    for run in range(6):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                script,
                str(vault_dir),
                PASSPHRASE,
                str(target_dir / f"{run}.kimbak"),
            ]
        )
        time.sleep(rng.uniform(0.2, 1.2))
        proc.kill()
        proc.wait()
    # An old-style leftover (no lock file) and a live backup's folder (lock held).
    (target_dir / f"{BACKUP_WORK_PREFIX}old").mkdir()
    live = target_dir / f"{BACKUP_WORK_PREFIX}live"
    live.mkdir()
    held = VaultLock(live / ".lock")
    held.acquire()
    try:
        backup_open_vault(vault_dir, PASSPHRASE, target_dir / "final.kimbak")
    finally:
        held.release()

    left = sorted(p.name for p in target_dir.iterdir())
    assert [n for n in left if n.startswith(".")] == [f"{BACKUP_WORK_PREFIX}live"]
    for name in left:
        if name.endswith(".kimbak"):  # whatever a killed backup finished is a whole backup
            restore_backup(target_dir / name, tmp_path / f"restored-{name}")
