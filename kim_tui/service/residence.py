"""Residence status history and the lead time of its expiry reminders."""

from __future__ import annotations

from sqlmodel import col, select

from kim_tui.domain.model import FollowUpSource, ResidenceDraft
from kim_tui.domain.validation import validate_reminder_weeks
from kim_tui.service.context import ServiceContext, cases_of, live, require_valid
from kim_tui.service.converters import residence_row
from kim_tui.service.derived import (
    REMINDER_WEEKS_SETTING,
    refresh_case,
    residence_reminder_weeks,
    sync_residence,
)
from kim_tui.store.models import Client, FollowUp, ResidenceRecord, VaultSetting, utcnow


class ResidenceService:
    """Residence records (a history: the newest is current) and their reminders."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def add_residence_record(self, client_id: str, draft: ResidenceDraft) -> str:
        """A new residence status becomes the current one; earlier ones stay as history."""
        with self._ctx.uow.write("residence.add", "residencerecord", detail=draft.status) as tx:
            client = live(tx.session, Client, client_id)
            record = residence_row(client.id, draft)
            tx.session.add(record)
            tx.session.flush()
            tx.entity_id = record.id
            weeks = residence_reminder_weeks(tx.session)
            for case in cases_of(tx.session, client.id):
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
                sync_residence(tx, case, client, record, weeks, self._ctx.calendar)
                refresh_case(tx, case)
            return record.id

    def residence_reminder_weeks(self) -> int:
        """Weeks before a residence document expires that its reminder falls due."""
        with self._ctx.uow.read() as s:
            return residence_reminder_weeks(s)

    def set_residence_reminder_weeks(self, weeks: int) -> None:
        """Change the lead time of expiry reminders and re-derive every open one."""
        require_valid(validate_reminder_weeks(weeks))
        with self._ctx.uow.write("settings.reminder_weeks", "setting", detail=str(weeks)) as tx:
            tx.session.merge(VaultSetting(key=REMINDER_WEEKS_SETTING, value=str(weeks)))
            rows = tx.session.exec(
                select(ResidenceRecord, Client)
                .join(Client, col(Client.id) == col(ResidenceRecord.client_id))
                .where(col(ResidenceRecord.deleted_at).is_(None))
            ).all()
            for record, client in rows:
                for case in cases_of(tx.session, client.id):
                    sync_residence(tx, case, client, record, weeks, self._ctx.calendar)
