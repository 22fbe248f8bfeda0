"""A full disk during any write or audited read is a `StorageError` naming the database, never
a raw SQLAlchemy error (screens and commands show VaultErrors as a message, not a crash)."""

from __future__ import annotations

import errno
from datetime import date

import pytest
import sqlcipher3
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

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
