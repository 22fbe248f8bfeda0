"""The base of both Textual apps (the coach's `KimApp`, the coordinator's `CoordinatorApp`).

`VaultApp[S]` owns what every app around an encrypted store does: the unlock screen first, lock
(Ctrl+L) and idle lock, help, the command palette, the crash output without personal data, and
the one handler for workers that fail. `S` is what the app unlocks (the coach's `VaultSession`,
the coordinator's `CoordinatorService`); each app adds its own actions and home screen, so the
coordinator app inherits no coach action.
"""

from __future__ import annotations

import asyncio
import errno
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar, runtime_checkable

from rich.traceback import Traceback
from textual import events, work
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from kim_tui.actions import (
    HELP_ACTION,
    LOCKED_APP_ACTIONS,
    KimView,
    UiAction,
    declared_actions,
)
from kim_tui.config import Config
from kim_tui.i18n import tr

if TYPE_CHECKING:
    from kim_tui.screens.unlock import UnlockWording
    from kim_tui.store.failed_unlocks import FailedUnlocks


class StoreSession(Protocol):
    """What an app unlocks: opened with a passphrase (in a worker: the key derivation takes a
    while), locked again (key dropped), released when the app ends."""

    @property
    def is_unlocked(self) -> bool: ...

    def unlock(
        self, passphrase: bytearray, on_upgrade: Callable[[], None] | None = None
    ) -> object: ...

    @property
    def failed_unlocks(self) -> FailedUnlocks | None:
        """Failed unlocks the last unlock found (already audited and reset by the store)."""
        ...

    def lock(self) -> None: ...

    def release(self) -> None: ...


@runtime_checkable
class ShowsWorkerFailure(Protocol):
    """A screen whose worker can fail: it shows the app's message where the result would have
    appeared and is usable again (no "working …" left standing)."""

    def worker_failed(self, message: str) -> None: ...


S = TypeVar("S", bound=StoreSession)

LOCK_ACTION = UiAction(
    "app.lock",
    "ctrl+l",
    "lock",
    "Sperren",
    "Lock",
    "Tresor sperren: Schlüssel aus dem Speicher, Bildschirm leer",
    "Lock the vault: key dropped, screen cleared",
    priority=True,
)
QUIT_ACTION = UiAction("app.quit", "ctrl+q", "quit", "Beenden", "Quit", show=False, priority=True)
LOCKED_PALETTE = LOCKED_APP_ACTIONS
"""What the palette offers while locked: nothing that needs the store or changes settings."""


def worker_failure_message(error: BaseException | None, check: str | None = None) -> str:
    """What a failed worker shows: the kind of error and what to do, never the exception's
    text (it can quote file names, SQL values or other personal data). `check` is the command
    that checks the store (`VaultApp.check_command`), if there is one."""
    if isinstance(error, OSError):
        code = errno.errorcode.get(error.errno or 0, type(error).__name__)
        return tr(
            f"Datei oder Ordner nicht nutzbar ({code}). Bitte Pfad, Rechte und freien "
            "Speicherplatz prüfen und erneut versuchen.",
            f"File or folder not usable ({code}). Please check the path, permissions and free "
            "space, then try again.",
        )
    kind = type(error).__name__ if error is not None else "?"
    message = tr(
        f"Unerwarteter Fehler ({kind}). Die Ansicht ist wieder bedienbar; bitte erneut versuchen",
        f"Unexpected error ({kind}). The view is usable again; please try again",
    )
    if check:
        return message + tr(
            f" und bei Wiederholung kim beenden und `{check}` ausführen.",
            f", and if it happens again quit kim and run `{check}`.",
        )
    return message + "."


