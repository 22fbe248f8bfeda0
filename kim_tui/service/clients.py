"""Clients: intake (single and CSV import), duplicates, master data and residence facts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import update
from sqlmodel import col

from kim_tui.domain.model import (
    ClientDraft,
    DuplicateCandidate,
    IntakeDraft,
    ResidenceFactsDraft,
)
from kim_tui.domain.validation import validate_client, validate_intake, validate_residence_facts
from kim_tui.service.context import (
    ServiceContext,
    cases_of,
    live,
    require_valid,
)
from kim_tui.service.converters import (
    apply_client,
    apply_facts,
    codes,
    consent_row,
    display_name,
    residence_row,
)
from kim_tui.service.derived import (
    refresh_case,
    residence_reminder_weeks,
    sync_current_residence,
)
from kim_tui.service.duplicate_index import CachedDuplicateIndex
from kim_tui.store.models import Case, Client, FollowUp, utcnow


class ClientService:
    """Intake, import and correction of a client's master data."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._duplicates = CachedDuplicateIndex(ctx.uow)

    def find_duplicates(self, client: ClientDraft) -> list[DuplicateCandidate]:
        """Likely existing records of the person in `client`, each with its reasons."""
        return self.find_duplicates_many([client])[0]

    def find_duplicates_many(
        self, clients: Sequence[ClientDraft]
    ) -> list[list[DuplicateCandidate]]:
        """`find_duplicates` for each of `clients` (a list import), with one look at the vault."""
        return self._duplicates.find_many(clients)

    def duplicates_of(self, client_id: str) -> list[DuplicateCandidate]:
        """Other client files that are probably the same person as `client_id`."""
        with self._ctx.uow.read() as s:
            client = live(s, Client, client_id)
            draft = ClientDraft(
                client.given_name, client.family_name, client.birth_date, client.other_names
            )
        return self._duplicates.find_many([draft], exclude=client_id)[0]

    def prepare_duplicate_check(self) -> None:
        """Build the duplicate check's index now, ahead of the first check."""
        self._duplicates.prepare()

    def forget_duplicates(self) -> None:
        """Drop the duplicate check's index of names (the vault is being locked)."""
        self._duplicates.forget()

    def intake(self, draft: IntakeDraft) -> tuple[str, str]:
        """Create a client and their first case; returns (client_id, case_id)."""
        require_valid(validate_intake(draft, self._ctx.today()))
        with self._ctx.uow.write("client.intake", "case") as tx:
            client = Client(given_name="", family_name="")
            apply_client(client, draft.client)
            tx.session.add(client)
            tx.session.flush()  # no ORM relationships, so parents are flushed before children
            case = Case(
                client_id=client.id,
                first_contact_on=draft.first_contact_on,
                access_route=draft.access_route,
                referred_by=draft.referred_by,
                legal_domains=codes(draft.legal_domains),
                target_groups=codes(draft.target_groups),
            )
            tx.session.add(case)
            tx.session.flush()
            tx.entity_id = tx.case_id = case.id
            for consent in draft.consents:
                tx.session.add(consent_row(consent, client.id, case.id))
            if draft.residence is not None:
                record = residence_row(client.id, draft.residence)
                tx.session.add(record)
                tx.session.flush()
                weeks = residence_reminder_weeks(tx.session)
                sync_current_residence(
                    tx, case, client, weeks, self._ctx.calendar, self._ctx.today()
                )
            refresh_case(tx, case)
            return client.id, case.id

    def import_intakes(self, drafts: Sequence[IntakeDraft]) -> int:
        """Import many intakes all-or-nothing (CSV import): one transaction, one revision."""
        today = self._ctx.today()
        problems: dict[str, str] = {}
        for number, draft in enumerate(drafts, start=1):
            for name, message in validate_intake(draft, today).items():
                problems[f"{number}.{name}"] = message
        require_valid(problems)
        with self._ctx.uow.batch():
            for draft in drafts:
                self.intake(draft)
        self._ctx.update_statistics()
        return len(drafts)

    def update_client(self, client_id: str, draft: ClientDraft) -> None:
        """Correct a client's master data; each changed field keeps its old value in the
        history (`Workspace.record_history`)."""
        require_valid(validate_client(draft, self._ctx.today()))
        with self._ctx.uow.write("client.update", "client", entity_id=client_id) as tx:
            client = live(tx.session, Client, client_id)
            # The Verlauf of the file lists the case's events: the correction belongs there too.
            cases = cases_of(tx.session, client_id, include_closed=True)
            tx.case_id = cases[0].id if cases else None
            apply_client(client, draft)
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

    def set_residence_facts(self, client_id: str, facts: ResidenceFactsDraft) -> None:
        """Record the facts the residence-path hints need."""
        require_valid(validate_residence_facts(facts, self._ctx.today()))
        with self._ctx.uow.write("client.facts", "client", client_id) as tx:
            client = live(tx.session, Client, client_id)
            apply_facts(client, facts)
            tx.session.add(client)
