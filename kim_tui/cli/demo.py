"""`kim demo`: a vault with synthetic cases, opened at once (or kept with --vault/--no-ui)."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from kim_tui.cli.common import (
    EXIT_OK,
    CliError,
    SubParsers,
    add_command,
    read_secret_file,
    shown,
    vault_dir,
)
from kim_tui.cli.tui import launch
from kim_tui.i18n import tr


def cmd_demo(args: argparse.Namespace) -> int:
    """Create a demo vault with `--clients` synthetic cases and open it."""
    from kim_tui.demo import DEMO_PASSPHRASE
    from kim_tui.service.demo_seed import seed_demo
    from kim_tui.service.workspace import Workspace
    from kim_tui.store.vault import Vault

    if args.clients < 0:
        raise CliError(tr("--clients muss 0 oder größer sein.", "--clients must be 0 or more."))
    throwaway = not args.vault
    directory = (
        Path(tempfile.mkdtemp(prefix="kim-demo-")) / "vault" if throwaway else vault_dir(args)
    )
    passphrase = read_secret_file(args.passphrase_file) if args.passphrase_file else DEMO_PASSPHRASE
    try:
        vault, _recovery = Vault.create(directory, passphrase)
        workspace = Workspace(vault)
        print(tr("Demo-Tresor: ", "Demo vault: ") + shown(directory))
        members = seed_demo(
            workspace, count=args.clients, seed=args.seed, progress=_progress_printer()
        )
        workspace.close()
        if members:
            print(
                "  "
                + tr(
                    f"dazu {members} Haushaltsmitglieder mit eigener Akte",
                    f"and {members} household members with a file of their own",
                ),
                file=sys.stderr,
            )
        if not args.passphrase_file:
            print(tr("Demo-Passwort: ", "Demo passphrase: ") + DEMO_PASSPHRASE)
        if args.no_ui:
            return EXIT_OK
        return launch(directory, args)
    finally:
        if throwaway and not args.no_ui:
            shutil.rmtree(directory.parent, ignore_errors=True)


def _progress_printer() -> Callable[[int, int], None]:
    interactive = sys.stderr.isatty()

    def report(done: int, total: int) -> None:
        if interactive:
            line = tr(f"{done}/{total} Klient*innen angelegt", f"{done}/{total} clients created")
            print(f"\r  {line}", end="", file=sys.stderr)
            if done == total:
                print(file=sys.stderr)
        elif done == total:
            print(
                "  " + tr(f"{done} Klient*innen angelegt", f"{done} clients created"),
                file=sys.stderr,
            )

    return report


def add_demo(sub: SubParsers) -> None:
    """Add `kim demo`."""
    p = add_command(
        sub,
        "demo",
        cmd_demo,
        tr(
            "Demo-Tresor mit synthetischen Fällen anlegen und öffnen",
            "Create a demo vault with synthetic cases and open it",
        ),
    )
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument("--clients", type=int, default=60, metavar="N")
    p.add_argument("--seed", type=int, default=1, metavar="S")
    p.add_argument(
        "--no-ui",
        action="store_true",
        help=tr("nur anlegen, nicht öffnen", "only create, do not open"),
    )
    p.add_argument("--lang", choices=["de", "en"], default=argparse.SUPPRESS)
