"""Erasure of a client (Art. 17 / § 19 KDG / § 21 DSG-EKD): irreversible, complete, audited.

Which rows belong to the client is decided by a rule over the schema, not by a list, so tables
added later are covered: starting from the client, a row of a table in `TABLES` is the client's
if its ``client_id`` or ``case_id`` names a collected row, if a foreign key points to a
collected row (assessment → ratings, agreement → goals → steps), or, for a change history, if
its ``entity_id`` names one. Those rows are deleted for good (no tombstone: a tombstone keeps
its columns). The audit trail is kept: its events hold actions, times, random ids and codes,
never content, and stay the controller's record of who did what.

What remains is one row in the erasure register (the client's random id, the day, a reason
code, how many rows went) and one audit event without personal content. `PRAGMA
secure_delete` (on every connection) zeroes freed space, and a checkpoint that truncates the
write-ahead log moves the zeroed pages into the database file.

The coordinator is told in the next weekly bundle (sync/exporter.py): the client record travels
once more, marked erased and without personal fields, so the coordinator drops identifying data
and keeps the pseudonymous counts.
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import delete, update
from sqlmodel import Session, SQLModel, col, select

from kim_tui.domain.duplicates import name_tokens
from kim_tui.domain.model import ErasureResult
from kim_tui.i18n import tr
from kim_tui.service.context import ServiceContext, stored_text
from kim_tui.service.converters import display_name
from kim_tui.service.merge import files_merged_into
from kim_tui.service.privacy import ALLOW_RESTRICTED
from kim_tui.service.retention import retention_rule
from kim_tui.store.errors import NotFound, ValidationError
from kim_tui.store.models import (
    TABLES,
    AuditEvent,
    Case,
    Client,
    ErasedClient,
    HandoverLink,
    RecordChange,
    StandIn,
)
from kim_tui.store.unit_of_work import Transaction

REASON_REQUEST = "request"
"""Register reason: erased on the client's request (a reason was given)."""
REASON_RETENTION = "retention"
"""Register reason: erased after the end of retention (no reason needed)."""
REASON_REGISTER = "register"
"""Register reason: erased again because another register lists the client."""
REASON_NOT_NEEDED = "not_needed"
"""Register reason: a closed case erased before its retention end without a reason typed (the
coach judged the data no longer needed); "retention" would claim a period that had not run."""
REASON_MERGED = "merged"
"""Register reason: a file merged into an erased client's (the same person). Registered so a
restored older backup, where it may still be a file of its own, loses it too; no erasure marker
travels for it (its merge tombstone does, so the coordinator keeps counting the person once)."""
REASON_HANDOVER = "handover"
"""Register reason: handed over to a colleague, who confirmed the receipt (service.handover)."""

_OWNER_COLUMNS = {"client_id": "client", "case_id": "case", "merged_into": "client"}
"""Columns that name their row's owner. ``merged_into``: a file merged into the client's is the
same person's; its tombstone keeps the name it had, so it goes with her."""
_ANY_ID_COLUMNS = frozenset({"entity_id"})
_MAX_IN = 500
_KEPT = frozenset({str(_t.__tablename__) for _t in (AuditEvent, ErasedClient, HandoverLink)})
"""The audit trail (accountability: actions, times, random ids and codes, never content), the
register itself and the handover links (a random id, a date and a colleague's fingerprint: the
coordinator counts a handed-over case once from them, also after the sender erased the client)
stay."""


def _table_name(model: type[SQLModel]) -> str:
    return str(model.__tablename__)


def linked_rows(session: Session, client_id: str) -> dict[str, set[str]]:
    """Every row id of every table in `TABLES` that belongs to the client, by table name."""
    found: dict[str, set[str]] = {"client": {client_id}}
    changed = True
    while changed:
        changed = False
        every_id = set().union(*found.values())
        for model in TABLES:
            name = _table_name(model)
            if name in _KEPT:
                continue
            table = SQLModel.metadata.tables[name]
            conditions = []
            for column in table.columns:
                targets: set[str] = set()
                owner = _OWNER_COLUMNS.get(column.name)
                if owner is not None:
                    targets |= found.get(owner, set())
                for fk in column.foreign_keys:
                    targets |= found.get(fk.column.table.name, set())
                if column.name in _ANY_ID_COLUMNS:
                    targets |= every_id
                if targets:
                    conditions.append((column, sorted(targets)))
            for column, wanted in conditions:
                for start in range(0, len(wanted), _MAX_IN):
                    chunk = wanted[start : start + _MAX_IN]
                    ids = set(session.exec(select(table.c.id).where(column.in_(chunk))).all())
                    new = ids - found.get(name, set())
                    if new:
                        found.setdefault(name, set()).update(new)
                        changed = True
    return found


