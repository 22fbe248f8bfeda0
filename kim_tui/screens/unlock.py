"""Unlock screen: the first screen, and the lock screen that covers everything when locked.

It shows nothing personal. Argon2id runs in a worker thread; a wrong passphrase gives an inline
message, and from the fourth wrong try on each further one doubles a waiting time. The
passphrase is typed into a `PassphraseInput` (UTF-8 in a zeroed buffer, never a `str`) and the
buffer is wiped as soon as the key derivation is done. After an unlock that found failed
attempts since the last one, a notification says how many and since when.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from kim_tui.actions import UiAction, bindings
from kim_tui.i18n import language, tr
from kim_tui.locations import command_line
from kim_tui.widgets.passphrase_input import PassphraseInput

if TYPE_CHECKING:
    from textual import getters

    from kim_tui.app_base import StoreSession, VaultApp

FREE_TRIES = 3
MAX_DELAY_SECONDS = 300


@dataclass(frozen=True)
class UnlockWording:
    """What the unlock screen calls the app and what it unlocks. The app provides it
    (`VaultApp.unlock_wording`), so the coordinator app says "Ablage" and names its own
    recovery command on the same screen."""

    title: str
    unchanged: str
    """Said after a wrong passphrase: nothing was written."""
    forgot: str
    """F2: how to set a new passphrase with the recovery key."""
    passwd: str = "kim passwd"
    """The command that changes this store's passphrase (named after failed unlocks)."""


def coach_wording(directory: Path) -> UnlockWording:
    """The coach app's wording (vault, `kim recover` for the vault in `directory`)."""
    command = command_line("kim", "recover", "--vault", directory)
    return UnlockWording(
        passwd=command_line("kim", "passwd", "--vault", directory),
        title=tr("KIM Coach – Tresor entsperren", "KIM Coach – unlock vault"),
        unchanged=tr("Der Tresor wurde nicht verändert.", "The vault was not changed."),
        forgot=tr(
            "Passwort vergessen? Mit dem Wiederherstellungsschlüssel, der beim Anlegen des "
            "Tresors einmal angezeigt wurde (8 Gruppen à 4 Zeichen), setzen Sie ein neues "
            "Passwort: kim beenden (Strg+Q) und im Terminal\n"
            f"  {command}\n"
            "eingeben; es fragt nach dem Schlüssel und dem neuen Passwort. Ohne Passwort und "
            "ohne diesen Schlüssel kann niemand die Daten lesen – auch nicht der Support.",
            "Forgot the passphrase? With the recovery key shown once when the vault was "
            "created (8 groups of 4 characters) you can set a new one: quit kim (Ctrl+Q) and "
            "run in a terminal\n"
            f"  {command}\n"
            "which asks for the key and the new passphrase. Without passphrase and recovery "
            "key nobody can read the data, not even support.",
        ),
    )


def delay_after(failures: int) -> float:
    """Seconds to wait after `failures` consecutive wrong passphrases (0 for the first three)."""
    if failures <= FREE_TRIES:
        return 0.0
    return float(min(2 ** (failures - FREE_TRIES), MAX_DELAY_SECONDS))


