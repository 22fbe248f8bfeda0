"""What every service of one unlocked vault shares, and the typed row look-ups they all use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.scheduling import WorkingDays
from kim_tui.domain.validation import text_problems
from kim_tui.i18n import language, tr
from kim_tui.store.errors import NotFound, ValidationError
from kim_tui.store.models import Case, Record
from kim_tui.store.unit_of_work import UnitOfWork
from kim_tui.store.vault import Vault

R = TypeVar("R", bound=Record)

_OPTIMIZE_ALL_TABLES = "PRAGMA optimize=0x10012"
"""Analyse (0x2) with the analysis limit (0x10) every table that needs it (0x10000)."""


@dataclass(frozen=True)
class ServiceContext:
    """The vault, its unit of work, the clock and the working-day calendar."""

    vault: Vault
    uow: UnitOfWork
    today: Callable[[], date]
    calendar: WorkingDays

    def update_statistics(self) -> None:
        """Give the query planner statistics after a bulk load (CSV import, demo seeding).

        `PRAGMA optimize` analyses only the tables that were never analysed or have grown or
        shrunk about tenfold since, with SQLite's row limit (50,000 fresh clients: under 1 s;
        otherwise a no-op in well under a millisecond). 0x10000 makes it check every table,
        not only the ones this pooled connection happened to query. Not for single writes.
        """
        try:
            with self.vault.engine.connect() as conn:
                conn.exec_driver_sql(_OPTIMIZE_ALL_TABLES)
                conn.commit()
        except DBAPIError:
            pass  # the data is committed; missing statistics only cost speed


def live(session: Session, model: type[R], key: str) -> R:
    """The row `key` of `model`; NotFound if it does not exist or is deleted."""
    row = session.get(model, key)
    if row is None or row.deleted_at is not None:
        # Named as the coach knows it ("Klient*in", "Fall"), not as the table is called.
        table = str(getattr(model, "__tablename__", model.__name__))
        entities = catalog("record_entities")
        raise NotFound(entities.label(table, language()) if table in entities else table)
    return row


def open_case(session: Session, case_id: str) -> Case:
    """A case that is not closed (case work on a closed case is refused)."""
    case = live(session, Case, case_id)
    if case.closed_on is not None:
        raise ValidationError(
            {
                "case": tr(
                    "Der Fall ist abgeschlossen; bitte erst wieder öffnen.",
                    "The case is closed; please reopen it first.",
                )
            }
        )
    return case


def cases_of(session: Session, client_id: str, include_closed: bool = False) -> list[Case]:
    """The client's cases, newest first (open ones only unless `include_closed`)."""
    stmt = select(Case).where(col(Case.client_id) == client_id, col(Case.deleted_at).is_(None))
    if not include_closed:
        stmt = stmt.where(col(Case.closed_on).is_(None))
    return list(session.exec(stmt.order_by(col(Case.first_contact_on).desc())).all())


def stored_text(value: str) -> str:
    """A free text as stored: trimmed; too long is refused, never silently cut."""
    value = value.strip()
    problems = text_problems(value)
    if problems:
        raise ValidationError(problems)
    return value


def like_pattern(query: str) -> str:
    """A LIKE pattern matching `query` anywhere, with its wildcards escaped (escape "\\")."""
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def require_valid(problems: dict[str, str]) -> None:
    """Raise ValidationError if the domain's validation found problems."""
    if problems:
        raise ValidationError(problems)
