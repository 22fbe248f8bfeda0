"""Data-protection settings from the palette: the vault's regime and its retention rule.

Both are vault settings (inside the encrypted vault, audited when changed); the app's palette
actions call these dialogs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kim_tui.i18n import language, tr

if TYPE_CHECKING:
    from kim_tui.app import KimApp


async def change_regime(app: KimApp) -> None:
    """Show the current regime and let the coach choose another (written before the choice
    closes: a refusal stays under the options)."""
    from kim_tui.domain.regime import regimes
    from kim_tui.screens.choice import ChoiceScreen
    from kim_tui.screens.form import save_in_dialog

    lang = language()
    current = app.workspace.regime()
    options = [
        (r.code, ("● " if r.code == current.code else "  ") + r.label(lang)) for r in regimes()
    ]

    def choose(code: str) -> bool:
        if code == current.code:
            return False
        app.workspace.set_regime(code)
        return True

    changed = await save_in_dialog(
        app,
        ChoiceScreen(tr("Datenschutzrecht des Trägers", "Data-protection law"), options),
        choose,
    )
    if not changed:
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
    from kim_tui.screens.form import save_in_dialog
    from kim_tui.screens.text_prompt import TextPromptScreen

    lang = language()
    rule = app.workspace.retention_rule()
    source = rule.source(lang, app.workspace.regime().cite("erasure", lang))

    def not_a_number(text: str) -> tuple[str, str] | None:
        if text.isdigit():
            return None
        return (
            f"Bitte eine Zahl von {rule.min_years} bis {rule.max_years}.",
            f"Please give a number from {rule.min_years} to {rule.max_years}.",
        )

    prompt = TextPromptScreen(
        tr("Aufbewahrung abgeschlossener Fälle", "Retention of closed cases"),
        tr(
            f"Regel: {rule.label(lang)} ({source}; Bezugspunkt, keine "
            f"gesetzliche Frist). Jahre nach dem Abschlussjahr "
            f"({rule.min_years}–{rule.max_years}):",
            f"Rule: {rule.label(lang)} ({source}; a reference point, not a "
            f"statutory period). Years after the closure year "
            f"({rule.min_years}–{rule.max_years}):",
        ),
        value=str(rule.years),
        max_length=2,
        check=not_a_number,
    )

    def keep(years: str) -> None:
        # Written while the prompt is open: a number out of range (the service says which)
        # or a full disk keeps the prompt with the reason.
        app.workspace.set_retention_years(int(years))

    if await save_in_dialog(app, prompt, keep) is None:
        return
    app.notify(
        tr(
            f"Aufbewahrung: {app.workspace.retention_rule().label(lang)}; fällige Löschungen "
            "neu berechnet.",
            f"Retention: {app.workspace.retention_rule().label(lang)}; due erasures recalculated.",
        )
    )