def erase_in(tx: Transaction, client_id: str, code: str) -> int:
    """Delete every row of the client inside the write `tx` and register the erasure with the
    reason `code`; returns how many rows went. The session is emptied afterwards (objects read
    before are detached): read again what is needed. The caller truncates the write-ahead log
    after the commit (`Vault.truncate_log`)."""
    s = tx.session
    rows = linked_rows(s, client_id)
    merged = sorted(rows["client"] - {client_id})
    _scrub_merge_tombstones(s, rows, merged)
    removed = sum(len(ids) for ids in rows.values())
    # Children first, so no foreign key ever points at a deleted parent.
    for table in reversed(SQLModel.metadata.sorted_tables):
        ids = sorted(rows.get(table.name, ()))
        for start in range(0, len(ids), _MAX_IN):
            s.execute(delete(table).where(table.c.id.in_(ids[start : start + _MAX_IN])))
    # The handover link stays (the sender's accountability: to whom, when, on what basis), but
    # a reason typed for a handover without consent is free text about the person: it goes.
    s.execute(
        update(HandoverLink)
        .where(col(HandoverLink.client_id).in_([client_id, *merged]))
        .values(override_reason="")
    )
    s.expunge_all()
    s.add(ErasedClient(id=client_id, erased_on=tx.today, reason=code, records_removed=removed))
    for other in merged:
        if s.get(ErasedClient, other) is None:
            s.add(ErasedClient(id=other, erased_on=tx.today, reason=REASON_MERGED))
    return removed


_TOMBSTONE_COLUMNS = frozenset({"id", "created_at", "updated_at", "revision", "deleted_at"})
_NO_DAY = date(1900, 1, 1)
"""The first contact of an emptied case tombstone (the column may not be empty)."""


def _scrub_merge_tombstones(s: Session, rows: dict[str, set[str]], merged: list[str]) -> None:
    """A file merged into the client's (the same person) leaves tombstones: its client row,
    which points at her (``merged_into``), and the cases folded into hers. They must still
    reach the coordinator, which joins the two files from them (else the person counts twice),
    so they are not deleted: every other column is emptied, which stamps a new revision, and
    they travel in the next bundle as tombstones. Removed from `rows` (not deleted)."""
    if not merged:
        return
    blank_client = Client(given_name="", family_name="")
    for row in s.exec(select(Client).where(col(Client.id).in_(merged))).all():
        for column in Client.__table__.columns:  # type: ignore[attr-defined]
            if column.name not in _TOMBSTONE_COLUMNS | {"merged_into"}:
                setattr(row, column.name, getattr(blank_client, column.name))
        s.add(row)
        rows["client"].discard(row.id)
    folded = s.exec(
        select(Case).where(col(Case.client_id).in_(merged), col(Case.deleted_at).is_not(None))
    ).all()
    for case in folded:
        blank_case = Case(client_id=case.client_id, first_contact_on=_NO_DAY)
        for column in Case.__table__.columns:  # type: ignore[attr-defined]
            if column.name not in _TOMBSTONE_COLUMNS | {"client_id"}:
                setattr(case, column.name, getattr(blank_case, column.name))
        s.add(case)
        rows.get("case", set()).discard(case.id)
    s.flush()
    # Emptying them wrote their old values into the change history (every write keeps one):
    # those rows go as well.
    scrubbed = [*merged, *(c.id for c in folded)]
    s.execute(
        delete(RecordChange).where(
            col(RecordChange.entity_id).in_(scrubbed) | col(RecordChange.client_id).in_(merged)
        )
    )


def copies_lent(s: Session, client_ids: list[str], today: date) -> tuple[tuple[str, date], ...]:
    """(colleague, last day) of each stand-in copy of the clients (one person: her file and
    those merged into it) that a colleague still holds: lent out and not yet past its end (the
    colleague's kim erases it on the first unlock after that day)."""
    rows = s.exec(
        select(StandIn).where(
            col(StandIn.client_ref).in_(client_ids),
            col(StandIn.direction) == "out",
            col(StandIn.until) >= today,
        )
    ).all()
    return tuple(sorted({(r.counterpart_name or r.counterpart[:16], r.until) for r in rows}))


def _words(text: str) -> str:
    """A name's words as compared (`domain.duplicates.name_tokens`), one space apart."""
    return " ".join(name_tokens(text))


