"""The coordinator at the scale of a state (issue 13 § 8): report time, import rate, big bundle.

    .venv/bin/python -m bench.coordinator_scale report --coaches 12 --weeks 52
    .venv/bin/python -m bench.coordinator_scale import --coaches 4 --weeks 26
    .venv/bin/python -m bench.coordinator_scale bundle --records 300000

Records are generated, not exported from vaults (a vault per coach would take hours at this
scale): a coach-week is about 96 records shaped as the exporter sends them (§ 6 of the bundle
format, every value within the schema): a new client each week with case, two residence
records, two assessments of five areas, an agreement with three goals; 60 contact notes, three
referrals and a few case updates on the coach's open cases. 12 coaches × 52 weeks is about
60,000 records, the size measured in the issue.

- report: the records are written straight into a fresh coordinator store (as merged and
  checked by the importer; the store's triggers fill the report projection), then `run_report`
  (JSON) is timed with its parts: SQL counts, sums and masking, rendering. `--reference` also
  times the Python definition the report used before (and checks the cells are the same).
- import: the same records sealed as real bundles (one per coach-week, signed, encrypted to the
  store) and imported with `import_files`; records per second over the whole run.
- bundle: one bundle of N records (a coach's whole history at once), generated and sealed here,
  imported into a fresh store in a child process; time and the child's peak memory (ru_maxrss:
  the interpreter, opening the store and the import).

Results go to stderr as they come and to stdout as a Markdown table row each. Nothing is timed
in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.common import log

PASSPHRASE = "bench passphrase for the coordinator scale run"
KDF_KIB = 8 * 1024
START = date(2025, 1, 6)
RECORDS_PER_WEEK = 96

_GENDERS = ("f", "m", "d")
_NATIONS = ("SYR", "AFG", "TUR", "IRQ", "UKR", "ERI", "GIN", "NGA")
_STATUSES = ("gestattung", "duldung", "fiktion", "ausbildungsduldung")
_KINDS = ("in_person", "phone", "home_visit", "digital")
_AREAS = ("residence", "language", "education", "work", "income")
_AGENCIES = ("jobcenter", "agentur_arbeit", "jugendamt", "auslaenderbehoerde")
_DOMAINS = ("asylg", "aufenthg", "sgb2", "sgb3")
_REASONS = ("goals_reached", "moved_away", "no_contact")


class CoachWeeks:
    """One synthetic coach: `week(n)` gives the records of the n-th weekly bundle."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.rev = 0
        self.open: list[dict[str, Any]] = []

    def _id(self) -> str:
        return str(uuid.UUID(int=self.r.getrandbits(128), version=4))

    def _rec(self, table: str, rid: str, data: dict[str, Any]) -> dict[str, Any]:
        self.rev += 1
        return {"t": table, "id": rid, "rev": self.rev, "del": False, "data": data}

    def week(self, n: int) -> list[dict[str, Any]]:
        r, day = self.r, START + timedelta(weeks=n)
        out: list[dict[str, Any]] = []
        client = f"p-{r.getrandbits(128):032x}"
        case = {
            "client_id": client,
            "first_contact_on": day.isoformat(),
            "access_route": "self",
            "referred_by": None,
            "legal_domains": [r.choice(_DOMAINS)],
            "target_groups": ["catch_up"],
            "stage": "intake",
            "closed_on": None,
            "closure_reason": None,
            "themes": [],
        }
        case_id = self._id()
        out.append(
            self._rec(
                "client",
                client,
                {
                    "gender": r.choice(_GENDERS),
                    "nationality": r.choice(_NATIONS),
                    "interpreter_needed": False,
                    "birth_year": r.randrange(1960, 2007),
                    "personal": False,
                },
            )
        )
        out.append(self._rec("case", case_id, dict(case)))
        self.open.append({"id": case_id, "data": case})
        for _ in range(2):
            out.append(
                self._rec(
                    "residencerecord",
                    self._id(),
                    {
                        "client_id": client,
                        "status": r.choice(_STATUSES),
                        "legal_basis": "",
                        "valid_from": None,
                        "valid_until": None,
                    },
                )
            )
        for k in range(2):
            assessment = self._id()
            on = (day + timedelta(days=7 * k)).isoformat()
            out.append(self._rec("assessment", assessment, {"case_id": case_id, "assessed_on": on}))
            for area in _AREAS:
                out.append(
                    self._rec(
                        "arearating",
                        self._id(),
                        {"assessment_id": assessment, "area": area, "level": r.randrange(4)},
                    )
                )
        agreement = self._id()
        out.append(
            self._rec(
                "goalagreement",
                agreement,
                {"case_id": case_id, "agreed_on": day.isoformat(), "review_on": None},
            )
        )
        for _ in range(3):
            out.append(
                self._rec(
                    "goal",
                    self._id(),
                    {
                        "agreement_id": agreement,
                        "area": r.choice(_AREAS),
                        "target_on": None,
                        "status": r.choice(("open", "achieved")),
                    },
                )
            )
        while len(out) < RECORDS_PER_WEEK - 8:
            target = r.choice(self.open)
            out.append(
                self._rec(
                    "contactnote",
                    self._id(),
                    {
                        "case_id": target["id"],
                        "on": (day + timedelta(days=r.randrange(5))).isoformat(),
                        "kind": r.choice(_KINDS),
                        "minutes": r.randrange(5, 90),
                        "interpreter": False,
                    },
                )
            )
        for _ in range(3):
            target = r.choice(self.open)
            out.append(
                self._rec(
                    "referral",
                    self._id(),
                    {
                        "case_id": target["id"],
                        "agency": r.choice(_AGENCIES),
                        "legal_domain": r.choice(_DOMAINS),
                        "sent_on": day.isoformat(),
                        "feedback_due_on": None,
                        "status": "open",
                        "outcome_on": None,
                        "passes_identifying_data": False,
                    },
                )
            )
        # Updates: a stage change each week, and a case closed now and then (about a fifth).
        for _ in range(5):
            target = r.choice(self.open)
            target["data"] = {**target["data"], "stage": "monitoring"}
            out.append(self._rec("case", target["id"], dict(target["data"])))
        if len(self.open) > 20 and r.random() < 0.6:
            target = self.open.pop(r.randrange(len(self.open)))
            closed = {
                **target["data"],
                "closed_on": day.isoformat(),
                "closure_reason": r.choice(_REASONS),
            }
            out.append(self._rec("case", target["id"], closed))
        return out


