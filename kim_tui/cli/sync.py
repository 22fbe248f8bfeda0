"""The coach's sync commands: identity, connect and export.

The store and the sync modules are imported inside the commands, so `kim --help` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kim_tui.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    CliError,
    SubParsers,
    add_command,
    confirm,
    read_passphrase,
    shown,
    sync_errors,
    unlocked_workspace,
    vault_dir,
)
from kim_tui.i18n import tr


def cmd_identity(args: argparse.Namespace) -> int:
    """Create (once) the coach's signing identity and write coach.pub (an audited write)."""
    from kim_tui.store.vault import Vault
    from kim_tui.sync.identity import display_fingerprint, label_problem, write_public_file

    for value, what in ((args.name, "--name"), (args.organisation, "--organisation")):
        problem = label_problem(value, what) if value is not None else None
        if problem:
            raise CliError(problem)
    out = Path(args.out).expanduser()
    if out.is_dir():
        raise CliError(
            tr(
                f"{out} ist ein Verzeichnis; bitte einen Dateinamen angeben (coach.pub).",
                f"{out} is a directory; please name a file (coach.pub).",
            )
        )
    passphrase = read_passphrase(args)
    try:
        with Vault.open(vault_dir(args), passphrase) as vault:
            pub = unlocked_workspace(vault).create_identity(args.name, args.organisation)
        write_public_file(out, pub.to_json())
    except sync_errors() as exc:
        raise CliError(str(exc)) from None
    print(tr("Identität geschrieben: ", "Identity written: ") + shown(out))
    print(
        f"  Coach: {shown(pub.name) or tr('(ohne Namen)', '(no name)')}"
        + (f", {shown(pub.organisation)}" if pub.organisation else "")
    )
    print(tr("  Fingerabdruck: ", "  Fingerprint: ") + display_fingerprint(pub.fingerprint))
    if not pub.name:
        print(
            tr(
                "  Hinweis: mit --name und --organisation benennen, damit die Koordinierung "
                "Sie erkennt.",
                "  Hint: name yourself with --name and --organisation so that the coordination "
                "recognises you.",
            )
        )
    return EXIT_OK


def cmd_connect(args: argparse.Namespace) -> int:
    """Store the coordinator's public key in the vault after showing its fingerprint (an
    audited write)."""
    from kim_tui.store.vault import Vault
    from kim_tui.sync.identity import (
        CoordinatorPublic,
        read_public_file,
    )

    source = Path(args.file).expanduser()
    try:
        pub = CoordinatorPublic.from_json(read_public_file(source), source)
    except sync_errors() as exc:
        raise CliError(str(exc)) from None
    print(
        tr("Koordinierung: ", "Coordination: ")
        + (shown(pub.name) or tr("(ohne Namen)", "(no name)"))
    )
    if not fingerprint_compared(
        args.fingerprint,
        pub.fingerprint,
        (
            "Bitte telefonisch mit der Koordinierung vergleichen.",
            "Please compare it with the coordinator by phone.",
        ),
    ):
        return EXIT_ERROR
    passphrase = read_passphrase(args)
    with Vault.open(vault_dir(args), passphrase) as vault:
        new_chain = unlocked_workspace(vault).connect_coordinator(pub)
    print(
        tr(
            "Koordinierung gespeichert; `kim export` verschlüsselt ab jetzt an diesen Schlüssel.",
            "Coordination stored; from now on `kim export` encrypts to this key.",
        )
    )
    if new_chain:
        print(
            tr(
                "  Neue Koordinierung: das nächste Paket ist Paket 1 und enthält den ganzen "
                "aktuellen Stand (die frühere Koordinierung bekommt keine Pakete mehr).",
                "  New coordination: the next bundle is bundle 1 and holds the whole current "
                "state (the former coordination gets no more bundles).",
            )
        )
    return EXIT_OK


def fingerprint_compared(given: str | None, fingerprint_hex: str, how: tuple[str, str]) -> bool:
    """Show a public key's fingerprint and have it compared before the key is stored: with
    `given` (``--fingerprint``) it must match, else `CliError`; without, the user is told `how`
    to compare (German, English) and asked. False (and "nothing stored" said) on a no."""
    from kim_tui.sync.identity import display_fingerprint

    print(tr("  Fingerabdruck: ", "  Fingerprint: ") + display_fingerprint(fingerprint_hex))
    if given:
        if not fingerprint_matches(given, fingerprint_hex):
            raise CliError(
                tr(
                    "Der Fingerabdruck stimmt nicht überein; nichts gespeichert.",
                    "The fingerprint does not match; nothing stored.",
                )
            )
        print(tr("  Stimmt mit dem angegebenen Fingerabdruck überein.", "  Matches the one given."))
        return True
    print("  " + tr(*how))
    if confirm(tr("Stimmt der Fingerabdruck?", "Does the fingerprint match?")):
        return True
    print(tr("Nichts gespeichert.", "Nothing stored."))
    return False


