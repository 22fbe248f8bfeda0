"""The `kim` command (entry point `kim_tui.cli:main`).

One module per command group (`vault`, `demo`, `clients`, `sync`, `coordinator`, `tui`), the
shared helpers in `common`, the parser in `parser`. Heavy modules (store, Textual) are imported
inside the commands that need them, so `kim --help` and the first paint of the unlock screen stay
fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kim_tui.i18n import Lang

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run `kim` with `argv` (default: the process's arguments); return the exit code."""
    import sys

    from kim_tui.cli.common import run_command
    from kim_tui.cli.parser import build_parser
    from kim_tui.i18n import language, set_language

    arguments = list(sys.argv[1:] if argv is None else argv)
    # `--lang en` words the commands' own messages in English (through `tr`); the language is
    # put back afterwards, so a caller running several commands (the tests) is not affected.
    # argparse words `--help` and its choices when the parser is built, before it has parsed
    # anything: the language is therefore read from the arguments first.
    before = language()
    wanted = requested_language(arguments)
    if wanted:
        set_language(wanted)
    try:
        args = build_parser().parse_args(arguments)
        if getattr(args, "lang", None) in ("de", "en"):
            set_language(args.lang)
        return run_command(args)
    finally:
        set_language(before)


def requested_language(arguments: Sequence[str]) -> Lang | None:
    """The language `--lang de|en` (or `--lang=…`) asks for anywhere in `arguments`, else None;
    the parser still checks the option properly."""
    found: Lang | None = None
    for index, argument in enumerate(arguments):
        if argument == "--":
            break
        if argument == "--lang" and index + 1 < len(arguments):
            value = arguments[index + 1]
        elif argument.startswith("--lang="):
            value = argument.removeprefix("--lang=")
        else:
            continue
        if value == "de":
            found = "de"
        elif value == "en":
            found = "en"
    return found
