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
        raise CliError(f"{out} ist ein Verzeichnis; bitte einen Dateinamen angeben (coach.pub).")
    passphrase = read_passphrase(args)
    try:
        with Vault.open(vault_dir(args), passphrase) as vault:
            pub = unlocked_workspace(vault).create_identity(args.name, args.organisation)
        write_public_file(out, pub.to_json())
    except sync_errors() as exc:
        raise CliError(str(exc)) from None
    print(f"Identität geschrieben: {shown(out)}")
    print(
        f"  Coach: {shown(pub.name) or '(ohne Namen)'}"
        + (f", {shown(pub.organisation)}" if pub.organisation else "")
    )
    print(f"  Fingerabdruck: {display_fingerprint(pub.fingerprint)}")
    if not pub.name:
        print(
            "  Hinweis: mit --name und --organisation benennen, damit die Koordinierung "
            "Sie erkennt."
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
    print(f"Koordinierung: {shown(pub.name) or '(ohne Namen)'}")
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
    print("Koordinierung gespeichert; `kim export` verschlüsselt ab jetzt an diesen Schlüssel.")
    if new_chain:
        print(
            "  Neue Koordinierung: das nächste Paket ist Paket 1 und enthält den ganzen "
            "aktuellen Stand (die frühere Koordinierung bekommt keine Pakete mehr)."
        )
    return EXIT_OK


def fingerprint_compared(given: str | None, fingerprint_hex: str, how: tuple[str, str]) -> bool:
    """Show a public key's fingerprint and have it compared before the key is stored: with
    `given` (``--fingerprint``) it must match, else `CliError`; without, the user is told `how`
    to compare (German, English) and asked. False (and "nothing stored" said) on a no."""
    from kim_tui.i18n import tr
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
    from kim_tui.sync.exporter import export_bundle

    passphrase = read_passphrase(args)
    out = Path(args.out).expanduser()
    try:
        with Vault.open(vault_dir(args), passphrase) as vault:
            _make_out_dir(out)
            result = export_bundle(
                vault, out, week=args.week, resend=args.resend, progress=_progress
            )
    except sync_errors() as exc:
        raise CliError(str(exc)) from None
    h = result.header
    total = sum(h.counts.values())
    if result.repaired is not None:
        print(
            "Das vorige Paket war nicht fertig geschrieben (Abbruch oder volle Platte) und "
            f"wurde neu erstellt: {shown(result.repaired)}"
        )
    verb = "erneut erstellt" if result.resent else "erstellt"
    print(f"Paket {h.seq} ({h.week}) {verb}: {shown(result.path)}")
    if h.rev_upto > h.rev_after:
        print(f"  {total} Datensätze, Revisionen {h.rev_after + 1}–{h.rev_upto}")
    else:
        print("  keine Änderungen seit dem letzten Paket")
    return EXIT_OK


def _make_out_dir(out: Path) -> None:
    """Create the target folder of `kim export` (and missing parents), only its owner may read:
    bundles are encrypted, but who sent how many when is nobody else's business."""
    if out.is_dir():
        return
    if out.exists():
        raise CliError(f"{shown(str(out))} ist kein Ordner; bitte einen Ordner mit --out angeben.")
    missing = [out, *(p for p in out.parents if not p.exists())]
    try:
        for folder in reversed(missing):
            if not folder.exists():
                folder.mkdir(mode=0o700)
    except OSError as exc:
        raise CliError(
            f"Zielverzeichnis {shown(str(out))} lässt sich nicht anlegen ({exc.strerror}); "
            "bitte einen anderen Ordner mit --out angeben."
        ) from None
    print(f"Zielverzeichnis angelegt: {shown(str(out))}")


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty() and total:
        end = "\n" if done == total else ""
        print(f"\r  {done}/{total} Datensätze", end=end, file=sys.stderr)


# -- parser ------------------------------------------------------------------------------------


def add_identity(sub: SubParsers) -> None:
    """Add `kim identity`."""
    p = add_command(sub, "identity", cmd_identity, "Eigene Identität für die Wochenpakete ausgeben")
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument("--out", metavar="coach.pub", required=True)
    p.add_argument("--name", metavar="N", help="Name der Coach")
    p.add_argument("--organisation", metavar="O", help="Träger / Organisation")


def add_connect(sub: SubParsers) -> None:
    """Add `kim connect`."""
    p = add_command(sub, "connect", cmd_connect, "Koordinierung (coordinator.pub) verbinden")
    p.add_argument("file", metavar="coordinator.pub")
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument(
        "--fingerprint",
        metavar="FP",
        help="erwarteter Fingerabdruck (statt Rückfrage): ABCD-EFGH-… oder die 64 Hex-Ziffern",
    )


def add_export(sub: SubParsers) -> None:
    """Add `kim export`."""
    p = add_command(sub, "export", cmd_export, "Wochenpaket für die Koordinierung schreiben")
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument("--out", metavar="OUTDIR", required=True)
    p.add_argument("--week", metavar="2026-W48", help="Kalenderwoche (Standard: aktuelle)")
    p.add_argument("--resend", metavar="SEQ", type=int, help="früheres Paket neu erstellen")
