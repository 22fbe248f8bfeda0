"""The stand-in part of the `Workspace` façade (kept apart so workspace.py stays small)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from kim_tui.domain.stand_in import (
    StandInExpiry,
    StandInReceived,
    StandInReturnImported,
    StandInReturnWritten,
    StandInSent,
    StandInView,
)
from kim_tui.service.context import ServiceContext
from kim_tui.service.stand_in import StandInService
from kim_tui.service.stand_in_guard import stand_in_until
from kim_tui.service.stand_in_return import StandInReturnService


class StandInFacade:
    """Stand-in (Vertretung): send a time-limited copy, take one over, return, import."""

    _stand_in: StandInService
    _stand_in_return: StandInReturnService
    stand_in_expiries: tuple[StandInExpiry, ...]
    """What the unlock erased (ended stand-ins, `expire_stand_ins`), for the app to tell."""

    def _open_stand_ins(self, ctx: ServiceContext) -> None:
        self._stand_in = StandInService(ctx)
        self._stand_in_return = StandInReturnService(ctx)
        self.stand_in_expiries = ()

    def expire_stand_ins(self) -> tuple[StandInExpiry, ...]:
        """The unlock's duty (app: `service.session`; CLI: every command that opens a vault):
        erase every stand-in copy whose end date has passed, and tell the registered reporter
        (`service.stand_in_expiry`). Returns what went, also kept in `stand_in_expiries`."""
        self.stand_in_expiries = self._stand_in.expire_due()
        return self.stand_in_expiries

    def send_stand_in(
        self, colleague: str, until: date, client_ids: list[str] | None, out: str
    ) -> StandInSent:
        """Write a stand-in file for a stored colleague (None: every client with an open
        case); the sender's records are unchanged."""
        return self._stand_in.send(colleague, until, client_ids, Path(out))

    def receive_stand_in(self, path: str) -> StandInReceived:
        """Take over a stand-in copy addressed to this vault (verified, not seen before)."""
        return self._stand_in.receive(Path(path))

    def write_stand_in_return(self, out: str, colleague: str | None = None) -> StandInReturnWritten:
        """Write the return file of the running stand-in (of `colleague`, if several)."""
        return self._stand_in_return.write_return(Path(out), colleague)

    def import_stand_in_return(self, path: str) -> StandInReturnImported:
        """Apply a return file to the original coach's records (one transaction)."""
        return self._stand_in_return.import_return(Path(path))

    def stand_ins(self, direction: str | None = None) -> tuple[StandInView, ...]:
        """The stand-ins of this vault (``in``: held here, ``out``: lent), newest first."""
        return self._stand_in.stand_ins(direction)

    def stand_in_default_clients(self) -> list[str]:
        """The clients a stand-in covers when none are chosen (every open case)."""
        return self._stand_in.default_clients()

    def stand_in_follow_up_clients(self) -> list[str]:
        """The clients with open follow-ups a stand-in can cover (the Wiedervorlagen default)."""
        return self._stand_in.follow_up_clients()

    def stand_in_until(self, client_ids: Iterable[str]) -> dict[str, date]:
        """For the clients among `client_ids` this vault only stands in for: the last day (the
        lists mark them "Vertretung bis …")."""
        with self._stand_in.read() as s:
            return stand_in_until(s, client_ids)
