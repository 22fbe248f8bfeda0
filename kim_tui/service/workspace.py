"""The service object of one unlocked vault: the only thing screens and the CLI talk to.

`Workspace` is a façade: every public method delegates to the service of one aggregate
(clients, consents, residence, follow-ups, assessments, goals, referrals, contacts, closure,
caseload, client file, bundles). Every write goes through the vault's `UnitOfWork` (one
transaction, one revision, one audit event); reads return frozen `domain.model` views.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from kim_tui.domain.duplicates import forget_names
from kim_tui.domain.merge import MasterDifference
from kim_tui.domain.model import (
    PAGE_SIZE,
    AssessmentDraft,
    AssessmentView,
    AuditEntry,
    CaseloadPage,
    CaseStage,
    ClientDraft,
    ClientFile,
    ClientListing,
    ClosureDraft,
    ConsentDraft,
    ContactDraft,
    DuplicateCandidate,
    ErasureResult,
    ExportSummary,
    FollowUpCounts,
    FollowUpDraft,
    FollowUpPage,
    GoalAgreementDraft,
    GoalAgreementView,
    GoalDraft,
    IntakeDraft,
    ReferralDraft,
    ResidenceDraft,
    ResidenceFactsDraft,
    StepDraft,
    SyncStatus,
)
from kim_tui.domain.regime import Regime
from kim_tui.domain.retention import RetentionRule
from kim_tui.domain.scheduling import WorkingDays
from kim_tui.service.assessments import AssessmentService
from kim_tui.service.bundles import BundleService
from kim_tui.service.caseload import CaseloadService
from kim_tui.service.client_file import ClientFileService
from kim_tui.service.clients import ClientService
from kim_tui.service.closure import CaseService
from kim_tui.service.colleagues import ColleagueService
from kim_tui.service.consents import ConsentService
from kim_tui.service.contacts import ContactService
from kim_tui.service.context import ServiceContext
from kim_tui.service.converters import display_name, search_key
from kim_tui.service.corrections import CorrectionService
from kim_tui.service.erasure import ErasureService
from kim_tui.service.follow_ups import FollowUpService
from kim_tui.service.goals import GoalService
from kim_tui.service.households import Households, HouseholdService, HouseholdView
from kim_tui.service.merge import MergeService
from kim_tui.service.printouts import PrintoutService
from kim_tui.service.privacy import PrivacyService
from kim_tui.service.referrals import ReferralService
from kim_tui.service.residence import ResidenceService
from kim_tui.service.stand_in_facade import StandInFacade
from kim_tui.service.subject_access import SubjectAccessService
from kim_tui.service.workspace_corrections import CorrectionFacade
from kim_tui.service.workspace_handover import HandoverFacade, HandoverService
from kim_tui.store.unit_of_work import UnitOfWork
from kim_tui.store.vault import Vault
from kim_tui.sync.identity import CoachPublic, CoordinatorPublic


class Workspace(CorrectionFacade, HandoverFacade, StandInFacade):
    """One unlocked vault's caseload, follow-ups, assessments, goals, referrals and contacts."""

    def __init__(
        self,
        vault: Vault,
        *,
        today: Callable[[], date] = date.today,
        calendar: WorkingDays | None = None,
    ) -> None:
        self.vault = vault
        self.calendar = calendar or WorkingDays()
        self._today = today
        self._uow = UnitOfWork(vault.engine, today=today)
        ctx = ServiceContext(vault, self._uow, today, self.calendar)
        self._ctx = ctx
        self._clients = ClientService(ctx)
        self._consents = ConsentService(ctx)
        self._residence = ResidenceService(ctx)
        self._colleagues = ColleagueService(ctx)
        self._follow_ups = FollowUpService(ctx)
        self._assessments = AssessmentService(ctx)
        self._goals = GoalService(ctx)
        self._referrals = ReferralService(ctx)
        self._contacts = ContactService(ctx)
        self._cases = CaseService(ctx)
        self._caseload = CaseloadService(ctx)
        self._client_file = ClientFileService(ctx)
        self._bundles = BundleService(ctx)
        self._merge = MergeService(ctx)
        self._printouts = PrintoutService(ctx)
        self._subject_access = SubjectAccessService(ctx)

        self._corrections = CorrectionService(ctx)
        self._privacy = PrivacyService(ctx)
        self._erasure = ErasureService(ctx)
        self._handover = HandoverService(ctx)
        self._households = HouseholdService(ctx)
        self._open_stand_ins(ctx)  # the unlock then calls expire_stand_ins()

    # -- infrastructure ----------------------------------------------------------------------

    def today(self) -> date:
        """Today, as the vault's clock says (tests fix it)."""
        return self._today()

    @property
    def is_open(self) -> bool:
        """Whether the vault is still unlocked."""
        return self.vault.is_open

    def close(self) -> None:
        """Close every connection and drop the data key (and the duplicate check's index and
        cached name keys: no name stays in memory once the vault is locked)."""
        forget_names()
        self._clients.forget_duplicates()
        self.vault.close()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Run many writes as one transaction and one revision (bulk import, demo seeding)."""
        with self._uow.batch():
            yield

    def update_statistics(self) -> None:
        """Give the query planner statistics after a bulk load (see ServiceContext)."""
        self._ctx.update_statistics()

    def revision(self) -> int:
        """The vault-wide revision of the last committed write."""
        return self._uow.revision()

    # -- clients, consents, residence --------------------------------------------------------

    def find_duplicates(self, client: ClientDraft) -> list[DuplicateCandidate]:
        """Likely existing records of the person in `client`."""
        return self._clients.find_duplicates(client)

    def find_duplicates_many(
        self, clients: Sequence[ClientDraft]
    ) -> list[list[DuplicateCandidate]]:
        """Likely existing records of each person in `clients` (one look at the vault)."""
        return self._clients.find_duplicates_many(clients)

    def duplicates_of(self, client_id: str) -> list[DuplicateCandidate]:
        """Other client files that are probably the same person as `client_id`."""
        return self._clients.duplicates_of(client_id)

    def intake(self, draft: IntakeDraft) -> tuple[str, str]:
        """Create a client and their first case; returns (client_id, case_id)."""
        return self._clients.intake(draft)

    def import_intakes(self, drafts: Sequence[IntakeDraft], households: Households = ()) -> int:
        """Import intakes all-or-nothing in one revision (CSV), with rows' household and role."""
        if any(label for label, _ in households):
            return self._households.import_intakes(drafts, households)
        return self._clients.import_intakes(drafts)

    def update_client(self, client_id: str, draft: ClientDraft) -> None:
        """Correct a client's master data."""
        self._clients.update_client(client_id, draft)

    def set_residence_facts(self, client_id: str, facts: ResidenceFactsDraft) -> None:
        """Record the facts the residence-path hints need."""
        self._clients.set_residence_facts(client_id, facts)

    def add_consent(self, case_id: str, consent: ConsentDraft) -> str:
        """Record a consent given for the case's client."""
        return self._consents.add_consent(case_id, consent)

    def withdraw_consent(self, consent_id: str, on: date) -> None:
        """Withdraw a consent for future processing."""
        self._consents.withdraw_consent(consent_id, on)

    def sharing_consent_for(self, case_id: str, agency: str, on: date) -> bool:
        """True if a consent valid on `on` allows sharing with `agency`."""
        return self._consents.sharing_consent_for(case_id, agency, on)

    def add_residence_record(self, client_id: str, draft: ResidenceDraft) -> str:
        """A new residence status becomes the current one."""
        return self._residence.add_residence_record(client_id, draft)

    def residence_reminder_weeks(self) -> int:
        """Weeks before a residence document expires that its reminder falls due."""
        return self._residence.residence_reminder_weeks()

    def set_residence_reminder_weeks(self, weeks: int) -> None:
        """Change the lead time of expiry reminders and re-derive every one (done stays done)."""
        self._residence.set_residence_reminder_weeks(weeks)

    def follow_current_papers(self) -> int:
        """The unlock's duty: move expiry reminders to the papers that became current."""
        return self._residence.follow_current_papers()

    def renew_consent(self, consent_id: str, consent: ConsentDraft) -> str:
        """Renew a consent: the new one supersedes it; the old one stays in the history."""
        return self._consents.renew_consent(consent_id, consent)

    # -- follow-ups --------------------------------------------------------------------------

    def follow_ups(
        self, query: str = "", *, offset: int = 0, limit: int = PAGE_SIZE, with_counts: bool = True
    ) -> FollowUpPage:
        """A window of open follow-ups by due date, filtered by name."""
        return self._follow_ups.follow_ups(
            query, offset=offset, limit=limit, with_counts=with_counts
        )

    def follow_up_counts(self, query: str = "") -> FollowUpCounts:
        """The number of open follow-ups per group under the name filter."""
        return self._follow_ups.follow_up_counts(query)

    def add_follow_up(self, draft: FollowUpDraft) -> str:
        """A manual Wiedervorlage."""
        return self._follow_ups.add_follow_up(draft)

    def complete_follow_up(self, follow_up_id: str, note: str = "") -> None:
        """Mark a follow-up done (a step's follow-up also completes the step)."""
        self._follow_ups.complete_follow_up(follow_up_id, note)

    def snooze_follow_up(self, follow_up_id: str, until: date) -> date:
        """Move a follow-up to `until` (next working day); returns the effective date."""
        return self._follow_ups.snooze_follow_up(follow_up_id, until)

    # -- case work ---------------------------------------------------------------------------

    def add_assessment(self, draft: AssessmentDraft) -> str:
        """A dated rating of every priority area."""
        return self._assessments.add_assessment(draft)

    def assessments(self, case_id: str) -> tuple[AssessmentView, ...]:
        """Every assessment of the case, oldest first."""
        return self._assessments.assessments(case_id)

    def add_goal_agreement(self, draft: GoalAgreementDraft) -> str:
        """Agreed goals with steps."""
        return self._goals.add_goal_agreement(draft)

    def add_goal(self, agreement_id: str, draft: GoalDraft) -> str:
        """Add a goal (with its steps) to an existing agreement."""
        return self._goals.add_goal(agreement_id, draft)

    def add_step(self, goal_id: str, draft: StepDraft) -> str:
        """Add a step to a goal."""
        return self._goals.add_step(goal_id, draft)

    def set_step_done(self, step_id: str, done_on: date | None) -> None:
        """Mark a step done or open again (None)."""
        self._goals.set_step_done(step_id, done_on)

    def set_goal_status(self, goal_id: str, status: str, evaluation: str | None = None) -> None:
        """Set a goal's status (and its evaluation, if given)."""
        self._goals.set_goal_status(goal_id, status, evaluation)

    def goal_agreements(self, case_id: str) -> tuple[GoalAgreementView, ...]:
        """Every goal agreement of the case, oldest first."""
        return self._goals.goal_agreements(case_id)

    def print_goal_agreement(
        self, agreement_id: str, path: str, *, coach: str, organisation: str
    ) -> str:
        """Write the agreement as a PDF for signature; returns the path written."""
        return self._goals.print_goal_agreement(
            agreement_id, path, coach=coach, organisation=organisation
        )

    def add_referral(self, draft: ReferralDraft) -> str:
        """A referral to an agency (guarded by the sharing consent)."""
        return self._referrals.add_referral(draft)

    def record_referral_outcome(
        self, referral_id: str, status: str, outcome: str, outcome_on: date | None
    ) -> None:
        """Record what came back from a referral."""
        self._referrals.record_referral_outcome(referral_id, status, outcome, outcome_on)

    def add_contact(self, draft: ContactDraft) -> str:
        """Record a contact."""
        return self._contacts.add_contact(draft)

    def set_themes(self, case_id: str, themes: tuple[str, ...]) -> None:
        """Set the case's structural themes."""
        self._cases.set_themes(case_id, themes)

    def close_case(self, draft: ClosureDraft) -> None:
        """Close a case with a reason and a final evaluation per goal."""
        self._cases.close_case(draft)

    def reopen_case(self, case_id: str) -> None:
        """Reopen a closed case."""
        self._cases.reopen_case(case_id)

    def set_phase_by_hand(self, case_id: str, stage: CaseStage | str, reason: str) -> None:
        """Set the case's phase by hand with a reason; it holds until cleared."""
        self._cases.set_phase_by_hand(case_id, stage, reason)

    def clear_phase_by_hand(self, case_id: str) -> None:
        """Let the case's phase be derived from its records again."""
        self._cases.clear_phase_by_hand(case_id)

    def merge_differences(self, survivor_id: str, other_id: str) -> list[MasterDifference]:
        """Master-data fields on which two files of one person disagree."""
        return self._merge.merge_differences(survivor_id, other_id)

    def merge_clients(
        self, survivor_id: str, other_id: str, take_from_other: frozenset[str] = frozenset()
    ) -> str:
        """Merge the file `other_id` into `survivor_id`; `take_from_other`: master-data
        fields whose value comes from the other file. Returns what became of the other file's
        household (`service.households.HOUSEHOLD_*`)."""
        return self._merge.merge_clients(survivor_id, other_id, take_from_other)

    # -- caseload and client file ------------------------------------------------------------

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
        """A window of clients with their case: searched, filtered, sorted."""
        return self._caseload.caseload(
            query,
            stage=stage,
            target_group=target_group,
            sort=sort,
            include_closed=include_closed,
            offset=offset,
            limit=limit,
            with_total=with_total,
        )

    def caseload_total(
        self,
        query: str = "",
        *,
        stage: CaseStage | None = None,
        target_group: str | None = None,
        include_closed: bool = False,
    ) -> int:
        """How many clients the caseload shows under these filters."""
        return self._caseload.caseload_total(
            query, stage=stage, target_group=target_group, include_closed=include_closed
        )

    def client_file(self, client_id: str, *, audited: bool = True) -> ClientFile:
        """Everything the client file shows. Opening it is audited; a screen that shows the
        same open file again (after a dialog) passes ``audited=False``."""
        return self._client_file.client_file(client_id, audited=audited)

    def audit_log(
        self, case_id: str | None = None, limit: int = 200, *, client_id: str | None = None
    ) -> tuple[AuditEntry, ...]:
        """The newest audit events (of one case, and its client's own records, if given)."""
        return self._client_file.audit_log(case_id, limit, client_id=client_id)

    # -- weekly bundle -----------------------------------------------------------------------

    def create_identity(
        self, name: str | None = None, organisation: str | None = None
    ) -> CoachPublic:
        """Create the coach's signing identity (once); rename it if a name is given."""
        return self._bundles.create_identity(name, organisation)

    def connect_coordinator(self, coordinator: CoordinatorPublic) -> bool:
        """Store the coordinator's public identity (replacing an earlier one); True when it is
        a different coordinator, whose first bundle then carries the whole current state."""
        return self._bundles.connect_coordinator(coordinator)

    def sync_status(self) -> SyncStatus:
        """Identity, connected coordinator and what the next bundle would carry."""
        return self._bundles.sync_status()

    def check_export_ready(self) -> None:
        """SyncSetupError when an export would fail for want of identity or coordinator."""
        self._bundles.check_export_ready()

    def export_weekly(
        self, out_dir: str, progress: Callable[[int, int], None] | None = None
    ) -> ExportSummary:
        """Write the next weekly bundle to `out_dir`."""
        return self._bundles.export_weekly(out_dir, progress)

    # -- printouts and data-protection documents ---------------------------------------------
    # `regime_code` defaults to the vault's data-protection regime (DP-1, `regime()`).

    def print_folder(self) -> str:
        """The folder printouts are suggested in ("~" until the coach chooses one)."""
        return self._printouts.print_folder()

    def set_print_folder(self, folder: str) -> str:
        """Change the print folder (it must exist); audited without the path."""
        return self._printouts.set_print_folder(folder)

    def printout_path(self, kind: str, case_id: str) -> str:
        """Suggested path of a new printout: print folder, kind, case reference, date."""
        return self._printouts.printout_path(kind, case_id)

    def consent_form_translation(self, language: str) -> str | None:
        """The consent-form translation a speaker of `language` gets (ISO 639-3), or None."""
        return self._printouts.consent_form_translation(language)

    def special_category_choices(self, lang: str = "de") -> tuple[tuple[str, str], ...]:
        """The special categories (Art. 9) a consent form can name, as (code, label)."""
        return self._printouts.special_category_choices(lang)

    def print_consent_form(
        self,
        consent_id: str,
        path: str,
        *,
        organisation: str,
        second_language: str | None = None,
        special_categories: tuple[str, ...] = (),
        regime_code: str | None = None,
    ) -> str:
        """Write the consent form (Schweigepflichtentbindung) of one consent as a PDF."""
        return self._printouts.print_consent_form(
            consent_id,
            path,
            organisation=organisation,
            second_language=second_language,
            special_categories=special_categories,
            regime_code=regime_code or self.regime().code,
        )

    def subject_access_copy(
        self,
        client_id: str,
        *,
        regime_code: str | None = None,
        organisation: str = "",
        corrections: Sequence[object] | None = None,
    ) -> dict[str, Any]:
        """Everything stored about one client as one JSON-ready document (Art. 15 copy),
        the history of corrections included."""
        if corrections is None:
            corrections = self.record_history(client_id)
        return self._subject_access.subject_access_copy(
            client_id,
            regime_code=regime_code or self.regime().code,
            organisation=organisation,
            corrections=corrections,
        )

    def write_subject_access(
        self,
        client_id: str,
        out_dir: str,
        *,
        regime_code: str | None = None,
        organisation: str = "",
        corrections: Sequence[object] | None = None,
    ) -> tuple[str, str]:
        """Write the Art. 15 copy as PDF and JSON into `out_dir`; returns both paths."""
        if corrections is None:
            corrections = self.record_history(client_id)
        return self._subject_access.write_subject_access(
            client_id,
            out_dir,
            regime_code=regime_code or self.regime().code,
            organisation=organisation,
            corrections=corrections,
        )

    # -- data protection: regime, retention, erasure, restriction ----------------------------

    def regime(self) -> Regime:
        """The data-protection regime the vault works under (DSGVO, DSG NRW, KDG, DSG-EKD)."""
        return self._privacy.regime()

    def set_regime(self, code: str) -> None:
        """Choose the vault's data-protection regime (audited)."""
        self._privacy.set_regime(code)

    def retention_rule(self) -> RetentionRule:
        """How long closed cases are kept (end of the closure year + N years)."""
        return self._privacy.retention_rule()

    def set_retention_years(self, years: int) -> None:
        """Change N of the retention rule; the erasure follow-ups move with it."""
        self._privacy.set_retention_years(years)

    def clients(self, search: str = "") -> tuple[ClientListing, ...]:
        """Every client with birth date, case status and retention end."""
        return self._privacy.clients(search)

    def retention_due(self, as_of: date | None = None) -> tuple[ClientListing, ...]:
        """Clients whose retention has ended (their erasure is due)."""
        return self._privacy.retention_due(as_of)

    def restrict_client(self, client_id: str) -> None:
        """Restrict processing (Art. 18): the file becomes read-only."""
        self._privacy.restrict_client(client_id)

    def lift_restriction(self, client_id: str) -> None:
        """Lift the restriction of processing."""
        self._privacy.lift_restriction(client_id)

    def erase_client(self, client_id: str, reason: str = "") -> ErasureResult:
        """Erase the client and every dependent record for good (an open case needs a reason)."""
        return self._erasure.erase_client(client_id, reason)

    def erased_ids(self) -> frozenset[str]:
        """The random ids of every client erased in this vault (the erasure register)."""
        return self._erasure.erased_ids()

    def re_erase(self, client_ids: frozenset[str] | set[str]) -> int:
        """Erase again the clients of another register found in this vault; returns how many."""
        return self._erasure.re_erase(client_ids)

    # -- colleagues (handover) ---------------------------------------------------------------

    def add_colleague(self, colleague: CoachPublic) -> bool:
        """Store a colleague (coach.pub version 2) after the fingerprint was compared."""
        return self._colleagues.add_colleague(colleague)

    def read_colleague_file(self, path: str) -> CoachPublic:
        """A colleague's coach.pub, checked but not stored (compare the fingerprint first)."""
        return self._colleagues.read_colleague_file(path)

    def colleagues(self) -> list[CoachPublic]:
        """Every stored colleague, by name."""
        return self._colleagues.colleagues()

    def household(self, client_id: str) -> HouseholdView | None:
        """The client's household with each member's status, phase and next due item."""
        return self._households.household(client_id)

    def link_household_member(self, client_id: str, other_id: str, role: str) -> None:
        """Link an existing client into this client's household with a role."""
        self._households.link(client_id, other_id, role)

    def add_household_member(self, client_id: str, draft: ClientDraft, role: str) -> str:
        """Create a household member as a new client (own file) and link them; returns id."""
        return self._households.add_new_member(client_id, draft, role)

    def set_household_role(self, client_id: str, role: str) -> None:
        """Correct the client's role in their household."""
        self._households.set_role(client_id, role)

    def leave_household(self, client_id: str, reason: str = "") -> None:
        """The client leaves their household (kept in the Verlauf)."""
        self._households.leave(client_id, reason)

    def prepare_duplicate_check(self) -> None:
        """Build the duplicate check's index ahead of the first check (a worker thread after
        unlocking: most of a second at 5,000 clients). It only reads, in short read transactions,
        so writes go on meanwhile; what they change is picked up by the next check."""
        self._clients.prepare_duplicate_check()


__all__ = ["PAGE_SIZE", "Workspace", "display_name", "search_key"]
