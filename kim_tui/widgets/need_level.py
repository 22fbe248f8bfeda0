"""A need level (0–3) as the assessment screens show it: the digit, its label, its colour."""

from __future__ import annotations

from rich.text import Text

from kim_tui.domain.catalogs import catalog
from kim_tui.i18n import language


def need_level_text(level: int | None) -> Text:
    """ "2 mittel" in the level's colour; a dash for an area not rated."""
    entry = None if level is None else catalog("need_levels").get(str(level))
    if entry is None:
        return Text("–", style="dim")
    return Text(f"{entry.code} {entry.label(language())}", style=entry.extra.get("style", ""))
