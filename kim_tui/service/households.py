"""Households: link clients who live together, each with their own file (issue 14 § 6).

A household is a random id on its members' `HouseholdMembership` rows. Every write here is one
unit-of-work write (one revision, one audit event); corrections and leaving keep their history
through the unit of work's `RecordChange`s. A write touches the member clients' rows too (only
``updated_at``), so their next bundle carries the new household link (`domain.pseudonym`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, select

from kim_tui.domain.followups import render_reason
from kim_tui.domain.household import (
    DEFAULT_ROLE,
    HOUSEHOLD_MOVED,
    HOUSEHOLD_NONE,
    HOUSEHOLD_SAME,
    HOUSEHOLD_SEPARATE,
    REFERENCE_ROLE,
    HouseholdMemberView,
    HouseholdView,
    SpouseFacts,
    is_role,
    role_order,
    spouses_of,
)
from kim_tui.domain.model import ClientDraft, IntakeDraft
from kim_tui.domain.validation import validate_intake
from kim_tui.i18n import tr
from kim_tui.service.caseload import current_residence
from kim_tui.service.context import ServiceContext, cases_of, live, require_valid
from kim_tui.service.converters import apply_client, display_name
from kim_tui.service.derived import refresh_case
from kim_tui.store.errors import ValidationError
from kim_tui.store.models import Case, Client, FollowUp, HouseholdMembership, utcnow
from kim_tui.store.unit_of_work import Transaction

ENTITY = "householdmembership"
_NO_HOUSEHOLD = (
    "Diese Klient*in lebt in keinem Haushalt.",
    "This client lives in no household.",
)

Households = Sequence[tuple[str, str]]
"""Per imported row: the household label of the import file ("" for none) and a role code."""


def _membership(session: Session, client_id: str) -> HouseholdMembership | None:
    """The client's live membership row, or None."""
    return session.exec(
        select(HouseholdMembership).where(
            col(HouseholdMembership.client_id) == client_id,
            col(HouseholdMembership.deleted_at).is_(None),
        )
    ).first()


def _members(session: Session, household_id: str) -> list[HouseholdMembership]:
    return list(
        session.exec(
            select(HouseholdMembership).where(
                col(HouseholdMembership.household_id) == household_id,
                col(HouseholdMembership.deleted_at).is_(None),
            )
        ).all()
    )


def _require_role(role: str) -> None:
    if not is_role(role):
        raise ValidationError(
            {
                "role": tr(
                    f"Unbekannte Rolle im Haushalt: {role!r}.",
                    f"Unknown role in the household: {role!r}.",
                )
            }
        )


def _touch(session: Session, client_id: str) -> None:
    """Give the client row the write's revision, so the next bundle re-sends its household."""
    client = session.get(Client, client_id)
    if client is not None:
        client.updated_at = utcnow()
        session.add(client)


def _case_of(tx: Transaction, client_id: str) -> None:
    # The Verlauf of the file lists the case's events: a household change belongs there too.
    cases = cases_of(tx.session, client_id, include_closed=True)
    tx.case_id = cases[0].id if cases else None


def _end(session: Session, row: HouseholdMembership) -> None:
    """End a membership; a household left with one member ends with it (as on leaving)."""
    now = utcnow()
    rest = [m for m in _members(session, row.household_id) if m.id != row.id]
    for member in [row, *rest] if len(rest) == 1 else [row]:
        member.deleted_at = now
        session.add(member)
        _touch(session, member.client_id)


def merge_household(tx: Transaction, survivor_id: str, other_id: str) -> str:
    """The household membership of the file `other_id`, merged into `survivor_id` inside the
    merge's write `tx`: it moves to the survivor if the survivor has none. Otherwise it ends
    (one person lives in one household, and the kept file's is the one the coach kept), with
    a reason, recorded against the survivor so its Verlauf shows it; a household left with one
    member ends. Returns one of the ``HOUSEHOLD_*`` codes."""
    s = tx.session
    theirs = _membership(s, other_id)
    if theirs is None:
        return HOUSEHOLD_NONE
    mine = _membership(s, survivor_id)
    outcome = HOUSEHOLD_MOVED
    if mine is not None:
        outcome = HOUSEHOLD_SAME if mine.household_id == theirs.household_id else HOUSEHOLD_SEPARATE
        # Flush the merge so far: the reason below belongs to this membership's change only.
        s.flush()
        tx.correcting(
            tr(
                "Zusammenführung: beide Akten lebten im selben Haushalt.",
                "Merge: both files lived in the same household.",
            )
            if outcome == HOUSEHOLD_SAME
            else tr(
                "Zusammenführung: die übernommene Akte lebte in einem anderen Haushalt; "
                "es gilt der Haushalt dieser Akte.",
                "Merge: the merged file lived in another household; this file's household applies.",
            )
        )
    theirs.client_id = survivor_id
    s.add(theirs)
    _touch(s, survivor_id)
    if mine is not None:
        _end(s, theirs)
        s.flush()
        s.info.pop("change_reason", None)
    return outcome


