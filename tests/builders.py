"""What the test packages build again and again, in one place: vaults at the cheap Argon2id
floor, a client intake, the in-process `kim` runner, file digests and canary needles.

Fixtures stay in the conftest files; these are plain functions, imported where needed.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import FAST_KDF_KIB, FIXED_TODAY, PASSPHRASE

if TYPE_CHECKING:
    from kim_tui.store.vault import Vault


# Vaults ------------------------------------------------------------------------------------


def new_vault(directory: Path, passphrase: str = PASSPHRASE) -> tuple[Vault, str]:
    """A fresh, open vault at the 8 MiB Argon2id floor: (vault, recovery key)."""
    from kim_tui.store.vault import Vault

    return Vault.create(directory, passphrase, kdf_memory_kib=FAST_KDF_KIB)


_TEMPLATE: list[tuple[Path, bytearray]] = []
"""This process's empty vault made by `Vault.create`, and its data key (`vault_of_its_own`)."""


def vault_template() -> tuple[Path, bytearray]:
    if not _TEMPLATE:
        from kim_tui.store.keyfile import KeyFile
        from kim_tui.store.layout import KEY_FILE

        root = Path(tempfile.mkdtemp(prefix="kim-test-vault-template-"))
        atexit.register(shutil.rmtree, root, True)
        vault, _recovery = new_vault(root / "vault")
        vault.close()
        dek = KeyFile.read(root / "vault" / KEY_FILE).unlock(PASSPHRASE)
        _TEMPLATE.append((root / "vault", dek))
    return _TEMPLATE[0]


def vault_of_its_own(directory: Path) -> tuple[Vault, str]:
    """As `new_vault` (an empty, open vault: (vault, recovery key)) at 0.08 s CPU instead of 0.2:
    a copy of an empty vault made once per process, re-encrypted under a new data key with a
    key file of its own (vault id, data key and recovery key all new), so two of them in one
    test are as foreign to each other as two coaches' vaults. Only the migrations are not run
    again. For the tests of creating a vault itself use `new_vault`."""
    import sqlcipher3

    from kim_tui.store.encrypted_store import now_iso
    from kim_tui.store.keyfile import KeyFile
    from kim_tui.store.layout import DB_FILE, KEY_FILE
    from kim_tui.store.secret import hex_key_literal, wipe
    from kim_tui.store.vault import Vault

    template, template_key = vault_template()
    shutil.copytree(template, directory, dirs_exist_ok=True)
    keyfile, dek, recovery = KeyFile.create(
        PASSPHRASE, kdf_memory_kib=FAST_KDF_KIB, created_at=now_iso()
    )
    conn = sqlcipher3.connect(str(directory / DB_FILE))
    try:
        conn.set_key(hex_key_literal(template_key))
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute(f'PRAGMA rekey = "{hex_key_literal(dek).decode()}"')
    finally:
        conn.close()
        wipe(dek)
    keyfile.write(directory / KEY_FILE)
    return Vault.open(directory, PASSPHRASE), recovery


def closed_vault(directory: Path, passphrase: str = PASSPHRASE) -> Path:
    """A fresh, empty vault, closed again (for commands that open it themselves)."""
    if passphrase == PASSPHRASE:
        vault, _recovery = vault_of_its_own(directory)
    else:
        vault, _recovery = new_vault(directory, passphrase)
    vault.close()
    return directory


def intake_client(
    ws: Any,
    given: str,
    family: str,
    born: date,
    *,
    first_contact_on: date = FIXED_TODAY - timedelta(days=22),
    **intake: Any,
) -> tuple[str, str]:
    """Take in one client through the workspace; (client id, case id). `intake` goes to
    `IntakeDraft` (residence, consents, legal_domains, …)."""
    from kim_tui.domain.model import ClientDraft, IntakeDraft

    result: tuple[str, str] = ws.intake(
        IntakeDraft(ClientDraft(given, family, born), first_contact_on, **intake)
    )
    return result


# Demo vaults as the coordinator receives them ----------------------------------------------

