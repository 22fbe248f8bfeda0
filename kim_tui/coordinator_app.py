"""The coordinator's app: unlock the coordinator store, import weekly bundles, see the report.

It shares unlock, lock, idle lock, help, palette, crash output and worker errors with the coach
app through `VaultApp`; it has no coach action, and its own home screen and service object.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.binding import BindingType
from textual.screen import Screen

from kim_tui.actions import HELP_ACTION, UiAction, bindings
from kim_tui.app_base import LOCK_ACTION, QUIT_ACTION, VaultApp
from kim_tui.config import Config, load_config
from kim_tui.i18n import set_language, tr

if TYPE_CHECKING:
    from kim_tui.coordinator.service import CoordinatorService
    from kim_tui.screens.unlock import UnlockWording


COORDINATOR_ACTIONS: tuple[UiAction, ...] = (
    replace(
        LOCK_ACTION,
        help_de="Ablage sperren: Schlüssel aus dem Speicher, Bildschirm leer",
        help_en="Lock the store: key dropped, screen cleared",
    ),
    HELP_ACTION,
    QUIT_ACTION,
)


class CoordinatorApp(VaultApp["CoordinatorService"], inherit_bindings=False):
    """The coordinator's app: import, held forks and the report over the coordinator store.
    Its bindings are its own only (as before: not even Textual's defaults)."""

    TITLE = "KIM Koordinierung"
    ACTIONS: ClassVar[tuple[UiAction, ...]] = COORDINATOR_ACTIONS
    BINDINGS: ClassVar[list[BindingType]] = list(bindings(COORDINATOR_ACTIONS))

    def __init__(
        self,
        directory: Path,
        *,
        config: Config | None = None,
        session: CoordinatorService | None = None,
    ) -> None:
        super().__init__(directory, config=config, session=session)

    def new_session(self) -> CoordinatorService:
        from kim_tui.coordinator.service import CoordinatorService

        return CoordinatorService(self.directory)

    @property
    def coordinator(self) -> CoordinatorService:
        """The coordinator's service object (import, gaps, report)."""
        return self.session

    def home_screen(self) -> Screen[None]:
        from kim_tui.screens.coordinator import CoordinatorScreen

        return CoordinatorScreen()

    def unlock_wording(self) -> UnlockWording:
        from kim_tui.locations import command_line
        from kim_tui.screens.unlock import UnlockWording

        command = command_line("kim", "coordinator", "recover", "--dir", self.directory)
        return UnlockWording(
            passwd=command_line("kim", "coordinator", "passwd", "--dir", self.directory),
            title=tr("KIM Koordinierung – Ablage entsperren", "KIM Coordinator – unlock store"),
            unchanged=tr("Die Ablage wurde nicht verändert.", "The store was not changed."),
            forgot=tr(
                "Passwort vergessen? Mit dem Wiederherstellungsschlüssel, der beim Anlegen der "
                "Ablage einmal angezeigt (oder in eine Datei geschrieben) wurde (8 Gruppen à 4 "
                "Zeichen), setzen Sie ein neues Passwort: kim beenden (Strg+Q) und im "
                f"Terminal\n  {command}\neingeben; es fragt nach dem Schlüssel und dem neuen "
                "Passwort. Ohne Passwort und ohne diesen Schlüssel kann niemand die Daten lesen "
                "– auch nicht der Support.",
                "Forgot the passphrase? With the recovery key shown once (or written to a file) "
                "when the store was created (8 groups of 4 characters) you can set a new one: "
                f"quit kim (Ctrl+Q) and run in a terminal\n  {command}\nwhich asks for the "
                "key and the new passphrase. Without passphrase and recovery key nobody can "
                "read the data, not even support.",
            ),
        )


def run_coordinator_app(directory: Path, *, language: str | None = None) -> int:
    """Run the coordinator's TUI; its store's lock is taken before the first paint."""
    from kim_tui.coordinator.service import CoordinatorService
    from kim_tui.coordinator.store import KEY_FILE
    from kim_tui.store.errors import VaultNotFound

    if not (Path(directory) / KEY_FILE).is_file():
        raise VaultNotFound(directory)
    config = load_config()
    lang = language or config.language
    set_language("en" if lang == "en" else "de")
    service = CoordinatorService(directory)
    service.claim()  # before the first paint: a second process is told at once, in the terminal
    try:
        app = CoordinatorApp(directory, config=config, session=service)
        app.run()
    finally:
        service.release()
    return int(app.return_code or 0)
