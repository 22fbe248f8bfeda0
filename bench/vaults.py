"""Bench vaults: seeded once per (size, seed, schema head), cached, copied for every use.

Seeding costs 11 ms per client and more as the vault grows (here 10,000 clients took 3.5 min,
50,000 took 35 min), so generated vaults are kept under ``.bench-cache/`` (or
``$KIM_BENCH_CACHE``), keyed by size, seed, the schema head and ``DATA_VERSION``, and used once
after seeding (`_first_session`). A new migration does not re-seed: the entry of the newest
older schema is copied, opened once (Alembic upgrades it at unlock, as a coach's vault is
upgraded) and stored under the new key (`_upgraded`); the old entry stays for older checkouts.
A benchmark never works on the cached copy itself: `working_copy` copies it into a temporary
directory first, so exports and audit events never leak between runs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

BENCH_TODAY = date(2026, 11, 24)
"""The fixed day of every bench vault and app (seeded due dates are relative to it)."""
PASSPHRASE = "bench passphrase 2026"
KDF_KIB = 8192
"""Argon2id memory of bench vaults (the floor); the real default is 128 MiB (reported apart)."""
SEED = 7
DATA_VERSION = 1
"""Bump when the seeding here changes, so old caches are not reused."""


def cache_root() -> Path:
    env = os.environ.get("KIM_BENCH_CACHE")
    root = Path(env) if env else Path(__file__).resolve().parent.parent / ".bench-cache"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _key(size: int, seed: int) -> str:
    from kim_tui.store import migrate

    return f"vault-n{size}-s{seed}-{migrate.head_revision()}-d{DATA_VERSION}"


def older_entry(prefix: str, suffix: str, content: str) -> Path | None:
    """The cache entry ``<prefix><revision><suffix>`` (holding `content`) of the newest schema
    revision older than the head, or None. Revisions this kim does not know (a newer checkout's)
    are skipped; the known ones are zero-padded sequence numbers, so they sort as strings."""
    from kim_tui.store import migrate

    head = migrate.head_revision()
    found: dict[str, Path] = {}
    for entry in cache_root().iterdir():
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(suffix)):
            continue
        revision = name[len(prefix) : len(name) - len(suffix)]
        if revision != head and (entry / content).exists() and migrate.is_known(revision):
            found[revision] = entry
    return found[max(found)] if found else None


def adopt(source: Path, target: Path, prepare: Any = None) -> None:
    """Copy the cache entry `source` to `target`, run `prepare` on the copy, then rename it into
    place (atomic, like seeding: a reader sees the old state or the finished entry)."""
    tmp = Path(tempfile.mkdtemp(prefix=f".adopting-{target.name}-", dir=cache_root()))
    try:
        copy = tmp / "entry"
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns("vault.lock"))
        if prepare is not None:
            prepare(copy)
        with contextlib.suppress(OSError):  # another bench run was faster: use theirs
            os.rename(copy, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _upgrade(directory: Path) -> None:
    """Open once with the normal API, which runs the Alembic upgrade at unlock; then what a
    freshly seeded vault gets at the end of `seed_demo` (statistics for any new index)."""
    from kim_tui.service.workspace import Workspace
    from kim_tui.store.vault import Vault

    ws = Workspace(Vault.open(directory, PASSPHRASE), today=lambda: BENCH_TODAY)
    ws.update_statistics()
    ws.close()
    (directory / "vault.lock").unlink(missing_ok=True)


def _upgraded(size: int, seed: int, target: Path, log: Any) -> bool:
    """Fill `target` from the cached vault of an older schema, if there is one."""
    source = older_entry(f"vault-n{size}-s{seed}-", f"-d{DATA_VERSION}", "vault.db")
    if source is None:
        return False
    started = time.perf_counter()
    adopt(source, target, _upgrade)
    if log is not None:
        seconds = time.perf_counter() - started
        log(f"  upgraded {source.name} to {target.name} in {seconds:.1f} s (copy included)")
    return (target / "vault.db").is_file()


def seeded_vault(size: int, *, seed: int = SEED, log: Any = None) -> Path:
    """The cached vault directory for `size` demo clients (upgraded from an older schema's
    entry or seeded now if missing)."""
    from kim_tui.service.demo_seed import seed_demo
    from kim_tui.service.workspace import Workspace
    from kim_tui.store.vault import Vault

    target = cache_root() / _key(size, seed)
    if (target / "vault.db").is_file() or _upgraded(size, seed, target, log):
        _first_session(target)
        return target
    tmp = Path(tempfile.mkdtemp(prefix=f".seeding-{size}-", dir=cache_root()))
    started = time.perf_counter()
    try:
        vault, _recovery = Vault.create(tmp / "vault", PASSPHRASE, kdf_memory_kib=KDF_KIB)
        ws = Workspace(vault, today=lambda: BENCH_TODAY)
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.perf_counter()
            if log is not None and (now - last[0] > 10 or done == total):
                last[0] = now
                log(f"  seeding {size} clients: {done}/{total}")

        seed_demo(ws, count=size, seed=seed, progress=progress)
        ws.close()
        (tmp / "vault" / "vault.lock").unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # another bench run was faster: use theirs
            os.rename(tmp / "vault", target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if log is not None:
        log(f"  seeded {size} clients in {time.perf_counter() - started:.0f} s ({target.name})")
    _first_session(target)
    return target


def _first_session(directory: Path) -> None:
    """Open the cached vault once, list and search, close: a vault that has been used, so
    whatever kim does on opening and closing (e.g. `PRAGMA optimize`, which gives the query
    planner its statistics) has happened, as it has for any coach after the first day."""
    from kim_tui.service.workspace import Workspace
    from kim_tui.store.vault import Vault

    marker = directory.with_name(directory.name + ".used")
    if marker.exists():
        return
    vault = Vault.open(directory, PASSPHRASE)
    ws = Workspace(vault, today=lambda: BENCH_TODAY)
    for query in ("", "a", "mu"):
        ws.follow_ups(query)
        ws.caseload(query)
    ws.close()
    (directory / "vault.lock").unlink(missing_ok=True)
    marker.touch()


def working_copy(size: int, into: Path, *, seed: int = SEED, log: Any = None) -> Path:
    """A private copy of the cached vault for `size` clients, at ``into/vault-<size>``."""
    source = seeded_vault(size, seed=seed, log=log)
    dest = Path(into) / f"vault-{size}"
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("vault.lock"))
    return dest


class PlainStore:
    """The same schema on plain SQLite (no key): the floor for the store overhead.

    Offers what `Workspace` touches on a vault: ``engine``, ``is_open`` and ``close()``. The
    pragmas are the vault's (`kim_tui.store.engine._pragmas`) minus the key and the cipher ones.
    """

    def __init__(self, db_path: Path) -> None:
        from sqlalchemy import create_engine, event
        from sqlalchemy.pool import QueuePool

        from kim_tui.store import migrate

        self._engine: Any = create_engine(
            f"sqlite:///{db_path}",
            connect_args={"check_same_thread": False},
            poolclass=QueuePool,
            pool_size=4,
            hide_parameters=True,
        )

        @event.listens_for(self._engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            try:
                cur.execute("SELECT count(*) FROM sqlite_master").fetchone()
                cur.execute("PRAGMA journal_mode = WAL").fetchone()
                cur.execute("PRAGMA synchronous = FULL")
                cur.execute("PRAGMA foreign_keys = ON")
                cur.execute("PRAGMA temp_store = MEMORY")
                cur.execute("PRAGMA busy_timeout = 5000")
                cur.execute("PRAGMA cache_size = -65536")
            finally:
                cur.close()

        migrate.upgrade(self._engine)

    @property
    def engine(self) -> Any:
        return self._engine

    @property
    def is_open(self) -> bool:
        return self._engine is not None

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def main(argv: list[str]) -> int:
    """``python -m bench.vaults 100 1000 10000``: seed the cache ahead of a run."""
    for size in [int(a) for a in argv] or [100, 1000, 10000]:
        print(seeded_vault(size, log=print))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