DEMO_COACHES = (("Coach A", "Caritas", 1), ("Coach B", "Caritas", 2), ("Coach C", "Diakonie", 3))
"""(name, organisation, seed) of the three 60-client demo vaults the report tests count."""


def demo_vault_records(directory: Path, seed: int) -> list[dict[str, Any]]:
    """A demo vault (60 clients, as `kim demo`), built through the Workspace in `directory`:
    every record as a bundle carries it (the pseudonym key all zeros)."""
    from sqlmodel import Session

    from kim_tui.service.demo_seed import seed_demo
    from kim_tui.service.workspace import Workspace
    from kim_tui.sync.exporter import collect_records

    vault, _recovery = new_vault(directory)
    workspace = Workspace(vault, today=lambda: FIXED_TODAY)
    try:
        seed_demo(workspace, count=60, seed=seed)
        with Session(vault.engine) as session:
            return collect_records(session, 0, 10**12, key=bytes(32), today=FIXED_TODAY)
    finally:
        workspace.close()
        if vault.is_open:
            vault.close()


def shared_demo_records(tmp_path_factory: pytest.TempPathFactory) -> list[list[dict[str, Any]]]:
    """The records of the three `DEMO_COACHES` vaults, built once per test run.

    The report audit (tests/domain) and the SQL report check (tests/coordinator) count the same
    three vaults (≈ 14 s of CPU to build). Under pytest-xdist the files may run on different
    workers: the first to ask builds them and leaves them (pickled) in the run's shared temporary
    folder, under a file lock; the others read them. Without xdist the folder is the run's own.
    """
    import pickle

    from filelock import FileLock

    root = tmp_path_factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:
        root = root.parent  # shared by the workers of this run
    cache = root / "demo-records.pickle"
    with FileLock(str(cache) + ".lock"):
        if cache.is_file():
            records: list[list[dict[str, Any]]] = pickle.loads(cache.read_bytes())
            return records
        directory = tmp_path_factory.mktemp("demo")
        records = [demo_vault_records(directory / name, seed) for name, _org, seed in DEMO_COACHES]
        cache.write_bytes(pickle.dumps(records))
        return records


# Files -------------------------------------------------------------------------------------


def write_text(path: Path, text: str) -> Path:
    """Write UTF-8 text and return the path (passphrase files, CSVs, keys)."""
    path.write_text(text, encoding="utf-8")
    return path


def file_digests(directory: Path, *, recursive: bool = False) -> dict[str, str]:
    """SHA-256 of every file in `directory` (and below, with `recursive`), by relative path:
    compare two of them to prove that nothing was written. The failed-unlock counter, which a
    wrong passphrase writes on purpose (tests/store/test_failed_unlocks.py), is left out."""
    paths = directory.rglob("*") if recursive else directory.iterdir()
    return {
        p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(paths)
        if p.is_file() and not p.name.endswith(".failed-unlocks")
    }


# The kim command ---------------------------------------------------------------------------


def run_kim(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run `kim ARGV` in-process: (exit code, stdout, stderr) of this command only."""
    from kim_tui.cli import main

    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# Canaries ----------------------------------------------------------------------------------

ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")


def canary_needles(
    texts: Iterable[str], *, folded: Iterable[str] = (), marker: str = ""
) -> list[tuple[str, bytes]]:
    """(label, bytes) of every canary text as SQLite or Python could write it to a file: in
    UTF-8 and UTF-16 (both byte orders), lower-cased for the `folded` ones (search and sort
    keys), and a distinctive fragment of every text starting with `marker` (in case a value
    were split or prefixed)."""
    texts = set(texts)
    all_texts = texts | {text.lower() for text in folded}
    if marker:
        all_texts |= {text[2:14] for text in texts if text.startswith(marker)}
    return [
        (f"{text!r} ({encoding})", text.encode(encoding))
        for text in sorted(all_texts)
        for encoding in ENCODINGS
    ]


def needles_in(data: bytes, needles: list[tuple[str, bytes]]) -> list[str]:
    """The labels of the needles found in `data`."""
    return [label for label, needle in needles if needle in data]
