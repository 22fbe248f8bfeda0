"""Data-protection settings from the palette: the vault's regime and its retention rule.

Both are vault settings (inside the encrypted vault, audited when changed); the app's palette
actions call these dialogs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kim_tui.i18n import language, tr

if TYPE_CHECKING:
    from kim_tui.app import KimApp


async def change_regime(app: KimApp) -> None:
    """Show the current regime and let the coach choose another."""
    from kim_tui.domain.regime import regimes
    from kim_tui.screens.choice import ChoiceScreen
    from kim_tui.store.errors import VaultError

    lang = language()
    current = app.workspace.regime()
    options = [
        (r.code, ("● " if r.code == current.code else "  ") + r.label(lang)) for r in regimes()
    ]
    code = await app.push_screen_wait(
        ChoiceScreen(tr("Datenschutzrecht des Trägers", "Data-protection law"), options)
    )
    if code is None or code == current.code:
        return
    try:
        app.workspace.set_regime(code)
    except VaultError as exc:
        app.notify(str(exc), severity="error")
        return
    chosen = app.workspace.regime()
    app.notify(
        tr(
            f"Datenschutzrecht: {chosen.label(lang)} (Löschung: {chosen.cite('erasure', lang)}).",
            f"Data-protection law: {chosen.label(lang)} (erasure: {chosen.cite('erasure', lang)}).",
        )
    )


async def change_retention(app: KimApp) -> None:
    """Show the retention rule and let the coach change its number of years."""
    from kim_tui.screens.text_prompt import TextPromptScreen
    from kim_tui.store.errors import VaultError

    lang = language()
    rule = app.workspace.retention_rule()
    answer = await app.push_screen_wait(
        TextPromptScreen(
            tr("Aufbewahrung abgeschlossener Fälle", "Retention of closed cases"),
            tr(
                f"Regel: {rule.label(lang)} ({rule.source(lang)}; Bezugspunkt, keine "
                f"gesetzliche Frist). Jahre nach dem Abschlussjahr "
                f"({rule.min_years}–{rule.max_years}):",
                f"Rule: {rule.label(lang)} ({rule.source(lang)}; a reference point, not a "
                f"statutory period). Years after the closure year "
                f"({rule.min_years}–{rule.max_years}):",
            ),
            value=str(rule.years),
            max_length=2,
        )
    )
    if answer is None:
        return
    if not answer.isdigit():
        app.notify(
            tr(
                f"Bitte eine Zahl von {rule.min_years} bis {rule.max_years}.",
                f"Please a number from {rule.min_years} to {rule.max_years}.",
            ),
            severity="error",
        )
        return
    try:
        app.workspace.set_retention_years(int(answer))
    except VaultError as exc:
        app.notify(str(exc), severity="error")
        return
    app.notify(
        tr(
            f"Aufbewahrung: {app.workspace.retention_rule().label(lang)}; fällige Löschungen "
            "neu berechnet.",
            f"Retention: {app.workspace.retention_rule().label(lang)}; due erasures recalculated.",
        )
    )
