"""SQLModel tables of the vault. They never leave the store: screens get `domain.model` views.

Every row carries a UUID key, `created_at`, `updated_at`, the vault-wide `revision` of the
transaction that last wrote it, and `deleted_at` (tombstone; sync needs to see deletions).
Multi-valued code lists are stored space-delimited (" sgb2 aufenthg ") so SQL can filter them
with LIKE '% code %'.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


class Record(SQLModel):
    id: str = Field(default_factory=new_id, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    revision: int = Field(default=0, index=True)
    deleted_at: datetime | None = Field(default=None)


class Client(Record, table=True):
    given_name: str
    family_name: str
    other_names: str = ""
    birth_date: date | None = Field(default=None, index=True)
    # How much of the birth date is known (day, month, year: papers write 00 for the unknown
    # part; schema 0017).
    birth_precision: str = Field(default="day", sa_column_kwargs={"server_default": "day"})
    gender: str = ""
    nationality: str = ""
    country_of_birth: str = ""
    languages: str = ""
    interpreter_needed: bool = False
    address: str = ""
    phone: str = ""
    household_json: str = "[]"
    # Facts for the residence-path hints (schema 0002). Convictions only as a code (Art. 10).
    entry_on: date | None = None
    german_level: str | None = None
    german_certificate_on: date | None = None
    livelihood_share: int | None = None
    in_school_or_training: bool | None = None
    school_months: int | None = None
    pension_months: int | None = None
    conviction_over_threshold: str = Field(
        default="unknown", sa_column_kwargs={"server_default": "unknown"}
    )
    identity_clarified: bool | None = None
    # Folded (case-, diacritic- and umlaut-insensitive) copies for search and sorting; they are
    # personal data too and live only inside the encrypted database.
    search_key: str = ""
    sort_key: str = ""
    # Art. 18 restriction (schema 0010): while set, the file is read-only except for lifting it.
    restricted_on: date | None = None

    # The caseload list reads sort order (with the id tie-breaker) and filter from one index
    # (schema 0003, id added in 0005).
    __table_args__ = (Index("ix_client_list", "sort_key", "id", "search_key"),)

    # Set when this client was merged into another (schema 0009): the row is a tombstone
    # (`deleted_at` set) that points at the surviving client.
    merged_into: str | None = None


class Case(Record, table=True):
    client_id: str = Field(foreign_key="client.id", index=True)
    first_contact_on: date
    access_route: str = "self"
    referred_by: str | None = None
    legal_domains: str = ""
    target_groups: str = ""
    stage: str = Field(default="intake", index=True)
    next_due_on: date | None = Field(default=None, index=True)
    closed_on: date | None = None
    closure_reason: str | None = None
    themes: str = ""
    # A phase set by hand (schema 0009) holds until the coach clears it; `stage` is then this
    # phase, otherwise the derived one. The reason is the coach's free text (never travels).
    stage_by_hand: str | None = None
    stage_by_hand_reason: str = ""
    stage_by_hand_on: date | None = None


class Consent(Record, table=True):
    client_id: str = Field(foreign_key="client.id", index=True)
    case_id: str = Field(foreign_key="case.id", index=True)
    purpose: str
    agency: str | None = None
    given_on: date
    form: str = "written"
    recorded_by: str = ""
    withdrawn_on: date | None = None
    # The lifecycle (schema 0008): to whom and what, Art. 9 data, the witness of an oral
    # consent, and the renewal chain (the renewed row stays, dated by `superseded_on`).
    recipient: str = Field(default="", sa_column_kwargs={"server_default": ""})
    scope: str = Field(default="", sa_column_kwargs={"server_default": ""})
    special_categories: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    witness: str = Field(default="", sa_column_kwargs={"server_default": ""})
    renews_id: str | None = None
    superseded_on: date | None = None


class ResidenceRecord(Record, table=True):
    client_id: str = Field(foreign_key="client.id", index=True)
    status: str
    legal_basis: str = ""
    valid_from: date | None = None
    valid_until: date | None = None


class Assessment(Record, table=True):
    case_id: str = Field(foreign_key="case.id", index=True)
    assessed_on: date
    assessed_by: str = ""


class AreaRating(Record, table=True):
    assessment_id: str = Field(foreign_key="assessment.id", index=True)
    area: str
    level: int
    situation: str = ""
    resources: str = ""


class GoalAgreement(Record, table=True):
    case_id: str = Field(foreign_key="case.id", index=True)
    agreed_on: date
    review_on: date | None = None


class Goal(Record, table=True):
    agreement_id: str = Field(foreign_key="goalagreement.id", index=True)
    area: str
    title: str
    indicator: str = ""
    target_on: date | None = None
    status: str = "open"
    evaluation: str = ""


class Step(Record, table=True):
    goal_id: str = Field(foreign_key="goal.id", index=True)
    text: str
    owner: str = "client"
    due_on: date | None = None
    done_on: date | None = None


class Referral(Record, table=True):
    case_id: str = Field(foreign_key="case.id", index=True)
    agency: str
    legal_domain: str
    reason: str = ""
    sent_on: date
    feedback_due_on: date | None = None
    status: str = "open"
    outcome: str = ""
    outcome_on: date | None = None
    passes_identifying_data: bool = True
    override_reason: str = ""


class ContactNote(Record, table=True):
    case_id: str = Field(foreign_key="case.id", index=True)
    on: date
    kind: str
    minutes: int = 0
    interpreter: bool = False
    note: str = ""


class FollowUp(Record, table=True):
    """One Wiedervorlage. Manual ones are typed by the coach; the others are kept in sync by the
    service from their source row (step, referral, review date, residence expiry)."""

    # The list's one hot query (schema 0003; the id tie-breaker joined in 0005): open items in
    # display order, filtered by the folded name. The filter and the group counts run on the
    # index alone and a window needs no sort (measured: 30,000 rows, < 6 ms).
    # The next due date of one case (`Workspace._refresh_case`, after every write to a case) is
    # one seek in the second index (schema 0004), whatever statistics the planner has.
    __table_args__ = (
        Index("ix_followup_list", "open", "due_on", "sort_key", "id", "search_key"),
        Index("ix_followup_case_open_due", "case_id", "open", "due_on"),
    )

    case_id: str = Field(foreign_key="case.id", index=True)
    client_id: str = Field(foreign_key="client.id", index=True)
    source: str = "manual"
    source_id: str | None = Field(default=None, index=True)
    reason: str = ""
    original_due_on: date
    due_on: date = Field(index=True)
    done_on: date | None = None
    done_note: str = ""
    # Denormalised so the list's filter-as-you-type stays one indexed query without a join.
    search_key: str = ""
    client_name: str = ""
    sort_key: str = Field(default="", sa_column_kwargs={"server_default": ""})
    """The client's sort key (schema 0006): equal due dates list in the caseload's name order."""
    # 1 while open in an active case: the list query's partial index keys on it.
    open: int = 1


class AuditEvent(Record, table=True):
    """Who did what to which record, when. Never any personal content (DP-11)."""

    at: datetime = Field(default_factory=utcnow, index=True)
    action: str
    entity: str
    entity_id: str | None = Field(default=None, index=True)
    """Indexed: a case's Verlauf finds the events of its client's own records by their id."""
    case_id: str | None = Field(default=None, index=True)
    detail: str = ""


class RecordChange(Record, table=True):
    """One corrected field or one deleted entry (Art. 16 DSGVO: the current value is the
    corrected one, the old one stays here). Written by the unit of work itself
    (`store.unit_of_work`), never by a service, so no write can forget it. Values are text
    inside the encrypted vault; it never travels in a bundle. `client_id` is always filled, so
    erasing a client erases their history too."""

    entity: str
    """The table of the changed row (``contactnote``, ``client`` …)."""
    entity_id: str
    client_id: str = Field(index=True)
    case_id: str | None = None
    field: str = ""
    """The changed column; empty for a deletion."""
    old_value: str = ""
    """The old value as text (ISO dates); for a deletion a JSON snapshot of the entry."""
    new_value: str = ""
    kind: str = "changed"
    """``changed`` or ``deleted``."""
    reason: str = ""
    by: str = ""
    """Who made the change (the coach's name setting, when there is one)."""


class VaultSetting(SQLModel, table=True):
    """Vault-wide settings and counters (e.g. the revision counter); no personal data."""

    key: str = Field(primary_key=True)
    value: str


class ErasedClient(Record, table=True):
    """The erasure register (schema 0010): the random id of every erased client, so a restored
    older backup or a later bundle cannot bring the client back unnoticed. No personal data:
    the reason is a code (`request`, `retention`, `register`), never the coach's text."""

    erased_on: date
    reason: str = "request"
    records_removed: int = 0


class HandoverLink(Record, table=True):
    """One handover of a client file between two coaches (schema 0011), kept on both sides.

    The sender writes ``direction = "out"`` when the handover file is made, the receiver
    ``"in"`` when it is received; both use the id of the handover file, so the coordinator can
    join the two pseudonymised halves and count the case once. No personal data: the client is
    a random id of this vault, the counterpart a coach fingerprint.
    """

    client_id: str = Field(index=True)
    direction: str
    """``out`` (this vault handed the file over) or ``in`` (this vault received it)."""
    handed_over_on: date
    """The day the sender made the handover file (the receiver keeps the sender's day)."""
    counterpart: str
    """The other coach's fingerprint (64 hex characters)."""
    counterpart_name: str = ""
    state: str = "sent"
    """``sent`` (out, waiting for the receipt), ``confirmed`` (out, receipt imported and the
    client erased here) or ``received`` (in)."""
    override_reason: str = Field(default="", sa_column_kwargs={"server_default": ""})
    """Why the file went out without a recorded consent (schema 0014; out only). The coach's
    text may name the client: it stays in the vault, never travels, and is blanked when the
    receipt is confirmed and the client erased here."""


class BundleDisclosure(SQLModel, table=True):
    """One client whose records travelled in one weekly bundle (schema 0018), and whether with
    the name (``personal``) or pseudonymised only: written by the export in its transaction, so
    the Art. 15 copy lists what each bundle carried instead of working it out later. A resend
    that carries the name marks the row personal; none marks it back. Not a `Record`: this
    vault's own accountability, it never travels (neither in a bundle nor in a handover file),
    and it goes with the client's erasure (the row names the client by ``client_id``)."""

    # One B-tree, keyed by client then bundle: the export adds a row per carried client to
    # the weekly bundle's transaction, and the Art. 15 copy reads one client's rows by range.
    __table_args__ = {"sqlite_with_rowid": False}

    id: str = Field(primary_key=True)
    """``<client id>:<chain>:<seq, 6 digits>``."""
    seq: int
    client_id: str
    personal: int = 0
    chain: int = 0
    """0: bundles to the connected coordinator; n: the n-th earlier coordinator's chain, kept
    when another coordinator was connected (`sync.coach_state.connect`)."""


class HouseholdMembership(Record, table=True):
    """One client's place in a household (schema 0013): clients who live together, each with
    their own file. The household is only its random id, shared by its members' rows; it has
    no row of its own and ends when its last member leaves. Leaving sets ``deleted_at`` (the
    Verlauf keeps the role). No free text: the role is a code of ``household_roles``."""

    household_id: str = Field(index=True)
    client_id: str = Field(index=True)
    role: str = "other"
    """Code of the ``household_roles`` catalog, relative to the household's reference person."""


class StandIn(Record, table=True):
    """One client of one stand-in (Vertretung, schema 0012), kept on both sides.

    The sender writes ``direction = "out"`` when the stand-in file is made, the colleague
    ``"in"`` when it is received; both keep the file's id. The client is named by its random id
    (``client_ref``, the same id on both sides: the copy keeps the original ids so a return can
    name what it changed). It is deliberately not called ``client_id``: the row must outlive the
    erasure of the copy, so a replayed file is still recognised. No personal data.
    """

    stand_in_id: str = Field(index=True)
    """The id of the stand-in file (32 hex digits)."""
    client_ref: str = Field(index=True)
    case_ref: str
    direction: str
    """``out`` (this vault lent the client) or ``in`` (this vault stands in)."""
    until: date
    """The last day of the stand-in; the copy is erased on the first unlock after it."""
    counterpart: str
    """The other coach's fingerprint (64 hex characters)."""
    counterpart_name: str = ""
    state: str = "active"
    """``active`` (in: the copy is here; out: sent), ``expired`` (in: the copy was erased)."""
    received_revision: int = 0
    """In: the revision of the receiving write; later changes are the colleague's own."""
    returned_on: date | None = None
    """In: the day the last return file was written; out: the day the last one was imported."""
    return_ids: str = ""
    """Out: the ids of the return files imported (space-delimited), so none is applied twice."""


TABLES: tuple[type[SQLModel], ...] = (
    Client,
    Case,
    Consent,
    ResidenceRecord,
    Assessment,
    AreaRating,
    GoalAgreement,
    Goal,
    Step,
    Referral,
    ContactNote,
    FollowUp,
    AuditEvent,
    RecordChange,
    ErasedClient,
    HandoverLink,
    HouseholdMembership,
    StandIn,
    BundleDisclosure,
)
