"""The duplicate check against a caseload of 5,000 (or 20,000) clients (issue 11 § 5).

Run: ``.venv/bin/python -m bench.duplicates_bench [N ...]`` (default 5,000). Synthetic people
from `kim_tui.demo` (seed 11). Figures, each a median of repeated runs:

- floor: a plain dict of N lower-cased names (the least any name index costs here);
- domain: `DuplicateIndex` built over N people (name caches warm, as after the first check of
  an unlocked session); one draft checked against it;
- service: `Workspace.find_duplicates` on a vault of N clients (what the intake dialog waits
  for): the first check of a session (reads the names and builds the index), a check after
  another client was saved (reads what changed since, then checks), a check with nothing
  changed; the same check with the index rebuilt (the behaviour before the index was kept);
  and `find_duplicates_many` for a list of 200 rows (what `kim import-clients` does).

The drafts are stored people with their name or date disturbed as the rules expect (swapped
names, a day off, 01.01.), so each check finds candidates, as in real use.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from kim_tui.demo.people import draw_person
from kim_tui.domain.duplicates import DuplicateIndex, ExistingPerson
from kim_tui.domain.model import ClientDraft, IntakeDraft

TODAY = date(2026, 11, 24)


def _median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _timed_ms(check: Callable[[ClientDraft], object], draft: ClientDraft) -> float:
    start = time.perf_counter()
    check(draft)
    return (time.perf_counter() - start) * 1000


def _people(n: int) -> list[ClientDraft]:
    rng = random.Random(11)
    return [draw_person(rng, TODAY).client for _ in range(n)]


def _disturbed(clients: list[ClientDraft], count: int) -> list[ClientDraft]:
    rng = random.Random(12)
    drafts = []
    for client in rng.sample(clients, count):
        born = client.birth_date or date(1990, 1, 1)
        kind = rng.randrange(3)
        if kind == 0:
            drafts.append(
                replace(client, given_name=client.family_name, family_name=client.given_name)
            )
        elif kind == 1:
            drafts.append(replace(client, birth_date=born + timedelta(days=1)))
        else:
            drafts.append(replace(client, birth_date=date(born.year, 1, 1)))
    return drafts


def main(n: int, *, with_vault: bool = True) -> None:
    from kim_tui.service.duplicate_index import live_people
    from kim_tui.service.workspace import Workspace
    from kim_tui.store.vault import Vault

    repeat = 7 if n <= 5000 else 3
    clients = _people(n)
    existing = [
        ExistingPerson(str(i), c.given_name, c.family_name, c.other_names, c.birth_date)
        for i, c in enumerate(clients)
    ]
    drafts = _disturbed(clients, 200)

    def floor() -> dict[str, ExistingPerson]:
        # The least a name index costs: one lower-cased key per person, in a dict.
        return {f"{p.given_name} {p.family_name}".lower(): p for p in existing}

    floor_ms = _median_ms(floor, repeat)
    build = _median_ms(lambda: DuplicateIndex(existing), repeat)
    index = DuplicateIndex(existing)
    found = [len(index.find(d)) for d in drafts]
    one = _median_ms(lambda: [index.find(d) for d in drafts], 3) / len(drafts)
    if not with_vault:
        print(f"| clients | {n} |")
        print(f"| floor: a plain dict of {n} lower-cased names | {floor_ms:.1f} ms |")
        print(f"| domain: build the index | {build:.1f} ms |")
        print(f"| domain: check one draft against the index | {one:.3f} ms |")
        return
    with tempfile.TemporaryDirectory() as tmp:
        vault, _rk = Vault.create(Path(tmp) / "vault", "bench-passphrase", kdf_memory_kib=8192)
        ws = Workspace(vault, today=lambda: TODAY)
        started = time.perf_counter()
        ws.import_intakes([IntakeDraft(c, date(2026, 10, 1)) for c in clients])
        print(f"seeded {n} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        ws.close()
        firsts, after_write = [], []
        for round_ in range(3):
            # A new session each round: the first check builds the index.
            ws = Workspace(Vault.open(Path(tmp) / "vault", "bench-passphrase"), today=lambda: TODAY)
            firsts.append(_timed_ms(ws.find_duplicates, drafts[round_]))
            for k in range(repeat):
                extra = draw_person(random.Random(1000 * round_ + k), TODAY).client
                ws.intake(IntakeDraft(extra, date(2026, 10, 2)))
                after_write.append(_timed_ms(ws.find_duplicates, drafts[k]))
            if round_ < 2:
                ws.close()
        warm = _median_ms(lambda: ws.find_duplicates(drafts[0]), repeat * 2)
        rebuilt = _median_ms(lambda: DuplicateIndex(live_people(ws._uow)).find(drafts[0]), repeat)
        many = _median_ms(lambda: ws.find_duplicates_many(drafts), 3)
        ws.close()
    first = statistics.median(firsts)
    after = statistics.median(after_write)
    print(f"| clients | {n} |")
    print(f"| floor: a plain dict of {n} lower-cased names | {floor_ms:.1f} ms |")
    print(f"| domain: build the index | {build:.1f} ms |")
    print(f"| domain: check one draft against the index | {one:.3f} ms |")
    print(f"| service: first check of a session (reads names, builds the index) | {first:.1f} ms |")
    print(f"| service: check after another client was saved | {after:.1f} ms |")
    print(f"| service: check, nothing changed | {warm:.1f} ms |")
    print(f"| service: check with the index rebuilt (before) | {rebuilt:.1f} ms |")
    print(f"| service: `find_duplicates_many`, 200 rows (import) | {many:.1f} ms |")
    print(f"| candidates per disturbed draft (mean) | {statistics.mean(found):.2f} |")
    print(f"| drafts without a candidate | {sum(1 for f in found if f == 0)} of {len(found)} |")


if __name__ == "__main__":
    # ``--domain``: the index alone, no vault (seeding 20,000 clients takes half an hour on a
    # busy machine).
    for size in [int(a) for a in sys.argv[1:] if a.isdigit()] or [5000]:
        main(size, with_vault="--domain" not in sys.argv)