class VaultApp(App[int], Generic[S]):
    """An app around one encrypted store: unlock first, lock, idle lock, help, palette, crash
    screen and worker errors. Subclasses give `ACTIONS`, `BINDINGS`, `home_screen`,
    `unlock_wording` and `new_session`."""

    CSS_PATH = "kim.tcss"
    ACTIONS: ClassVar[tuple[UiAction, ...]] = (LOCK_ACTION, HELP_ACTION, QUIT_ACTION)
    ENABLE_COMMAND_PALETTE = True
    QUIET_WORKER_GROUPS: ClassVar[frozenset[str]] = frozenset({"preload"})
    """Worker groups whose failure is not shown (the preload: unlocking loads it again)."""

    def __init__(
        self, directory: Path, *, config: Config | None = None, session: S | None = None
    ) -> None:
        super().__init__()
        self.directory = Path(directory)
        """The store's directory."""
        self.config = config or Config()
        """User settings (language, idle lock)."""
        self._session = session
        self.failed_unlocks = 0
        """Consecutive wrong passphrases; each one after the third doubles the wait."""
        self.locked_until = 0.0
        self._last_activity = time.monotonic()
        self.unlocked_once = False
        self.latency_samples: list[float] | None = None
        """Benchmarks set a list: each list update after a key adds key-to-painted seconds."""
        self._last_key_at = 0.0

    # -- what the subclass gives -------------------------------------------------------------

    def new_session(self) -> S:
        """The session to unlock when none was passed in."""
        raise NotImplementedError

    def after_unlock(self) -> None:
        """Called after every successful unlock (the coach app reports ended stand-ins)."""

    def home_screen(self) -> Screen[None]:
        """The screen shown after the first unlock."""
        raise NotImplementedError

    def unlock_wording(self) -> UnlockWording:
        """Title and recovery hint of the unlock screen."""
        raise NotImplementedError

    def check_command(self) -> str | None:
        """The command line that checks this app's store (as the coach types it), if any."""
        return None

    def preload(self) -> None:
        """Called once the unlock screen is up: start loading what unlocking needs (in a
        worker, while the passphrase is typed). Nothing by default."""

    # -- the session -------------------------------------------------------------------------

    @property
    def session(self) -> S:
        """What this app unlocks (made on first use)."""
        if self._session is None:
            self._session = self.new_session()
        return self._session

    @property
    def is_unlocked(self) -> bool:
        return self._session is not None and self._session.is_unlocked

    # -- life cycle --------------------------------------------------------------------------

    def on_mount(self) -> None:
        from kim_tui.screens.unlock import UnlockScreen

        self.theme = "textual-dark"
        self.push_screen(UnlockScreen(first=True))
        self.preload()
        if self.config.idle_lock_minutes > 0:
            self.set_interval(5, self._check_idle)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown)):
            self._last_activity = time.monotonic()
            if self.latency_samples is not None:
                self._last_key_at = time.perf_counter()
        await super().on_event(event)

    def list_updated(self) -> None:
        """Screens call this after refilling a list; measures key → painted for benchmarks."""
        samples = self.latency_samples
        if samples is None or not self._last_key_at:
            return
        started = self._last_key_at
        self._last_key_at = 0.0
        self.call_after_refresh(lambda: samples.append(time.perf_counter() - started))

    def idle_seconds(self) -> float:
        """Seconds since the last key press or mouse click (idle lock, work done ahead)."""
        return time.monotonic() - self._last_activity

    def _check_idle(self) -> None:
        idle = time.monotonic() - self._last_activity
        if self.is_unlocked and idle >= self.config.idle_lock_minutes * 60:
            self.action_lock()

    def on_unmount(self) -> None:
        if self._session is not None:
            self._session.release()

    # -- worker errors -----------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.handle_worker_state(event)

    def handle_worker_state(self, event: Worker.StateChanged) -> None:
        """The one handler for failed workers: the app's own, and a screen's, which the screen
        passes on (Textual sends `Worker.StateChanged` only to the node that started the
        worker). A clear message in the app's language, never the exception's text, and the
        screen that started the worker is told, so it is usable again. Workers that exit the
        app on error end in the crash output instead."""
        worker: Worker[object] = event.worker
        if event.state is not WorkerState.ERROR or worker.exit_on_error:
            return
        if worker.group in self.QUIET_WORKER_GROUPS:
            return
        message = worker_failure_message(worker.error, self.check_command())
        node = worker.node
        if isinstance(node, ShowsWorkerFailure):
            node.worker_failed(message)
        self.notify(message, severity="error", timeout=10, markup=False)

    # -- actions -----------------------------------------------------------------------------

    def action_lock(self) -> None:
        """Drop the key and cover everything; the screens below keep unsaved input."""
        from kim_tui.screens.unlock import UnlockScreen

        if not self.is_unlocked:
            return
        self.session.lock()
        self.push_screen(UnlockScreen(first=False))

    def action_help(self) -> None:
        from kim_tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            # F1 again closes it (a dialog's own F1 binding brings the key here first).
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen(self.screen))

    def _go_to(
        self,
        screen_type: type[Screen[Any]],
        open_new: Callable[[], object] | None = None,
    ) -> None:
        """Bring a main screen to the top: reuse it from the stack instead of stacking copies
        (`open_new` opens it when it is not there; by default it is pushed). What it closes on
        the way (the screens above it, or the dialogs above the current screen) is asked
        about first when it holds input: save, discard or keep editing."""
        if isinstance(self.screen, screen_type):
            return
        keep = self._kept_below(screen_type)
        if self._input_above(keep):
            self._go_to_after_asking(screen_type, open_new)
            return
        self._arrive(screen_type, open_new)

    @work(exclusive=True, group="leave-input")
    async def _go_to_after_asking(
        self, screen_type: type[Screen[Any]], open_new: Callable[[], object] | None
    ) -> None:
        if await self._settle_input(self._kept_below(screen_type)):
            self._arrive(screen_type, open_new)

    def _arrive(
        self, screen_type: type[Screen[Any]], open_new: Callable[[], object] | None
    ) -> None:
        """Close what is above `screen_type` (or above the current full screen) and show it."""
        self._close_above(self._kept_below(screen_type))
        if not isinstance(self.screen, screen_type):
            (open_new or (lambda: self.push_screen(screen_type())))()

    def _kept_below(self, screen_type: type[Screen[Any]]) -> int:
        """How many screens from the bottom stay when going to `screen_type`: up to it when it
        is open, else up to the current full screen (dialogs above it close; a main screen is
        never stacked on a dialog)."""
        from textual.screen import ModalScreen

        stack = self.screen_stack
        for index, screen in enumerate(stack):
            if isinstance(screen, screen_type):
                return index + 1
        for index in range(len(stack) - 1, -1, -1):
            if not isinstance(stack[index], ModalScreen):
                return index + 1
        return len(stack)

    def _input_above(self, keep: int) -> list[KimView]:
        """The views above the first `keep` screens that hold unsaved input, topmost first."""
        return [
            screen
            for screen in reversed(self.screen_stack[keep:])
            if isinstance(screen, KimView) and screen.holds_input()
        ]

    def _close_above(self, keep: int) -> None:
        while len(self.screen_stack) > max(keep, 1):
            self.pop_screen()

    async def _settle_input(self, keep: int) -> bool:
        """Ask about every view above the first `keep` screens that holds input, topmost
        first: True when none is left holding any (each saved or discarded), False when the
        coach keeps editing or a save did not go through (its reason is shown on the form)."""
        from kim_tui.screens.form import ask_about_input
        from kim_tui.screens.unsaved_input import UnsavedChoice

        discarded: set[int] = set()
        while True:
            pending = [v for v in self._input_above(keep) if id(v) not in discarded]
            if not pending:
                return True
            view = pending[0]
            # Saving needs the vault and the form on top, where its messages are seen.
            # Never offered for a view whose save cannot be undone (an erasure's request).
            can_save = (
                self.is_unlocked and id(self.screen) == id(view) and view.saves_from_question()
            )
            choice = await ask_about_input(self, view.unsaved_question(), can_save=can_save)
            if choice is UnsavedChoice.KEEP:
                return False
            if choice is UnsavedChoice.DISCARD:
                discarded.add(id(view))
                continue
            if not await view.save_input():
                return False
            # The screen that opened the form saves its draft when it gets it back; let it
            # (and whatever it asks next, e.g. a consent-override reason) have its turn.
            await self._after_refresh()
            keep = min(keep, len(self.screen_stack))

    async def _after_refresh(self) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def finish() -> None:
            if not done.done():
                done.set_result(None)

        self.call_after_refresh(finish)
        await done

    async def action_quit(self) -> None:
        """Ctrl+Q: quit at once, unless a view holds unsaved input (then ask first)."""
        if self._input_above(0):
            self._quit_after_asking()
        else:
            self.exit()

    @work(exclusive=True, group="leave-input")
    async def _quit_after_asking(self) -> None:
        if await self._settle_input(0):
            self.exit()

    # -- command palette: every declared action of the app and the current screen -----------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        # One entry per label: a screen's own key for an app action (the caseload's `i` for
        # the app's F4 Erstberatung) is named next to it, not listed twice.
        entries: dict[tuple[str, str], tuple[UiAction, Screen[object] | App[int], list[str]]] = {}
        sources: tuple[tuple[Screen[object] | App[int], tuple[UiAction, ...]], ...] = (
            (screen, declared_actions(screen)),
            (self, self.ACTIONS),
        )
        for source, actions in sources:
            for action in actions:
                if not action.palette:
                    continue
                if not self.is_unlocked and source is self and action.id not in LOCKED_PALETTE:
                    continue
                keys = [action.key_display] if action.keys else []
                # The same action of the app, also bound by the screen (`app.intake` there).
                key = (action.label, action.action.removeprefix("app."))
                if key in entries:
                    known = entries[key][2]
                    known.extend(k for k in keys if k not in known)
                else:
                    entries[key] = (action, source, keys)
        for (label, _name), (action, source, keys) in entries.items():
            yield SystemCommand(
                f"{label} ({' / '.join(keys)})" if keys else label,
                action.help,
                _runner(self, source, action.action),
            )
        yield SystemCommand(
            tr("Design wechseln (hell/dunkel)", "Toggle light/dark theme"),
            tr("Zwischen hellem und dunklem Design wechseln", "Switch light and dark theme"),
            self._toggle_theme,
        )

    def action_command_palette(self) -> None:
        """Textual's palette in the UI language (its texts are English by default)."""
        from kim_tui.screens.palette import KimCommandPalette

        screen = self.screen
        if isinstance(screen, KimView) and screen.ASKS:
            self.notify(tr("Erst die Frage beantworten.", "Answer the question first."))
            return
        # `CommandPalette.is_open` is typed for App[object] only; this is its own test.
        palette_open = screen.has_class("--textual-command-palette")
        if self.use_command_palette and not palette_open:
            self.push_screen(KimCommandPalette())

    def action_help_quit(self) -> None:
        """Ctrl+C (no longer quits in Textual): say how to quit, in the UI language."""
        self.notify(
            tr("Beenden mit Strg+Q.", "Quit with Ctrl+Q."),
            title=tr("Beenden?", "Quit?"),
        )

    def _toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    # -- crash output: never personal data -------------------------------------------------

    def _fatal_error(self) -> None:
        # Textual's default shows local variables (names, notes) and the exception message
        # (which can quote SQL values). Show only where it happened.
        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[])
        for stack in traceback.trace.stacks:
            stack.exc_value = tr("(Inhalt ausgeblendet: Datenschutz)", "(hidden: data protection)")
        self._exit_renderables.append(traceback)
        self._close_messages_no_wait()


def _runner(app: App[int], target: Screen[object] | App[int], action: str) -> Callable[[], object]:
    """Run an action string the way its key binding does: with arguments (``section('x')``)
    and namespaces (``app.intake``), which a plain ``getattr(target, "action_…")`` cannot."""

    def run() -> object:
        return app.run_action(action, target)

    return run
