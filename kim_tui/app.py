"""The Textual application: unlock first, then the coach's screens; locks itself when idle.

The store stack (SQLAlchemy, SQLCipher) is imported in a worker after the first paint, while the
coach types the passphrase, so the unlock screen appears as fast as a bare Textual app.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from rich.traceback import Traceback
from textual import events, work
from textual.app import App, SystemCommand
from textual.screen import Screen

from kim_tui.actions import KimView, UiAction, bindings, declared_actions
from kim_tui.config import Config, load_config
from kim_tui.i18n import set_language, tr

if TYPE_CHECKING:
    from kim_tui.domain.model import IntakeDraft
    from kim_tui.screens.unlock import UnlockWording
    from kim_tui.store.lock import VaultLock
    from kim_tui.store.session import VaultSession
    from kim_tui.store.workspace import Workspace

APP_ACTIONS: tuple[UiAction, ...] = (
    UiAction(
        "app.lock",
        "ctrl+l",
        "lock",
        "Sperren",
        "Lock",
        "Tresor sperren: Schlüssel aus dem Speicher, Bildschirm leer",
        "Lock the vault: key dropped, screen cleared",
        priority=True,
    ),
    UiAction(
        "app.help",
        "f1,question_mark",
        "help",
        "Hilfe",
        "Help",
        "Alle Tasten dieser Ansicht",
        "All keys of this view",
    ),
    UiAction(
        "app.home",
        "f2",
        "home",
        "Wiedervorlagen",
        "Follow-ups",
        "Zur Liste der Wiedervorlagen",
        "Go to the follow-up list",
    ),
    UiAction(
        "app.caseload",
        "f3",
        "caseload",
        "Klient*innen",
        "Caseload",
        "Alle Klient*innen mit Suche und Filtern",
        "All clients, search and filters",
    ),
    UiAction(
        "app.intake",
        "f4",
        "intake",
        "Erstberatung",
        "Intake",
        "Neue Klient*in aufnehmen (Erstberatung)",
        "Take in a new client",
    ),
    UiAction(
        "app.export",
        "f5",
        "export",
        "Wochenpaket",
        "Weekly bundle",
        "Verschlüsseltes Wochenpaket für die Koordinierung schreiben",
        "Write the encrypted weekly bundle for the coordinator",
    ),
    UiAction("app.quit", "ctrl+q", "quit", "Beenden", "Quit", show=False, priority=True),
    UiAction(
        "app.language",
        "",
        "switch_language",
        "Sprache: English",
        "Language: Deutsch",
        "Oberfläche auf Englisch umstellen (offene Ansichten werden neu aufgebaut)",
        "Switch the UI to German (open views are rebuilt)",
    ),
    UiAction(
        "app.coach",
        "",
        "coach_details",
        "Coach und Träger",
        "Coach and organisation",
        "Name und Träger für gedruckte Zielvereinbarungen",
        "Name and organisation printed on goal agreements",
    ),
    UiAction(
        "app.reminder_weeks",
        "",
        "reminder_weeks",
        "Vorlauf Ablauf-Erinnerung",
        "Expiry reminder lead time",
        "Wie viele Wochen vor Ablauf eines Aufenthaltsdokuments erinnert wird",
        "How many weeks before a residence document expires the reminder is due",
    ),
)


class KimApp(App[int]):
    CSS_PATH = "kim.tcss"
    TITLE = "KIM Coach"
    ACTIONS: ClassVar[tuple[UiAction, ...]] = APP_ACTIONS
    BINDINGS = bindings(APP_ACTIONS)
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        vault_dir: Path,
        *,
        config: Config | None = None,
        today: Callable[[], date] = date.today,
        session: VaultSession | None = None,
    ) -> None:
        super().__init__()
        self.vault_dir = Path(vault_dir)
        self.config = config or Config()
        """User settings (language, idle lock)."""
        self.today = today
        """The clock; tests pass a fixed date."""
        self._session = session
        self.claimed_lock: VaultLock | None = None
        """The vault's process lock when `run_app` took it before start-up."""
        self.failed_unlocks = 0
        """Consecutive wrong passphrases; each one after the third doubles the wait."""
        self.locked_until = 0.0
        self._last_activity = time.monotonic()
        self.unlocked_once = False
        self.latency_samples: list[float] | None = None
        """Benchmarks set a list: each list update after a key adds key-to-painted seconds."""
        self._last_key_at = 0.0

    # -- the vault session (service layer) --------------------------------------------------

    @property
    def session(self) -> VaultSession:
        if self._session is None:
            from kim_tui.store.session import VaultSession

            self._session = VaultSession(self.vault_dir, today=self.today, lock=self.claimed_lock)
        return self._session

    @property
    def workspace(self) -> Workspace:
        """The service object of the unlocked vault (raises if locked)."""
        return self.session.workspace

    @property
    def is_unlocked(self) -> bool:
        return self._session is not None and self._session.is_unlocked

    # -- life cycle --------------------------------------------------------------------------

    def on_mount(self) -> None:
        from kim_tui.screens.unlock import UnlockScreen

        self.theme = "textual-dark"
        self.push_screen(UnlockScreen(first=True))
        self._preload_store()
        if self.config.idle_lock_minutes > 0:
            self.set_interval(5, self._check_idle)

    def home_screen(self) -> Screen[None]:
        """The screen the coach lands on after the first unlock."""
        from kim_tui.screens.follow_ups import FollowUpsScreen

        return FollowUpsScreen()

    def unlock_wording(self) -> UnlockWording:
        """Title and recovery hint of the unlock screen (the coordinator app has its own)."""
        from kim_tui.screens.unlock import coach_wording

        return coach_wording()

    @work(thread=True, exit_on_error=False, group="preload")
    def _preload_store(self) -> None:
        # While the coach types the passphrase: import SQLAlchemy/SQLCipher/Alembic and the
        # screens, and load catalogs and this year's holidays, so unlocking only opens the vault.
        import kim_tui.screens.client_file  # noqa: F401
        import kim_tui.screens.follow_ups  # noqa: F401
        import kim_tui.store.session  # noqa: F401
        import kim_tui.store.workspace  # noqa: F401
        from kim_tui.domain.catalogs import CATALOG_NAMES, catalog
        from kim_tui.domain.scheduling import WorkingDays
        from kim_tui.store import migrate

        for name in CATALOG_NAMES:
            catalog(name)
        WorkingDays().is_working_day(self.today())
        migrate.head_revision()
        # Everything loaded so far lives as long as the app: keep it out of the collector's
        # scans, whose pauses otherwise land on the first keystrokes after unlocking.
        gc.freeze()

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

    def _check_idle(self) -> None:
        idle = time.monotonic() - self._last_activity
        if self.is_unlocked and idle >= self.config.idle_lock_minutes * 60:
            self.action_lock()

    def on_unmount(self) -> None:
        if self._session is not None:
            self._session.release()

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
            return
        self.push_screen(HelpScreen(self.screen))

    def action_home(self) -> None:
        from kim_tui.screens.follow_ups import FollowUpsScreen

        if not self.is_unlocked:
            return
        self._go_to(FollowUpsScreen)

    def action_caseload(self) -> None:
        from kim_tui.screens.caseload import CaseloadScreen

        if not self.is_unlocked:
            return
        self._go_to(CaseloadScreen)

    def action_switch_language(self) -> None:
        from dataclasses import replace

        from textual.screen import ModalScreen

        from kim_tui.config import save_config
        from kim_tui.screens.unlock import UnlockScreen

        if isinstance(self.screen, UnlockScreen) and not self.screen.first:
            # Locked after use: the views below hold the coach's work and are rebuilt later.
            self.notify(
                tr(
                    "Bitte erst entsperren, dann die Sprache wechseln.",
                    "Please unlock first, then switch the language.",
                ),
                severity="warning",
            )
            return
        # Rebuilding the views would lose what a form holds: the coach finishes it first.
        if any(
            isinstance(screen, ModalScreen) and not isinstance(screen, UnlockScreen)
            for screen in self.screen_stack
        ) or any(isinstance(s, KimView) and s.HOLDS_INPUT for s in self.screen_stack):
            self.notify(
                tr(
                    "Bitte erst den offenen Dialog schließen bzw. das Formular speichern oder "
                    "abbrechen, dann die Sprache wechseln.",
                    "Please close the open dialog (or save or cancel the form) first, then "
                    "switch the language.",
                ),
                severity="warning",
            )
            return
        new: Literal["de", "en"] = "en" if self.config.language == "de" else "de"
        self.config = replace(self.config, language=new)
        try:
            save_config(self.config)
        except OSError as exc:
            self.notify(str(exc), severity="error")
            return
        set_language(new)
        self._rebuild_views()
        self.notify(tr("Sprache: Deutsch.", "Language: English."))

    def _rebuild_views(self) -> None:
        """Every text is chosen when a view is built: build the views again in the new
        language. Before the first unlock the unlock screen; else the home screen, with the
        screens above it closed (none holds unsaved input: see `action_switch_language`)."""
        from kim_tui.screens.unlock import UnlockScreen

        if isinstance(self.screen, UnlockScreen):
            self.switch_screen(UnlockScreen(first=True))
            return
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(self.home_screen())

    @work(exclusive=True, group="settings")
    async def action_coach_details(self) -> None:
        from dataclasses import replace

        from kim_tui.config import save_config
        from kim_tui.screens.text_prompt import TextPromptScreen

        if not self.is_unlocked:
            return
        name = await self.push_screen_wait(
            TextPromptScreen(
                tr("Coach", "Coach"),
                tr(
                    "Ihr Name (für gedruckte Zielvereinbarungen):",
                    "Your name (printed on goal agreements):",
                ),
                value=self.config.coach_name,
                max_length=100,
            )
        )
        if name is None:
            return
        organisation = await self.push_screen_wait(
            TextPromptScreen(
                tr("Träger", "Organisation"),
                tr(
                    "Träger, z. B. Caritas, DRK, Diakonie, ZAQ, Kommunales Integrationszentrum:",
                    "Organisation, e.g. Caritas, DRK, Diakonie, ZAQ:",
                ),
                value=self.config.organisation,
                max_length=100,
            )
        )
        if organisation is None:
            return
        self.config = replace(self.config, coach_name=name, organisation=organisation)
        try:
            save_config(self.config)
        except OSError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(tr("Gespeichert.", "Saved."))

    @work(exclusive=True, group="settings")
    async def action_reminder_weeks(self) -> None:
        from kim_tui.screens.text_prompt import TextPromptScreen
        from kim_tui.store.errors import VaultError

        if not self.is_unlocked:
            return
        current = self.workspace.residence_reminder_weeks()
        answer = await self.push_screen_wait(
            TextPromptScreen(
                tr("Vorlauf Ablauf-Erinnerung", "Expiry reminder lead time"),
                tr(
                    "Wochen vor Ablauf eines Aufenthaltsdokuments (0–52):",
                    "Weeks before a residence document expires (0–52):",
                ),
                value=str(current),
                max_length=2,
            )
        )
        if answer is None:
            return
        if not answer.isdigit():
            self.notify(
                tr("Bitte eine Zahl von 0 bis 52.", "Please a number from 0 to 52."),
                severity="error",
            )
            return
        try:
            self.workspace.set_residence_reminder_weeks(int(answer))
        except VaultError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(
            tr(
                f"Erinnerung {answer} Wochen vor Ablauf; Liste neu berechnet.",
                f"Reminder {answer} weeks before expiry; list recalculated.",
            )
        )
        if isinstance(self.screen, KimView):
            self.screen.reload()

    def action_export(self) -> None:
        from kim_tui.screens.export import ExportScreen

        if self.is_unlocked:
            self._go_to(ExportScreen)

    def _go_to(self, screen_type: type[Screen[None]]) -> None:
        """Bring a main screen to the top: reuse it from the stack instead of stacking copies."""
        if isinstance(self.screen, screen_type):
            return
        stack = self.screen_stack
        for index, screen in enumerate(stack):
            if isinstance(screen, screen_type):
                while len(self.screen_stack) > index + 1:
                    self.pop_screen()
                return
        self.push_screen(screen_type())

    @work(exclusive=True, group="intake")
    async def action_intake(self) -> None:
        """Intake form → duplicate decision → save → open the new client's file."""
        from kim_tui.screens.client_file import ClientFileScreen
        from kim_tui.screens.intake import IntakeResult, IntakeScreen

        if not self.is_unlocked:
            return
        result: IntakeResult | None = await self.push_screen_wait(IntakeScreen())
        if result is None:
            return
        if result.open_existing is not None:
            self.push_screen(ClientFileScreen(result.open_existing))
            return
        assert result.draft is not None
        client_id = self.save_intake(result.draft)
        if client_id is not None:
            self.push_screen(ClientFileScreen(client_id))

    def save_intake(self, draft: IntakeDraft) -> str | None:
        from kim_tui.store.errors import VaultError

        try:
            client_id, _case_id = self.workspace.intake(draft)
        except VaultError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return None
        self.notify(tr("Klient*in angelegt.", "Client created."))
        return client_id

    # -- command palette: every declared action of the app and the current screen -----------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        # While locked the palette offers only what needs no vault (and changes no settings).
        locked_ok = {"app.help", "app.quit", "app.language"}
        # One entry per label: a screen's own key for an app action (the caseload's `i` for
        # the app's F4 Erstberatung) is named next to it, not listed twice.
        entries: dict[tuple[str, str], tuple[UiAction, Screen[object] | KimApp, list[str]]] = {}
        for source, actions in ((screen, declared_actions(screen)), (self, self.ACTIONS)):
            for action in actions:
                if not action.palette:
                    continue
                if not self.is_unlocked and source is self and action.id not in locked_ok:
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
        """Textual's palette, with a German placeholder (its default is English)."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(
                CommandPalette(
                    placeholder=tr("Befehl suchen …", "Search for commands …"),
                    id="--command-palette",
                )
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


def make_app(
    vault_dir: Path,
    *,
    language: str | None = None,
    config: Config | None = None,
    today: Callable[[], date] = date.today,
) -> KimApp:
    """Build the app the same way for the CLI and the tests."""
    config = config or load_config()
    lang = language or config.language
    set_language("en" if lang == "en" else "de")
    return KimApp(vault_dir, config=config, today=today)


def run_app(vault_dir: Path, *, language: str | None = None) -> int:
    """Run the TUI. The vault's process lock is taken first, so a second kim is refused with
    a clear message before any screen appears. Only the light lock module is imported here:
    the store stack loads after the first paint, while the coach types."""
    from kim_tui.store.errors import VaultNotFound
    from kim_tui.store.layout import LOCK_FILE, is_vault
    from kim_tui.store.lock import VaultLock

    app = make_app(vault_dir, language=language)
    if not is_vault(app.vault_dir):
        raise VaultNotFound(app.vault_dir)
    lock = VaultLock(app.vault_dir / LOCK_FILE)
    lock.acquire()
    app.claimed_lock = lock
    try:
        result = app.run()
    finally:
        lock.release()
    return int(result or 0) if app.return_code in (0, None) else int(app.return_code or 1)
