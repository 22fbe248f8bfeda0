"""1a: process start → first paint of the unlock screen, against a bare Textual app.

Each run spawns a fresh interpreter on a pseudo-terminal of 120×40 (so Textual uses its real
Linux driver and writes real escape sequences, drained by a thread), and takes the child's
CLOCK_MONOTONIC stamp from `call_after_refresh` on mount minus the parent's spawn time. The
variants alternate (floor, kim, floor, …) so background load hits all alike.
"""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

from bench.common import Figure

CHILD = Path(__file__).with_name("startup_child.py")


def _drain(fd: int) -> None:
    while True:
        try:
            if not os.read(fd, 65536):
                return
        except OSError:
            return


def spawn_once(mode: str, vault: Path | None, env: dict[str, str]) -> tuple[float, float]:
    """(seconds spawn → first paint, seconds spawn → the child's first line of Python)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    read_end, write_end = os.pipe()
    env = dict(env, KIM_BENCH_FD=str(write_end))
    args = [sys.executable, str(CHILD), mode] + ([str(vault)] if vault else [])
    drainer = threading.Thread(target=_drain, args=(master,), daemon=True)
    drainer.start()
    spawned = time.monotonic_ns()
    proc = subprocess.Popen(
        args,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        pass_fds=(write_end,),
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 60)
        line = os.read(read_end, 200).decode() if ready else ""
        if not line.strip():
            raise RuntimeError(f"start-up child {mode!r} gave no first-paint stamp")
        painted_ns, started_ns = (int(x) for x in line.split())
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(read_end)
        os.close(master)
    return (painted_ns - spawned) / 1e9, (started_ns - spawned) / 1e9


def run(vault: Path, runs: int, work: Path) -> list[Figure]:
    config = work / "config.toml"  # absent: kim's defaults, never the user's own config
    env = dict(
        os.environ,
        TERM="xterm-256color",
        COLORTERM="truecolor",
        KIM_CONFIG_FILE=str(config),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.pop("TEXTUAL", None)
    times: dict[str, list[float]] = {"floor": [], "kim": []}
    interp: list[float] = []
    # One warm-up of each (page cache, .pyc files), not counted.
    for mode in times:
        spawn_once(mode, None if mode == "floor" else vault, env)
    for _ in range(runs):
        for mode in times:
            painted, started = spawn_once(mode, None if mode == "floor" else vault, env)
            times[mode].append(painted)
            if mode == "floor":
                interp.append(started)
    floor_name = (
        "bare Textual app with an empty DataTable, same pty and clock "
        f"(interpreter start alone: {sorted(interp)[len(interp) // 2] * 1000:.0f} ms)"
    )
    floor = sorted(times["floor"])[len(times["floor"]) // 2]
    return [
        Figure(
            "1a",
            "Start-up: spawn → unlock screen painted (`kim --vault`)",
            None,
            times["kim"],
            floor=floor,
            floor_name=floor_name,
            target="≤ 1.3× floor",
            limit_ratio=1.3,
        ),
        Figure("1a", "Start-up floor: bare Textual + DataTable", None, times["floor"]),
    ]
