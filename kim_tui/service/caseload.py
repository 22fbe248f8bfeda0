"""The caseload list: clients with their case, searched, filtered, sorted and windowed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, func
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from kim_tui.domain.model import (
    PAGE_SIZE,
    CaseloadPage,
    CaseStage,
    ClientSummary,
    ResidenceView,
)
from kim_tui.domain.residence import current_paper
from kim_tui.domain.text import fold
from kim_tui.service.consents import clients_without_case_consent
from kim_tui.service.context import ServiceContext, like_pattern
from kim_tui.service.converters import display_name, local_day, uncodes
from kim_tui.store.models import Case, Client, ResidenceRecord


class CaseloadService:
    """Windows of the caseload and how many clients it shows."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def caseload(
        self,
        query: str = "",
        *,
        stage: CaseStage | None = None,
        target_group: str | None = None,
        sort: str = "name",
        include_closed: bool = False,
        offset: int = 0,
        limit: int = PAGE_SIZE,
        with_total: bool = True,
    ) -> CaseloadPage:
        """Clients with their case: searchable (diacritic-insensitive), filterable, sortable;
        with the number of matches unless `with_total` is false (then see `caseload_total`)."""
        with self._ctx.uow.read() as s:
            where = _filter(query, stage, target_group, include_closed)
            # Plain columns, not ORM entities: building 200 full objects per keystroke cost
            # more than the query itself.
            base = sql_select(
                col(Client.id),
                col(Client.given_name),
                col(Client.family_name),
                col(Client.birth_date),
                col(Case.id),
                col(Case.stage),
                col(Case.next_due_on),
                col(Case.target_groups),
                col(Client.restricted_on),
                col(Client.birth_precision),
            ).join(Case, col(Case.client_id) == col(Client.id))
            if sort == "due":
                order = [
                    col(Case.next_due_on).is_(None),
                    col(Case.next_due_on),
                    col(Client.sort_key),
                ]
            else:
                order = [col(Client.sort_key), col(Client.id)]
            # One row more than the window says whether another window follows.
            rows = (
                s.connection()
                .execute(base.where(*where).order_by(*order).offset(offset).limit(limit + 1))
                .all()
            )
            has_more = len(rows) > limit
            rows = rows[:limit]
            today = self._ctx.today()
            residence = current_residence(s, [r[0] for r in rows], today)
            no_consent = clients_without_case_consent(s, [r[0] for r in rows], today)
            total = _count(s, where) if with_total else None
        items = tuple(
            ClientSummary(
                client_id=client_id,
                case_id=case_id,
                display_name=display_name(given, family),
                birth_date=birth,
                stage=CaseStage(stage),
                next_due_on=next_due,
                target_groups=uncodes(groups),
                residence_status=residence[client_id][0] if client_id in residence else None,
                residence_valid_until=(residence[client_id][1] if client_id in residence else None),
                restricted=restricted_on is not None,
                case_consent=client_id not in no_consent,
                birth_precision=precision,
            )
            for (
                client_id,
                given,
                family,
                birth,
                case_id,
                stage,
                next_due,
                groups,
                restricted_on,
                precision,
            ) in rows
        )
        return CaseloadPage(items=items, total=total, offset=offset, has_more=has_more)

    def caseload_total(
        self,
        query: str = "",
        *,
        stage: CaseStage | None = None,
        target_group: str | None = None,
        include_closed: bool = False,
    ) -> int:
        """How many clients the caseload shows under these filters."""
        with self._ctx.uow.read() as s:
            return _count(s, _filter(query, stage, target_group, include_closed))


def current_residence(
    session: Session, client_ids: list[str], today: date
) -> dict[str, tuple[str, date | None]]:
    """client id → (status, valid until) of the current paper (`domain.residence`)."""
    if not client_ids:
        return {}
    rows = (
        session.connection()
        .execute(
            sql_select(
                col(ResidenceRecord.client_id),
                col(ResidenceRecord.id),
                col(ResidenceRecord.status),
                col(ResidenceRecord.valid_from),
                col(ResidenceRecord.valid_until),
                col(ResidenceRecord.created_at),
            )
            .where(
                col(ResidenceRecord.client_id).in_(client_ids),
                col(ResidenceRecord.deleted_at).is_(None),
            )
            .order_by(col(ResidenceRecord.created_at), col(ResidenceRecord.id))
        )
        .all()
    )
    papers: dict[str, list[ResidenceView]] = {}
    for client_id, record_id, status, start, until, created in rows:
        papers.setdefault(client_id, []).append(
            ResidenceView(record_id, status, "", start, until, recorded_on=local_day(created))
        )
    out: dict[str, tuple[str, date | None]] = {}
    for client_id, records in papers.items():
        current = current_paper(records, today)
        if current is not None:
            out[client_id] = (current.record.status, current.record.valid_until)
    return out


def _filter(
    query: str, stage: CaseStage | None, target_group: str | None, include_closed: bool
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [
        col(Client.deleted_at).is_(None),
        col(Case.deleted_at).is_(None),
    ]
    needle = fold(query)
    if needle:
        where.append(col(Client.search_key).like(like_pattern(needle), escape="\\"))
    if stage is not None:
        where.append(col(Case.stage) == stage.value)
    elif not include_closed:
        where.append(col(Case.stage) != CaseStage.CLOSED.value)
    if target_group:
        where.append(col(Case.target_groups).like(f"% {target_group} %"))
    return where


def _count(s: Session, where: list[ColumnElement[bool]]) -> int:
    return int(
        s.exec(
            select(func.count())
            .select_from(Client)
            .join(Case, col(Case.client_id) == col(Client.id))
            .where(*where)
        ).one()
    )
