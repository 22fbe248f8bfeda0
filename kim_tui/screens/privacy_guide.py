"""Where a client's data-protection rights are handled, found from anywhere in the palette.

Subject access, restriction and erasure are actions of the client file (x, E, L). A coach who
gets such a request looks for it by its name ("Auskunft", "Löschen", "Datenschutz") in the
palette, usually from the follow-up list, where those words found nothing or only "delete a
follow-up". This palette entry says where they are, with the articles of the regime the vault
works under.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from kim_tui.actions import UiAction
from kim_tui.i18n import language, tr

if TYPE_CHECKING:
    from kim_tui.app import KimApp
    from kim_tui.domain.regime import Regime

PRIVACY_GUIDE_ACTION = UiAction(
    "app.privacy_guide",
    "",
    "privacy_guide",
    "Datenschutz: Auskunft, Einschränkung, Löschung",
    "Data protection: access copy, restriction, erasure",
    "Wo Auskunft, Einschränkung und Löschung für eine Klient*in zu finden sind",
    "Where a client's access copy, restriction and erasure are found",
)


def privacy_guide(regime: Regime, *, in_file: bool) -> str:
    """Where the three rights are handled: in this file's keys, or how to get to a file."""
    lang = language()
    keys = tr(
        f"x Auskunft ({regime.cite('access', lang)}), E Einschränken "
        f"({regime.cite('restriction', lang)}), L Klient*in löschen "
        f"({regime.cite('erasure', lang)})",
        f"x access copy ({regime.cite('access', lang)}), E restrict "
        f"({regime.cite('restriction', lang)}), L erase the client "
        f"({regime.cite('erasure', lang)})",
    )
    if in_file:
        return tr(f"In dieser Akte: {keys}.", f"In this file: {keys}.")
    return tr(
        f"In der Akte der Klient*in (F3, Namen tippen, Enter): {keys}. Im Terminal: "
        "kim subject-access, kim erase.",
        f"In the client's file (F3, type the name, Enter): {keys}. At a terminal: "
        "kim subject-access, kim erase.",
    )


class PrivacyGuideAppActions:
    """The palette entry of `KimApp` that points to the data-protection actions."""

    def action_privacy_guide(self) -> None:
        from kim_tui.screens.client_file import ClientFileScreen

        app = cast("KimApp", self)
        if not app.is_unlocked:
            return
        in_file = isinstance(app.screen, ClientFileScreen)
        app.notify(privacy_guide(app.workspace.regime(), in_file=in_file), timeout=20)
