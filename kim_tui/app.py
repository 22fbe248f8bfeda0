"""The Textual application: unlock first, then the coach's screens; locks itself when idle.

The store stack (SQLAlchemy, SQLCipher) is imported in a worker after the first paint, while the
coach types the passphrase, so the unlock screen appears as fast as a bare Textual app.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from textual import events, work
from textual.screen import ModalScreen, Screen

from kim_tui.actions import HELP_ACTION, KimView, UiAction, bindings
from kim_tui.app_base import LOCK_ACTION, QUIT_ACTION, VaultApp
from kim_tui.config import Config, load_config
from kim_tui.i18n import set_language, tr
from kim_tui.screens.intake_prebuild import DUPLICATE_INDEX_GROUP, IntakeAhead, IntakeAppActions
from kim_tui.screens.privacy_guide import PRIVACY_GUIDE_ACTION, PrivacyGuideAppActions
from kim_tui.screens.stand_in_flow import STAND_IN_APP_ACTIONS, StandInAppActions

if TYPE_CHECKING:
    from kim_tui.screens.unlock import UnlockWording
    from kim_tui.service.session import VaultSession
    from kim_tui.service.workspace import Workspace
    from kim_tui.store.lock import VaultLock

APP_ACTIONS: tuple[UiAction, ...] = (
    LOCK_ACTION,
    HELP_ACTION,
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
        priority=True,  # see `KimApp.check_action`
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
    QUIT_ACTION,
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
        "app.print_folder",
        "",
        "print_folder",
        "Ordner für Ausdrucke",
        "Folder for printouts",
        "Wohin PDFs (Zielvereinbarung, Einwilligung, Auskunft) vorgeschlagen werden",
        "Where PDFs (goal agreement, consent form, subject access copy) are suggested",
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
    UiAction(
        "app.regime",
        "",
        "regime",
        "Datenschutzrecht",
        "Data-protection law",
        "DSGVO, DSG NRW, KDG (Caritas) oder DSG-EKD (Diakonie): bestimmt die genannten Artikel",
        "GDPR, DSG NRW, KDG (Caritas) or DSG-EKD (Diakonie): decides the articles named",
    ),
    UiAction(
        "app.retention",
        "",
        "retention",
        "Aufbewahrung",
        "Retention",
        "Wie lange abgeschlossene Fälle aufbewahrt werden (danach Löschung fällig)",
        "How long closed cases are kept (then their erasure is due)",
    ),
    UiAction(
        "app.add_colleague",
        "",
        "add_colleague",
        "Kolleg*in hinzufügen",
        "Add a colleague",
        "coach.pub einer Kolleg*in für Übergaben speichern (Fingerabdruck vergleichen)",
        "Store a colleague's coach.pub for handovers (compare the fingerprint)",
    ),
    UiAction(
        "app.receive_handover",
        "",
        "receive_handover",
        "Übergabe empfangen",
        "Receive a handover",
        "Übergabedatei einer Kolleg*in einlesen (neue Akte oder zusammenführen)",
        "Import a colleague's handover file (new file or merge)",
    ),
    UiAction(
        "app.confirm_handover",
        "",
        "confirm_handover",
        "Übergabe bestätigen",
        "Confirm a handover",
        "Empfangsbestätigung einlesen: die übergebene Klient*in wird hier gelöscht",
        "Import a receipt: the handed-over client is erased here",
    ),
    *STAND_IN_APP_ACTIONS,
    PRIVACY_GUIDE_ACTION,
)


class KimApp(IntakeAppActions, StandInAppActions, PrivacyGuideAppActions, VaultApp["VaultSession"]):
    """The coach's app: the vault's follow-ups, caseload, client files, intake and export."""

    TITLE = "KIM Coach"
    ACTIONS: ClassVar[tuple[UiAction, ...]] = APP_ACTIONS
    BINDINGS = bindings(APP_ACTIONS)
    QUIET_WORKER_GROUPS: ClassVar[frozenset[str]] = frozenset({"preload", DUPLICATE_INDEX_GROUP})

    def __init__(
        self,
        vault_dir: Path,
        *,
        config: Config | None = None,
        today: Callable[[], date] = date.today,
        session: VaultSession | None = None,
    ) -> None:
        super().__init__(vault_dir, config=config, session=session)
        self.today = today
        """The clock; tests pass a fixed date."""
        self.claimed_lock: VaultLock | None = None
        """The vault's process lock when `run_app` took it before start-up."""
        self.printout_notice_shown = False
        """Whether the coach has been told this session that printouts are plain text."""
        self.intake_ahead = IntakeAhead(self)
        """The next Erstberatung, built while the coach is idle (F4 only shows it)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # F4 is a priority key: the form opens while the key is taken in, before the next key
        # is handed out, so what is typed right after F4 reaches the form, not the screen below
        # (a plain binding runs only after the focused widget had the key, when the keys typed
        # behind it are handed out already). In a dialog it does nothing, as the other F-keys.
        if action == "intake" and isinstance(self.screen, ModalScreen):
            return False
        # The key to the list the coach is on does nothing there: it leaves the key line,
        # which then has room for the keys that lead elsewhere (F3 on the follow-up list).
        screen = self.screen
        return not (isinstance(screen, KimView) and action == screen.REACHED_BY)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            await self.hold_key_for_intake()  # typed right after F4: into the form, in order
        await super().on_event(event)

    # -- the vault session (service layer) --------------------------------------------------

    def new_session(self) -> VaultSession:
        from kim_tui.service.session import VaultSession

        return VaultSession(self.directory, today=self.today, lock=self.claimed_lock)

    @property
    def workspace(self) -> Workspace:
        """The service object of the unlocked vault (raises if locked)."""
        return self.session.workspace

    def home_screen(self) -> Screen[None]:
        """The screen the coach lands on after the first unlock."""
        from kim_tui.screens.follow_ups import FollowUpsScreen

        return FollowUpsScreen()

    def after_unlock(self) -> None:
        """Tell the coach what the unlock did besides opening (an ended stand-in erased)."""
        self.show_stand_in_expiries()
        self.intake_ahead.after_unlock()

    def unlock_wording(self) -> UnlockWording:
        """Title and recovery hint of the unlock screen (the coordinator app has its own)."""
        from kim_tui.screens.unlock import coach_wording

        return coach_wording(self.directory)

    def check_command(self) -> str:
        """`kim check` for this vault, as it runs in a terminal (kim closed first)."""
        from kim_tui.locations import command_line

        return command_line("kim", "check", "--vault", self.directory)

    def preload(self) -> None:
        self._preload_store()

    @work(thread=True, exit_on_error=False, group="preload")
    def _preload_store(self) -> None:
        # While the coach types the passphrase: import SQLAlchemy/SQLCipher/Alembic and the
        # screens, and load catalogs and this year's holidays, so unlocking only opens the vault.
        import kim_tui.screens.client_file  # noqa: F401
        import kim_tui.screens.follow_ups  # noqa: F401
        import kim_tui.screens.intake  # noqa: F401
        import kim_tui.service.session  # noqa: F401
        import kim_tui.service.workspace  # noqa: F401
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
        self.intake_ahead.drop()  # its labels are in the old language
        self._rebuild_views()
        self.notify(tr("Sprache: Deutsch.", "Language: English."))

    def _rebuild_views(self) -> None:
        """Every text is chosen when a view is built: build the views again in the new
        language. Before the first unlock the unlock screen; else the home screen, with the
        screens above it closed (none holds unsaved input: see `action_switch_language`), and
        the client file again on top if one was open."""
        from kim_tui.screens.client_file import ClientFileScreen
        from kim_tui.screens.unlock import UnlockScreen

        if isinstance(self.screen, UnlockScreen):
            self.switch_screen(UnlockScreen(first=True))
            return
        top = self.screen
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(self.home_screen())
        if isinstance(top, ClientFileScreen):
            # The coach may be sitting with the client: they stay in the file they had open.
            self.push_screen(ClientFileScreen(top.client_id))

    @work(exclusive=True, group="settings")
    async def action_coach_details(self) -> None:
        from dataclasses import replace

        from kim_tui.config import save_config
        from kim_tui.screens.form import save_in_dialog
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

        def write(organisation: str) -> None:
            config = replace(self.config, coach_name=name, organisation=organisation)
            save_config(config)
            self.config = config

        saved = await save_in_dialog(
            self,
            TextPromptScreen(
                tr("Träger", "Organisation"),
                tr(
                    "Träger, z. B. Caritas, DRK, Diakonie, ZAQ, Kommunales Integrationszentrum:",
                    "Organisation, e.g. Caritas, DRK, Diakonie, ZAQ:",
                ),
                value=self.config.organisation,
                max_length=100,
            ),
            write,
        )
        if saved is None:
            return
        self.notify(tr("Gespeichert.", "Saved."))

    @work(exclusive=True, group="settings")
    async def action_add_colleague(self) -> None:
        from kim_tui.screens.confirm import ConfirmScreen
        from kim_tui.screens.form import save_in_dialog
        from kim_tui.screens.text_prompt import TextPromptScreen
        from kim_tui.store.errors import VaultError
        from kim_tui.sync.identity import CoachPublic

        if not self.is_unlocked:
            return
        colleague = await save_in_dialog(
            self,
            TextPromptScreen(
                tr("Kolleg*in hinzufügen", "Add a colleague"),
                tr("Pfad der coach.pub der Kolleg*in:", "Path of the colleague's coach.pub:"),
                max_length=1000,
            ),
            lambda answer: self.workspace.read_colleague_file(answer),
        )
        if not isinstance(colleague, CoachPublic):
            return
        from kim_tui.sync.identity import display_fingerprint

        who = colleague.name or tr("(ohne Namen)", "(no name)")
        if colleague.organisation:
            who += f", {colleague.organisation}"
        fingerprint = display_fingerprint(colleague.fingerprint)
        same = await self.push_screen_wait(
            ConfirmScreen(
                tr(
                    f"Kolleg*in: {who}\nFingerabdruck: {fingerprint}\n\nStimmt er mit dem "
                    "überein, den die Kolleg*in Ihnen persönlich oder am Telefon nennt?",
                    f"Colleague: {who}\nFingerprint: {fingerprint}\n\nDoes it match the one "
                    "your colleague reads out to you in person or by phone?",
                ),
                tr("Stimmt, speichern", "It matches, store"),
            )
        )
        if not same:
            self.notify(tr("Nichts gespeichert.", "Nothing stored."))
            return
        try:
            self.workspace.add_colleague(colleague)
        except VaultError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        # The name comes from a file someone sent: shown literally, never as markup.
        self.notify(tr(f"{who} gespeichert.", f"{who} stored."), markup=False)

    @work(exclusive=True, group="settings")
    async def action_reminder_weeks(self) -> None:
        from kim_tui.screens.form import save_in_dialog
        from kim_tui.screens.text_prompt import TextPromptScreen

        if not self.is_unlocked:
            return
        current = self.workspace.residence_reminder_weeks()

        def weeks_problem(text: str) -> tuple[str, str] | None:
            if text.isdigit() and int(text) <= 52:
                return None
            return ("Bitte eine Zahl von 0 bis 52.", "Please give a number from 0 to 52.")

        def write(text: str) -> None:
            self.workspace.set_residence_reminder_weeks(int(text))

        done = await save_in_dialog(
            self,
            TextPromptScreen(
                tr("Vorlauf Ablauf-Erinnerung", "Expiry reminder lead time"),
                tr(
                    "Wochen vor Ablauf eines Aufenthaltsdokuments (0–52):",
                    "Weeks before a residence document expires (0–52):",
                ),
                value=str(current),
                max_length=2,
                check=weeks_problem,
            ),
            write,
        )
        if done is None:
            return
        answer = self.workspace.residence_reminder_weeks()
        self.notify(
            tr(
                f"Erinnerung {answer} Wochen vor Ablauf; Liste neu berechnet.",
                f"Reminder {answer} weeks before expiry; list recalculated.",
            )
        )
        if isinstance(self.screen, KimView):
            self.screen.reload()

    @work(exclusive=True, group="settings")
    async def action_print_folder(self) -> None:
        from kim_tui.screens.client_file_documents import printout_notice
        from kim_tui.screens.form import save_in_dialog
        from kim_tui.screens.text_prompt import TextPromptScreen

        if not self.is_unlocked:
            return
        folder = await save_in_dialog(
            self,
            TextPromptScreen(
                tr("Ordner für Ausdrucke", "Folder for printouts"),
                tr(
                    "Ordner, in dem PDFs vorgeschlagen werden (muss es geben):",
                    "Folder PDFs are suggested in (must exist):",
                ),
                value=self.workspace.print_folder(),
            ),
            lambda answer: self.workspace.set_print_folder(answer),
        )
        if not isinstance(folder, str):
            return
        self.printout_notice_shown = True
        self.notify(printout_notice(str(Path(folder).expanduser())), timeout=15, markup=False)

    @work(exclusive=True, group="settings")
    async def action_regime(self) -> None:
        from kim_tui.screens.privacy_settings import change_regime

        if self.is_unlocked:
            await change_regime(self)

    @work(exclusive=True, group="settings")
    async def action_retention(self) -> None:
        from kim_tui.screens.privacy_settings import change_retention

        if self.is_unlocked:
            await change_retention(self)
            if isinstance(self.screen, KimView):
                self.screen.reload()

    @work(exclusive=True, group="settings")
    async def action_receive_handover(self) -> None:
        from kim_tui.screens.client_file import ClientFileScreen
        from kim_tui.screens.handover_receive import receive_handover

        if self.is_unlocked and (client_id := await receive_handover(self)) is not None:
            self.push_screen(ClientFileScreen(client_id))

    @work(exclusive=True, group="settings")
    async def action_confirm_handover(self) -> None:
        from kim_tui.screens.handover_receive import confirm_handover

        if self.is_unlocked:
            await confirm_handover(self)
            if isinstance(self.screen, KimView):
                self.screen.reload()

    def action_export(self) -> None:
        from kim_tui.screens.export import ExportScreen

        if self.is_unlocked:
            self._go_to(ExportScreen)


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
    if not is_vault(app.directory):
        raise VaultNotFound(app.directory)
    lock = VaultLock(app.directory / LOCK_FILE)
    lock.acquire()
    app.claimed_lock = lock
    try:
        result = app.run()
    finally:
        lock.release()
    return int(result or 0) if app.return_code in (0, None) else int(app.return_code or 1)
