"""Shared pieces: figures, statistics, the Markdown table, machine facts."""

from __future__ import annotations

import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Figure:
    """One row of the results table. Times in seconds."""

    key: str
    """Issue numbering, e.g. "1a", "2", "4"."""
    name: str
    size: int | None
    samples: list[float]
    floor: float | None = None
    floor_name: str = ""
    target: str = ""
    limit: float | None = None
    """Absolute target on the median (seconds) or, with `limit_ratio`, on the ratio."""
    limit_ratio: float | None = None
    limit_p95: float | None = None
    latency: bool = False
    """Report p95 too (latencies)."""
    note: str = ""
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    @property
    def ratio(self) -> float | None:
        if self.floor is None or self.floor <= 0:
            return None
        return self.median / self.floor

    @property
    def met(self) -> bool | None:
        checks: list[bool] = []
        if self.limit is not None:
            checks.append(self.median <= self.limit)
        if self.limit_ratio is not None and self.ratio is not None:
            checks.append(self.ratio <= self.limit_ratio)
        if self.limit_p95 is not None:
            checks.append(self.p95 <= self.limit_p95)
        return all(checks) if checks else None


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 40 samples is the 38th smallest)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds >= 10:
        return f"{seconds:.1f} s"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 0.1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds * 1000:.1f} ms"


def fmt_size(size: int | None) -> str:
    return "–" if size is None else f"{size:,}"


def table(figures: Sequence[Figure]) -> str:
    """The results as one Markdown table."""
    lines = [
        "| # | Figure | Clients | n | Median | p95 | Floor | Ratio | Target | Met |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|:-:|",
    ]
    for f in figures:
        ratio = f"{f.ratio:.2f}×" if f.ratio is not None else "–"
        met = {True: "yes", False: "**no**", None: "–"}[f.met]
        floor = fmt_time(f.floor) if f.floor is not None else "–"
        name = f.name + (f" ({f.note})" if f.note else "")
        lines.append(
            f"| {f.key} | {name} | {fmt_size(f.size)} | {len(f.samples)} | {fmt_time(f.median)} "
            f"| {fmt_time(f.p95) if f.latency else '–'} | {floor} | {ratio} | {f.target} | {met} |"
        )
    return "\n".join(lines)


def floors_legend(figures: Sequence[Figure]) -> str:
    seen: dict[str, str] = {}
    for f in figures:
        if f.floor_name and f.key not in seen:
            seen[f.key] = f.floor_name
    return "\n".join(f"- Floor {key}: {name}" for key, name in seen.items())


def load() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def machine() -> list[tuple[str, str]]:
    """Facts for the header: CPU, RAM, versions."""
    import sqlite3

    import sqlcipher3
    import textual.app  # noqa: F401  (version lookup below needs the package)

    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    ram = "unknown"
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            kib = int(fh.readline().split()[1])
            ram = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    conn = sqlcipher3.dbapi2.connect(":memory:")
    cipher = conn.execute("PRAGMA cipher_version").fetchone()
    cipher_sqlite = conn.execute("SELECT sqlite_version()").fetchone()[0]
    conn.close()
    from importlib.metadata import version

    return [
        ("CPU", f"{cpu}, {os.cpu_count()} logical cores (nproc {len(os.sched_getaffinity(0))})"),
        ("RAM", ram),
        ("OS", platform.platform()),
        ("Python", sys.version.split()[0]),
        ("Textual", version("textual")),
        ("SQLCipher", f"{cipher[0] if cipher else '?'} (SQLite {cipher_sqlite})"),
        ("Plain SQLite (floor of 3)", sqlite3.sqlite_version),
        ("SQLAlchemy", version("sqlalchemy")),
        ("cryptography", version("cryptography")),
    ]


class Stopwatch:
    """``with Stopwatch() as sw: ...; sw.seconds``."""

    def __enter__(self) -> Stopwatch:
        self.started = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.started


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
