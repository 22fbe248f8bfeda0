"""The coordinator tests use the sync tests' store and coach fixtures."""

from tests.sync.conftest import coach, coordinator, outbox  # noqa: F401
