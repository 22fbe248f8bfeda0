"""Plain, frozen objects that cross layers.

Screens receive these from the service (`kim_tui.service.workspace.Workspace`) and hand drafts back
to it; the domain functions (scheduling, duplicate check, CSV import, demo data) take and return
them. Nothing here knows about SQL, crypto or Textual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from kim_tui.domain import case_work

# The case work lives in its own module; every layer finds it here (aliases are exports).
AreaRatingDraft = case_work.AreaRatingDraft
AreaRatingView = case_work.AreaRatingView
AssessmentDraft = case_work.AssessmentDraft
AssessmentView = case_work.AssessmentView
ContactDraft = case_work.ContactDraft
ContactView = case_work.ContactView
GoalAgreementDraft = case_work.GoalAgreementDraft
GoalAgreementView = case_work.GoalAgreementView
GoalDraft = case_work.GoalDraft
GoalView = case_work.GoalView
ReferralDraft = case_work.ReferralDraft
ReferralView = case_work.ReferralView
StepDraft = case_work.StepDraft
StepView = case_work.StepView

PAGE_SIZE = 40
"""Rows per window of a list, at least (the list screens use the terminal's height plus a
margin when that is more). A terminal shows about 40; every row of the window is drawn again on
each keystroke of a filter, so rows nobody can see only cost time (docs/performance.md)."""


MAX_NOTE_LENGTH = 10_000
"""Longest free text (note, reason, outcome, evaluation); longer input is refused with a
message, never cut."""


class FollowUpSource(StrEnum):
    """Where a Wiedervorlage comes from."""

    MANUAL = "manual"
    STEP = "step"
    REFERRAL = "referral"
    REVIEW = "review"
    RESIDENCE = "residence"
    RETENTION = "retention"


class DueGroup(StrEnum):
    """The groups of the Wiedervorlagen list, in display order."""

    OVERDUE = "overdue"
    TODAY = "today"
    THIS_WEEK = "this_week"
    LATER = "later"


class ConsentPurpose(StrEnum):
    """What a consent covers (DP-2: one consent per purpose)."""

    CASE_MANAGEMENT = "case_management"
    SHARE_COORDINATOR = "share_coordinator"
    SHARE_AGENCY = "share_agency"


class ConsentForm(StrEnum):
    WRITTEN = "written"
    ORAL = "oral"


class CaseStage(StrEnum):
    """The case's phase: derived from its data or set by hand (see `domain.stage`)."""

    INTAKE = "intake"
    ASSESSMENT = "assessment"
    GOAL_AGREEMENT = "goal_agreement"
    LINKING = "linking"
    MONITORING = "monitoring"
    CLOSED = "closed"
    EVALUATION = "evaluation"


@dataclass(frozen=True)
class HouseholdMember:
    """A person living with the client (no separate record of their own)."""

    name: str = ""
    relation: str = ""
    birth_date: date | None = None


@dataclass(frozen=True)
class ConsentDraft:
    purpose: ConsentPurpose
    given_on: date
    form: ConsentForm = ConsentForm.WRITTEN
    agency: str | None = None
    """Agency code from the catalog; SHARE_AGENCY needs it or a free-text `recipient`."""
    recipient: str = ""
    """The receiving organisation in free text, when it is not in the agencies catalog."""
    scope: str = ""
    """What may be shared or processed (e.g. "Name, Anschrift, Bescheide des Jobcenters")."""
    special_categories: bool = False
    """Whether the consent covers special categories (Art. 9 DSGVO, e.g. health data)."""
    witness: str = ""
    """Who witnessed an oral consent (required for ORAL)."""
    recorded_by: str = ""
    """Who recorded the consent (the coach's name)."""


@dataclass(frozen=True)
class ResidenceDraft:
    status: str
    """Code from the residence-status catalog (e.g. ``duldung``, ``ae_25b``)."""
    legal_basis: str = ""
    valid_from: date | None = None
    valid_until: date | None = None


@dataclass(frozen=True)
class ClientDraft:
    """Everything an intake records about the person."""

    given_name: str
    family_name: str
    birth_date: date | None
    other_names: str = ""
    gender: str = ""
    """Code from the gender catalog (f, m, d, x) or empty when not stated."""
    nationality: str = ""
    """ISO 3166-1 alpha-3 code, or ``XXA`` stateless, ``XXX`` unknown; empty when not stated."""
    country_of_birth: str = ""
    languages: tuple[str, ...] = ()
    """ISO 639-3 codes."""
    interpreter_needed: bool = False
    address: str = ""
    phone: str = ""
    household: tuple[HouseholdMember, ...] = ()
    birth_precision: str = "day"
    """How much of `birth_date` is known (`domain.dates.BirthPrecision`: day, month, year)."""


