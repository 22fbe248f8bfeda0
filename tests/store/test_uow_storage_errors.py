"""A full disk during any write or audited read is a `StorageError` naming the database, never
a raw SQLAlchemy error (screens and commands show VaultErrors as a message, not a crash)."""

from __future__ import annotations

import errno
from datetime import date

import pytest
import sqlcipher3
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from kim_tui.i18n import Lang, set_language
from kim_tui.service.workspace import Workspace
from kim_tui.store.errors import StorageError
from tests.builders import intake_client


def _full_disk(self: Session) -> None:
    raise OperationalError(
        "COMMIT", {}, sqlcipher3.dbapi2.OperationalError("database or disk is full")
    )


def test_full_disk_on_commit_is_a_storage_error(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    client_id, _case = intake_client(workspace, "Amal", "Haddad", date(1990, 3, 4))
    before = workspace.revision()
    monkeypatch.setattr(Session, "commit", _full_disk)
    with pytest.raises(StorageError) as caught:
        workspace.client_file(client_id)  # the read's audit event is a write
    assert caught.value.errno == errno.ENOSPC
    assert "vault.db" in str(caught.value) and "Platz" in str(caught.value)
    monkeypatch.undo()
    assert workspace.revision() == before
    assert workspace.client_file(client_id).client_id == client_id


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("de", "kein Platz mehr auf dem Datenträger. Bitte Platz schaffen"),
        ("en", "no space left on the disk. Please free some space"),
    ],
)
def test_storage_error_speaks_the_ui_language(lang: Lang, expected: str) -> None:
    set_language(lang)
    try:
        error = StorageError.from_os_error(OSError(errno.ENOSPC, "No space left on device"), "x")
    finally:
        set_language("de")
    assert str(error).startswith(f"x: {expected}")
    assert "No space left on device" not in str(error)
