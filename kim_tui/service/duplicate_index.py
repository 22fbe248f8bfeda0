"""The duplicate check's index of the vault's live clients, kept between checks.

Building the index reads every client's names and birth date (5,000 clients: most of a
second on a busy laptop), so it is built once and then brought up to date before each check
from what changed since: the client rows whose vault-wide revision is newer than the one the
index has seen (new, corrected, or merged away: a tombstone), and the erasure register's rows
(an erased client's row is gone, the register keeps its id). Every write stamps its rows with
the revision it commits (`store/unit_of_work.py`), so no write path can be missed, whichever
service made it, and a write that is rolled back leaves nothing to pick up.

The index holds names, so it lives only while the vault is unlocked (`forget`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from sqlalchemy import select, text
from sqlmodel import col

from kim_tui.domain.duplicates import DuplicateIndex, ExistingPerson, forget_names
from kim_tui.domain.model import ClientDraft, DuplicateCandidate
from kim_tui.store.models import Client, ErasedClient
from kim_tui.store.unit_of_work import UnitOfWork, current_revision

_COLUMNS = (
    col(Client.id),
    col(Client.given_name),
    col(Client.family_name),
    col(Client.other_names),
    col(Client.birth_date),
    col(Client.birth_precision),
)
_ROW_ORDER = text("client.rowid")
"""The order clients were added in: the index's tie-breaker between equally likely
candidates, the same for a fresh index and one kept up to date (SQLite gives a new row a
larger rowid than every row in the table; a correction keeps it)."""


def live_people(uow: UnitOfWork) -> list[ExistingPerson]:
    """Every live client (merged-away ones are tombstones and left out), in the order they
    were added: the names and the birth date only, the few columns the check needs."""
    with uow.read() as s:
        # Plain columns, not ORM entities: 5,000 full objects would cost more than the check.
        rows = (
            s.connection()
            .execute(select(*_COLUMNS).where(col(Client.deleted_at).is_(None)).order_by(_ROW_ORDER))
            .all()
        )
    return [ExistingPerson(*row) for row in rows]


class CachedDuplicateIndex:
    """One vault's `DuplicateIndex`, built on first use and updated from the revisions."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._index: DuplicateIndex | None = None
        self._revision = -1
        self._generation = 0
        """Counts `forget` calls: an index built ahead across a lock is thrown away."""
        # Workers may check while the UI thread does: one refresh and one check at a time.
        self._lock = threading.Lock()

    def find_many(
        self, drafts: Sequence[ClientDraft], *, exclude: str | None = None
    ) -> list[list[DuplicateCandidate]]:
        """The likely existing records of each draft, as an index built now would find them."""
        with self._lock:
            index = self._current()
            return [index.find(draft, exclude=exclude) for draft in drafts]

    def prepare(self) -> None:
        """Build the index ahead of the first check (a worker after unlocking). The lock is
        not held while building: a lock of the vault meanwhile (`forget`) does not wait for
        it, and the index built then is thrown away with the name keys it cached."""
        with self._lock:
            if self._index is not None:
                return
            generation = self._generation
        with self._uow.read() as s:
            revision = current_revision(s)
        index = DuplicateIndex(live_people(self._uow))
        with self._lock:
            if self._generation != generation:
                forget_names()
            elif self._index is None:
                self._index, self._revision = index, revision

    def forget(self) -> None:
        """Drop the index (the vault is being locked: no name stays in memory)."""
        with self._lock:
            self._index = None
            self._revision = -1
            self._generation += 1

    def _current(self) -> DuplicateIndex:
        # The revision is read before the rows: a write committed in between is then read
        # again next time (applying a row twice gives the same index), never missed.
        with self._uow.read() as s:
            revision = current_revision(s)
        if self._index is None or revision < self._revision:
            self._index = DuplicateIndex(live_people(self._uow))
        elif revision > self._revision:
            self._apply_changes_since(self._index, self._revision)
        self._revision = revision
        return self._index

    def _apply_changes_since(self, index: DuplicateIndex, revision: int) -> None:
        with self._uow.read() as s:
            conn = s.connection()
            changed = conn.execute(
                select(*_COLUMNS, col(Client.deleted_at))
                .where(col(Client.revision) > revision)
                .order_by(_ROW_ORDER)
            ).all()
            erased = conn.execute(
                select(col(ErasedClient.id)).where(col(ErasedClient.revision) > revision)
            ).all()
        for client_id, given, family, other, born, precision, deleted_at in changed:
            if deleted_at is None:
                index.add(ExistingPerson(client_id, given, family, other, born, precision))
            else:
                index.remove(client_id)
        for (client_id,) in erased:
            index.remove(client_id)
