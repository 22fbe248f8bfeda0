"""`kim coordinator enroll`: admit a coach's public key, rename or re-admit it, or revoke it;
each outcome is said as it is (nothing changed, renamed, admitted again)."""

from __future__ import annotations

import argparse
from pathlib import Path

from kim_tui.cli.common import EXIT_OK, CliError, read_passphrase, shown, sync_errors
from kim_tui.i18n import tr


def cmd_coordinator_enroll(args: argparse.Namespace) -> int:
    """Register a coach's public key (or revoke it with --revoke)."""
    from kim_tui.coordinator.store import CoordinatorStore
    from kim_tui.sync.identity import CoachPublic, read_public_file

    source = Path(args.file).expanduser()
    try:
        pub = CoachPublic.from_json(read_public_file(source), source)
    except sync_errors() as exc:
        raise CliError(str(exc)) from None
    passphrase = read_passphrase(args)
    label = f"{shown(pub.name) or tr('(ohne Namen)', '(no name)')}" + (
        f", {shown(pub.organisation)}" if pub.organisation else ""
    )
    with CoordinatorStore.open(Path(args.dir).expanduser(), passphrase) as store:
        before = next((c for c in store.coaches() if c.fingerprint == pub.fingerprint), None)
        if args.revoke:
            if before is not None and before.revoked_at is not None:
                print(
                    tr(
                        f"Coach {label} ist bereits widerrufen; nichts geändert.",
                        f"Coach {label} is revoked already; nothing changed.",
                    )
                )
                return EXIT_OK
            if store.revoke(pub.fingerprint) is None:
                raise CliError(
                    tr(
                        f"Coach {label} ist nicht eingeschrieben.",
                        f"Coach {label} is not enrolled.",
                    )
                )
            print(
                tr(
                    f"Coach {label} widerrufen: weitere Pakete werden abgelehnt.",
                    f"Coach {label} revoked: further bundles will be rejected.",
                )
            )
            return EXIT_OK
        store.enroll(pub)
    if before is None:
        print(tr("Coach eingeschrieben: ", "Coach enrolled: ") + label)
        _print_fingerprint(pub.fingerprint)
        return EXIT_OK
    if before.revoked_at is not None:
        print(tr("Coach wieder zugelassen: ", "Coach admitted again: ") + label)
    if (before.name, before.organisation) != (pub.name, pub.organisation):
        # The same key under another name: reports name the coach anew from now on.
        old = f"{shown(before.name) or tr('(ohne Namen)', '(no name)')}" + (
            f", {shown(before.organisation)}" if before.organisation else ""
        )
        print(
            tr(
                f"Coach umbenannt (derselbe Schlüssel): {old} → {label}",
                f"Coach renamed (the same key): {old} → {label}",
            )
        )
    elif before.revoked_at is None:
        print(
            tr(
                f"Coach {label} ist bereits eingeschrieben; nichts geändert.",
                f"Coach {label} is enrolled already; nothing changed.",
            )
        )
    _print_fingerprint(pub.fingerprint)
    return EXIT_OK


def _print_fingerprint(fingerprint: str) -> None:
    from kim_tui.sync.identity import display_fingerprint

    print(
        tr("  Fingerabdruck: ", "  Fingerprint: ")
        + display_fingerprint(fingerprint)
        + tr(" (bitte mit dem Coach vergleichen)", " (please compare it with the coach)")
    )