class HouseholdService:
    """Who lives with whom: link, add as a new client, correct the role, leave."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # -- reading -----------------------------------------------------------------------------

    def household(self, client_id: str) -> HouseholdView | None:
        """The client's household with every other member's status, phase and next due item;
        None when the client lives in no linked household."""
        today = self._ctx.today()
        with self._ctx.uow.read() as s:
            own = _membership(s, client_id)
            if own is None:
                return None
            rows = [m for m in _members(s, own.household_id) if m.client_id != client_id]
            ids = [m.client_id for m in rows]
            residence = current_residence(s, ids, today)
            members: list[HouseholdMemberView] = []
            spouse_rows: dict[str, Client] = {}
            for row in rows:
                client = s.get(Client, row.client_id)
                if client is None or client.deleted_at is not None:
                    continue
                cases = cases_of(s, row.client_id, include_closed=True)
                case = cases[0] if cases else None
                reason = ""
                if case is not None and case.next_due_on is not None:
                    due = s.exec(
                        select(FollowUp.reason)
                        .where(col(FollowUp.case_id) == case.id, col(FollowUp.open) == 1)
                        .order_by(col(FollowUp.due_on), col(FollowUp.id))
                    ).first()
                    reason = due or ""
                status, until = residence.get(row.client_id, (None, None))
                members.append(
                    HouseholdMemberView(
                        client_id=row.client_id,
                        display_name=display_name(client.given_name, client.family_name),
                        role=row.role,
                        birth_date=client.birth_date,
                        residence_status=status,
                        residence_valid_until=until,
                        stage=case.stage if case is not None else None,
                        next_due_on=case.next_due_on if case is not None else None,
                        next_due_reason=render_reason(reason, "de"),
                        next_due_reason_en=render_reason(reason, "en"),
                    )
                )
                spouse_rows[row.client_id] = client
            members.sort(key=lambda m: (role_order(m.role), m.birth_date or date.min))
            view = HouseholdView(own.household_id, client_id, own.role, tuple(members))
            spouses = tuple(
                SpouseFacts(
                    display_name=m.display_name,
                    residence_status=m.residence_status,
                    identity_clarified=spouse_rows[m.client_id].identity_clarified,
                    conviction_over_threshold=spouse_rows[m.client_id].conviction_over_threshold
                    or "unknown",
                )
                for m in spouses_of(view)
            )
        return HouseholdView(view.household_id, client_id, view.role, view.members, spouses)

    # -- writing -----------------------------------------------------------------------------

    def link(self, client_id: str, other_id: str, role: str) -> None:
        """Link the existing client `other_id` into `client_id`'s household with `role`
        (relative to the household's reference person). A client without a household becomes
        its reference person. Refused if `other_id` already lives in a household."""
        _require_role(role)
        if other_id == client_id:
            raise ValidationError(
                {
                    "member": tr(
                        "Eine Klient*in kann nicht ihr eigenes Mitglied sein.",
                        "A client cannot be their own member.",
                    )
                }
            )
        with self._ctx.uow.write("household.link", ENTITY) as tx:
            live(tx.session, Client, other_id)
            household_id = self._joinable(tx, client_id)
            if _membership(tx.session, other_id) is not None:
                raise ValidationError(
                    {
                        "member": tr(
                            "Diese Klient*in gehört schon zu einem Haushalt; "
                            "dort erst austreten (in ihrer Akte).",
                            "This client already belongs to a household; let them leave it "
                            "first (in their file).",
                        )
                    }
                )
            row = HouseholdMembership(household_id=household_id, client_id=other_id, role=role)
            tx.session.add(row)
            tx.session.flush()
            tx.entity_id = row.id
            _case_of(tx, client_id)
            _touch(tx.session, other_id)

    def add_new_member(self, client_id: str, draft: ClientDraft, role: str) -> str:
        """Create a new client (their own file and first case, first contact today) and link
        them into `client_id`'s household with `role`, in one write; returns the new id."""
        _require_role(role)
        today = self._ctx.today()
        require_valid(validate_intake(IntakeDraft(client=draft, first_contact_on=today), today))
        with self._ctx.uow.write("household.add_member", ENTITY) as tx:
            household_id = self._joinable(tx, client_id)
            member_id = self._create_client(tx, draft, today)
            row = HouseholdMembership(household_id=household_id, client_id=member_id, role=role)
            tx.session.add(row)
            tx.session.flush()
            tx.entity_id = row.id
            _case_of(tx, client_id)
        return member_id

    def set_role(self, client_id: str, role: str) -> None:
        """Correct the client's role in their household (the old role stays in the Verlauf)."""
        _require_role(role)
        with self._ctx.uow.write("household.role", ENTITY) as tx:
            row = _membership(tx.session, client_id)
            if row is None:
                raise ValidationError({"household": tr(*_NO_HOUSEHOLD)})
            tx.entity_id = row.id
            _case_of(tx, client_id)
            if row.role != role:
                row.role = role
                tx.session.add(row)
                _touch(tx.session, client_id)

    def leave(self, client_id: str, reason: str = "") -> None:
        """The client leaves their household (moved out, linked by mistake); the membership
        stays in the Verlauf with `reason`. A household left with one member ends."""
        with self._ctx.uow.write("household.leave", ENTITY) as tx:
            row = _membership(tx.session, client_id)
            if row is None:
                raise ValidationError({"household": tr(*_NO_HOUSEHOLD)})
            if reason.strip():
                tx.correcting(reason.strip())
            tx.entity_id = row.id
            _case_of(tx, client_id)
            _end(tx.session, row)

    def import_households(
        self, created: Sequence[str], memberships: Sequence[tuple[str, str]]
    ) -> int:
        """Link imported clients (`created`, parallel to `memberships`: a household label of
        the import file and a role code, label "" for none) into one household per label;
        the first member of a household without a role is its reference person. Runs inside
        the import's batch. Returns how many households were made."""
        groups: dict[str, list[tuple[str, str]]] = {}
        for client_id, (label, role) in zip(created, memberships, strict=True):
            if label:
                groups.setdefault(label, []).append((client_id, role))
        made = 0
        for members in groups.values():
            if len(members) < 2:
                continue
            with self._ctx.uow.write("household.link", ENTITY) as tx:
                household_id = str(uuid.uuid4())
                rows = [
                    HouseholdMembership(
                        household_id=household_id,
                        client_id=member_id,
                        role=role or (REFERENCE_ROLE if index == 0 else DEFAULT_ROLE),
                    )
                    for index, (member_id, role) in enumerate(members)
                ]
                for row in rows:
                    _require_role(row.role)
                    tx.session.add(row)
                tx.session.flush()
                tx.entity_id = rows[0].id
            made += 1
        return made

    # -- helpers -----------------------------------------------------------------------------

    def _joinable(self, tx: Transaction, client_id: str) -> str:
        """The household id of `client_id`, starting one (as its reference person) if none."""
        live(tx.session, Client, client_id)
        own = _membership(tx.session, client_id)
        if own is not None:
            return own.household_id
        household_id = str(uuid.uuid4())
        tx.session.add(
            HouseholdMembership(household_id=household_id, client_id=client_id, role=REFERENCE_ROLE)
        )
        _touch(tx.session, client_id)
        return household_id

    def _create_client(self, tx: Transaction, draft: ClientDraft, today: date) -> str:
        """A client and their first case (as an intake with the short form would make)."""
        client = Client(given_name="", family_name="")
        apply_client(client, draft)
        tx.session.add(client)
        tx.session.flush()
        case = Case(client_id=client.id, first_contact_on=today)
        tx.session.add(case)
        tx.session.flush()
        refresh_case(tx, case)
        return client.id

    def import_intakes(
        self, drafts: Sequence[IntakeDraft], memberships: Sequence[tuple[str, str]]
    ) -> int:
        """The CSV import with a household column: every intake and every household in one
        batch (one transaction, one revision), all or nothing."""
        from kim_tui.service.clients import ClientService

        clients = ClientService(self._ctx)
        today = self._ctx.today()
        problems: dict[str, str] = {}
        for number, draft in enumerate(drafts, start=1):
            for name, message in validate_intake(draft, today).items():
                problems[f"{number}.{name}"] = message
        require_valid(problems)
        with self._ctx.uow.batch():
            created = [clients.intake(draft)[0] for draft in drafts]
            self.import_households(created, memberships)
        self._ctx.update_statistics()
        return len(drafts)


__all__ = [
    "HouseholdService",
    "HouseholdView",
    "Households",
    "merge_household",
]
