"""What the stand-in (Vertretung) service hands the screens and the CLI: plain frozen views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


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
