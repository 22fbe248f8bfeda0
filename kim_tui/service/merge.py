"""Merging two client files of one person (issue 11 § 5): one survives, the other becomes a
tombstone pointing at it, nothing recorded is lost, one audit event.

What moves to the survivor: cases (an open case of the other file is folded into the
survivor's open case, if there is one: its assessments, goal agreements, referrals, contacts,
consents and follow-ups move into it, the emptied case becomes a tombstone; closed cases move
as they are), consents, residence papers and follow-ups, and the household membership
(`households.merge_household`: it moves if the survivor has none, else the survivor's household
wins and the other membership ends with a reason in the Verlauf). The audit events stay as they were
(their case ids are the moved cases, so the Verlauf of the surviving file shows them). The next
weekly bundle carries every moved row with its new owner, the other client as a tombstone with
``merged_into`` and a folded case as a tombstone, so the coordinator counts one person.
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import update
from sqlmodel import Session, col, select

from kim_tui.domain.merge import MasterDifference, master_differences, merged_master
from kim_tui.domain.scheduling import WorkingDays
from kim_tui.domain.validation import validate_client
from kim_tui.i18n import tr
from kim_tui.service.context import ServiceContext, cases_of, live, require_valid
from kim_tui.service.converters import apply_client, client_draft, codes, display_name, uncodes
from kim_tui.service.derived import refresh_case, residence_reminder_weeks, sync_current_residence
from kim_tui.service.households import merge_household
from kim_tui.store.errors import ValidationError
from kim_tui.store.models import (
    Assessment,
    Case,
    Client,
    Consent,
    ContactNote,
    FollowUp,
    GoalAgreement,
    Referral,
    ResidenceRecord,
    utcnow,
)
from kim_tui.store.unit_of_work import Transaction

_CASE_CHILDREN: tuple[type[Assessment | GoalAgreement | Referral | ContactNote], ...] = (
    Assessment,
    GoalAgreement,
    Referral,
    ContactNote,
)
"""Rows that belong to a case (their own children follow them)."""

_FACT_FIELDS = (
    "entry_on",
    "german_level",
    "german_certificate_on",
    "livelihood_share",
    "in_school_or_training",
    "school_months",
    "pension_months",
    "identity_clarified",
)
"""Residence facts: the survivor's win, the other's fill what the survivor lacks."""


class MergeService:
    """Master-data comparison and the merge of two client files."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def merge_differences(self, survivor_id: str, other_id: str) -> list[MasterDifference]:
        """The master-data fields on which the two files disagree (the coach decides each)."""
        with self._ctx.uow.read() as s:
            survivor = client_draft(live(s, Client, survivor_id))
            other = client_draft(live(s, Client, other_id))
        return master_differences(survivor, other)

    def merge_clients(
        self, survivor_id: str, other_id: str, take_from_other: frozenset[str] = frozenset()
    ) -> str:
        """Merge the file `other_id` into `survivor_id` (see the module docstring).

        `take_from_other` names the master-data fields (`domain.merge.MASTER_FIELDS`) whose
        value comes from the other file; every other field keeps the survivor's value.
        Returns what became of the other file's household (`households.HOUSEHOLD_*`): the
        coach is told when it was another household than the survivor's.
        """
        if survivor_id == other_id:
            raise ValidationError(
                {
                    "merge": tr(
                        "Eine Akte kann nicht mit sich selbst zusammengeführt werden.",
                        "A file cannot be merged with itself.",
                    )
                }
            )
        with self._ctx.uow.write("client.merge", "client", survivor_id, detail=other_id) as tx:
            return merge_in(
                tx, survivor_id, other_id, take_from_other, self._ctx.today(), self._ctx.calendar
            )