@dataclass(frozen=True)
class IntakeDraft:
    """A new client together with their first case (Erstberatung)."""

    client: ClientDraft
    first_contact_on: date
    access_route: str = "self"
    """``self`` or ``referred``."""
    referred_by: str | None = None
    """Agency code when ``access_route == "referred"``."""
    legal_domains: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    residence: ResidenceDraft | None = None
    consents: tuple[ConsentDraft, ...] = ()


@dataclass(frozen=True)
class FollowUpDraft:
    """A manual Wiedervorlage."""

    case_id: str
    due_on: date
    reason: str


@dataclass(frozen=True)
class FollowUpView:
    id: str
    case_id: str
    client_id: str
    client_name: str
    source: FollowUpSource
    reason: str
    due_on: date
    """The effective due date (already moved to a working day)."""
    original_due_on: date
    group: DueGroup
    reason_en: str = ""
    """The reason in English (a manual reason is the coach's text, the same in both)."""

    def reason_in(self, lang: str) -> str:
        """The reason in the UI language ``lang`` ("de" or "en")."""
        return self.reason_en or self.reason if lang == "en" else self.reason


@dataclass(frozen=True)
class FollowUpCounts:
    """How many open follow-ups each group holds (under a filter)."""

    counts: dict[DueGroup, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class FollowUpPage:
    """A bounded window of the Wiedervorlagen list plus (when asked for) the counts of every
    group. The list screens ask without counts and count after the rows are painted: counting
    reads every matching entry, the window only its rows."""

    items: tuple[FollowUpView, ...]
    counts: dict[DueGroup, int] | None
    total: int | None
    offset: int
    has_more: bool = False
    """More rows follow the window."""


@dataclass(frozen=True)
class ClientSummary:
    """One row of the caseload list."""

    client_id: str
    case_id: str
    display_name: str
    birth_date: date | None
    stage: CaseStage
    next_due_on: date | None
    target_groups: tuple[str, ...]
    residence_status: str | None
    residence_valid_until: date | None
    restricted: bool = False
    """Art. 18 restriction: the file is read-only (shown as a flag in the list)."""
    case_consent: bool = True
    """False when no case-management consent is in force today (marked in the list)."""
    birth_precision: str = "day"


@dataclass(frozen=True)
class CaseloadPage:
    """A bounded window of the caseload; `total` is None when asked without it (see
    `FollowUpPage`)."""

    items: tuple[ClientSummary, ...]
    total: int | None
    offset: int
    has_more: bool = False
    """More rows follow the window."""


@dataclass(frozen=True)
class ConsentView:
    id: str
    purpose: ConsentPurpose
    given_on: date
    form: ConsentForm
    agency: str | None
    withdrawn_on: date | None
    recipient: str = ""
    scope: str = ""
    special_categories: bool = False
    witness: str = ""
    recorded_by: str = ""
    renews_id: str | None = None
    """The consent this one renewed (supersedes), if any."""
    superseded_on: date | None = None
    """When a renewal replaced this consent (it stays in the history)."""


@dataclass(frozen=True)
class ResidenceView:
    id: str
    status: str
    legal_basis: str
    valid_from: date | None
    valid_until: date | None
    recorded_on: date | None = None
    """The day the paper was recorded: its start at the latest (see `domain.residence`)."""


@dataclass(frozen=True)
class ClientFile:
    """What the client file screen shows (grows with the case-file issue)."""

    client_id: str
    case_id: str
    client: ClientDraft
    first_contact_on: date
    access_route: str
    referred_by: str | None
    legal_domains: tuple[str, ...]
    target_groups: tuple[str, ...]
    stage: CaseStage
    next_due_on: date | None
    residence: tuple[ResidenceView, ...]
    consents: tuple[ConsentView, ...]
    closed_on: date | None = None
    closure_reason: str | None = None
    assessments: tuple[AssessmentView, ...] = ()
    """Oldest first."""
    agreements: tuple[GoalAgreementView, ...] = ()
    referrals: tuple[ReferralView, ...] = ()
    contacts: tuple[ContactView, ...] = ()
    """Newest first."""
    themes: tuple[str, ...] = ()
    """Structural themes: catalog codes, or free text prefixed with ``text:``."""
    facts: ResidenceFactsDraft = field(default_factory=lambda: ResidenceFactsDraft())
    restricted_on: date | None = None
    """Art. 18 restriction since this day: the file is read-only except for lifting it."""
    retention_end: date | None = None
    """For a closed case: the day its data are kept until (the vault's retention rule)."""
    stage_by_hand: bool = False
    """The phase was set by hand (it holds until the coach clears it)."""
    stage_by_hand_reason: str = ""
    stage_by_hand_on: date | None = None
    done_follow_ups: tuple[DoneFollowUpView, ...] = ()
    """Follow-ups marked done, newest first, with the note typed when marking them."""


@dataclass(frozen=True)
class DoneFollowUpView:
    """A Wiedervorlage that was marked done: what it was about and the coach's note."""

    reason: str
    due_on: date
    done_on: date
    note: str
    reason_en: str = ""
    """The reason in English (a derived reason; one typed by the coach is the same)."""


@dataclass(frozen=True)
class DuplicateCandidate:
    client_id: str
    display_name: str
    birth_date: date | None
    reason: str
    """The reasons in German, one line (for the CLI and logs of the coach's own terminal)."""
    reasons: tuple[str, ...] = ()
    """Why it matched: codes of `duplicate_reasons.toml` (a name reason, a birth-date reason)."""
    birth_precision: str = "day"


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    action: str
    entity: str
    entity_id: str | None
    detail: str = ""
    revision: int | None = None
    """The write's revision (None for an audited read): its corrections share it."""


@dataclass(frozen=True)
class CheckReport:
    """Result of `kim check`."""

    ok: bool
    schema_version: str | None
    problems: tuple[str, ...]
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ResidenceFactsDraft:
    """Facts the residence-path hints need, beyond intake (DSGVO Art. 10: convictions coded)."""

    entry_on: date | None = None
    german_level: str | None = None
    """A1 … C2, or None when unknown."""
    german_certificate_on: date | None = None
    livelihood_share: int | None = None
    """Share (0–100 %) of the livelihood from own income; None when unknown."""
    in_school_or_training: bool | None = None
    school_months: int | None = None
    """Months of successful school attendance in Germany."""
    pension_months: int | None = None
    conviction_over_threshold: str = "unknown"
    """``yes``, ``no`` or ``unknown`` against the rule's Tagessätze threshold; nothing more."""
    identity_clarified: bool | None = None


@dataclass(frozen=True)
class ClosureDraft:
    case_id: str
    closed_on: date
    reason: str
    """Code from the closure-reason catalog."""
    evaluations: tuple[tuple[str, str, str], ...] = ()
    """(goal id, final status, evaluation text) per goal."""


@dataclass(frozen=True)
class SyncStatus:
    """What the export screen shows about the weekly bundle (Wochenpaket)."""

    has_identity: bool
    coordinator_name: str | None
    coordinator_fingerprint: str | None
    last_seq: int
    last_week: str | None
    last_created_at: str | None
    pending_revisions: int
    """Write transactions since the last bundle (0: nothing new to send)."""


@dataclass(frozen=True)
class ExportSummary:
    path: str
    seq: int
    week: str
    records: int
    repaired: str | None = None
    """The earlier bundle written again first because its file was never finished."""
    created_folder: bool = False
    """The target folder did not exist and was made (the coach is told)."""


class EntryKind(StrEnum):
    """What the coach can correct or delete in a client file (`Workspace.delete_entry`)."""

    CONSENT = "consent"
    RESIDENCE = "residencerecord"
    ASSESSMENT = "assessment"
    GOAL = "goal"
    STEP = "step"
    REFERRAL = "referral"
    CONTACT = "contactnote"
    FOLLOW_UP = "followup"


MIN_REASON_LENGTH = 10
"""A reason (for a deletion, for sharing without consent) is a real sentence: at least this many
characters."""


@dataclass(frozen=True)
class RecordChangeView:
    """One corrected field or one deleted entry of a client's record (Art. 16 DSGVO)."""

    at: datetime
    revision: int
    entity: str
    """The table of the entry (``client``, ``contactnote`` …; see `EntryKind`)."""
    entity_id: str
    case_id: str | None
    field: str
    """The corrected column; empty for a deletion."""
    old_value: str
    """Text (ISO dates); for a deletion a JSON object with the deleted entry's fields."""
    new_value: str
    kind: str
    """``changed`` or ``deleted``."""
    reason: str
    by: str


@dataclass(frozen=True)
class ClientListing:
    """One client for data-protection requests (`kim clients`, `kim retention`)."""

    client_id: str
    display_name: str
    birth_date: date | None
    case_status: str
    """The newest case's stage code ("closed" once closed)."""
    closed_on: date | None
    retention_end: date | None
    """None while a case is open."""
    restricted_on: date | None = None
    birth_precision: str = "day"


@dataclass(frozen=True)
class ErasureResult:
    """What an erasure removed: a count, never content."""

    client_id: str
    records_removed: int
    erased_on: date
    copies_lent: tuple[tuple[str, date], ...] = ()
    """Stand-in copies of the file a colleague still holds: (colleague, last day). The copy
    there is erased only after that day; the coach should tell the colleague now (the duty to
    notify recipients of an erasure)."""
    named_in_households: tuple[str, ...] = ()
    """Other clients (display names) whose household list, typed at intake, names the erased
    person: kim does not edit another person's file on its own; the coach checks it."""
