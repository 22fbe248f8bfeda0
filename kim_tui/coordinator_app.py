"""The coordinator's app: unlock the coordinator store, import weekly bundles, see the report.

It reuses the coach app's unlock, lock, help and crash handling; only its home screen and its
service object differ.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.screen import Screen

from kim_tui.actions import UiAction, bindings
from kim_tui.app import APP_ACTIONS, KimApp
from kim_tui.config import load_config
from kim_tui.i18n import set_language, tr

if TYPE_CHECKING:
    from kim_tui.coordinator.service import CoordinatorService
    from kim_tui.screens.unlock import UnlockWording


def _coordinator_action(action: UiAction) -> UiAction:
    """The coach app's action, worded for the coordinator where it names the vault."""
    if action.id == "app.lock":
        return replace(
            action,
            help_de="Ablage sperren: Schlüssel aus dem Speicher, Bildschirm leer",
            help_en="Lock the store: key dropped, screen cleared",
        )
    return action


COORDINATOR_ACTIONS: tuple[UiAction, ...] = tuple(
    _coordinator_action(a) for a in APP_ACTIONS if a.id in ("app.lock", "app.help", "app.quit")
)


class CoordinatorApp(KimApp, inherit_bindings=False):
    TITLE = "KIM Koordinierung"
    ACTIONS: ClassVar[tuple[UiAction, ...]] = COORDINATOR_ACTIONS
    BINDINGS = bindings(COORDINATOR_ACTIONS)

    @property
    def coordinator(self) -> CoordinatorService:
        """The coordinator's service object (import, gaps, report)."""
        return self.session  # type: ignore[return-value]

    def home_screen(self) -> Screen[None]:
        from kim_tui.screens.coordinator import CoordinatorScreen

        return CoordinatorScreen()

    def unlock_wording(self) -> UnlockWording:
        from kim_tui.screens.unlock import UnlockWording

        # The command is longer than the unlock box is wide: continued with a backslash, so it
        # does not wrap in the middle and still pastes into a shell as one command.
        return UnlockWording(
            title=tr("KIM Koordinierung – Ablage entsperren", "KIM Coordinator – unlock store"),
            unchanged=tr("Die Ablage wurde nicht verändert.", "The store was not changed."),
            forgot=tr(
                "Passwort vergessen? Mit dem Wiederherstellungsschlüssel, der beim Anlegen der "
                "Ablage einmal angezeigt (oder in eine Datei geschrieben) wurde (8 Gruppen à 4 "
                "Zeichen), setzen Sie ein neues Passwort:\n"
                "  kim coordinator recover --dir <Ablage> \\\n      --recovery-key-file <Datei>\n"
                "Ohne Passwort und ohne diesen Schlüssel kann niemand die Daten lesen – auch nicht "
                "der Support.",
                "Forgot the passphrase? With the recovery key shown once (or written to a file) "
                "when the store was created (8 groups of 4 characters) you can set a new one:\n"
                "  kim coordinator recover --dir <store> \\\n      --recovery-key-file <file>\n"
                "Without passphrase and recovery key nobody can read the data, not even support.",
            ),
        )

    def _preload_store(self) -> None:  # type: ignore[override]
        # Nothing to warm up beyond what the coordinator service imports itself.
        return


def run_coordinator_app(directory: Path, *, language: str | None = None) -> int:
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
        app = CoordinatorApp(directory, config=config, session=service)  # type: ignore[arg-type]
        app.run()
    finally:
        service.release()
    return int(app.return_code or 0)
