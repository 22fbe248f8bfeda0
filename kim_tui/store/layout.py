"""File names inside a vault directory. A light module (no SQL, no crypto), so the app can
check and lock a vault before the heavy store stack is imported."""

from __future__ import annotations

from pathlib import Path

KEY_FILE = "vault.key"
DB_FILE = "vault.db"
LOCK_FILE = "vault.lock"


def is_vault(directory: Path) -> bool:
    """True if `directory` holds a vault key file."""
    return (Path(directory) / KEY_FILE).is_file()
