"""What the stand-in (Vertretung) service hands the screens and the CLI: plain frozen views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from kim_tui.domain.dates import format_date
from kim_tui.i18n import tr

if TYPE_CHECKING:
    from kim_tui.domain.model import ErasureResult


@dataclass(frozen=True)
class StandInSent:
    """A stand-in file written: for whom, until when, how many clients (names stay inside)."""

    stand_in_id: str
    path: str
    colleague: str
    until: date
    clients: int


@dataclass(frozen=True)
class StandInReceived:
    """A stand-in taken over: from whom, until when, which clients (shown to the colleague)."""

    stand_in_id: str
    colleague: str
    until: date
    client_names: tuple[str, ...]


@dataclass(frozen=True)
class StandInReturnWritten:
    """A return file written: how many contacts and follow-up changes it carries."""

    path: str
    colleague: str
    contacts: int
    follow_ups: int


@dataclass(frozen=True)
class StandInReturnImported:
    """What a return file changed in the original coach's vault (counts only)."""

    colleague: str
    contacts_added: int
    follow_ups_completed: int
    follow_ups_added: int
    skipped: int
    """Entries already imported from an earlier return, or of a client no longer here."""
    follow_ups_snoozed: int = 0
    """Open follow-ups the colleague moved to a later date (Wiedervorlage verschoben)."""


@dataclass(frozen=True)
class StandInExpiry:
    """A stand-in copy erased after its end date: what went, and whether a return was made."""

    colleague: str
    until: date
    client_names: tuple[str, ...]
    returned_on: date | None


@dataclass(frozen=True)
class StandInView:
    """One stand-in this vault holds (in) or lent (out), for lists and the return choice."""

    stand_in_id: str
    direction: str
    colleague: str
    until: date
    clients: int
    state: str
    returned_on: date | None


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
