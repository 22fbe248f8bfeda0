"""The shared test builders keep what the tests rely on: a vault copied from a template is as
foreign to the others as one made by `Vault.create`."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlcipher3

from kim_tui.store.errors import WrongPassphrase
from kim_tui.store.keyfile import KeyFile
from kim_tui.store.layout import DB_FILE, KEY_FILE
from kim_tui.store.secret import hex_key_literal
from kim_tui.store.vault import Vault
from tests.builders import vault_of_its_own, vault_template
from tests.conftest import PASSPHRASE


def test_vaults_of_their_own_share_no_key(tmp_path: Path) -> None:
    first, first_recovery = vault_of_its_own(tmp_path / "a")
    second, second_recovery = vault_of_its_own(tmp_path / "b")
    first.close()
    second.close()
    a, b = (KeyFile.read(tmp_path / name / KEY_FILE) for name in ("a", "b"))
    assert a.vault_id != b.vault_id
    assert first_recovery != second_recovery
    assert a.unlock(PASSPHRASE) != b.unlock(PASSPHRASE)  # the data keys differ
    # Each opens with its own recovery key, not with the other's.
    with Vault.open_with_recovery(tmp_path / "a", first_recovery) as vault:
        assert vault.check().ok
    with pytest.raises(WrongPassphrase):
        Vault.open_with_recovery(tmp_path / "a", second_recovery)


def test_the_template_key_no_longer_opens_a_copy(tmp_path: Path) -> None:
    vault, _recovery = vault_of_its_own(tmp_path / "v")
    vault.close()
    _template, template_key = vault_template()
    conn = sqlcipher3.connect(str(tmp_path / "v" / DB_FILE))
    try:
        conn.set_key(hex_key_literal(template_key))
        with pytest.raises(sqlcipher3.DatabaseError):
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()
