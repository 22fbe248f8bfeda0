"""1b (unlock → interactive Wiedervorlagen) and 2 (keystroke latency), timed inside the app.

Every measurement runs in a fresh interpreter (``python -m bench.app_bench …``), so what the
bench did before (and the garbage it left) does not leak into it: each child is a process like
a coach's kim, with the store stack preloaded while the passphrase is typed.

The app runs under Textual's test harness (`run_test`, 120×40) with one change: the headless
driver reports itself as not headless, so every refresh is rendered all the way to the terminal
escape sequences (`CompositorUpdate.render_segments`) and only the final write is dropped.
Plain `run_test` skips that step and would under-report a real terminal's paint.

Timing is done by the app itself (`KimApp.latency_samples`): from the key event received by
`App.on_event` (for 1b: the moment the passphrase is submitted) to the `call_after_refresh`
callback queued by the list refill, i.e. after the next compositor refresh has been rendered.
The Pilot's own waits lie outside that span. 1b takes the real path: `UnlockScreen.submit` →
Argon2id and opening in a worker thread → `call_from_thread` → home screen; the Argon2id time
(`VaultSession.last_kdf_seconds`) is subtracted.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import Figure, percentile
from bench.vaults import BENCH_TODAY, PASSPHRASE

SIZE = (120, 40)


# -- the painting test driver ------------------------------------------------------------------


def paint_for_real(app: Any) -> None:
    """Make a `run_test` app render each frame to escape sequences (then drop them)."""
    from textual.drivers.headless_driver import HeadlessDriver

    class PaintingDriver(HeadlessDriver):
        @property
        def is_headless(self) -> bool:
            return False

        def flush(self) -> None:
            pass

    assert isinstance(app._driver, HeadlessDriver)
    app._driver.__class__ = PaintingDriver


def _make_app(vault: Path) -> Any:
    from kim_tui.app import make_app
    from kim_tui.config import Config

    return make_app(
        vault, language="de", config=Config(idle_lock_minutes=0), today=lambda: BENCH_TODAY
    )


async def _until_sample(app: Any, count: int, timeout: float = 20.0) -> None:
    deadline = time.perf_counter() + timeout
    while len(app.latency_samples) < count:
        if time.perf_counter() > deadline:
            raise RuntimeError("the list was not repainted")
        await asyncio.sleep(0.002)


def _cells(rows: list[list[Any]]) -> list[list[list[str]]]:
    """Table rows as JSON-able (text, style) pairs."""
    return [[[getattr(c, "plain", str(c)), str(getattr(c, "style", ""))] for c in r] for r in rows]


def _texts(rows: list[list[list[str]]]) -> list[list[Any]]:
    from rich.text import Text

    return [[Text(text, style=style) for text, style in r] for r in rows]


# -- children (run in a fresh interpreter each) -------------------------------------------------


async def _child_unlock(vault: Path) -> dict[str, Any]:
    from bench.floors import capture_columns, capture_rows
    from kim_tui.service.session import VaultSession
    from kim_tui.widgets.passphrase_input import PassphraseInput
    from kim_tui.widgets.windowed_table import WindowedTable

    opened: list[float] = []
    original = VaultSession.unlock

    def timed_unlock(self: VaultSession, passphrase: str) -> Any:
        started = time.perf_counter()
        try:
            return original(self, passphrase)
        finally:
            opened.append(time.perf_counter() - started - self.last_kdf_seconds)

    VaultSession.unlock = timed_unlock  # type: ignore[method-assign]
    app = _make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        paint_for_real(app)
        await pilot.pause()
        await app.workers.wait_for_complete()  # the preload, done while the coach types
        screen = app.screen
        field = screen.query_one("#passphrase", PassphraseInput)
        app.latency_samples = []
        app._last_key_at = time.perf_counter()
        screen.submit(PassphraseInput.Submitted(field, bytearray(PASSPHRASE.encode())))
        await _until_sample(app, 1)
        kdf = app.session.last_kdf_seconds
        table = app.screen.query_one(WindowedTable)
        return {
            "total": app.latency_samples[0] - kdf,
            "open": opened[0],
            "kdf": kdf,
            "rows": _cells(capture_rows(table)),
            "columns": capture_columns(table),
        }


async def _child_floor_switch(data: dict[str, Any]) -> dict[str, Any]:
    from bench.floors import ListFloorApp, ListFloorScreen

    app = ListFloorApp()
    async with app.run_test(size=SIZE) as pilot:
        paint_for_real(app)
        await pilot.pause()
        app.latency_samples = []
        app._last_key_at = time.perf_counter()
        app.switch_screen(ListFloorScreen(data["columns"], _texts(data["rows"]), []))
        await _until_sample(app, 1)
        return {"total": app.latency_samples[0]}


def _queries(names: list[str]) -> list[str]:
    from kim_tui.domain.text import fold

    out: list[str] = []
    for name in names:
        family = fold(name.split(",")[0])
        word = "".join(ch for ch in family if "a" <= ch <= "z")[:7]
        if len(word) >= 3 and word not in out:
            out.append(word)
    return out[:3] or ["mue"]


def _keys(queries: list[str], rounds: int) -> list[str]:
    keys: list[str] = []
    for _ in range(rounds):
        for q in queries:
            keys.extend(q)
            keys.extend(["backspace"] * len(q))
    return keys


async def _type(app: Any, pilot: Any, keys: list[str], after: Any = None) -> None:
    for key in keys:
        count = len(app.latency_samples)
        await pilot.press(key)
        await _until_sample(app, count + 1)
        if after is not None:
            after()


async def _child_typing(vault: Path, screen_name: str, rounds: int) -> dict[str, Any]:
    from bench.floors import capture_columns, capture_rows
    from kim_tui.widgets.windowed_table import WindowedTable

    app = _make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        paint_for_real(app)
        await pilot.pause()
        await app.workers.wait_for_complete()
        app.session.unlock(PASSPHRASE)
        app.screen._unlocked()
        await pilot.pause()
        ws = app.workspace
        if screen_name == "followups":
            total = ws.follow_ups("").total
            names = [
                ws.follow_ups("", offset=total * k // 7, limit=1).items[0].client_name
                for k in (1, 3, 5)
            ]
        else:
            await pilot.press("f3")
            await pilot.pause()
            total = ws.caseload("").total
            names = [
                ws.caseload("", offset=total * k // 7, limit=1).items[0].display_name
                for k in (2, 4, 6)
            ]
        queries = _queries(names)
        keys = _keys(queries, rounds)
        await pilot.press("slash")
        await pilot.pause()
        table = app.screen.query_one(WindowedTable)
        pages: list[Any] = []
        app.latency_samples = []
        await _type(app, pilot, keys, lambda: pages.append(_cells(capture_rows(table))))
        return {
            "samples": list(app.latency_samples),
            "pages": pages,
            "columns": capture_columns(table),
            "keys": keys,
            "queries": queries,
        }


async def _child_floor_typing(data: dict[str, Any]) -> dict[str, Any]:
    from bench.floors import ListFloorApp, ListFloorScreen

    pages = [_texts(p) for p in data["pages"]]
    app = ListFloorApp()
    async with app.run_test(size=SIZE) as pilot:
        paint_for_real(app)
        await pilot.pause()
        app.switch_screen(ListFloorScreen(data["columns"], pages[-1], pages))
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        app.latency_samples = []
        await _type(app, pilot, data["keys"])
        return {"samples": list(app.latency_samples)}


def _child(argv: list[str]) -> int:
    """``python -m bench.app_bench KIND IN_JSON OUT_JSON``."""
    kind, source, target = argv
    args = json.loads(Path(source).read_text(encoding="utf-8"))
    if kind == "unlock":
        result = asyncio.run(_child_unlock(Path(args["vault"])))
    elif kind == "floor-switch":
        result = asyncio.run(_child_floor_switch(args))
    elif kind == "typing":
        result = asyncio.run(_child_typing(Path(args["vault"]), args["screen"], args["rounds"]))
    else:
        result = asyncio.run(_child_floor_typing(args))
    Path(target).write_text(json.dumps(result), encoding="utf-8")
    return 0


# -- parent ------------------------------------------------------------------------------------


def _run_child(kind: str, args: dict[str, Any]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="kim-bench-child-") as tmp:
        source, target = Path(tmp) / "in.json", Path(tmp) / "out.json"
        source.write_text(json.dumps(args), encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, "-m", "bench.app_bench", kind, str(source), str(target)],
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        if proc.returncode != 0 or not target.exists():
            raise RuntimeError(f"bench child {kind} failed:\n{proc.stderr[-3000:]}")
        result: dict[str, Any] = json.loads(target.read_text(encoding="utf-8"))
        return result


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def default_kdf_seconds() -> float:
    """Argon2id with kim's default parameters (128 MiB, 3 passes, 4 lanes), once."""
    from kim_tui.store.keyfile import KeyFile

    keyfile, _dek, _rk = KeyFile.create(PASSPHRASE, created_at="2026-11-24T00:00:00+00:00")
    started = time.perf_counter()
    keyfile.unlock(PASSPHRASE)
    return time.perf_counter() - started