def merge_in(
    tx: Transaction,
    survivor_id: str,
    other_id: str,
    take_from_other: frozenset[str],
    today: date,
    calendar: WorkingDays,
) -> str:
    """The merge of `other_id` into `survivor_id` inside the write `tx` (see
    `MergeService.merge_clients`); a received handover is merged the same way. Returns what
    became of the other file's household (`households.HOUSEHOLD_*`). Both files' papers are
    the survivor's now: only its current paper reminds (`calendar` for the due date)."""
    s = tx.session
    survivor = live(s, Client, survivor_id)
    other = live(s, Client, other_id)
    draft = merged_master(client_draft(survivor), client_draft(other), take_from_other)
    require_valid(validate_client(draft, today))
    apply_client(survivor, draft)
    for name in _FACT_FIELDS:
        if getattr(survivor, name) is None and getattr(other, name) is not None:
            setattr(survivor, name, getattr(other, name))
    s.add(survivor)
    target = next(iter(cases_of(s, survivor_id)), None)
    touched: list[Case] = []
    for case in cases_of(s, other_id, include_closed=True):
        if case.closed_on is None and target is not None:
            _fold_case(s, case, target)
        else:
            case.client_id = survivor_id
            s.add(case)
            touched.append(case)
    _move(s, Consent, other_id, survivor_id)
    _move(s, ResidenceRecord, other_id, survivor_id)
    _move(s, FollowUp, other_id, survivor_id)
    household = merge_household(tx, survivor_id, other_id)
    s.execute(
        update(FollowUp)
        .where(col(FollowUp.client_id) == survivor_id)
        .values(
            search_key=survivor.search_key,
            client_name=display_name(survivor.given_name, survivor.family_name),
            sort_key=survivor.sort_key,
            revision=tx.revision,
            updated_at=utcnow(),
        )
    )
    other.deleted_at = utcnow()
    other.merged_into = survivor_id
    s.add(other)
    s.flush()
    weeks = residence_reminder_weeks(s)
    for case in cases_of(s, survivor_id):
        sync_current_residence(tx, case, survivor, weeks, calendar, today)
    for case in [target, *touched] if target is not None else touched:
        refresh_case(tx, case)
    tx.case_id = target.id if target is not None else None
    return household


def _move(
    s: Session, model: type[Consent | ResidenceRecord | FollowUp], old: str, new: str
) -> None:
    for row in s.exec(select(model).where(col(model.client_id) == old)).all():
        row.client_id = new
        s.add(row)


def _fold_case(s: Session, case: Case, target: Case) -> None:
    """Move everything of `case` into `target` (both open cases of one person) and leave
    `case` as a tombstone."""
    for model in _CASE_CHILDREN:
        for row in s.exec(select(model).where(col(model.case_id) == case.id)).all():
            row.case_id = target.id
            s.add(row)
    for owned in (Consent, FollowUp):
        for moved in s.exec(select(owned).where(col(owned.case_id) == case.id)).all():
            moved.case_id = target.id
            s.add(moved)
    target.first_contact_on = min(target.first_contact_on, case.first_contact_on)
    for name in ("legal_domains", "target_groups"):
        mine, theirs = uncodes(getattr(target, name)), uncodes(getattr(case, name))
        setattr(target, name, codes(list(mine) + [c for c in theirs if c not in mine]))
    target.themes = _union_json(target.themes, case.themes)
    s.add(target)
    case.deleted_at = utcnow()
    s.add(case)


def _union_json(mine: str, theirs: str) -> str:
    """Two stored theme lists (JSON arrays, or "" for none) as one, without repeats."""
    first: list[str] = json.loads(mine) if mine else []
    second: list[str] = json.loads(theirs) if theirs else []
    merged = first + [c for c in second if c not in first]
    return json.dumps(merged, ensure_ascii=False) if merged else mine


def files_merged_into(s: Session, client_id: str) -> list[Client]:
    """The files merged into the client's, and into those (a chain), as their tombstones are
    now: the same person, for her erasure and her Art. 15 copy."""
    found: list[Client] = []
    frontier = [client_id]
    while frontier:
        rows = s.exec(select(Client).where(col(Client.merged_into).in_(frontier))).all()
        new = [r for r in rows if r.id != client_id and r not in found]
        found += new
        frontier = [r.id for r in new]
    return found
