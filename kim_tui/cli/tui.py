"""`kim` without a command: open the vault in the terminal UI.

Textual is imported only when the UI really starts, so `kim --help` stays fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kim_tui.cli.common import CliError, vault_dir
from kim_tui.i18n import tr


def cmd_tui(args: argparse.Namespace) -> int:
    """Open the vault (from `--vault` or the default place) in the UI."""
    from kim_tui.store.layout import is_vault

    directory = vault_dir(args)
    if not is_vault(directory):
        flag = f" --vault {directory}" if getattr(args, "vault", None) else ""
        raise CliError(
            tr(
                f"Kein Tresor in {directory}. Neu anlegen mit `kim init`{flag}, oder `kim demo` "
                "zum Ausprobieren.",
                f"No vault in {directory}. Create one with `kim init`{flag}, or try `kim demo`.",
            )
        )
    return launch(directory, args)


def launch(directory: Path, args: argparse.Namespace) -> int:
    """Run the coach's app on the vault in `directory`, in the language from `--lang`."""
    from kim_tui.app import run_app

    return run_app(directory, language=getattr(args, "lang", None))
