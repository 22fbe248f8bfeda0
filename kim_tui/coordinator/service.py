"""The coordinator's service object for its screens: unlock, import bundles, report.

Screens get plain values back (result lines, report cells); they never see the store.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kim_tui.coordinator import forks
from kim_tui.coordinator.importer import HELD, REJECTED, gaps, import_files
from kim_tui.coordinator.report import report_cells
from kim_tui.coordinator.store import LOCK_FILE, CoordinatorStore
from kim_tui.domain import report
from kim_tui.i18n import tr
from kim_tui.store.errors import VaultError
from kim_tui.store.failed_unlocks import FailedUnlocks
from kim_tui.store.lock import VaultLock
from kim_tui.store.migrate import schema_upgrade_told
from kim_tui.store.secret import Passphrase


@dataclass(frozen=True)
class ImportLine:
    """One file's result, as the coordinator reads it."""

    name: str
    status: str
    """imported, already, held, rejected."""
    line: str

    @property
    def failed(self) -> bool:
        """Rejected or held back: the file needs the coordinator's attention."""
        return self.status in (REJECTED, HELD)

    @property
    def message(self) -> str:
        """The line without the file name in front (screens show the name in a column)."""
        return self.line.removeprefix(f"{self.name}: ")


class CoordinatorService:
    """What the coordinator app unlocks and calls: the store's lock for the app's whole run,
    the store while unlocked, import, held forks, gaps and the report (plain values only)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._store: CoordinatorStore | None = None
        self._lock = VaultLock(self.directory / LOCK_FILE)
        # Imports and decisions run in worker threads; one writer at a time, the other waits.
        self._writing = threading.Lock()

    def claim(self) -> None:
        """Hold the store's lock for the app's whole run, locked or not (like a coach's vault):
        no second process, not even `kim coordinator recover`, works on it meanwhile."""
        if not self._lock.held:
            self._lock.acquire()

    @property
    def is_unlocked(self) -> bool:
        """True while the store is open."""
        return self._store is not None

    @property
    def store(self) -> CoordinatorStore:
        """The open store (raises VaultError while locked)."""
        if self._store is None:
            raise VaultError(
                tr(
                    "Der Speicher der Koordinierung ist gesperrt.",
                    "The coordinator store is locked.",
                )
            )
        return self._store

    def unlock(self, passphrase: Passphrase, on_upgrade: Callable[[], None] | None = None) -> None:
        """Open the coordinator store (Argon2id: call it off the UI thread). A wrong passphrase
        is counted; `failed_unlocks` then tells what this unlock found (and reset).
        `on_upgrade` is called before an existing store's schema is upgraded (migration 0006
        takes about a minute on a state-wide store)."""
        if self._store is None:
            lock = self._lock if self._lock.held else None
            with schema_upgrade_told(on_upgrade or (lambda: None)):
                self._store = CoordinatorStore.open(self.directory, passphrase, lock=lock)

    @property
    def failed_unlocks(self) -> FailedUnlocks | None:
        """The failed unlocks the last unlock found (None: none, or locked)."""
        return None if self._store is None else self._store.failed_unlocks

    def lock(self) -> None:
        """Close the store and forget its key; the process lock stays held."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def release(self) -> None:
        """Close the store and give up the lock (the app ends)."""
        self.lock()
        self._lock.release()

    def bundle_files(self, folder: str) -> list[Path]:
        """The bundle files (*.kimb) in a folder, sorted by name (coach, week, sequence)."""
        path = Path(folder).expanduser()
        if path.is_file():
            return [path]
        if not path.is_dir():
            raise VaultError(tr(f"{path} gibt es nicht.", f"{path} does not exist."))
        return sorted(path.glob("*.kimb"))

    def import_paths(
        self, paths: list[Path], progress: Callable[[int, int], None] | None = None
    ) -> list[ImportLine]:
        """Verify, decrypt and merge each file; one result line per file."""
        with self._writing:
            return self._import_paths(paths, progress)

    def _import_paths(
        self, paths: list[Path], progress: Callable[[int, int], None] | None
    ) -> list[ImportLine]:
        def done(count: int) -> None:
            if progress is not None:
                progress(count, len(paths))

        # One import run: a few commits for the whole selection, not one per file.
        outcomes = import_files(self.store, paths, done)
        return [ImportLine(o.name, o.status, o.line) for o in outcomes]

    def open_gaps(self) -> list[str]:
        """Missing sequence numbers per coach, as German lines (held forks: `held`)."""
        return gaps(self.store, with_held=False)

    def held(self) -> list[forks.HeldView]:
        """The held-back forks, by coach and sequence number."""
        return forks.held_bundles(self.store)

    def decide(
        self, held_id: str, release: bool, *, drop_superseded: bool = False
    ) -> forks.Decision:
        """Release (merge despite the fork) or discard a held bundle; German result lines, and
        with `drop_superseded` the records only the other history had are dropped as well."""
        with self._writing:
            if release:
                return forks.release(self.store, held_id, drop_superseded=drop_superseded)
            return forks.discard(self.store, held_id)

    def superseded(self) -> list[forks.SupersededRecords]:
        """Per coach, the records only a history superseded by a released fork had."""
        return forks.superseded_records(self.store)

    def drop_superseded(self) -> dict[str, int]:
        """Drop every record only a superseded history had; how many per table."""
        with self._writing:
            return forks.drop_superseded(self.store)

    def report(
        self, date_from: date | None, date_to: date | None, threshold: int = 5
    ) -> tuple[list[report.Cell], list[str], list[str]]:
        """Every indicator per coach, organisation and total, small cells masked; plus the
        need-level chart lines and a line for each stored row left out as invalid."""
        if date_from and date_to and date_from > date_to:
            raise VaultError(tr("„von“ liegt nach „bis“.", "“from” is after “to”."))
        refused = report.published_threshold_error(threshold)
        if refused:
            raise VaultError(refused)
        period = report.Period(date_from, date_to)
        skipped: list[str] = []
        cells = report_cells(self.store, period, threshold, skipped)
        return list(cells), report.need_chart(cells, threshold), skipped