def unlock(vault: Path, size: int, runs: int) -> Figure:
    _run_child("unlock", {"vault": str(vault)})  # warm-up: page cache, .pyc files
    totals, opens, kdfs, floors = [], [], [], []
    for _ in range(runs):  # kim and floor alternate, so background load hits both alike
        r = _run_child("unlock", {"vault": str(vault)})
        totals.append(r["total"])
        opens.append(r["open"])
        kdfs.append(r["kdf"])
        floors.append(_run_child("floor-switch", r)["total"])
    limit = 0.150 if size <= 1000 else 0.300
    return Figure(
        "1b",
        "Unlock → Wiedervorlagen painted, Argon2id excluded",
        size,
        totals,
        floor=_median(floors),
        floor_name="bare Textual app switching from an input screen to one with the same "
        "header, table (same columns, same rows from memory) and footer",
        target=f"≤ {limit * 1000:.0f} ms",
        limit=limit,
        extra={"open": _median(opens), "kdf": _median(kdfs)},
    )


def latency(vault: Path, size: int, rounds: int) -> list[Figure]:
    figures = []
    for screen_name, label in (
        ("followups", "Keystroke `/`-filter, Wiedervorlagen"),
        ("caseload", "Keystroke caseload search (F3, `/`)"),
    ):
        d = _run_child("typing", {"vault": str(vault), "screen": screen_name, "rounds": rounds})
        floor = _run_child("floor-typing", d)["samples"]
        figures.append(
            Figure(
                "2",
                label,
                size,
                d["samples"],
                floor=_median(floor),
                floor_name="bare Textual app, same layout, refilled per key with the very "
                "rows kim showed after that key (from memory, no SQL)",
                target="median ≤ 30 ms, p95 ≤ 60 ms",
                limit=0.030,
                limit_p95=0.060,
                latency=True,
                note=f"typed {', '.join(repr(q) for q in d['queries'])} and erased",
                extra={"floor_p95": percentile(floor, 95)},
            )
        )
    return figures


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
