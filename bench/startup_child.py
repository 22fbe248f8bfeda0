"""Child process of the start-up benchmark (run as a script, not imported).

``startup_child.py floor``       a bare Textual app showing an empty DataTable (the floor)
``startup_child.py kim VAULT``   the real ``kim --vault VAULT`` entry point (``kim_tui.cli.main``)

Each writes ``<monotonic ns at first paint> <monotonic ns when this script began>`` to the file
descriptor in ``$KIM_BENCH_FD`` from ``call_after_refresh`` scheduled when its first screen
mounts, then exits. CLOCK_MONOTONIC is system-wide, so the parent subtracts its spawn time.
"""

import os
import sys
import time

STARTED_NS = time.monotonic_ns()


def _stamp() -> None:
    fd = int(os.environ["KIM_BENCH_FD"])
    os.write(fd, f"{time.monotonic_ns()} {STARTED_NS}\n".encode())
    os.close(fd)


def floor() -> int:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class Floor(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            self.call_after_refresh(self._painted)

        def _painted(self) -> None:
            _stamp()
            self.exit()

    Floor().run()
    return 0


def _hook_unlock_screen() -> None:
    # The unlock screen module is imported by the app's on_mount before the first paint anyway,
    # so importing it first changes nothing about what is loaded before that paint.
    from kim_tui.screens import unlock

    original = unlock.UnlockScreen.on_mount

    def on_mount(self: unlock.UnlockScreen) -> None:
        original(self)

        def painted() -> None:
            _stamp()
            self.app.exit()

        self.call_after_refresh(painted)

    unlock.UnlockScreen.on_mount = on_mount  # type: ignore[method-assign]


def kim(vault: str) -> int:
    _hook_unlock_screen()
    from kim_tui.cli import main

    return main(["--vault", vault])


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "floor":
        sys.exit(floor())
    sys.exit(kim(sys.argv[2]))
