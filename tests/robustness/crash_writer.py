"""Child process of test_crash.py: writes to a vault through the Workspace until it is killed.

    python crash_writer.py VAULT_DIR PASSPHRASE_FILE SEED

It imports everything first and prints ``loaded``, then waits for one line ``go`` on stdin (so
the parent can prepare the next child while it checks the vault), opens the vault, prints
``ready`` and writes forever. Around every write it prints, each line flushed at once:

    begin <op> <args…>    before the call
    ok <op> <args…>       after the call returned, i.e. after its transaction committed

Operations: intake (a client with residence status and consent), contact (a contact note),
followup (a manual Wiedervorlage), done (complete a follow-up), snooze (move one). The parent
SIGKILLs the process at a random moment and checks that every ``ok`` write is in the vault.
"""

from __future__ import annotations

import random
import sys
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
from kim_tui.store.vault import Vault
from kim_tui.store.workspace import Workspace

TODAY = date(2026, 11, 24)  # tests.conftest.FIXED_TODAY (not imported: this runs standalone)
OPS = ("intake", "contact", "followup", "done", "snooze")
WEIGHTS = (2, 3, 2, 1, 1)


def emit(line: str) -> None:
    # One short write per line: a pipe write below PIPE_BUF is atomic, so the parent never
    # sees half a line from a process killed in the middle of printing.
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> int:
    vault_dir, pass_file, seed = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    passphrase = pass_file.read_text(encoding="utf-8").split("\n", 1)[0]
    emit("loaded")
    if sys.stdin.readline().strip() != "go":
        return 0
    vault = Vault.open(vault_dir, passphrase, migrate_schema=False)
    ws = Workspace(vault, today=lambda: TODAY)
    cases = [c.case_id for c in ws.caseload(limit=100_000).items]
    open_follow_ups = [f.id for f in ws.follow_ups(limit=100_000).items]
    emit("ready")
    rng = random.Random(seed)
    n = 0
    while True:
        n += 1
        token = f"s{seed}n{n}"
        op = rng.choices(OPS, WEIGHTS)[0]
        if op in ("done", "snooze") and not open_follow_ups:
            op = "followup"
        if op == "intake":
            emit(f"begin intake {token}")
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
            emit(f"ok intake {token} {client_id} {case_id}")
        elif op == "contact":
            case_id = rng.choice(cases)
            emit(f"begin contact {case_id} {token}")
            note_id = ws.add_contact(
                ContactDraft(case_id, TODAY, "in_person", rng.randrange(5, 90), note=f"Notiz {token}")
            )
            emit(f"ok contact {token} {note_id}")
        elif op == "followup":
            case_id = rng.choice(cases)
            emit(f"begin followup {case_id} {token}")
            fid = ws.add_follow_up(
                FollowUpDraft(case_id, TODAY + timedelta(days=rng.randrange(1, 60)), token)
            )
            open_follow_ups.append(fid)
            emit(f"ok followup {token} {fid}")
        elif op == "done":
            fid = open_follow_ups.pop(rng.randrange(len(open_follow_ups)))
            emit(f"begin done {fid}")
            ws.complete_follow_up(fid, note=f"erledigt {token}")
            emit(f"ok done {fid}")
        else:
            fid = rng.choice(open_follow_ups)
            until = TODAY + timedelta(days=rng.randrange(0, 90))
            emit(f"begin snooze {fid} {until.isoformat()}")
            effective = ws.snooze_follow_up(fid, until)
            emit(f"ok snooze {fid} {effective.isoformat()}")


if __name__ == "__main__":
    sys.exit(main())