def _store(directory: Path) -> Any:
    from kim_tui.coordinator.store import CoordinatorStore

    store, _rk = CoordinatorStore.create(
        directory, PASSPHRASE, name="Koordinierung NRW", kdf_memory_kib=KDF_KIB
    )
    return store


def _coach_keys(i: int) -> tuple[Any, bytes]:
    from kim_tui.sync import identity

    sign = identity.new_signing_key()
    pub = identity.CoachPublic(f"Coach {i:03d}", f"Träger {i % 7}", identity.signing_public(sign))
    return pub, sign


def _fill(store: Any, coaches: int, weeks: int) -> int:
    """Write the generated records straight into the store, as the importer leaves them."""
    from sqlalchemy import text

    total = 0
    for i in range(coaches):
        pub, _sign = _coach_keys(i)
        store.enroll(pub)
        gen = CoachWeeks(i)
        latest: dict[tuple[str, str], tuple[int, str]] = {}
        for n in range(weeks):
            for rec in gen.week(n):
                latest[(rec["t"], rec["id"])] = (rec["rev"], json.dumps(rec["data"]))
        rows = [
            {"c": pub.fingerprint, "t": t, "i": rid, "r": rev, "d": data}
            for (t, rid), (rev, data) in latest.items()
        ]
        total += len(rows)
        with store.engine.begin() as conn:
            conn.execute(
                text(
                    'INSERT INTO coord_record (coach, "table", id, revision, deleted, data, '
                    "bundle_seq, checked) VALUES (:c, :t, :i, :r, 0, :d, 1, 1)"
                ),
                rows,
            )
    return total


def _load() -> str:
    loadavg = Path("/proc/loadavg")
    return loadavg.read_text().split()[0] if loadavg.exists() else "?"


