"""Key handling a coach notices: wrong passphrase changes nothing, the recovery key works, the
passphrase can change, files are private, and a damaged key file is named, never overwritten."""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path

import pytest

from kim_tui.domain.model import FollowUpDraft
from kim_tui.service.workspace import Workspace
from kim_tui.store.errors import (
    CorruptFile,
    UnsupportedVersion,
    ValidationError,
    VaultNotFound,
    WrongPassphrase,
)
from kim_tui.store.vault import Vault
from tests.builders import file_digests, intake_client, new_vault
from tests.conftest import FAST_KDF_KIB, FIXED_TODAY, PASSPHRASE

NEW_PASSPHRASE = "ein ganz anderes Passwort 2026"


def _seed(vault: Vault) -> str:
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    client_id, case_id = intake_client(
        ws, "Amina", "Yilmaz", date(1990, 4, 2), first_contact_on=date(2026, 11, 2)
    )
    ws.add_follow_up(FollowUpDraft(case_id, date(2026, 12, 1), "Unterlagen mitbringen"))
    return client_id


def _assert_data(vault: Vault, client_id: str) -> None:
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    view = ws.client_file(client_id)
    assert (view.client.given_name, view.client.family_name) == ("Amina", "Yilmaz")
    assert view.client.birth_date == date(1990, 4, 2)
    assert [f.reason for f in ws.follow_ups().items] == ["Unterlagen mitbringen"]


@pytest.fixture
def closed_vault(vault_dir: Path) -> tuple[Path, str, str]:
    """(directory, recovery key, client id) of a closed vault with one client."""
    vault, recovery = new_vault(vault_dir)
    client_id = _seed(vault)
    vault.close()
    return vault_dir, recovery, client_id


def test_wrong_passphrase_raises_and_changes_no_byte(closed_vault: tuple[Path, str, str]) -> None:
    directory, _rk, client_id = closed_vault
    before = file_digests(directory)
    with pytest.raises(WrongPassphrase) as info:
        Vault.open(directory, "not the passphrase at all")
    assert "nicht verändert" in str(info.value)
    assert file_digests(directory) == before
    # The failed attempt released the lock: the right passphrase works at once.
    with Vault.open(directory, PASSPHRASE) as vault:
        _assert_data(vault, client_id)


def test_wrong_recovery_key_raises_and_changes_no_byte(closed_vault: tuple[Path, str, str]) -> None:
    directory, recovery, _cid = closed_vault
    before = file_digests(directory)
    wrong = ("A" if recovery[0] != "A" else "B") + recovery[1:]
    with pytest.raises(WrongPassphrase) as info:
        Vault.open_with_recovery(directory, wrong)
    assert "Wiederherstellungsschlüssel" in str(info.value)
    assert file_digests(directory) == before


def test_recovery_key_restores_access_after_passphrase_loss(
    closed_vault: tuple[Path, str, str],
) -> None:
    directory, recovery, client_id = closed_vault
    with Vault.open_with_recovery(directory, recovery) as vault:
        _assert_data(vault, client_id)
        vault.change_passphrase(NEW_PASSPHRASE)
    with Vault.open(directory, NEW_PASSPHRASE) as vault:
        _assert_data(vault, client_id)
    with pytest.raises(WrongPassphrase):
        Vault.open(directory, PASSPHRASE)
    # The recovery key stays valid after the reset.
    with Vault.open_with_recovery(directory, recovery) as vault:
        _assert_data(vault, client_id)


@pytest.mark.parametrize(
    "typed",
    [
        lambda rk: rk.lower(),
        lambda rk: rk.replace("-", ""),
        lambda rk: rk.replace("-", " ").lower(),
        lambda rk: f"  {rk.lower().replace('-', '')}\n",
    ],
    ids=["lower", "no-dashes", "spaces-lower", "padded"],
)
def test_recovery_key_accepted_as_typed(closed_vault: tuple[Path, str, str], typed) -> None:  # type: ignore[no-untyped-def]
    directory, recovery, client_id = closed_vault
    with Vault.open_with_recovery(directory, typed(recovery)) as vault:
        _assert_data(vault, client_id)


def test_recovery_key_looks_writable(recovery_key: str) -> None:
    groups = recovery_key.split("-")
    assert len(groups) == 8 and all(len(g) == 4 for g in groups)
    assert not set(recovery_key) & set("01IO")


def test_change_passphrase_keeps_data_and_retires_the_old_one(
    closed_vault: tuple[Path, str, str],
) -> None:
    directory, recovery, client_id = closed_vault
    db_before = (directory / "vault.db").read_bytes()
    with Vault.open(directory, PASSPHRASE, migrate_schema=False) as vault:
        vault.change_passphrase(NEW_PASSPHRASE)
    # The data is not re-encrypted: only the key file changes.
    assert (directory / "vault.db").read_bytes() == db_before
    with pytest.raises(WrongPassphrase):
        Vault.open(directory, PASSPHRASE)
    with Vault.open(directory, NEW_PASSPHRASE) as vault:
        _assert_data(vault, client_id)
    with Vault.open_with_recovery(directory, recovery) as vault:
        _assert_data(vault, client_id)


def test_too_short_passphrase_refused(vault: Vault, vault_dir: Path) -> None:
    before = (vault_dir / "vault.key").read_bytes()
    with pytest.raises(ValidationError):
        vault.change_passphrase("short")
    assert (vault_dir / "vault.key").read_bytes() == before


