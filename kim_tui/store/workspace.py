"""The service object of one unlocked vault: the only thing screens and the CLI talk to.

Every write is one transaction with one audit event (no personal content in it), and stamps the
rows it touches with the next vault-wide revision. Reads return frozen `domain.model` views.
Follow-ups derived from steps, referrals, review dates and residence expiries are kept in sync
here, in the same transaction as their source, so the Wiedervorlagen list is one indexed query.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, event, func, or_, update
from sqlalchemy import case as sql_case
from sqlalchemy import select as sql_select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from kim_tui.domain import followups as fu
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.duplicates import ExistingPerson, find_duplicates
from kim_tui.domain.model import (
    PAGE_SIZE,
    AuditEntry,
    CaseloadPage,
    CaseStage,
    ClientDraft,
    ClientFile,
    ClientSummary,
    ConsentDraft,
    ConsentForm,
    ConsentPurpose,
    ConsentView,
    DueGroup,
    DuplicateCandidate,
    ExportSummary,
    FollowUpCounts,
    FollowUpDraft,
    FollowUpPage,
    FollowUpSource,
    FollowUpView,
    HouseholdMember,
    IntakeDraft,
    ResidenceDraft,
    ResidenceView,
    SyncStatus,
)
from kim_tui.domain.scheduling import DEFAULT_RESIDENCE_REMINDER_WEEKS, WorkingDays
from kim_tui.domain.stage import derive_stage
from kim_tui.domain.text import fold
from kim_tui.domain.validation import validate_intake
from kim_tui.store.casework import (
    CaseWork,
    agreement_views,
    assessment_views,
    contact_views,
    facts_of,
    referral_views,
    themes_of,
)
from kim_tui.store.errors import NotFound, ValidationError
from kim_tui.store.models import (
    Assessment,
    AuditEvent,
    Case,
    Client,
    Consent,
    FollowUp,
    GoalAgreement,
    Record,
    Referral,
    ResidenceRecord,
    Step,
    VaultSetting,
    utcnow,
)
from kim_tui.store.vault import Vault

REVISION_SETTING = "revision"
"""VaultSetting key of the vault-wide revision counter (sync reads it)."""
_SETTING_REVISION = REVISION_SETTING
_SETTING_REMINDER_WEEKS = "residence_reminder_weeks"
_OPTIMIZE_ALL_TABLES = "PRAGMA optimize=0x10012"
"""Analyse (0x2) with the analysis limit (0x10) every table that needs it (0x10000)."""


def _codes(values: tuple[str, ...] | list[str]) -> str:
    return f" {' '.join(values)} " if values else ""


def _uncodes(value: str) -> tuple[str, ...]:
    return tuple(value.split())


def _like(query: str) -> str:
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def display_name(given: str, family: str) -> str:
    """How a client is named in lists: "Family, Given"."""
    if given and family:
        return f"{family}, {given}"
    return family or given


def search_key(given: str, family: str, other_names: str) -> str:
    """Folded names, both orders, for diacritic- and case-insensitive substring search."""
    parts = [fold(given), fold(family), fold(other_names)]
    return " | ".join([f"{parts[0]} {parts[1]}", f"{parts[1]} {parts[0]}", parts[2]])


@dataclass
class _Tx:
    session: Session
    revision: int
    today: date
    deferred_cases: dict[str, Case] = field(default_factory=dict)
    """In a batch, cases whose stage and next due date are re-derived once, at commit."""


class Workspace(CaseWork):
    """One unlocked vault's caseload, follow-ups, assessments, goals, referrals and contacts."""

    def __init__(
        self,
        vault: Vault,
        *,
        today: Callable[[], date] = date.today,
        calendar: WorkingDays | None = None,
    ) -> None:
        self.vault = vault
        self._today = today
        self.calendar = calendar or WorkingDays()
        self._batch: _Tx | None = None

    # -- infrastructure ----------------------------------------------------------------------

    def today(self) -> date:
        return self._today()

    @property
    def is_open(self) -> bool:
        return self.vault.is_open

    def close(self) -> None:
        self.vault.close()

    def _read(self) -> Session:
        return Session(self.vault.engine, expire_on_commit=False)

    @contextmanager
    def _write(
        self,
        action: str,
        entity: str,
        entity_id: str | None = None,
        case_id: str | None = None,
        detail: str = "",
    ) -> Iterator[_Tx]:
        """One transaction, one audit event, one new revision for every row it touches."""
        if self._batch is not None:
            # Inside `batch()`: join its transaction, still one audit event per write.
            session = self._batch.session
            session.info.pop("entity_id", None)
            session.info.pop("case_id", None)
            yield self._batch
            session.add(
                AuditEvent(
                    action=action,
                    entity=entity,
                    entity_id=session.info.get("entity_id", entity_id),
                    case_id=session.info.get("case_id", case_id),
                    detail=detail,
                )
            )
            return
        with Session(self.vault.engine, expire_on_commit=False) as session:
            setting = session.get(VaultSetting, _SETTING_REVISION)
            revision = int(setting.value) + 1 if setting else 1
            session.merge(VaultSetting(key=_SETTING_REVISION, value=str(revision)))
            session.info["revision"] = revision
            tx = _Tx(session, revision, self.today())
            yield tx
            audit = AuditEvent(
                action=action,
                entity=entity,
                entity_id=session.info.get("entity_id", entity_id),
                case_id=session.info.get("case_id", case_id),
                detail=detail,
            )
            session.add(audit)
            session.commit()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Run many writes as one transaction and one revision (bulk import, demo seeding)."""
        if self._batch is not None:
            raise RuntimeError("batch() does not nest")
        with Session(self.vault.engine, expire_on_commit=False) as session:
            setting = session.get(VaultSetting, _SETTING_REVISION)
            revision = int(setting.value) + 1 if setting else 1
            session.merge(VaultSetting(key=_SETTING_REVISION, value=str(revision)))
            session.info["revision"] = revision
            batch = self._batch = _Tx(session, revision, self.today())
            try:
                yield
                self._batch = None
                for case in batch.deferred_cases.values():
                    self._refresh_case(batch, case)
                session.commit()
            finally:
                self._batch = None

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

    def revision(self) -> int:
        """The vault-wide revision of the last committed write."""
        with self._read() as s:
            setting = s.get(VaultSetting, _SETTING_REVISION)
            return int(setting.value) if setting else 0

    def residence_reminder_weeks(self, session: Session | None = None) -> int:
        """Weeks before a residence document expires that its reminder falls due."""
        if session is None:
            with self._read() as s:
                return self.residence_reminder_weeks(s)
        setting = session.get(VaultSetting, _SETTING_REMINDER_WEEKS)
        return int(setting.value) if setting else DEFAULT_RESIDENCE_REMINDER_WEEKS

    def set_residence_reminder_weeks(self, weeks: int) -> None:
        """Change the lead time of expiry reminders and re-derive every open one."""
        if not 0 <= weeks <= 52:
            raise ValidationError({"weeks": "Bitte 0 bis 52 Wochen angeben."})
        with self._write("settings.reminder_weeks", "setting", detail=str(weeks)) as tx:
            tx.session.merge(VaultSetting(key=_SETTING_REMINDER_WEEKS, value=str(weeks)))
            rows = tx.session.exec(
                select(ResidenceRecord, Client)
                .join(Client, col(Client.id) == col(ResidenceRecord.client_id))
                .where(col(ResidenceRecord.deleted_at).is_(None))
            ).all()
            for record, client in rows:
                for case in self._cases_of(tx.session, client.id):
                    self._sync_residence(tx, case, client, record, weeks)

    # -- intake ------------------------------------------------------------------------------

    def find_duplicates(self, client: ClientDraft) -> list[DuplicateCandidate]:
        """Likely existing records of the person in `client` (same birth date, similar name)."""
        with self._read() as s:
            stmt = select(Client).where(col(Client.deleted_at).is_(None))
            if client.birth_date is not None:
                stmt = stmt.where(
                    or_(
                        col(Client.birth_date) == client.birth_date,
                        col(Client.birth_date).is_(None),
                    )
                )
            family = fold(client.family_name)
            if client.birth_date is None or not family:
                stmt = stmt.where(col(Client.search_key).like(_like(family), escape="\\"))
            people = [
                ExistingPerson(c.id, c.given_name, c.family_name, c.other_names, c.birth_date)
                for c in s.exec(stmt).all()
            ]
        return find_duplicates(client, people)

    def intake(self, draft: IntakeDraft) -> tuple[str, str]:
        """Create a client and their first case; returns (client_id, case_id)."""
        problems = validate_intake(draft, self.today())
        if problems:
            raise ValidationError(problems)
        with self._write("client.intake", "case") as tx:
            client = Client(given_name="", family_name="")
            _apply_client(client, draft.client)
            tx.session.add(client)
            tx.session.flush()  # no ORM relationships, so parents are flushed before children
            case = Case(
                client_id=client.id,
                first_contact_on=draft.first_contact_on,
                access_route=draft.access_route,
                referred_by=draft.referred_by,
                legal_domains=_codes(draft.legal_domains),
                target_groups=_codes(draft.target_groups),
            )
            tx.session.add(case)
            tx.session.flush()
            tx.session.info.update(entity_id=case.id, case_id=case.id)
            for consent in draft.consents:
                tx.session.add(_consent_row(consent, client.id, case.id))
            if draft.residence is not None:
                record = ResidenceRecord(client_id=client.id, **_residence_fields(draft.residence))
                tx.session.add(record)
                tx.session.flush()
                self._sync_residence(
                    tx, case, client, record, self.residence_reminder_weeks(tx.session)
                )
            self._refresh_case(tx, case)
            return client.id, case.id

    def import_intakes(self, drafts: tuple[IntakeDraft, ...] | list[IntakeDraft]) -> int:
        """Import many intakes all-or-nothing (CSV import): one transaction, one revision."""
        today = self.today()
        problems: dict[str, str] = {}
        for number, draft in enumerate(drafts, start=1):
            for name, message in validate_intake(draft, today).items():
                problems[f"{number}.{name}"] = message
        if problems:
            raise ValidationError(problems)
        with self.batch():
            for draft in drafts:
                self.intake(draft)
        self.update_statistics()
        return len(drafts)

    def update_client(self, client_id: str, draft: ClientDraft) -> None:
        """Correct a client's master data (history stays in the audit trail and revisions)."""
        from kim_tui.domain.validation import validate_client

        problems = validate_client(draft, self.today())
        if problems:
            raise ValidationError(problems)
        with self._write("client.update", "client", entity_id=client_id) as tx:
            client = self._get(tx.session, Client, client_id)
            _apply_client(client, draft)
            tx.session.add(client)
            tx.session.execute(
                update(FollowUp)
                .where(col(FollowUp.client_id) == client_id)
                .values(
                    search_key=client.search_key,
                    client_name=display_name(client.given_name, client.family_name),
                    sort_key=client.sort_key,
                    revision=tx.revision,
                    updated_at=utcnow(),
                )
            )

    def add_consent(self, case_id: str, consent: ConsentDraft) -> str:
        with self._write("consent.give", "consent", case_id=case_id, detail=consent.purpose) as tx:
            case = self._get(tx.session, Case, case_id)
            row = _consent_row(consent, case.client_id, case.id)
            tx.session.add(row)
            tx.session.info["entity_id"] = row.id
            return row.id

    def withdraw_consent(self, consent_id: str, on: date) -> None:
        """Withdrawal counts for future processing only: the consent row stays, dated."""
        with self._write("consent.withdraw", "consent", entity_id=consent_id) as tx:
            row = self._get(tx.session, Consent, consent_id)
            if row.withdrawn_on is not None:
                raise ValidationError({"consent": "Diese Einwilligung ist bereits widerrufen."})
            if on < row.given_on:
                raise ValidationError({"on": "Widerruf kann nicht vor der Erteilung liegen."})
            row.withdrawn_on = on
            tx.session.info["case_id"] = row.case_id
            tx.session.add(row)

    def add_residence_record(self, client_id: str, draft: ResidenceDraft) -> str:
        """A new residence status becomes the current one; earlier ones stay as history."""
        with self._write("residence.add", "residencerecord", detail=draft.status) as tx:
            client = self._get(tx.session, Client, client_id)
            record = ResidenceRecord(client_id=client.id, **_residence_fields(draft))
            tx.session.add(record)
            tx.session.flush()
            tx.session.info["entity_id"] = record.id
            weeks = self.residence_reminder_weeks(tx.session)
            for case in self._cases_of(tx.session, client.id):
                # Only the current record reminds: retire the reminders of the older ones.
                old = tx.session.exec(
                    select(FollowUp).where(
                        col(FollowUp.case_id) == case.id,
                        col(FollowUp.source) == FollowUpSource.RESIDENCE.value,
                        col(FollowUp.source_id) != record.id,
                        col(FollowUp.deleted_at).is_(None),
                    )
                ).all()
                for row in old:
                    row.deleted_at = utcnow()
                    row.open = 0
                    tx.session.add(row)
                self._sync_residence(tx, case, client, record, weeks)
                self._refresh_case(tx, case)
            return record.id

    # -- follow-ups --------------------------------------------------------------------------

    def follow_ups(
        self,
        query: str = "",
        *,
        offset: int = 0,
        limit: int = PAGE_SIZE,
        with_counts: bool = True,
    ) -> FollowUpPage:
        """A window of open follow-ups by due date, filtered by name (SQL does the filtering);
        with the counts per group unless `with_counts` is false (then see `follow_up_counts`)."""
        today = self.today()
        with self._read() as s:
            where = self._follow_up_filter(query)
            # Core statement on the session's connection: the list needs tuples, not ORM rows.
            # One row more than the window says whether another window follows.
            rows = (
                s.connection()
                .execute(
                    sql_select(
                        col(FollowUp.id),
                        col(FollowUp.case_id),
                        col(FollowUp.client_id),
                        col(FollowUp.client_name),
                        col(FollowUp.source),
                        col(FollowUp.reason),
                        col(FollowUp.due_on),
                        col(FollowUp.original_due_on),
                    )
                    .where(*where)
                    .order_by(col(FollowUp.due_on), col(FollowUp.sort_key), col(FollowUp.id))
                    .offset(offset)
                    .limit(limit + 1)
                )
                .all()
            )
            counts = self._follow_up_counts(s, where, today) if with_counts else None
        items = tuple(
            FollowUpView(
                id=fid,
                case_id=case_id,
                client_id=client_id,
                client_name=name,
                source=FollowUpSource(source),
                reason=reason,
                due_on=due,
                original_due_on=original,
                group=fu.due_group(due, today),
            )
            for fid, case_id, client_id, name, source, reason, due, original in rows[:limit]
        )
        return FollowUpPage(
            items=items,
            counts=counts,
            total=None if counts is None else sum(counts.values()),
            offset=offset,
            has_more=len(rows) > limit,
        )

    def follow_up_counts(self, query: str = "") -> FollowUpCounts:
        """The number of open follow-ups per group under the name filter."""
        with self._read() as s:
            return FollowUpCounts(
                self._follow_up_counts(s, self._follow_up_filter(query), self.today())
            )

    @staticmethod
    def _follow_up_filter(query: str) -> list[Any]:
        where: list[Any] = [col(FollowUp.open) == 1]
        needle = fold(query)
        if needle:
            where.append(col(FollowUp.search_key).like(_like(needle), escape="\\"))
        return where

    @staticmethod
    def _follow_up_counts(s: Session, where: list[Any], today: date) -> dict[DueGroup, int]:
        bounds = fu.group_bounds(today)
        # One pass over the covering index counts every group at once.
        sums = []
        for lo, hi in bounds.values():
            cond = []
            if lo is not None:
                cond.append(col(FollowUp.due_on) >= lo)
            if hi is not None:
                cond.append(col(FollowUp.due_on) <= hi)
            sums.append(func.coalesce(func.sum(sql_case((and_(*cond), 1), else_=0)), 0))
        row = s.exec(select(*sums).where(*where)).one()
        return {group: int(n) for group, n in zip(bounds, row, strict=True)}

    def add_follow_up(self, draft: FollowUpDraft) -> str:
        """A manual Wiedervorlage; a weekend or holiday date moves to the next working day."""
        reason = draft.reason.strip()
        if not reason:
            raise ValidationError({"reason": "Bitte einen Anlass angeben."})
        with self._write("followup.add", "followup", case_id=draft.case_id) as tx:
            case = self._get(tx.session, Case, draft.case_id)
            if case.closed_on is not None:
                raise ValidationError({"case": "Der Fall ist abgeschlossen."})
            client = self._get(tx.session, Client, case.client_id)
            row = FollowUp(
                case_id=case.id,
                client_id=client.id,
                source=FollowUpSource.MANUAL.value,
                reason=reason,
                original_due_on=draft.due_on,
                due_on=fu.due_for_manual(draft.due_on, self.calendar),
                search_key=client.search_key,
                client_name=display_name(client.given_name, client.family_name),
                sort_key=client.sort_key,
            )
            tx.session.add(row)
            tx.session.info["entity_id"] = row.id
            tx.session.flush()
            self._refresh_case(tx, case)
            return row.id

    def complete_follow_up(self, follow_up_id: str, note: str = "") -> None:
        """Mark done (a step's follow-up also completes the step)."""
        with self._write("followup.done", "followup", entity_id=follow_up_id) as tx:
            row = self._get(tx.session, FollowUp, follow_up_id)
            row.done_on = tx.today
            row.done_note = note.strip()
            row.open = 0
            tx.session.add(row)
            if row.source == FollowUpSource.STEP.value and row.source_id:
                step = tx.session.get(Step, row.source_id)
                if step is not None and step.done_on is None:
                    step.done_on = tx.today
                    tx.session.add(step)
            case = self._get(tx.session, Case, row.case_id)
            tx.session.info["case_id"] = case.id
            self._refresh_case(tx, case)

    def snooze_follow_up(self, follow_up_id: str, until: date) -> date:
        """Move a follow-up to `until` (next working day); returns the effective date."""
        if until < self.today():
            raise ValidationError({"until": "Das Datum liegt in der Vergangenheit."})
        effective = self.calendar.next_working_day(until)
        with self._write(
            "followup.snooze", "followup", entity_id=follow_up_id, detail=until.isoformat()
        ) as tx:
            row = self._get(tx.session, FollowUp, follow_up_id)
            row.due_on = effective
            tx.session.add(row)
            case = self._get(tx.session, Case, row.case_id)
            tx.session.info["case_id"] = case.id
            self._refresh_case(tx, case)
        return effective

    # -- caseload ----------------------------------------------------------------------------

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
        with self._read() as s:
            where = self._caseload_filter(query, stage, target_group, include_closed)
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
            residence = self._current_residence(s, [r[0] for r in rows])
            total = self._caseload_count(s, where) if with_total else None
        items = tuple(
            ClientSummary(
                client_id=client_id,
                case_id=case_id,
                display_name=display_name(given, family),
                birth_date=birth,
                stage=CaseStage(stage),
                next_due_on=next_due,
                target_groups=_uncodes(groups),
                residence_status=residence[client_id][0] if client_id in residence else None,
                residence_valid_until=(residence[client_id][1] if client_id in residence else None),
            )
            for client_id, given, family, birth, case_id, stage, next_due, groups in rows
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
        with self._read() as s:
            return self._caseload_count(
                s, self._caseload_filter(query, stage, target_group, include_closed)
            )

    @staticmethod
    def _caseload_filter(
        query: str, stage: CaseStage | None, target_group: str | None, include_closed: bool
    ) -> list[Any]:
        where: list[Any] = [col(Client.deleted_at).is_(None), col(Case.deleted_at).is_(None)]
        needle = fold(query)
        if needle:
            where.append(col(Client.search_key).like(_like(needle), escape="\\"))
        if stage is not None:
            where.append(col(Case.stage) == stage.value)
        elif not include_closed:
            where.append(col(Case.stage) != CaseStage.CLOSED.value)
        if target_group:
            where.append(col(Case.target_groups).like(f"% {target_group} %"))
        return where

    @staticmethod
    def _caseload_count(s: Session, where: list[Any]) -> int:
        return int(
            s.exec(
                select(func.count())
                .select_from(Client)
                .join(Case, col(Case.client_id) == col(Client.id))
                .where(*where)
            ).one()
        )

    def client_file(self, client_id: str) -> ClientFile:
        """Everything the client file shows; opening it is audited (DP-11: reads too)."""
        with self._read() as s:
            client = self._get(s, Client, client_id)
            cases = self._cases_of(s, client_id, include_closed=True)
            if not cases:
                raise NotFound("Fall")
            case = cases[0]
            records = s.exec(
                select(ResidenceRecord)
                .where(
                    col(ResidenceRecord.client_id) == client_id,
                    col(ResidenceRecord.deleted_at).is_(None),
                )
                .order_by(col(ResidenceRecord.created_at).desc())
            ).all()
            consents = s.exec(
                select(Consent)
                .where(col(Consent.client_id) == client_id, col(Consent.deleted_at).is_(None))
                .order_by(col(Consent.given_on))
            ).all()
            view = ClientFile(
                client_id=client.id,
                case_id=case.id,
                client=_client_draft(client),
                first_contact_on=case.first_contact_on,
                access_route=case.access_route,
                referred_by=case.referred_by,
                legal_domains=_uncodes(case.legal_domains),
                target_groups=_uncodes(case.target_groups),
                stage=CaseStage(case.stage),
                next_due_on=case.next_due_on,
                residence=tuple(
                    ResidenceView(r.id, r.status, r.legal_basis, r.valid_from, r.valid_until)
                    for r in records
                ),
                consents=tuple(
                    ConsentView(
                        c.id,
                        ConsentPurpose(c.purpose),
                        c.given_on,
                        ConsentForm(c.form),
                        c.agency,
                        c.withdrawn_on,
                    )
                    for c in consents
                ),
                closed_on=case.closed_on,
                closure_reason=case.closure_reason,
                assessments=assessment_views(s, case.id),
                agreements=agreement_views(s, case.id),
                referrals=referral_views(s, case.id),
                contacts=contact_views(s, case.id),
                themes=themes_of(case),
                facts=facts_of(client),
            )
        self._audit_only("client.open", "client", client_id, case.id)
        return view

    # -- weekly bundle ---------------------------------------------------------------------

    def sync_status(self) -> SyncStatus:
        """Identity, connected coordinator and what the next bundle would carry."""
        from kim_tui.sync import coach_state as cs
        from kim_tui.sync.identity import display_fingerprint

        with self._read() as s:
            has_identity = cs.get(s, cs.SIGN_KEY) is not None
            try:
                coordinator = cs.coordinator(s)
            except cs.SyncSetupError:
                coordinator = None
            seq = cs.last_seq(s)
            last = cs.sent_bundle(s, seq) if seq else None
            pending = cs.current_revision(s) - (last.rev_upto if last else 0)
        return SyncStatus(
            has_identity=has_identity,
            coordinator_name=coordinator.name if coordinator else None,
            coordinator_fingerprint=(
                display_fingerprint(coordinator.fingerprint) if coordinator else None
            ),
            last_seq=seq,
            last_week=last.week if last else None,
            last_created_at=last.created_at if last else None,
            pending_revisions=max(0, pending),
        )

    def export_weekly(
        self, out_dir: str, progress: Callable[[int, int], None] | None = None
    ) -> ExportSummary:
        """Write the next weekly bundle to `out_dir` (atomic; signed; encrypted)."""
        from pathlib import Path

        from kim_tui.sync import coach_state as cs
        from kim_tui.sync.exporter import export_bundle

        target = Path(out_dir).expanduser()
        try:
            result = export_bundle(self.vault, target, progress=progress)
        except cs.SyncSetupError as exc:
            raise ValidationError({"export": str(exc)}) from None
        self._audit_only("bundle.export", "bundle", detail=str(result.header.seq))
        header = result.header
        return ExportSummary(str(result.path), header.seq, header.week, sum(header.counts.values()))

    # -- audit -------------------------------------------------------------------------------

    def audit_log(self, case_id: str | None = None, limit: int = 200) -> tuple[AuditEntry, ...]:
        with self._read() as s:
            stmt = select(AuditEvent).order_by(col(AuditEvent.at).desc()).limit(limit)
            if case_id is not None:
                stmt = stmt.where(col(AuditEvent.case_id) == case_id)
            return tuple(
                AuditEntry(e.at, e.action, e.entity, e.entity_id, e.detail)
                for e in s.exec(stmt).all()
            )

    def _audit_only(
        self,
        action: str,
        entity: str,
        entity_id: str | None = None,
        case_id: str | None = None,
        detail: str = "",
    ) -> None:
        """An audit event for something that changes no synced record (a read, a print, an
        export): no new revision, so it does not make the next bundle look non-empty."""
        with Session(self.vault.engine) as s:
            s.add(
                AuditEvent(
                    action=action,
                    entity=entity,
                    entity_id=entity_id,
                    case_id=case_id,
                    detail=detail,
                )
            )
            s.commit()

    # -- internals ---------------------------------------------------------------------------

    @staticmethod
    def _get(session: Session, model: type[Any], key: str) -> Any:
        row = session.get(model, key)
        if row is None or row.deleted_at is not None:
            raise NotFound(model.__name__)
        return row

    @staticmethod
    def _cases_of(session: Session, client_id: str, include_closed: bool = False) -> list[Case]:
        stmt = select(Case).where(col(Case.client_id) == client_id, col(Case.deleted_at).is_(None))
        if not include_closed:
            stmt = stmt.where(col(Case.closed_on).is_(None))
        return list(session.exec(stmt.order_by(col(Case.first_contact_on).desc())).all())

    @staticmethod
    def _current_residence(
        session: Session, client_ids: list[str]
    ) -> dict[str, tuple[str, date | None]]:
        """client id → (status, valid until) of the newest residence record."""
        if not client_ids:
            return {}
        rows = (
            session.connection()
            .execute(
                sql_select(
                    col(ResidenceRecord.client_id),
                    col(ResidenceRecord.status),
                    col(ResidenceRecord.valid_until),
                )
                .where(
                    col(ResidenceRecord.client_id).in_(client_ids),
                    col(ResidenceRecord.deleted_at).is_(None),
                )
                .order_by(col(ResidenceRecord.created_at))
            )
            .all()
        )
        return {client_id: (status, until) for client_id, status, until in rows}  # newest wins

    def _sync_residence(
        self, tx: _Tx, case: Case, client: Client, record: ResidenceRecord, weeks: int
    ) -> None:
        label = catalog("residence_statuses").label(record.status)
        self._sync(
            tx,
            case,
            client,
            fu.due_for_residence(record.id, label, record.valid_until, weeks, self.calendar),
            source=FollowUpSource.RESIDENCE,
            source_id=record.id,
        )

    def _sync(
        self,
        tx: _Tx,
        case: Case,
        client: Client,
        derived: fu.DerivedDue | None,
        *,
        source: FollowUpSource | None = None,
        source_id: str | None = None,
    ) -> None:
        """Make the derived follow-up of one source row match `derived` (None: retire it)."""
        source = derived.source if derived else source
        source_id = derived.source_id if derived else source_id
        if source is None or source_id is None:
            return
        row = tx.session.exec(
            select(FollowUp).where(
                col(FollowUp.source) == source.value,
                col(FollowUp.source_id) == source_id,
                col(FollowUp.case_id) == case.id,
            )
        ).first()
        if derived is None:
            if row is not None and row.open:
                row.open = 0
                row.deleted_at = utcnow()
                tx.session.add(row)
            return
        if row is None:
            row = FollowUp(
                case_id=case.id,
                client_id=client.id,
                source=source.value,
                source_id=source_id,
                original_due_on=derived.original_due_on,
                due_on=derived.due_on,
            )
        elif row.original_due_on != derived.original_due_on:
            # The source date changed: a new due date, so the reminder is open again.
            row.original_due_on = derived.original_due_on
            row.due_on = derived.due_on
            row.done_on = None
        row.reason = derived.reason
        row.search_key = client.search_key
        row.client_name = display_name(client.given_name, client.family_name)
        row.sort_key = client.sort_key
        row.deleted_at = None
        row.open = 0 if (row.done_on is not None or case.closed_on is not None) else 1
        tx.session.add(row)

    def _refresh_case(self, tx: _Tx, case: Case) -> None:
        """Re-derive the stage and the next due date from the case's data."""
        if self._batch is tx:
            tx.deferred_cases[case.id] = case
            return
        s = tx.session
        s.flush()
        has_assessment = (
            s.exec(
                select(func.count()).where(
                    col(Assessment.case_id) == case.id, col(Assessment.deleted_at).is_(None)
                )
            ).one()
            > 0
        )
        has_agreement = (
            s.exec(
                select(func.count()).where(
                    col(GoalAgreement.case_id) == case.id, col(GoalAgreement.deleted_at).is_(None)
                )
            ).one()
            > 0
        )
        statuses = s.exec(
            select(Referral.status).where(
                col(Referral.case_id) == case.id, col(Referral.deleted_at).is_(None)
            )
        ).all()
        stage = derive_stage(
            closed=case.closed_on is not None,
            has_assessment=has_assessment,
            has_goal_agreement=has_agreement,
            open_referrals=sum(1 for st in statuses if st in ("open", "accepted")),
            any_referrals=len(statuses),
        )
        next_due = s.exec(
            select(func.min(FollowUp.due_on)).where(
                col(FollowUp.case_id) == case.id, col(FollowUp.open) == 1
            )
        ).one()
        if case.stage != stage.value or case.next_due_on != next_due:
            case.stage = stage.value
            case.next_due_on = next_due
            s.add(case)


@event.listens_for(OrmSession, "before_flush")
def _stamp_revision(session: OrmSession, _ctx: Any, _instances: Any) -> None:
    revision = session.info.get("revision")
    if revision is None:
        return
    now = utcnow()
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Record) and not isinstance(obj, AuditEvent):
            obj.revision = revision
            obj.updated_at = now
        elif isinstance(obj, AuditEvent):
            obj.revision = revision


