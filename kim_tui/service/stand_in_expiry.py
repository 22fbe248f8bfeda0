"""Who is told when an unlock erases expired stand-in copies.

The erasure runs on unlock (`Workspace.expire_stand_ins`: the app's session and every CLI
command that opens a vault, `cli.common.unlocked_workspace`), so the CLI registers a reporter
that prints on stderr, as it does for failed unlocks; the app reads
`Workspace.stand_in_expiries`.
Kept free of heavy imports: the CLI imports it for every command.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kim_tui.domain.stand_in import StandInExpiry

Reporter = Callable[[tuple["StandInExpiry", ...]], None]

_reporters: list[Reporter] = []


def set_reporter(reporter: Reporter | None) -> None:
    """Replace the reporter (None: nobody is told but the caller)."""
    _reporters.clear()
    if reporter is not None:
        _reporters.append(reporter)


def report(expiries: tuple[StandInExpiry, ...]) -> None:
    """Tell the reporter, if any, what the unlock erased."""
    if expiries:
        for reporter in _reporters:
            reporter(expiries)
