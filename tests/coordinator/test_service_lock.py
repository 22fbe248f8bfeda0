"""The coordinator app holds its store's lock for its whole run, locked or not."""

from __future__ import annotations

import pytest

from kim_tui.coordinator.service import CoordinatorService
from kim_tui.coordinator.store import CoordinatorStore
from kim_tui.store.errors import VaultLocked
from tests.conftest import PASSPHRASE


def test_the_lock_is_held_while_locked_and_released_at_the_end(
    coordinator: CoordinatorStore,
) -> None:
    directory = coordinator.directory
    coordinator.close()
    service = CoordinatorService(directory)
    service.claim()
    try:
        # At the unlock screen: another process (here: another lock) is refused.
        with pytest.raises(VaultLocked):
            CoordinatorStore.open(directory, PASSPHRASE)
        service.unlock(PASSPHRASE)
        assert service.open_gaps() == []
        service.lock()  # Ctrl+L: the store closes, the lock stays
        with pytest.raises(VaultLocked):
            CoordinatorStore.open(directory, PASSPHRASE)
        service.unlock(PASSPHRASE)  # and unlocking again uses the same lock
        assert service.is_unlocked
    finally:
        service.release()
    CoordinatorStore.open(directory, PASSPHRASE).close()  # free after the app ended
