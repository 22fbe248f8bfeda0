"""The `kim` command (entry point `kim_tui.cli:main`).

One module per command group (`vault`, `demo`, `clients`, `sync`, `coordinator`, `tui`), the
shared helpers in `common`, the parser in `parser`. Heavy modules (store, Textual) are imported
inside the commands that need them, so `kim --help` and the first paint of the unlock screen stay
fast.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run `kim` with `argv` (default: the process's arguments); return the exit code."""
    from kim_tui.cli.common import run_command
    from kim_tui.cli.parser import build_parser
    from kim_tui.i18n import language, set_language

    args = build_parser().parse_args(argv)
    # `--lang en` words the commands' own messages in English (through `tr`); the language is
    # put back afterwards, so a caller running several commands (the tests) is not affected.
    before = language()
    if getattr(args, "lang", None) in ("de", "en"):
        set_language(args.lang)
    try:
        return run_command(args)
    finally:
        set_language(before)