def _without_reason(s: Session, client_id: str, today: date) -> str:
    """The register reason of an erasure without a typed reason (every case is closed): the
    end of retention if it has passed, else "no longer needed"."""
    closed = [
        c.closed_on
        for c in s.exec(
            select(Case).where(col(Case.client_id) == client_id, col(Case.deleted_at).is_(None))
        ).all()
        if c.closed_on is not None
    ]
    if closed and retention_rule(s).end(max(closed)) < today:
        return REASON_RETENTION
    return REASON_NOT_NEEDED


def named_in_households(s: Session, clients: list[Client]) -> tuple[str, ...]:
    """Display names of the other live clients whose household list (typed at intake) names
    one of `clients` (one person: her file and those merged into it, each spelling): a member
    whose name holds a given and family name (folded: case, accents and transliteration
    aside). Read once per erasure, a scan of the lists that are not empty."""
    spellings = [
        wanted
        for c in clients
        if (wanted := [w for w in (_words(c.given_name), _words(c.family_name)) if w])
    ]
    if not spellings:
        return ()
    found = []
    for other in s.exec(
        select(Client).where(
            col(Client.id).not_in([c.id for c in clients]),
            col(Client.deleted_at).is_(None),
            col(Client.household_json) != "[]",
            col(Client.household_json) != "",
        )
    ).all():
        names = [_words(str(m.get("name", ""))) for m in json.loads(other.household_json)]
        # Whole words: "Ali" is not in "Alina".
        if any(
            all(f" {w} " in f" {name} " for w in wanted) for wanted in spellings for name in names
        ):
            found.append(display_name(other.given_name, other.family_name))
    return tuple(sorted(found))


class ErasureService:
    """Erase a client and everything that belongs to them."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def erase_client(
        self, client_id: str, reason: str = "", *, _code: str | None = None
    ) -> ErasureResult:
        """Remove the client and every dependent record for good. A client with an open case is
        erased only with a reason (the client's request). The reason's text is a confirmation
        and is not kept (it could name the person): the register records only whether it was a
        request or the end of retention. Returns how many rows went (no content)."""
        reason = stored_text(reason)
        with self._ctx.uow.write("client.erase", "client", client_id) as tx:
            s = tx.session
            s.info[ALLOW_RESTRICTED] = True
            client = s.get(Client, client_id)
            if client is None:
                if s.get(ErasedClient, client_id) is not None:
                    raise ValidationError(
                        {
                            "client": tr(
                                "Diese Klient*in ist bereits gelöscht.",
                                "This client is already erased.",
                            )
                        }
                    )
                raise NotFound(tr("Klient*in", "Client"))
            if client.deleted_at is not None:
                # A merged file's tombstone goes with the file it was merged into (erasing
                # it alone would lose the merge at the coordinator).
                raise ValidationError(
                    {
                        "client": tr(
                            "Diese Akte ist in einer anderen aufgegangen: bitte jene löschen.",
                            "This file was merged into another: please erase that one.",
                        )
                    }
                )
            open_cases = s.exec(
                select(Case).where(
                    col(Case.client_id) == client_id,
                    col(Case.closed_on).is_(None),
                    col(Case.deleted_at).is_(None),
                )
            ).all()
            if open_cases and not reason:
                raise ValidationError(
                    {
                        "reason": tr(
                            "Der Fall ist noch offen: löschen nur mit Begründung "
                            "(z. B. Antrag der Klient*in).",
                            "The case is still open: erase only with a reason "
                            "(e.g. the client's request).",
                        )
                    }
                )
            person = [client, *files_merged_into(s, client_id)]
            lent = copies_lent(s, [c.id for c in person], tx.today)
            mentions = named_in_households(s, person)
            code = _code or (REASON_REQUEST if reason else _without_reason(s, client_id, tx.today))
            removed = erase_in(tx, client_id, code)
            tx.detail = f"{removed} Datensätze entfernt ({code})"
        self._ctx.vault.truncate_log()
        return ErasureResult(client_id, removed, tx.today, lent, mentions)

    def erased_ids(self) -> frozenset[str]:
        """The random ids in the erasure register."""
        with self._ctx.uow.read() as s:
            return frozenset(s.exec(select(ErasedClient.id)).all())

    def re_erase(self, client_ids: frozenset[str] | set[str]) -> int:
        """Erase again every client of `client_ids` that is in this vault (a restored older
        backup, or another vault's register); returns how many were found."""
        count = 0
        for client_id in sorted(client_ids):
            with self._ctx.uow.read() as s:
                row = s.get(Client, client_id)
                # A merged file's tombstone is erased with the file it was merged into.
                present = row is not None and row.deleted_at is None
            if present:
                self.erase_client(client_id, "register", _code=REASON_REGISTER)
                count += 1
        return count
