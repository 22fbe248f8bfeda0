"""The one encrypted store under the coach's vault and the coordinator's store: both forget the
data key on close, change their passphrase and recover the same way, and refuse a newer schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from kim_tui.coordinator.store import CoordinatorStore
from kim_tui.store.encrypted_store import EncryptedStore
from kim_tui.store.errors import UnsupportedVersion, ValidationError, WrongPassphrase
from kim_tui.store.vault import Vault
from tests.conftest import FAST_KDF_KIB, PASSPHRASE

NEW = "ein ganz neues Passwort"
KINDS = [Vault, CoordinatorStore]


def _make(kind: type[EncryptedStore], directory: Path) -> str:
    store, recovery = kind._create(directory, PASSPHRASE, kdf_memory_kib=FAST_KDF_KIB)
    store.close()
    return recovery


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_close_zeroes_the_key_and_refuses_use(kind: type[EncryptedStore], tmp_path: Path) -> None:
    _make(kind, tmp_path / "s")
    store = kind.open(tmp_path / "s", PASSPHRASE)
    key = store._dek
    assert key is not None and any(key)
    store.close()
    assert key == bytearray(len(key))
    assert not store.is_open
    with pytest.raises(Exception, match="gesperrt|geschlossen"):
        _ = store.engine
    # The lock is released: opening again works.
    kind.open(tmp_path / "s", PASSPHRASE).close()


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_change_passphrase_and_recover(kind: type[EncryptedStore], tmp_path: Path) -> None:
    directory = tmp_path / "s"
    recovery = _make(kind, directory)
    key_file = directory / kind.layout.key_file
    before = key_file.read_bytes()
    with pytest.raises(WrongPassphrase):
        kind.change_passphrase_of(directory, "falsches Passwort!", NEW)
    with pytest.raises(ValidationError):
        kind.change_passphrase_of(directory, PASSPHRASE, "kurz")
    with pytest.raises(WrongPassphrase):
        kind.recover(directory, "AAAA-BBBB", NEW)
    assert key_file.read_bytes() == before
    kind.change_passphrase_of(directory, PASSPHRASE, NEW)
    kind.open(directory, NEW).close()
    kind.recover(directory, recovery, PASSPHRASE)
    kind.open(directory, PASSPHRASE).close()
    with pytest.raises(WrongPassphrase):
        kind.open(directory, NEW)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_a_newer_schema_is_refused(kind: type[EncryptedStore], tmp_path: Path) -> None:
    _make(kind, tmp_path / "s")
    table = kind.layout.migrations.version_table
    with kind.open(tmp_path / "s", PASSPHRASE) as store, store.engine.begin() as conn:
        conn.execute(text(f"UPDATE \"{table}\" SET version_num = '9999'"))
    with pytest.raises(UnsupportedVersion):
        kind.open(tmp_path / "s", PASSPHRASE)
    # Refused without keeping the lock.
    with kind.open(tmp_path / "s", PASSPHRASE, migrate_schema=False):
        pass


def test_a_new_coordinator_store_is_at_head(tmp_path: Path) -> None:
    store, _rk = CoordinatorStore.create(
        tmp_path / "c", PASSPHRASE, name="K", kdf_memory_kib=FAST_KDF_KIB
    )
    with store:
        migrations = CoordinatorStore.layout.migrations
        assert migrations.version_table != Vault.layout.migrations.version_table
        assert migrations.current_revision(store.engine) == migrations.head
