"""The argument parser of every `kim` command, worded in the UI language.

argparse writes its own words ("usage:", "options:", "show this help message and exit", its
error messages) in English whatever the language; a German `kim --help` would mix the two.
Its subparsers are made from the parent's class, so every command and sub-command gets these.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from typing import Any, NoReturn

from kim_tui.i18n import language, tr

_GERMAN_ERRORS = (
    ("the following arguments are required: ", "diese Angaben fehlen: "),
    ("one of the arguments ", "eine dieser Angaben fehlt: "),
    (" is required", ""),
    ("unrecognized arguments: ", "unbekannte Angaben: "),
    ("invalid choice: ", "ungültige Wahl: "),
    ("(choose from ", "(möglich: "),
    ("expected one argument", "erwartet einen Wert"),
    ("not allowed with argument ", "nicht zusammen mit "),
    ("ambiguous option: ", "mehrdeutige Option: "),
    (" could match ", " passt zu "),
    ("argument ", "Angabe "),
)
"""argparse's English error phrases and their German wording, applied in this order."""


class KimHelpFormatter(argparse.HelpFormatter):
    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(
            usage, actions, groups, tr("Aufruf: ", "usage: ") if prefix is None else prefix
        )


class KimArgumentParser(argparse.ArgumentParser):
    """An `ArgumentParser` whose headings, `-h` and error lines follow the UI language."""

    def __init__(self, prog: str | None = None, *, add_help: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", KimHelpFormatter)
        super().__init__(prog, add_help=False, **kwargs)
        self._positionals.title = tr("Argumente", "positional arguments")
        self._optionals.title = tr("Optionen", "options")
        if add_help:
            self.add_argument(
                "-h",
                "--help",
                action="help",
                default=argparse.SUPPRESS,
                help=tr("diese Hilfe zeigen und beenden", "show this help message and exit"),
            )

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        # Every command that needs the passphrase takes it from a file the same way; its help
        # is said once here, so no command lists the option without one.
        if "--passphrase-file" in args and not kwargs.get("help"):
            kwargs["help"] = tr(
                "Datei mit dem Passwort (sonst wird im Terminal gefragt)",
                "file holding the passphrase (else it is asked for at the terminal)",
            )
        return super().add_argument(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        if language() == "de":
            for english, german in _GERMAN_ERRORS:
                message = message.replace(english, german)
        self.print_usage(sys.stderr)
        self.exit(2, tr(f"{self.prog}: Fehler: {message}\n", f"{self.prog}: error: {message}\n"))