def _apply_client(row: Client, draft: ClientDraft) -> None:
    row.given_name = draft.given_name.strip()
    row.family_name = draft.family_name.strip()
    row.other_names = draft.other_names.strip()
    row.birth_date = draft.birth_date
    row.gender = draft.gender
    row.nationality = draft.nationality
    row.country_of_birth = draft.country_of_birth
    row.languages = _codes(list(draft.languages))
    row.interpreter_needed = draft.interpreter_needed
    row.address = draft.address
    row.phone = draft.phone
    row.household_json = json.dumps(
        [
            {
                "name": m.name,
                "relation": m.relation,
                "birth_date": m.birth_date.isoformat() if m.birth_date else None,
            }
            for m in draft.household
        ],
        ensure_ascii=False,
    )
    row.search_key = search_key(row.given_name, row.family_name, row.other_names)
    row.sort_key = f"{fold(row.family_name)} {fold(row.given_name)}"


def _client_draft(row: Client) -> ClientDraft:
    household = tuple(
        HouseholdMember(
            name=m.get("name", ""),
            relation=m.get("relation", ""),
            birth_date=date.fromisoformat(m["birth_date"]) if m.get("birth_date") else None,
        )
        for m in json.loads(row.household_json or "[]")
    )
    return ClientDraft(
        given_name=row.given_name,
        family_name=row.family_name,
        birth_date=row.birth_date,
        other_names=row.other_names,
        gender=row.gender,
        nationality=row.nationality,
        country_of_birth=row.country_of_birth,
        languages=_uncodes(row.languages),
        interpreter_needed=row.interpreter_needed,
        address=row.address,
        phone=row.phone,
        household=household,
    )


def _consent_row(consent: ConsentDraft, client_id: str, case_id: str) -> Consent:
    return Consent(
        client_id=client_id,
        case_id=case_id,
        purpose=consent.purpose.value,
        agency=consent.agency,
        given_on=consent.given_on,
        form=consent.form.value,
    )


def _residence_fields(draft: ResidenceDraft) -> dict[str, Any]:
    return {
        "status": draft.status,
        "legal_basis": draft.legal_basis
        or catalog("residence_statuses").get(draft.status).extra.get("legal_basis", "")  # type: ignore[union-attr]
        if catalog("residence_statuses").get(draft.status)
        else draft.legal_basis,
        "valid_from": draft.valid_from,
        "valid_until": draft.valid_until,
    }


__all__ = ["PAGE_SIZE", "REVISION_SETTING", "Workspace", "display_name", "search_key"]
