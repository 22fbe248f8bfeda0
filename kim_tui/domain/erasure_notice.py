"""What the coach still has to do by hand after an erasure: copies and mentions of the person
that kim cannot erase itself (a colleague's stand-in copy, another client's household list)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kim_tui.domain.dates import format_date
from kim_tui.i18n import tr

if TYPE_CHECKING:
    from kim_tui.domain.model import ErasureResult

__all__ = ["copies_lent_message", "erasure_notices", "household_mentions_message"]


def copies_lent_message(result: ErasureResult) -> str:
    """The coach's reminder to tell each colleague who still holds a copy, or ""."""
    if not result.copies_lent:
        return ""
    held = ", ".join(f"{name} (bis {format_date(until)})" for name, until in result.copies_lent)
    held_en = ", ".join(
        f"{name} (until {format_date(until)})" for name, until in result.copies_lent
    )
    return tr(
        f"Eine Vertretungskopie liegt noch bei {held}; sie wird dort erst nach dem Ende der "
        "Vertretung gelöscht. Bitte die Kolleg*in jetzt von der Löschung unterrichten "
        "(Mitteilungspflicht an Empfänger).",
        f"A stand-in copy is still held by {held_en}; it is erased there only after the "
        "stand-in ends. Please tell the colleague about the erasure now (duty to notify "
        "recipients).",
    )


def household_mentions_message(result: ErasureResult) -> str:
    """The coach's reminder that other files' household lists still name the person, or ""."""
    if not result.named_in_households:
        return ""
    files = ", ".join(result.named_in_households)
    return tr(
        f"Die Haushaltsliste von {files} nennt die gelöschte Person noch: bitte dort prüfen, "
        "ob der Eintrag gestrichen werden muss.",
        f"The household list of {files} still names the erased person: please check there "
        "whether the entry has to go.",
    )


def erasure_notices(result: ErasureResult) -> tuple[str, ...]:
    """Every reminder of an erasure, in the order the coach should act on them."""
    return tuple(m for m in (copies_lent_message(result), household_mentions_message(result)) if m)
