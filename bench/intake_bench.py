"""1c: F4 → the intake form ready, in this process under Textual's test harness.

Run: ``.venv/bin/python -m bench.intake_bench [N]`` (default 5,000 clients; the vault comes from
the bench cache, `bench.vaults`), or as group 1c of ``python -m bench``.

In process, not in a child interpreter (an earlier child-process version hung under load and
was withdrawn): every wait has a deadline, and the whole run is cancelled after `TIMEOUT`
seconds, so a stuck screen ends the bench with an error instead of hanging it.

"Ready" is what a coach can rely on: the intake screen is on top, the first field (Vorname) has
the focus, every field of the form is mounted (its lower part mounts after the first paint)
and a refresh has been drawn after that (`IntakeScreen._initial` is set then). Frames are
rendered to escape sequences as on a terminal (`app_bench.paint_for_real`). After each round,
Esc closes the untouched form and the Wiedervorlagen are shown again.

The floor: a bare Textual app pushing a screen with the same header, a scrolling container
with one focused `Input` and a line of text, timed the same way.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.app_bench import SIZE, _make_app, paint_for_real
from bench.common import Figure
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


async def _kim_rounds(vault: Path, rounds: int) -> list[float]:
    from textual.widgets import Input

    from kim_tui.screens.follow_ups import FollowUpsScreen
    from kim_tui.screens.intake import IntakeScreen

    app = _make_app(vault)
    samples: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        paint_for_real(app)
        await pilot.pause()
        await app.workers.wait_for_complete()
        app.session.unlock(PASSPHRASE)
        app.screen._unlocked()
        await _until(lambda: isinstance(app.screen, FollowUpsScreen), "the home screen")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)

        def ready() -> bool:
            screen = app.screen
            return (
                isinstance(screen, IntakeScreen)
                and screen._initial is not None
                and screen.query_one("#given_name", Input).has_focus
            )

        for _ in range(rounds + 1):  # the first round warms up (imports, stylesheet)
            started = time.perf_counter()
            await pilot.press("f4")
            await _until(ready, "F4 → intake ready")
            samples.append(time.perf_counter() - started)
            await pilot.press("escape")
            await _until(lambda: isinstance(app.screen, FollowUpsScreen), "Esc → home")
            await app.workers.wait_for_complete()
            await pilot.pause(0.2)
    return samples[1:]


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

    async def both() -> tuple[list[float], list[float]]:
        kim = await _kim_rounds(vault, rounds)
        floor = await _floor_rounds(rounds)
        return kim, floor

    kim, floor = asyncio.run(asyncio.wait_for(both(), TIMEOUT))
    floor.sort()
    return Figure(
        "1c",
        "F4 → Erstberatung ready (focused, whole form mounted, painted)",
        size,
        kim,
        floor=floor[len(floor) // 2],
        floor_name="bare Textual screen with the same header and one focused Input",
        target="≤ 150 ms",
        limit=0.150,
        latency=True,
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
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
