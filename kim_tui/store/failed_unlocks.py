"""Failed unlock attempts, counted without the key: a small file beside the key file.

A wrong passphrase or recovery key cannot write into the encrypted database (that needs the
key), so each failure adds one to a counter in ``<store>.failed-unlocks`` (JSON: count and the
time of the first failure, written atomically, mode 0600, nothing personal). The next successful
unlock reports it ("3 Fehlversuche seit 02.12.2026 14:03"), the store audits it where it has an
audit trail, and the file is removed.

It is a signal, not a security control: whoever can write the directory can delete or inflate
the counter, and guessing against a copied key file never touches it. It lives beside the key
file rather than inside it so that a failed attempt never rewrites the key file (the one file
whose loss makes the data unreadable) and a wrong passphrase in `kim backup`, which runs without
the store's lock, cannot race a passphrase change and bring back the old wrapped key.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kim_tui.store.atomic import write_atomic
from kim_tui.store.small_file import UnsuitableFile, read_small_file

__all__ = ["FailedUnlocks", "clear", "read", "record", "report", "set_reporter"]

FORMAT = "kim-failed-unlocks"
MAX_COUNT = 1_000_000
"""A counter beyond this is shown as this (a hostile file cannot make a huge number)."""


@dataclass(frozen=True)
class FailedUnlocks:
    """How many unlocks failed since the last successful one, and when the first of them was."""

    count: int
    since: datetime | None
    """UTC; None when the file did not say (damaged)."""

    def message(self, lang: str = "de") -> str:
        """ "3 Fehlversuche seit 02.12.2026 14:03" (local time), or the English sentence."""
        when = ""
        if self.since is not None:
            local = self.since.astimezone()
            when = local.strftime("%d.%m.%Y %H:%M")
        if lang == "en":
            noun = "failed unlock attempt" if self.count == 1 else "failed unlock attempts"
            return f"{self.count} {noun}" + (f" since {when}" if when else "")
        noun = "Fehlversuch" if self.count == 1 else "Fehlversuche"
        return f"{self.count} {noun} beim Entsperren" + (f" seit {when}" if when else "")


def read(path: Path) -> FailedUnlocks | None:
    """The counter in `path`, or None when there is none. A damaged file counts as one failure
    of unknown time (somebody or something wrote there)."""
    try:
        data = read_small_file(path, 4096)
    except FileNotFoundError:
        return None
    except (UnsuitableFile, OSError):
        return FailedUnlocks(1, None)
    try:
        doc = json.loads(data.decode("utf-8"))
        count = doc["count"]
        since = datetime.fromisoformat(doc["since"]) if doc.get("since") else None
        if doc.get("format") != FORMAT or type(count) is not int or count < 1:
            raise ValueError("not a counter")
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return FailedUnlocks(1, None)
    return FailedUnlocks(min(count, MAX_COUNT), since)


def record(path: Path, now: datetime | None = None) -> FailedUnlocks:
    """Add one failure (the first one sets the time). Best effort: a read-only directory or a
    full disk must not turn "wrong passphrase" into another error, so write errors are dropped."""
    before = read(path)
    moment = now or datetime.now(UTC)
    after = FailedUnlocks(
        min((before.count if before else 0) + 1, MAX_COUNT),
        (before.since if before and before.since else moment).replace(microsecond=0),
    )
    doc = {"format": FORMAT, "version": 1, "count": after.count}
    if after.since is not None:
        doc["since"] = after.since.isoformat()
    with contextlib.suppress(OSError):
        write_atomic(path, (json.dumps(doc) + "\n").encode("ascii"), mode=0o600)
    return after


def clear(path: Path) -> None:
    """Remove the counter after a successful unlock (best effort, as `record`)."""
    with contextlib.suppress(FileNotFoundError, OSError):
        path.unlink()


_reporters: list[Callable[[FailedUnlocks], None]] = []


def set_reporter(reporter: Callable[[FailedUnlocks], None] | None) -> None:
    """Who is told after a successful unlock that found failures: the CLI prints them to stderr
    (every command, without each one asking). None stops telling."""
    _reporters.clear()
    if reporter is not None:
        _reporters.append(reporter)


def report(failures: FailedUnlocks) -> None:
    """Tell the reporter set by `set_reporter`, if any."""
    for reporter in _reporters:
        reporter(failures)
