"""``python -m bench`` (``make bench``): run every benchmark and print one Markdown report.

Options: ``--quick`` (sizes 100 and 1,000, fewer repetitions: a smoke run of about two minutes
once the vaults are cached), ``--sizes 100,1000,10000[,50000]`` (50,000 is opt-in: seeding it
takes about ten minutes once), ``--only 1a,1b,1c,2,3,4`` and ``--out FILE`` (also write the report).
Progress goes to stderr, the report to stdout. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bench import app_bench, bundle_bench, intake_bench, startup, store_bench, vaults
from bench.common import Figure, floors_legend, fmt_size, fmt_time, load, log, machine, table

GROUPS = ("1a", "1b", "1c", "2", "3", "4")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small sizes and few repetitions")
    p.add_argument("--sizes", help="comma-separated vault sizes, e.g. 100,1000,10000,50000")
    p.add_argument("--only", help="comma-separated groups to run: " + ",".join(GROUPS))
    p.add_argument("--out", type=Path, help="also write the Markdown report to this file")
    args = p.parse_args(argv)
    default = "100,1000" if args.quick else "100,1000,10000"
    args.size_list = sorted({int(s.replace("_", "")) for s in (args.sizes or default).split(",")})
    args.groups = set(args.only.split(",")) if args.only else set(GROUPS)
    unknown = args.groups - set(GROUPS)
    if unknown:
        p.error(f"unknown group(s): {', '.join(sorted(unknown))}")
    return args


def _git() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return head + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def scaling(figures: list[Figure], sizes: list[int]) -> str:
    """Section 5: the size-dependent figures side by side, with growth per step."""

    def find(key: str, prefix: str, size: int) -> Figure | None:
        return next(
            (f for f in figures if f.key == key and f.name.startswith(prefix) and f.size == size),
            None,
        )

    cols = [
        ("Unlock → list", "1b", "Unlock", False),
        ("`/`-filter", "2", "Keystroke `/`", True),
        ("Caseload search", "2", "Keystroke caseload", True),
        ("Export 10 changes", "4", "Export of 10 changes", False),
    ]
    head = "| Clients | " + " | ".join(c[0] for c in cols) + " |"
    lines = [head, "|---:|" + "---:|" * len(cols)]
    previous: dict[str, float] = {}
    prev_size: int | None = None
    for size in sizes:
        cells = []
        for label, key, prefix, lat in cols:
            f = find(key, prefix, size)
            if f is None:
                cells.append("–")
                continue
            text = fmt_time(f.median) + (f" (p95 {fmt_time(f.p95)})" if lat else "")
            if label in previous and prev_size:
                text += f", ×{f.median / previous[label]:.2f} for ×{size / prev_size:g} clients"
            previous[label] = f.median
            cells.append(text)
        prev_size = size
        lines.append(f"| {fmt_size(size)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run(args: argparse.Namespace, sizes: list[int], work: Path) -> tuple[list[Figure], list[str]]:
    """Run the selected groups; working copies and outputs go under `work`."""
    quick = args.quick
    figures: list[Figure] = []
    notes: list[str] = []
    if "1a" in args.groups:
        log("1a start-up …")
        figures += startup.run(vaults.working_copy(min(sizes), work), 5 if quick else 9, work)
    if "1b" in args.groups:
        for size in sizes:
            log(f"1b unlock at {size:,} …")
            f = app_bench.unlock(vaults.working_copy(size, work), size, 3 if quick else 7)
            if size > 10000:
                f.limit, f.target = None, ""
            figures.append(f)
            notes.append(
                f"1b at {fmt_size(size)}: of which opening the vault (key file, engine, schema "
                f"check) {fmt_time(f.extra['open'])}, the rest is the home screen up to its "
                f"first paint; Argon2id at the bench vault's 8 MiB {fmt_time(f.extra['kdf'])} "
                "(excluded)"
            )
        kdf = app_bench.default_kdf_seconds()
        notes.append(
            f"Argon2id with kim's default parameters (128 MiB, t=3, p=4): {fmt_time(kdf)}, "
            "excluded from 1b as the issue asks (it runs in a worker while the screen shows "
            "'Entsperre …')"
        )
    if "1c" in args.groups:
        size = max(sizes)  # the form reads no list; the largest vault is the coach's worst case
        log(f"1c intake at {size:,} (in process, {intake_bench.TIMEOUT:.0f} s timeout) …")
        f = intake_bench.intake(vaults.working_copy(size, work), size, 3 if quick else 7)
        figures.append(f)
        notes.append(
            f"1c at {fmt_size(size)}: with no form built ahead (F4 builds it) median "
            f"{fmt_time(f.extra['on_the_spot'])}, p95 {fmt_time(f.extra['on_the_spot_p95'])}; "
            f"duplicate index built ahead in its worker {fmt_time(f.extra['index_ahead'])}, "
            f"the first duplicate check after it {fmt_time(f.extra['first_check'])}"
        )
    if "2" in args.groups:
        for size in sizes:
            log(f"2 keystroke latency at {size:,} …")
            for f in app_bench.latency(vaults.working_copy(size, work), size, 1 if quick else 2):
                if size > 10000:
                    f.limit = f.limit_p95 = None
                    f.target = ""
                figures.append(f)
                what = "`/`-filter" if "filter" in f.name else "caseload search"
                notes.append(
                    f"2 {what} at {fmt_size(size)}: floor p95 {fmt_time(f.extra['floor_p95'])}"
                )
    if "3" in args.groups:
        clients = 100 if quick else 1000
        log(f"3 store overhead ({clients} clients) …")
        figures += store_bench.run(clients, 1 if quick else 3, log)
    if "4" in args.groups:
        log("4 bundles: exports …")
        dirs = {size: vaults.working_copy(size, work) for size in sizes}
        figures += bundle_bench.exports(dirs, work, 3 if quick else 7, log)
        log("4 bundles: import …")
        coaches, weeks = (3, 8) if quick else (10, 52)
        figures += bundle_bench.imports(coaches, weeks, work, 2 if quick else 3, log)

    return figures, notes


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    quick = args.quick
    sizes: list[int] = args.size_list
    started = time.perf_counter()
    load_before = load()
    log(f"bench: sizes {', '.join(map(str, sizes))}; groups {', '.join(sorted(args.groups))}")
    for size in sizes:
        vaults.seeded_vault(size, log=log)
    work = Path(tempfile.mkdtemp(prefix="kim-bench-"))
    try:
        figures, notes = run(args, sizes, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    order = {g: i for i, g in enumerate(GROUPS)}
    figures.sort(key=lambda f: order.get(f.key, 9))
    report = [
        "# kim-tui benchmark",
        "",
        f"- Run: {datetime.now().strftime('%Y-%m-%d %H:%M')}, commit {_git()}, "
        f"{'quick' if quick else 'full'}, sizes {', '.join(fmt_size(s) for s in sizes)}, "
        f"{time.perf_counter() - started:.0f} s",
        f"- Load average (1/5/15 min): before {load_before}, after {load()}",
    ]
    report += [f"- {k}: {v}" for k, v in machine()]
    report += ["", table(figures), "", floors_legend(figures), ""]
    report += [f"- {n}" for n in notes]
    if any(f.size is not None for f in figures) and len(sizes) > 1:
        report += ["", "## 5. Scaling", "", scaling(figures, sizes)]
    text = "\n".join(report) + "\n"
    sys.stdout.write(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