class UnlockScreen(Screen[bool]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = (
        UiAction(
            "unlock.forgot",
            "f2",
            "forgot",
            "Passwort vergessen?",
            "Forgot passphrase?",
            "Erklärt den Wiederherstellungsschlüssel",
            "Explains the recovery key",
        ),
        UiAction("unlock.quit", "ctrl+q", "app.quit", "Beenden", "Quit", palette=False),
    )
    BINDINGS = bindings(ACTIONS)
    HELP_TEXT: ClassVar[tuple[str, str]] = (
        "Passwort eingeben und Enter drücken. Die Daten bleiben bis dahin verschlüsselt.",
        "Type the passphrase and press Enter. The data stays encrypted until then.",
    )
    wording: UnlockWording
    """Title and texts naming what is unlocked: the app's (`VaultApp.unlock_wording`)."""

    if TYPE_CHECKING:
        # Either app (coach or coordinator); typed for mypy only, since the apps sit above the
        # screens (they import them, never the other way round).
        app: getters.app[VaultApp[StoreSession]] = getters.app(VaultApp)

    def __init__(self, *, first: bool) -> None:
        super().__init__()
        self.first = first

    def compose(self) -> ComposeResult:
        self.wording = self.app.unlock_wording()
        with Vertical(id="unlock-box"):
            yield Static(self.wording.title, classes="title")
            yield Static(
                tr(
                    "Gesperrt. Ungespeicherte Eingaben bleiben erhalten.",
                    "Locked. Unsaved input is kept.",
                )
                if not self.first
                else tr("Alle Daten sind verschlüsselt.", "All data is encrypted."),
                classes="muted",
            )
            yield PassphraseInput(placeholder=tr("Passwort", "Passphrase"), id="passphrase")
            yield Static("", id="unlock-error")
            yield Static(
                tr(
                    "F2: Passwort vergessen?   Strg+Q: Beenden",
                    "F2: forgot passphrase?   Ctrl+Q: quit",
                ),
                classes="muted",
            )
            yield Static("", id="unlock-help", classes="hidden")

    def on_mount(self) -> None:
        self.query_one("#passphrase", PassphraseInput).focus()
        self._tick_delay()

    @on(PassphraseInput.Submitted, "#passphrase")
    def submit(self, event: PassphraseInput.Submitted) -> None:
        secret = event.secret
        if time.monotonic() < self.app.locked_until or not secret:
            secret[:] = bytes(len(secret))
            if not secret:
                self._error(tr("Bitte das Passwort eingeben.", "Please type the passphrase."))
            return
        field = self.query_one("#passphrase", PassphraseInput)
        field.disabled = True
        self._error(tr("Entsperre …", "Unlocking …"), error=False)
        self._unlock(secret)

    @staticmethod
    def _upgrading() -> str:
        return tr(
            "Entsperre … und stelle die Daten einmalig auf diese kim-Version um (bei großen "
            "Beständen bis zu einer Minute).",
            "Unlocking … and bringing the data up to this kim version, once (up to a minute for "
            "a large store).",
        )

    # A fixed description: Textual's default is the call with its arguments' repr, which would
    # put the passphrase into a str.
    @work(thread=True, exclusive=True, group="unlock", exit_on_error=False, description="unlock")
    def _unlock(self, secret: bytearray) -> None:
        from kim_tui.store.errors import VaultError, WrongPassphrase

        def tell() -> None:
            self.app.call_from_thread(self._error, self._upgrading(), error=False)

        try:
            self.app.session.unlock(secret, tell)
        except WrongPassphrase:
            self.app.call_from_thread(self._wrong)
        except VaultError as exc:
            self.app.call_from_thread(self._failed, str(exc))
        except Exception as exc:  # noqa: BLE001 - the screen must never stay at "Entsperre …"
            check = self.app.check_command()
            # Only the kind of error: a message could quote data.
            message = tr(
                f"Entsperren fehlgeschlagen ({type(exc).__name__}). Es wurde nichts geöffnet.",
                f"Unlocking failed ({type(exc).__name__}). Nothing was opened.",
            )
            if check:
                message += tr(
                    f" Bitte kim beenden und `{check}` ausführen.",
                    f" Please quit kim and run `{check}`.",
                )
            self.app.call_from_thread(self._failed, message)
        else:
            self.app.call_from_thread(self._unlocked)
        finally:
            secret[:] = bytes(len(secret))

    def _unlocked(self) -> None:
        self.app.failed_unlocks = 0
        failures = self.app.session.failed_unlocks
        if failures is not None:
            # Shown on whatever screen comes next; the store has audited and reset them.
            passwd = self.app.unlock_wording().passwd
            self.app.notify(
                failures.message(language())
                + tr(
                    f". Waren das nicht Sie, bitte das Passwort ändern ({passwd}).",
                    f". If that was not you, please change the passphrase ({passwd}).",
                ),
                title=tr("Fehlversuche", "Failed attempts"),
                severity="warning",
                timeout=30,
                markup=False,
            )
        self.app.after_unlock()
        if self.first:
            # Replace this screen by the home screen in one step: no blank frame in between.
            self.app.unlocked_once = True
            self.app.switch_screen(self.app.home_screen())
        else:
            self.dismiss(True)

    def _wrong(self) -> None:
        app = self.app
        app.failed_unlocks += 1
        delay = delay_after(app.failed_unlocks)
        app.locked_until = time.monotonic() + delay
        field = self.query_one("#passphrase", PassphraseInput)
        field.clear()
        self._error(tr("Falsches Passwort. ", "Wrong passphrase. ") + self.wording.unchanged)
        if delay:
            self._tick_delay()
        else:
            field.disabled = False
            field.focus()

    def _failed(self, message: str) -> None:
        field = self.query_one("#passphrase", PassphraseInput)
        field.disabled = False
        field.clear()
        field.focus()
        self._error(message)

    def _tick_delay(self) -> None:
        remaining = self.app.locked_until - time.monotonic()
        field = self.query_one("#passphrase", PassphraseInput)
        if remaining > 0:
            field.disabled = True
            self._error(
                tr(
                    f"Falsches Passwort. Nächster Versuch in {int(remaining) + 1} s.",
                    f"Wrong passphrase. Next try in {int(remaining) + 1} s.",
                )
            )
            self.set_timer(min(1.0, remaining), self._tick_delay)
        elif field.disabled and self.app.failed_unlocks:
            field.disabled = False
            field.focus()
            self._error(tr("Bitte erneut versuchen.", "Please try again."), error=False)

    def _error(self, message: str, *, error: bool = True) -> None:
        label = self.query_one("#unlock-error", Static)
        label.update(message)
        label.set_class(not error, "muted")

    def action_forgot(self) -> None:
        help_box = self.query_one("#unlock-help", Static)
        help_box.update(self.wording.forgot)
        help_box.remove_class("hidden")
