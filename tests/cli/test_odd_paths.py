"""The database is always inside its directory, whatever the path holds (issue #13, section 5).

A SQLAlchemy URL built from a string reads "?" as the start of a query, "#" as a fragment and
"%41" as an escape: a vault in such a directory used to be created next to it. Each odd
directory name here gets a vault (created, written, reopened, backed up and restored through
the CLI) and a coordinator store, and no file may appear outside the directories named.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kim_tui.cli import main
from kim_tui.store.vault import Vault
from tests.conftest import FAST_KDF_KIB, PASSPHRASE

ODD_NAMES = {
    "question": "a?b=c",
    "hash": "a#b",
    "percent": "100%",
    "percent-escape": "x%41y%2Fz",
    "space": "mein Tresor",
    "quotes": 'it\'s "quoted"',
    "non-ascii": "Tresör-ÄÖÜ-ß-مرحبا",
    "newline": "zwei\nZeilen",
    "file-uri": "file:vault?mode=memory",
}


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    from kim_tui.store import keyfile

    monkeypatch.setitem(keyfile.DEFAULT_KDF, "memory_kib", FAST_KDF_KIB)


def _all_files(root: Path) -> set[Path]:
    return {Path(d, f) for d, _dirs, files in os.walk(root) for f in files}


@pytest.mark.parametrize("name", ODD_NAMES.values(), ids=ODD_NAMES.keys())
def test_vault_and_backup_stay_inside_an_odd_directory(
    tmp_path: Path, passphrase_file: Path, name: str
) -> None:
    from kim_tui.domain.model import ClientDraft, IntakeDraft
    from kim_tui.service.workspace import Workspace
    from tests.conftest import FIXED_TODAY

    root = tmp_path / "root"
    root.mkdir()
    vault_dir, restored = root / name / name, root / f"{name}-restored"
    pw = ["--passphrase-file", str(passphrase_file)]
    rk = root / f"{name}.rk"
    assert main(["init", "--vault", str(vault_dir), *pw, "--recovery-key-file", str(rk)]) == 0
    assert (vault_dir / "vault.db").is_file()

    vault = Vault.open(vault_dir, PASSPHRASE)
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    try:
        ws.intake(IntakeDraft(ClientDraft("Anna", "Odd", None), FIXED_TODAY))
    finally:
        ws.close()
    with Vault.open(vault_dir, PASSPHRASE) as vault:
        assert [c.display_name for c in Workspace(vault).caseload().items] == ["Odd, Anna"]

    backup = root / f"{name}.kimbackup"
    assert main(["backup", "--vault", str(vault_dir), *pw, "--out", str(backup)]) == 0
    assert main(["restore", str(backup), "--vault", str(restored)]) == 0
    assert main(["check", "--vault", str(restored), *pw]) == 0
    with Vault.open(restored, PASSPHRASE) as vault:
        assert [c.display_name for c in Workspace(vault).caseload().items] == ["Odd, Anna"]

    for path in _all_files(root):
        inside = vault_dir in path.parents or restored in path.parents
        assert inside or path in (rk, backup), f"file outside the vault: {path}"
    # Nothing next to the root either (a database created as a sibling of the directory).
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["root", passphrase_file.name])


@pytest.mark.parametrize("name", ODD_NAMES.values(), ids=ODD_NAMES.keys())
def test_coordinator_store_stays_inside_an_odd_directory(
    tmp_path: Path, passphrase_file: Path, name: str
) -> None:
    root = tmp_path / "root"
    root.mkdir()
    directory = root / name
    pw = ["--passphrase-file", str(passphrase_file)]
    rk = root / "coord.rk"
    init = ["coordinator", "init", "--dir", str(directory), *pw, "--recovery-key-file", str(rk)]
    assert main(init) == 0
    assert main(["coordinator", "held", "--dir", str(directory), *pw]) == 0
    assert main(["coordinator", "report", "--dir", str(directory), *pw]) == 0
    for path in _all_files(root):
        assert path == rk or directory in path.parents, f"file outside the store: {path}"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["root", passphrase_file.name])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs exist only on POSIX systems")
def test_a_fifo_given_as_csv_or_bundle_is_refused_at_once(
    tmp_path: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reading a FIFO would wait for a writer for ever: both commands say what it is instead."""
    fifo = tmp_path / "klient-innen.csv"
    os.mkfifo(fifo)
    vault = ["--vault", str(tmp_path / "tresor"), "--passphrase-file", str(passphrase_file)]
    assert main(["import-clients", *vault, str(fifo)]) == 1
    assert "FIFO" in capsys.readouterr().err

    from typing import cast

    from kim_tui.coordinator.importer import REJECTED, import_files
    from kim_tui.coordinator.store import CoordinatorStore

    # The file is refused before the store is touched, so no store is needed.
    outcome = import_files(cast(CoordinatorStore, None), [fifo])[0]
    assert outcome.status == REJECTED and "nicht lesbar" in outcome.line
