"""The retention rule of the vault and the "Löschung fällig" follow-up of a closed case (DP-6).

A closed case keeps its data until the retention end (end of the closure year + N years, N a
vault setting); from the next day on, its erasure is due: one follow-up per closed case, open
even though the case is closed (every other follow-up of a closed case is shut), so it shows in
the Wiedervorlagen. Reopening the case retires it.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, select

from kim_tui.domain.followups import encode_reason
from kim_tui.domain.model import FollowUpSource
from kim_tui.domain.retention import RetentionRule, default_rule
from kim_tui.domain.scheduling import WorkingDays
from kim_tui.service.converters import display_name
from kim_tui.service.derived import refresh_case
from kim_tui.store.models import Case, Client, FollowUp, VaultSetting, utcnow
from kim_tui.store.unit_of_work import Transaction

RETENTION_YEARS_SETTING = "dp.retention_years"
"""VaultSetting key of N in "end of the closure year + N years"."""


def retention_rule(session: Session) -> RetentionRule:
    """The vault's retention rule (the default until the coach changes it)."""
    rule = default_rule()
    row = session.get(VaultSetting, RETENTION_YEARS_SETTING)
    if row is None:
        return rule
    try:
        return rule.with_years(int(row.value))
    except ValueError:
        return rule


def erasure_due_on(rule: RetentionRule, closed_on: date) -> date:
    """The first day the erasure of a case closed on `closed_on` is due."""
    return rule.end(closed_on) + timedelta(days=1)


def sync_retention(
    tx: Transaction, case: Case, client: Client, rule: RetentionRule, calendar: WorkingDays
) -> None:
    """Make the case's "Löschung fällig" follow-up match its closure (none while open)."""
    row = tx.session.exec(
        select(FollowUp).where(
            col(FollowUp.source) == FollowUpSource.RETENTION.value,
            col(FollowUp.source_id) == case.id,
        )
    ).first()
    if case.closed_on is None:
        if row is not None and row.deleted_at is None:
            row.open = 0
            row.deleted_at = utcnow()
            tx.session.add(row)
        return
    original = erasure_due_on(rule, case.closed_on)
    if row is None:
        row = FollowUp(
            case_id=case.id,
            client_id=client.id,
            source=FollowUpSource.RETENTION.value,
            source_id=case.id,
            original_due_on=original,
            due_on=calendar.next_working_day(original),
        )
    elif row.original_due_on != original or row.deleted_at is not None:
        row.original_due_on = original
        row.due_on = calendar.next_working_day(original)
        row.done_on = None
    # Stored as a code, shown in the UI language (`domain.followups.render_reason`).
    row.reason = encode_reason("retention_due", {"ended": rule.end(case.closed_on).isoformat()})
    row.search_key = client.search_key
    row.client_name = display_name(client.given_name, client.family_name)
    row.sort_key = client.sort_key
    row.deleted_at = None
    row.open = 0 if row.done_on is not None else 1
    tx.session.add(row)


def resync_all(tx: Transaction, rule: RetentionRule, calendar: WorkingDays) -> None:
    """Re-derive every closed case's erasure follow-up (after the rule changed)."""
    for case in tx.session.exec(
        select(Case).where(col(Case.closed_on).is_not(None), col(Case.deleted_at).is_(None))
    ).all():
        client = tx.session.get(Client, case.client_id)
        if client is not None:
            sync_retention(tx, case, client, rule, calendar)
            refresh_case(tx, case)