def test_create_refuses_short_passphrase_and_leaves_no_vault(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as info:
        Vault.create(tmp_path / "v", "kurz", kdf_memory_kib=FAST_KDF_KIB)
    assert "passphrase" in info.value.problems
    assert not (tmp_path / "v" / "vault.key").exists()


def test_file_modes_are_private(vault: Vault, vault_dir: Path) -> None:
    _seed(vault)
    assert stat.S_IMODE(vault_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((vault_dir / "vault.key").stat().st_mode) == 0o600
    for name in ("vault.db", "vault.db-wal", "vault.db-shm", "vault.lock"):
        path = vault_dir / name
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
    vault.change_passphrase(NEW_PASSPHRASE)  # rewritten atomically: still 0600
    assert stat.S_IMODE((vault_dir / "vault.key").stat().st_mode) == 0o600


def test_key_file_is_versioned_json_without_personal_data(vault: Vault, vault_dir: Path) -> None:
    _seed(vault)
    raw = (vault_dir / "vault.key").read_bytes()
    doc = json.loads(raw)
    assert doc["format"] == "kim-vault-key"
    assert doc["version"] == 1
    assert doc["kdf"]["name"] == "argon2id"
    assert doc["kdf"]["memory_kib"] == FAST_KDF_KIB
    text = raw.decode("ascii")
    for personal in ("Amina", "Yilmaz", "1990-04-02", "Unterlagen", PASSPHRASE):
        assert personal not in text
    assert set(doc) <= {
        "format",
        "version",
        "vault_id",
        "created_at",
        "kdf",
        "dek_wrap",
        "wrapped",
    }


def _corrupt_cases(original: bytes) -> dict[str, tuple[bytes, type[Exception]]]:
    doc = json.loads(original)
    foreign = json.dumps({"name": "some other app", "version": 1}).encode()
    newer = dict(doc, version=2)
    missing = {k: v for k, v in doc.items() if k != "wrapped"}
    short_ct = json.loads(original)
    short_ct["wrapped"]["passphrase"]["ct"] = "AAAA"
    weak = json.loads(original)
    weak["kdf"]["memory_kib"] = 64
    return {
        "truncated": (original[: len(original) // 2], CorruptFile),
        "empty": (b"", CorruptFile),
        "garbage": (bytes(range(256)) * 4, CorruptFile),
        "foreign-json": (foreign, CorruptFile),
        "json-list": (b"[1, 2, 3]", CorruptFile),
        "wrong-version": (json.dumps(newer).encode(), UnsupportedVersion),
        "missing-field": (json.dumps(missing).encode(), CorruptFile),
        "short-wrapped-key": (json.dumps(short_ct).encode(), CorruptFile),
        "kdf-below-floor": (json.dumps(weak).encode(), CorruptFile),
    }


@pytest.mark.parametrize(
    "case",
    [
        "truncated",
        "empty",
        "garbage",
        "foreign-json",
        "json-list",
        "wrong-version",
        "missing-field",
        "short-wrapped-key",
        "kdf-below-floor",
    ],
)
def test_damaged_key_file_named_and_nothing_overwritten(
    closed_vault: tuple[Path, str, str], case: str
) -> None:
    directory, recovery, _cid = closed_vault
    key = directory / "vault.key"
    data, error = _corrupt_cases(key.read_bytes())[case]
    key.write_bytes(data)
    before = file_digests(directory)
    with pytest.raises(error) as info:
        Vault.open(directory, PASSPHRASE)
    assert str(key) in str(info.value)
    with pytest.raises(error):
        Vault.open_with_recovery(directory, recovery)
    assert file_digests(directory) == before


def test_missing_database_is_corrupt_file(closed_vault: tuple[Path, str, str]) -> None:
    directory, _rk, _cid = closed_vault
    (directory / "vault.db").unlink()
    before = file_digests(directory)
    with pytest.raises(CorruptFile) as info:
        Vault.open(directory, PASSPHRASE)
    assert "vault.db" in str(info.value)
    assert not (directory / "vault.db").exists(), "a missing database must not be recreated empty"
    assert file_digests(directory) == before


def test_missing_key_file_is_vault_not_found(tmp_path: Path) -> None:
    with pytest.raises(VaultNotFound) as info:
        Vault.open(tmp_path / "nowhere", PASSPHRASE)
    assert "kim init" in str(info.value)
    assert not (tmp_path / "nowhere").exists()


def test_foreign_database_file_is_corrupt_file(closed_vault: tuple[Path, str, str]) -> None:
    directory, _rk, _cid = closed_vault
    (directory / "vault.db").write_bytes(b"SQLite format 3\x00" + b"\x00" * 4080)
    before = file_digests(directory)
    with pytest.raises(CorruptFile):
        Vault.open(directory, PASSPHRASE)
    assert file_digests(directory) == before


def test_key_file_from_another_vault_does_not_open(
    closed_vault: tuple[Path, str, str], tmp_path: Path
) -> None:
    directory, _rk, _cid = closed_vault
    other, _ = new_vault(tmp_path / "other")
    other.close()
    (directory / "vault.key").write_bytes((tmp_path / "other" / "vault.key").read_bytes())
    before = file_digests(directory)
    with pytest.raises(CorruptFile):
        Vault.open(directory, PASSPHRASE)
    assert file_digests(directory) == before
