"""Import the same sealed bundles with two versions of kim, back to back (issue 13 § 8).

    .venv/bin/python -m bench.import_ab seal DIR            # once: stores + sealed bundles
    .venv/bin/python -m bench.import_ab run DIR weekly      # this tree's kim_tui
    .venv/bin/python -m bench.import_ab run DIR big --code /tmp/base   # another tree's kim_tui

On a shared machine the load changes from one minute to the next, so a before/after pair is
only fair on the same bundles, run alternately, in CPU seconds. `seal` writes two stores with
their coaches enrolled and the bundles of `coordinator_scale` (*weekly*: 12 coaches × 52 weekly
bundles; *big*: one bundle of about 300,000 records); `run` copies a store, imports its bundles
with `import_files` in this process and prints one JSON line: wall and CPU seconds, records per
second, the load average before and after, and the peak resident memory (VmHWM) before and
after the import. `--code` puts another checkout's ``kim_tui`` first on the path (e.g. ``git
archive main kim_tui | tar -x -C /tmp/base``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import coordinator_scale as cs


def seal(out: Path, coaches: int, weeks: int, records: int) -> None:
    """The two stores and their sealed bundles under `out`."""
    weekly = out / "weekly"
    (weekly / "bundles").mkdir(parents=True)
    store = cs._store(weekly / "store")
    files = [[str(p), n] for p, n in cs._bundles(store, coaches, weeks, weekly / "bundles")]
    store.close()
    (weekly / "files.json").write_text(json.dumps(files))
    big = out / "big"
    big.mkdir()
    path, count = cs.seal_big_bundle(records, big)
    (big / "files.json").write_text(json.dumps([[str(path), count]]))


def run(out: Path, shape: str) -> dict[str, Any]:
    """Import the bundles of `shape` into a copy of its store."""
    import kim_tui
    from kim_tui.coordinator.importer import import_files
    from kim_tui.coordinator.store import CoordinatorStore

    source = out / shape
    files = [(Path(p), n) for p, n in json.loads((source / "files.json").read_text())]
    with tempfile.TemporaryDirectory(prefix="kim-bench-ab-") as tmp:
        shutil.copytree(source / "store", Path(tmp) / "store")
        store = CoordinatorStore.open(Path(tmp) / "store", cs.PASSPHRASE)
        before, load = cs._peak_mib(), cs._load()
        t0, c0 = time.perf_counter(), time.process_time()
        outcomes = import_files(store, [p for p, _n in files])
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        store.close()
    records = sum(n for _p, n in files)
    return {
        "code": str(Path(kim_tui.__file__).parent.parent),
        "shape": shape,
        "records": records,
        "bundles": len(files),
        "not_imported": sum(o.status != "imported" for o in outcomes),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "records_per_s": round(records / wall),
        "records_per_cpu_s": round(records / cpu),
        "peak_mib": cs._peak_mib(),
        "peak_before_import_mib": before,
        "load": f"{load}–{cs._load()}",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_ab")
    parser.add_argument("what", choices=("seal", "run"))
    parser.add_argument("dir", type=Path)
    parser.add_argument("shape", nargs="?", choices=("weekly", "big"), default="weekly")
    parser.add_argument("--code", type=Path, help="run: the checkout whose kim_tui to use")
    parser.add_argument("--coaches", type=int, default=12)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--records", type=int, default=300_000)
    args = parser.parse_args(argv)
    if args.what == "seal":
        seal(args.dir, args.coaches, args.weeks, args.records)
        return 0
    if args.code is not None:
        sys.path.insert(0, str(args.code.resolve()))
    print(json.dumps(run(args.dir, args.shape), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