def bench_report(
    coaches: int,
    weeks: int,
    reference: bool = False,
    counts_only: bool = False,
    store_dir: Path | None = None,
) -> dict[str, Any]:
    """Fill a store, then time the JSON report over it: the SQL counts per coach
    (`report_sql.coach_counts`), the sums and masking (`report.tabulate`), rendering, and the
    whole `run_report`. With `reference`, also the Python definition (`load_coach_rows` +
    `report.compute`, what the report did before issue 13 § 8) and whether the cells agree.
    With `store_dir`, the store is kept there (and reused if it exists: writing 648 coaches'
    records takes longer than reporting them)."""
    from kim_tui.coordinator import report as creport
    from kim_tui.coordinator import report_sql
    from kim_tui.coordinator.store import CoordinatorStore
    from kim_tui.domain import report

    with tempfile.TemporaryDirectory(prefix="kim-bench-coord-") as tmp:
        directory = store_dir or Path(tmp) / "store"
        if store_dir is not None and store_dir.exists():
            from sqlalchemy import text

            with CoordinatorStore.open(directory, PASSPHRASE) as store, store.engine.begin() as c:
                records = c.execute(text("SELECT count(*) FROM coord_record")).scalar_one()
            log(f"{records:,} records in the kept store {directory}")
        else:
            store = _store(directory)
            t0 = time.perf_counter()
            records = _fill(store, coaches, weeks)
            store.close()
            log(f"{records:,} records written in {time.perf_counter() - t0:.1f} s")
        period = report.Period(date(2025, 1, 1), date(2025, 12, 31))
        result: dict[str, Any] = {
            "what": f"report, {coaches} coaches × {weeks} weeks",
            "records": records,
        }
        with CoordinatorStore.open(directory, PASSPHRASE) as store:
            t0, c0 = time.perf_counter(), time.process_time()
            counted = report_sql.coach_counts(store, period, [])
            t_counts, c_counts = time.perf_counter() - t0, time.process_time() - c0
            assert counted is not None
            log(f"SQL counts: {t_counts:.2f} s ({c_counts:.2f} CPU s)")
            if counts_only:
                return {
                    **result,
                    "sql_counts_s": round(t_counts, 2),
                    "sql_counts_cpu_s": round(c_counts, 2),
                    "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                }
            t0, c0 = time.perf_counter(), time.process_time()
            cells = report.tabulate(counted, 5)
            t_mask, c_mask = time.perf_counter() - t0, time.process_time() - c0
            if reference:
                t0 = time.perf_counter()
                expected = report.compute(creport.load_coach_rows(store, []), period, 5)
                result["python_s"] = round(time.perf_counter() - t0, 2)
                result["same_cells"] = cells == expected
                del expected
        t0 = time.perf_counter()
        report.render_json(cells, 5, period)
        t_render = time.perf_counter() - t0
        load = _load()
        t0, c0 = time.perf_counter(), time.process_time()
        creport.run_report(
            directory, PASSPHRASE, date_from="2025-01-01", date_to="2025-12-31", fmt="json"
        )
        t_total, c_total = time.perf_counter() - t0, time.process_time() - c0
    result.update(
        {
            "cells": len(cells),
            "masked": sum(c.masked for c in cells),
            "sql_counts_s": round(t_counts, 2),
            "sql_counts_cpu_s": round(c_counts, 2),
            "sums_and_mask_s": round(t_mask, 2),
            "sums_and_mask_cpu_s": round(c_mask, 2),
            "render_s": round(t_render, 2),
            "total_s": round(t_total, 2),
            "total_cpu_s": round(c_total, 2),
            "load": f"{load}–{_load()}",
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        }
    )
    return result


def coach_counts(coaches: int, weeks: int) -> list[Any]:
    """Each generated coach's figures, counted by the Python definition (the SQL counts give
    the same; no store needed): what the masking works on."""
    from kim_tui.domain.report import INDICATORS, CoachCounts
    from kim_tui.domain.report_indicators import Period, ScopeRows

    period = Period(date(2025, 1, 1), date(2025, 12, 31))
    out = []
    for i in range(coaches):
        gen = CoachWeeks(i)
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        for n in range(weeks):
            for rec in gen.week(n):
                latest[(rec["t"], rec["id"])] = rec
        rows: dict[str, list[dict[str, Any]]] = {}
        for (table, rid), rec in latest.items():
            rows.setdefault(table, []).append({**rec["data"], "_id": rid, "_rev": rec["rev"]})
        counts = {ind.name: ind.compute(ScopeRows(rows), period) for ind in INDICATORS}
        out.append(CoachCounts(f"Coach {i:03d}", f"Träger {i % 7}", counts))
    return out


def bench_mask(coaches: int, weeks: int) -> dict[str, Any]:
    """The part of the report that grows with the coaches, not the records: sums and masking
    (`report.tabulate`) and the JSON, over the generated coaches' counts. The whole state
    (648 coaches) in a few minutes, where writing its store takes half an hour."""
    from kim_tui.domain import report

    t0 = time.perf_counter()
    counted = coach_counts(coaches, weeks)
    log(f"{coaches} coaches counted in {time.perf_counter() - t0:.1f} s")
    load = _load()
    t0, c0 = time.perf_counter(), time.process_time()
    cells = report.tabulate(counted, 5)
    t_mask, c_mask = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    report.render_json(cells, 5, report.Period(date(2025, 1, 1), date(2025, 12, 31)))
    t_render, c_render = time.perf_counter() - t0, time.process_time() - c0
    return {
        "what": f"sums + masking + JSON, {coaches} coaches × {weeks} weeks",
        "cells": len(cells),
        "masked": sum(c.masked for c in cells),
        "small": sum(c.masked and not c.secondary for c in cells),
        "sums_and_mask_s": round(t_mask, 2),
        "sums_and_mask_cpu_s": round(c_mask, 2),
        "render_s": round(t_render, 2),
        "render_cpu_s": round(c_render, 2),
        "load": f"{load}–{_load()}",
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def _bundles(store: Any, coaches: int, weeks: int, out: Path) -> Iterator[tuple[Path, int]]:
    from kim_tui.sync import bundle_format as bf
    from kim_tui.sync import payload_schema as ps

    recipient = store.public()
    for i in range(coaches):
        pub, sign = _coach_keys(i)
        store.enroll(pub)
        gen = CoachWeeks(i)
        prev: str | None = None
        upto = 0
        for n in range(weeks):
            records = _newest(gen.week(n))
            yield _seal(bf, ps, recipient, pub, sign, n + 1, records, prev, out, upto)
            prev = bf.chain_link(pub.fingerprint, n + 1, upto, gen.rev, "0" * 32, prev)
            upto = gen.rev


def _newest(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Only the newest state of each record travels in one bundle."""
    newest = {(r["t"], r["id"]): r for r in records}
    return sorted(newest.values(), key=lambda r: int(r["rev"]))


def _seal(
    bf: Any,
    ps: Any,
    recipient: Any,
    pub: Any,
    sign: bytes,
    seq: int,
    records: list[dict[str, Any]],
    prev: str | None,
    out: Path,
    rev_after: int = 0,
) -> tuple[Path, int]:
    counts = {t: 0 for t in ps.TABLES}
    for r in records:
        counts[r["t"]] += 1
    header = bf.BundleHeader(
        coach=pub.fingerprint,
        seq=seq,
        rev_after=rev_after,
        rev_upto=records[-1]["rev"],
        week=f"2025-W{(seq - 1) % 52 + 1:02d}",
        created_at="2025-12-31T10:00:00Z",
        counts=counts,
        recipient=recipient.fingerprint,
        nonce="0" * 32,
        prev=prev,
    )
    path = out / f"{pub.fingerprint[:8]}-{seq:04d}.kimb"
    path.write_bytes(bf.seal(header, records, recipient.kem_key, sign))
    return path, len(records)


def bench_import(coaches: int, weeks: int) -> dict[str, Any]:
    """Seal coach-week bundles, then import them all; records per second."""
    from kim_tui.coordinator.importer import import_files

    with tempfile.TemporaryDirectory(prefix="kim-bench-coord-") as tmp:
        store = _store(Path(tmp) / "store")
        out = Path(tmp) / "bundles"
        out.mkdir()
        files = list(_bundles(store, coaches, weeks, out))
        records = sum(n for _p, n in files)
        t0, c0 = time.perf_counter(), time.process_time()
        outcomes = import_files(store, [p for p, _n in files])
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        bad = [o for o in outcomes if o.status != "imported"]
        store.close()
    return {
        "what": f"import, {coaches} coaches × {weeks} weekly bundles",
        "records": records,
        "bundles": len(files),
        "not_imported": len(bad),
        "total_s": round(elapsed, 2),
        "records_per_s": round(records / elapsed),
        # CPU seconds of this process: what a shared, loaded machine inflates least.
        "cpu_s": round(cpu, 2),
        "records_per_cpu_s": round(records / cpu),
    }


def seal_big_bundle(records: int, directory: Path) -> tuple[Path, int]:
    """A fresh store in `directory`/store with one coach enrolled, and one bundle of about
    `records` records for it in `directory`; the store is closed again."""
    from kim_tui.sync import bundle_format as bf
    from kim_tui.sync import payload_schema as ps

    store = _store(directory / "store")
    pub, sign = _coach_keys(0)
    store.enroll(pub)
    gen = CoachWeeks(0)
    batch: list[dict[str, Any]] = []
    n = 0
    while len(batch) < records:
        batch.extend(gen.week(n))
        n += 1
    path, count = _seal(bf, ps, store.public(), pub, sign, 1, _newest(batch), None, directory)
    store.close()
    return path, count


def bench_bundle(directory: Path, path: Path, count: int) -> dict[str, Any]:
    """Import the one big bundle into its store (in a child process of its own, so the peak
    memory is the import's: opening the store, reading, checking and merging the bundle)."""
    from kim_tui.coordinator.importer import import_files
    from kim_tui.coordinator.store import CoordinatorStore

    store = CoordinatorStore.open(directory / "store", PASSPHRASE)
    before = _peak_mib()
    t0, c0 = time.perf_counter(), time.process_time()
    outcome = import_files(store, [path])[0]
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    store.close()
    return {
        "what": "one big bundle",
        "records": count,
        "compressed_kib": path.stat().st_size // 1024,
        "status": outcome.status,
        "total_s": round(elapsed, 2),
        "cpu_s": round(cpu, 2),
        "records_per_s": round(count / elapsed),
        "peak_mib": _peak_mib(),
        "peak_before_import_mib": before,
    }


def _peak_mib() -> int:
    """This process's peak resident memory. Linux keeps `ru_maxrss` across exec (a child
    would report its parent's peak), so VmHWM where there is one."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.coordinator_scale")
    parser.add_argument("what", choices=("report", "mask", "import", "bundle"))
    parser.add_argument("--coaches", type=int, default=12)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--records", type=int, default=300_000)
    parser.add_argument(
        "--reference",
        action="store_true",
        help="report: also time the Python definition (the report before issue 13 § 8)",
    )
    parser.add_argument(
        "--counts-only",
        action="store_true",
        help="report: only the SQL counts (the masking grows with the coaches, not the records)",
    )
    parser.add_argument(
        "--store",
        type=Path,
        help="report: keep the generated store here, or reuse it if it exists",
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)  # directory, file, count
    args = parser.parse_args(argv)
    if args.what == "bundle" and not args.child:
        # Generated and sealed here; imported in a child of its own: its peak memory is the
        # import's, not the generator's.
        with tempfile.TemporaryDirectory(prefix="kim-bench-coord-") as tmp:
            path, count = seal_big_bundle(args.records, Path(tmp))
            child = [sys.executable, "-m", "bench.coordinator_scale", "bundle", "--child"]
            done = subprocess.run(
                [*child, tmp, str(path), str(count)], check=False, env=dict(os.environ)
            )
        return done.returncode
    if args.what == "report":
        result = bench_report(
            args.coaches, args.weeks, args.reference, args.counts_only, args.store
        )
    elif args.what == "mask":
        result = bench_mask(args.coaches, args.weeks)
    elif args.what == "import":
        result = bench_import(args.coaches, args.weeks)
    else:
        directory, path, count = args.child
        result = bench_bundle(Path(directory), Path(path), int(count))
    log(json.dumps(result, ensure_ascii=False))
    print("| " + " | ".join(f"{k}: {v}" for k, v in result.items()) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
