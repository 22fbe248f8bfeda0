"""3: store overhead — the same workload on the SQLCipher vault and on plain SQLite.

Write workload: the intake of N synthetic clients (from `kim_tui.demo`) through
`Workspace`, each followed by its goal agreement (goals and steps) and its contacts. Every call
is its own transaction with `synchronous = FULL`, as when a coach saves a form. The batched
variant runs the same calls 25 clients per transaction (CSV import, demo seeding) so that the
fsyncs do not hide the cipher's cost. Read workload: open every client's file
(`Workspace.client_file`, which also writes its audit event, as the app does).

Both stores use the same schema (Alembic head), pragmas, page cache and SQLAlchemy pool; the
plain one just has no key (`bench.vaults.PlainStore`). The variants alternate per repetition.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import Any

from bench.common import Figure
from bench.vaults import BENCH_TODAY, KDF_KIB, PASSPHRASE, PlainStore


def _open(kind: str, directory: Path) -> Any:
    from kim_tui.store.vault import Vault

    if kind == "encrypted":
        vault, _rk = Vault.create(directory / "vault", PASSPHRASE, kdf_memory_kib=KDF_KIB)
        return vault
    (directory / "plain").mkdir()
    return PlainStore(directory / "plain" / "plain.db")


def _write(ws: Any, cases: list[Any], batch: int) -> list[str]:
    ids: list[str] = []
    for start in range(0, len(cases), batch):
        chunk = cases[start : start + batch]
        if batch > 1:
            with ws.batch():
                ids.extend(_write_some(ws, chunk))
        else:
            ids.extend(_write_some(ws, chunk))
    return ids


def _write_some(ws: Any, cases: list[Any]) -> list[str]:
    ids = []
    for demo in cases:
        client_id, case_id = ws.intake(demo.intake)
        if demo.agreement is not None:
            ws.add_goal_agreement(replace(demo.agreement, case_id=case_id))
        for contact in demo.contacts:
            ws.add_contact(replace(contact, case_id=case_id))
        ids.append(client_id)
    return ids


def _one(kind: str, cases: list[Any], batch: int) -> tuple[float, float]:
    from kim_tui.store.workspace import Workspace

    tmp = Path(tempfile.mkdtemp(prefix=f"kim-bench-{kind}-"))
    try:
        store = _open(kind, tmp)
        ws = Workspace(store, today=lambda: BENCH_TODAY)
        started = time.perf_counter()
        ids = _write(ws, cases, batch)
        written = time.perf_counter()
        for client_id in ids:
            ws.client_file(client_id)
        read = time.perf_counter()
        ws.close()
        return written - started, read - written
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(clients: int, repeats: int, log: Callable[[str], None]) -> list[Figure]:
    from kim_tui.demo import generate_caseload

    cases = list(islice(generate_caseload(clients, 11, BENCH_TODAY), clients))
    n_contacts = sum(len(c.contacts) for c in cases)
    n_goals = sum(len(c.agreement.goals) for c in cases if c.agreement is not None)
    times: dict[tuple[str, int], list[tuple[float, float]]] = {}
    for rep in range(repeats):
        for batch in (1, 25):
            for kind in ("encrypted", "plain"):
                times.setdefault((kind, batch), []).append(_one(kind, cases, batch))
        log(f"  store overhead: repetition {rep + 1}/{repeats} done")

    def med(kind: str, batch: int, part: int) -> list[float]:
        return [t[part] for t in times[(kind, batch)]]

    workload = f"{clients:,} intakes + {n_goals:,} goals + {n_contacts:,} contacts"
    floor_name = "the same workload on the same schema in plain SQLite (no key)"
    figures = []
    for batch, label in ((1, "one transaction per save"), (25, "25 clients per transaction")):
        figures.append(
            Figure(
                "3",
                f"Store write: {workload}, {label}",
                clients,
                med("encrypted", batch, 0),
                floor=sorted(med("plain", batch, 0))[repeats // 2],
                floor_name=floor_name,
                target="≤ 1.5× floor",
                limit_ratio=1.5,
            )
        )
    reads = med("encrypted", 1, 1) + med("encrypted", 25, 1)
    plain_reads = med("plain", 1, 1) + med("plain", 25, 1)
    figures.append(
        Figure(
            "3",
            f"Store read: open {clients:,} client files (each audited)",
            clients,
            reads,
            floor=sorted(plain_reads)[len(plain_reads) // 2],
            floor_name=floor_name,
            target="≤ 1.5× floor",
            limit_ratio=1.5,
        )
    )
    return figures