def fingerprint_matches(given: str, fingerprint_hex: str) -> bool:
    """True if `given` is the fingerprint in either form: as read out (``ABCD-EFGH-…``) or the
    64 hex digits written in coordinator.pub; case, spaces, colons and dashes do not matter."""
    from kim_tui.sync.identity import display_fingerprint

    typed = "".join(ch for ch in given if ch not in " \t:-").upper()
    return typed in (
        display_fingerprint(fingerprint_hex).replace("-", ""),
        fingerprint_hex.upper(),
    )


def cmd_export(args: argparse.Namespace) -> int:
    """Write the next weekly bundle (or re-create an earlier one with --resend)."""
    from kim_tui.store.vault import Vault
    from kim_tui.sync.exporter import export_bundle, make_target_folder

    passphrase = read_passphrase(args)
    out = Path(args.out).expanduser()
    try:
        with Vault.open(vault_dir(args), passphrase) as vault:
            workspace = unlocked_workspace(vault)  # an ended stand-in's copy goes first
            workspace.check_export_ready()  # no empty folder left behind for a refusal
            if make_target_folder(out):
                print(
                    tr("Zielverzeichnis angelegt: ", "Target directory created: ") + shown(str(out))
                )
            result = export_bundle(
                vault, out, week=args.week, resend=args.resend, progress=_progress
            )
    except sync_errors() as exc:
        raise CliError(str(exc)) from None
    h = result.header
    total = sum(h.counts.values())
    if result.repaired is not None:
        print(
            tr(
                "Das vorige Paket war nicht fertig geschrieben (Abbruch oder volle Platte) und "
                "wurde neu erstellt: ",
                "The previous bundle was not completely written (cancelled or disk full) and "
                "was made again: ",
            )
            + shown(result.repaired)
        )
    path = shown(result.path)
    if result.resent:
        print(
            tr(
                f"Paket {h.seq} ({h.week}) erneut erstellt: {path}",
                f"Bundle {h.seq} ({h.week}) made again: {path}",
            )
        )
    else:
        print(
            tr(
                f"Paket {h.seq} ({h.week}) erstellt: {path}",
                f"Bundle {h.seq} ({h.week}) made: {path}",
            )
        )
    if h.rev_upto > h.rev_after:
        first, last = h.rev_after + 1, h.rev_upto
        print(
            tr(
                f"  {total} Datensätze, Revisionen {first}–{last}",
                f"  {total} records, revisions {first}–{last}",
            )
        )
    else:
        print(
            tr(
                "  keine Änderungen seit dem letzten Paket",
                "  no changes since the last bundle",
            )
        )
    return EXIT_OK


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty() and total:
        end = "\n" if done == total else ""
        print(
            "\r  " + tr(f"{done}/{total} Datensätze", f"{done}/{total} records"),
            end=end,
            file=sys.stderr,
        )


# -- parser ------------------------------------------------------------------------------------


def add_identity(sub: SubParsers) -> None:
    """Add `kim identity`."""
    p = add_command(
        sub,
        "identity",
        cmd_identity,
        tr(
            "Eigene Identität für die Wochenpakete ausgeben",
            "Write your own identity for the weekly bundles",
        ),
    )
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument("--out", metavar="coach.pub", required=True)
    p.add_argument("--name", metavar="N", help=tr("Name der Coach", "the coach's name"))
    p.add_argument(
        "--organisation", metavar="O", help=tr("Träger / Organisation", "provider / organisation")
    )


def add_connect(sub: SubParsers) -> None:
    """Add `kim connect`."""
    p = add_command(
        sub,
        "connect",
        cmd_connect,
        tr(
            "Koordinierung (coordinator.pub) verbinden",
            "Connect the coordination (coordinator.pub)",
        ),
    )
    p.add_argument("file", metavar="coordinator.pub")
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument(
        "--fingerprint",
        metavar="FP",
        help=tr(
            "erwarteter Fingerabdruck (statt Rückfrage): ABCD-EFGH-… oder die 64 Hex-Ziffern",
            "expected fingerprint (instead of asking): ABCD-EFGH-… or the 64 hex digits",
        ),
    )


def add_export(sub: SubParsers) -> None:
    """Add `kim export`."""
    p = add_command(
        sub,
        "export",
        cmd_export,
        tr(
            "Wochenpaket für die Koordinierung schreiben",
            "Write the weekly bundle for the coordination",
        ),
    )
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument("--out", metavar="OUTDIR", required=True)
    p.add_argument(
        "--week",
        metavar="2026-W48",
        help=tr("Kalenderwoche (Standard: aktuelle)", "calendar week (default: the current one)"),
    )
    p.add_argument(
        "--resend",
        metavar="SEQ",
        type=int,
        help=tr("früheres Paket neu erstellen", "make an earlier bundle again"),
    )
