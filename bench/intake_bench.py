"""1c: F4 → the intake form ready, in this process under Textual's test harness.

Run: ``.venv/bin/python -m bench.intake_bench [N]`` (default 5,000 clients; the vault comes from
the bench cache, `bench.vaults`), or as group 1c of ``python -m bench``.

In process, not in a child interpreter (an earlier child-process version hung under load and
was withdrawn): every wait has a deadline, and the whole run is cancelled after `TIMEOUT`
seconds, so a stuck screen ends the bench with an error instead of hanging it.

"Ready" is what a coach can rely on: the intake screen is on top, the first field (Vorname) has
the focus, every field of the form is mounted (its lower part mounts after the first paint)
and the screen has drawn a refresh since it came on top. Frames are rendered to escape
sequences as on a terminal (`app_bench.paint_for_real`). After each round, Esc closes the
untouched form and the Wiedervorlagen are shown again.

The app builds the next form while the coach is idle (`kim_tui/screens/intake_prebuild.py`):
the main figure is F4 with that form ready, as after a moment on the list. The same rounds are
run with the form taken away before F4 (built on the spot, as for an F4 within half a second of
unlocking or of closing the last intake). Also timed: the duplicate index built ahead in its
worker thread after unlocking, and the first duplicate check after that.

The floor: a bare Textual app pushing a screen with the same header, a scrolling container
with one focused `Input` and a line of text, timed the same way.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.app_bench import SIZE, _make_app, paint_for_real
from bench.common import Figure, percentile
from bench.vaults import PASSPHRASE

TIMEOUT = 300.0
"""Seconds for a whole run (all rounds), after which it is cancelled with an error."""
STEP_TIMEOUT = 60.0
"""Seconds one wait may take (F4 took 3–5 s on the loaded machine before)."""


async def _until(check: Callable[[], bool], what: str) -> None:
    deadline = time.perf_counter() + STEP_TIMEOUT
    while not check():
        if time.perf_counter() > deadline:
            raise RuntimeError(f"intake bench: {what} did not happen in {STEP_TIMEOUT:.0f} s")
        await asyncio.sleep(0.001)


async def _after_refresh(app: Any) -> None:
    """Wait until the screen on top has drawn a refresh (what the coach then sees)."""
    done = asyncio.get_running_loop().create_future()
    app.screen.call_after_refresh(lambda: done.done() or done.set_result(None))
    await asyncio.wait_for(done, STEP_TIMEOUT)


async def _kim_rounds(vault: Path, rounds: int) -> tuple[list[float], list[float], float, float]:
    """F4 with the form built ahead, F4 with none (built on the spot), the duplicate index
    built ahead (in its worker) and the first duplicate check after that (seconds)."""
    from textual.widgets import Input

    from kim_tui.domain.model import ClientDraft
    from kim_tui.screens.follow_ups import FollowUpsScreen
    from kim_tui.screens.intake import IntakeScreen

    app = _make_app(vault)
    ahead: list[float] = []
    on_the_spot: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        paint_for_real(app)
        await pilot.pause()
        await app.workers.wait_for_complete()
        app.session.unlock(PASSPHRASE)
        app.screen._unlocked()
        await _until(lambda: isinstance(app.screen, FollowUpsScreen), "the home screen")
        workspace = app.workspace
        prepare = workspace.prepare_duplicate_check
        index_times: list[float] = []

        def timed_prepare() -> None:  # what the worker thread spends
            started = time.perf_counter()
            prepare()
            index_times.append(time.perf_counter() - started)

        workspace.prepare_duplicate_check = timed_prepare
        # The coach looks at the list: the form and the duplicate index are built meanwhile.
        await _until(lambda: app.intake_ahead.ready, "the intake form built ahead")
        await _until(lambda: bool(index_times), "the duplicate index built ahead")
        index_seconds = index_times[0]
        started = time.perf_counter()
        app.workspace.find_duplicates(ClientDraft("Amal", "Haddad", None))
        first_check = time.perf_counter() - started
        await pilot.pause(0.3)

        def ready() -> bool:
            screen = app.screen
            return (
                isinstance(screen, IntakeScreen)
                and screen.is_built
                and screen.query_one("#given_name", Input).has_focus
            )

        # The first round of each kind warms up (imports, stylesheet).
        for samples, built_ahead in ((ahead, True), (on_the_spot, False)):
            for _ in range(rounds + 1):
                await _until(lambda: app.intake_ahead.ready, "the next form built ahead")
                if not built_ahead:
                    app.intake_ahead.take().remove()  # none waiting: F4 builds it
                    await pilot.pause(0.5)  # removed before F4, not while it is timed
                started = time.perf_counter()
                await pilot.press("f4")
                await _until(ready, "F4 → intake ready")
                await _after_refresh(app)
                samples.append(time.perf_counter() - started)
                await pilot.press("escape")
                await _until(lambda: isinstance(app.screen, FollowUpsScreen), "Esc → home")
                await app.workers.wait_for_complete()
                await pilot.pause(0.2)
    return ahead[1:], on_the_spot[1:], index_seconds, first_check


async def _floor_rounds(rounds: int) -> list[float]:
    from textual.app import App, ComposeResult
    from textual.containers import VerticalScroll
    from textual.screen import Screen
    from textual.widgets import Header, Input, Static

    class FormFloor(Screen[None]):
        AUTO_FOCUS = "#first"
        BINDINGS = [("escape", "app.pop_screen", "back")]

        def compose(self) -> ComposeResult:
            yield Header()
            with VerticalScroll():
                yield Input(id="first")
            yield Static("Strg+S Speichern  Esc Abbrechen")

        shown = False

        def on_mount(self) -> None:
            self.call_after_refresh(self._shown)

        def _shown(self) -> None:
            self.shown = True

    class FloorApp(App[None]):
        pass

    app = FloorApp()
    samples: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        paint_for_real(app)
        await pilot.pause()
        for _ in range(rounds + 1):
            screen = FormFloor()

            def ready(screen: FormFloor = screen) -> bool:
                return screen.shown and screen.query_one("#first", Input).has_focus

            def back(screen: FormFloor = screen) -> bool:
                return app.screen is not screen

            started = time.perf_counter()
            app.push_screen(screen)
            await _until(ready, "floor screen")
            samples.append(time.perf_counter() - started)
            await pilot.press("escape")
            await _until(back, "floor back")
            await pilot.pause(0.2)
    return samples[1:]


def intake(vault: Path, size: int, rounds: int) -> Figure:
    """1c: F4 on the Wiedervorlagen → the intake form ready (issue 11 § 8: it took 3–5 s)."""

    async def both() -> tuple[tuple[list[float], list[float], float, float], list[float]]:
        kim = await _kim_rounds(vault, rounds)
        floor = await _floor_rounds(rounds)
        return kim, floor

    (kim, on_the_spot, index_seconds, first_check), floor = asyncio.run(
        asyncio.wait_for(both(), TIMEOUT)
    )
    floor.sort()
    return Figure(
        "1c",
        "F4 → Erstberatung ready (built ahead while idle; focused, whole form mounted, painted)",
        size,
        kim,
        floor=floor[len(floor) // 2],
        floor_name="bare Textual screen with the same header and one focused Input",
        target="≤ 150 ms",
        limit=0.150,
        latency=True,
        extra={
            "on_the_spot": statistics.median(on_the_spot),
            "on_the_spot_p95": percentile(on_the_spot, 95),
            "index_ahead": index_seconds,
            "first_check": first_check,
        },
    )


def main(argv: list[str]) -> int:
    import tempfile

    from bench import vaults

    size = int(argv[0]) if argv else 5000
    rounds = int(argv[1]) if len(argv) > 1 else 7
    with tempfile.TemporaryDirectory() as tmp:
        figure = intake(vaults.working_copy(size, Path(tmp), log=print), size, rounds)
    ms: Any = [f"{s * 1000:.0f}" for s in figure.samples]
    print(f"| clients | {size} |")
    print(f"| F4 → intake ready, median | {figure.median * 1000:.0f} ms |")
    print(f"| F4 → intake ready, p95 | {figure.p95 * 1000:.0f} ms |")
    print(f"| samples (ms) | {', '.join(ms)} |")
    print(f"| floor (bare screen, one Input), median | {(figure.floor or 0) * 1000:.0f} ms |")
    extra = figure.extra
    print(
        f"| F4 with no form built ahead (built on the spot), median / p95 | "
        f"{extra['on_the_spot'] * 1000:.0f} ms / {extra['on_the_spot_p95'] * 1000:.0f} ms |"
    )
    print(
        f"| duplicate index built ahead (worker, after the form) | "
        f"{extra['index_ahead'] * 1000:.0f} ms |"
    )
    print(f"| first duplicate check after that | {extra['first_check'] * 1000:.1f} ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
