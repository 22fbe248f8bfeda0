"""Child process of test_crash.py: writes to a vault through the Workspace until it is killed.

    python crash_writer.py VAULT_DIR PASSPHRASE_FILE

The script imports everything once, runs every operation once on a throwaway vault (so the
caches a process builds on first use are built before the first fork), prints ``loaded`` and
then serves the parent, one command per stdin line: ``run SEED OUT_FILE`` forks a writer (a
copy of this fully imported process), prints ``pid <pid>``, waits for it and prints
``exit <pid> <wait status>``; ``quit`` ends it.
Forking saves the 0.7 s interpreter start-up per kill; the writer is an ordinary process of its
own (own pid, own vault lock, own SQLCipher connections), which the parent SIGKILLs.

The writer opens the vault, appends ``ready`` to OUT_FILE and writes forever. Around every write
it appends one line to OUT_FILE (one write(2) each, so a kill never leaves a report half-written
except possibly a torn last line, which the parent ignores):

    begin <op> <args…>    before the call
    ok <op> <args…>       after the call returned, i.e. after its transaction committed

Operations: intake (a client with residence status and consent), contact (a contact note),
followup (a manual Wiedervorlage), done (complete a follow-up), snooze (move one).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import traceback
from datetime import date, timedelta
from pathlib import Path

from kim_tui.domain.model import (
    ClientDraft,
    ConsentDraft,
    ConsentPurpose,
    ContactDraft,
    FollowUpDraft,
    IntakeDraft,
    ResidenceDraft,
)
from kim_tui.service.workspace import Workspace
from kim_tui.store.vault import Vault

TODAY = date(2026, 11, 24)  # tests.conftest.FIXED_TODAY (not imported: this runs standalone)
OPS = ("intake", "contact", "followup", "done", "snooze")
WEIGHTS = (2, 3, 2, 1, 1)
WARM_UP_OPS = ("intake", "contact", "followup", "followup", "snooze", "done")


def emit(line: str) -> None:
    """A line to the parent on stdout (the serving process only)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def warm_up(passphrase: str) -> None:
    """Run every operation once on a throwaway vault before the first fork.

    What a process builds on first use (SQLAlchemy's mapper configuration and statement
    caches, the catalogs, the country and language index) is then built once here and
    inherited by every forked writer, instead of once per writer: a writer spends its short
    life opening the vault and writing, which is what the kills are meant to interrupt."""
    with tempfile.TemporaryDirectory() as tmp:
        vault, _recovery = Vault.create(Path(tmp) / "vault", passphrase, kdf_memory_kib=8192)
        ws = Workspace(vault, today=lambda: TODAY)
        for seed in range(2):  # twice: the second round runs on warm caches
            out = Path(tmp) / f"warm{seed}.out"
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            rng = random.Random(seed)
            cases: list[str] = []
            open_follow_ups: list[str] = []
            try:
                for n, op in enumerate(WARM_UP_OPS, start=1):
                    run_op(ws, op, rng, f"w{seed}n{n}", n, cases, open_follow_ups, fd)
            finally:
                os.close(fd)
        ws.close()
        if vault.is_open:
            vault.close()


def serve(vault_dir: Path, passphrase: str) -> int:
    warm_up(passphrase)
    emit("loaded")
    for command in sys.stdin:
        parts = command.split()
        if not parts or parts[0] == "quit":
            return 0
        seed, out = int(parts[1]), Path(parts[2])
        pid = os.fork()
        if pid == 0:  # the writer
            status = 1
            try:
                write_forever(vault_dir, passphrase, seed, out)
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(status)
        emit(f"pid {pid}")
        _, wait_status = os.waitpid(pid, 0)
        emit(f"exit {pid} {wait_status}")
    return 0


def write_forever(vault_dir: Path, passphrase: str, seed: int, out: Path) -> None:
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    vault = Vault.open(vault_dir, passphrase, migrate_schema=False)
    ws = Workspace(vault, today=lambda: TODAY)
    cases = [c.case_id for c in ws.caseload(limit=100_000).items]
    open_follow_ups = [f.id for f in ws.follow_ups(limit=100_000).items]
    os.write(fd, b"ready\n")
    rng = random.Random(seed)
    n = 0
    while True:
        n += 1
        op = rng.choices(OPS, WEIGHTS)[0]
        run_op(ws, op, rng, f"s{seed}n{n}", n, cases, open_follow_ups, fd)


def run_op(
    ws: Workspace,
    op: str,
    rng: random.Random,
    token: str,
    n: int,
    cases: list[str],
    open_follow_ups: list[str],
    fd: int,
) -> None:
    """One write, reported as ``begin …`` before and ``ok …`` after the call (one write(2) each,
    so a kill never leaves a report half-written except possibly a torn last line)."""

    def report(line: str) -> None:
        os.write(fd, (line + "\n").encode())

    if op in ("done", "snooze") and not open_follow_ups:
        op = "followup"
    if op == "intake":
        report(f"begin intake {token}")
        client_id, case_id = ws.intake(
            IntakeDraft(
                ClientDraft("Absturz", f"Fam{token}", date(1990, 1, 1) + timedelta(days=n)),
                TODAY - timedelta(days=rng.randrange(30)),
                legal_domains=("aufenthg",),
                residence=ResidenceDraft(
                    "duldung", valid_until=TODAY + timedelta(days=rng.randrange(20, 200))
                ),
                consents=(ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, TODAY),),
            )
        )
        cases.append(case_id)
        report(f"ok intake {token} {client_id} {case_id}")
    elif op == "contact":
        case_id = rng.choice(cases)
        report(f"begin contact {case_id} {token}")
        note_id = ws.add_contact(
            ContactDraft(case_id, TODAY, "in_person", rng.randrange(5, 90), note=f"Notiz {token}")
        )
        report(f"ok contact {token} {note_id}")
    elif op == "followup":
        case_id = rng.choice(cases)
        report(f"begin followup {case_id} {token}")
        fid = ws.add_follow_up(
            FollowUpDraft(case_id, TODAY + timedelta(days=rng.randrange(1, 60)), token)
        )
        open_follow_ups.append(fid)
        report(f"ok followup {token} {fid}")
    elif op == "done":
        fid = open_follow_ups.pop(rng.randrange(len(open_follow_ups)))
        report(f"begin done {fid} {token}")
        ws.complete_follow_up(fid, note=f"erledigt {token}")
        report(f"ok done {fid} {token}")
    else:
        fid = rng.choice(open_follow_ups)
        until = TODAY + timedelta(days=rng.randrange(0, 90))
        report(f"begin snooze {fid} {until.isoformat()}")
        effective = ws.snooze_follow_up(fid, until)
        report(f"ok snooze {fid} {effective.isoformat()}")


def main() -> int:
    vault_dir, pass_file = Path(sys.argv[1]), Path(sys.argv[2])
    passphrase = pass_file.read_text(encoding="utf-8").split("\n", 1)[0]
    return serve(vault_dir, passphrase)


if __name__ == "__main__":
    sys.exit(main())
