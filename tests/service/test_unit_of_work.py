"""One owner for every write: each public write method of `Workspace` is one transaction with
exactly one audit event and one new revision; reads that are audited (opening a client file,
printing, exporting, the sync setup) add one audit event and no revision; plain queries add
neither. A new public method of `Workspace` must be sorted into one of the lists below, or
`test_every_public_method_is_classified` fails.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, col, func, select

from kim_tui.domain.case_data import CaseDataDraft
from kim_tui.domain.model import (
    AreaRatingDraft,
    AssessmentDraft,
    ClientDraft,
    ClosureDraft,
    ConsentDraft,
    ConsentPurpose,
    ContactDraft,
    EntryKind,
    FollowUpDraft,
    GoalAgreementDraft,
    GoalDraft,
    IntakeDraft,
    ReferralDraft,
    ResidenceDraft,
    ResidenceFactsDraft,
    StepDraft,
)
from kim_tui.service.workspace import Workspace
from kim_tui.store.errors import ValidationError
from kim_tui.store.models import (
    Assessment,
    AuditEvent,
    ContactNote,
    Record,
    ResidenceRecord,
)
from kim_tui.store.unit_of_work import UnitOfWork
from kim_tui.store.vault import Vault
from kim_tui.sync import coach_state as cs
from kim_tui.sync import handover_format as hf
from kim_tui.sync.identity import (
    CoachPublic,
    CoordinatorPublic,
    kem_public_bytes,
    new_kem_key,
    new_signing_key,
    receiving_key_message,
    signing_key,
    signing_public,
)
from tests.conftest import FAST_KDF_KIB, FIXED_TODAY, PASSPHRASE

STAMP = "2026-11-24T10:00:00Z"

D = date
LATER = FIXED_TODAY + timedelta(days=14)


@dataclass(frozen=True)
class Ids:
    client: str
    case: str
    consent: str
    follow_up: str
    agreement: str
    goal: str
    step: str
    referral: str
    closed_case: str
    restricted: str = ""
    closed_client: str = ""
    to_hand_over: str = ""
    handover_hex: str = ""
    household_member: str = ""
    stand_in_file: str = ""
    """A stand-in from colleague Bruno to this vault, not yet received."""
    stand_in_return: str = ""
    """Bruno's return of a stand-in this vault lent him."""


@dataclass
class Setup:
    ws: Workspace
    ids: Ids
    tmp: Path


def _intake(given: str, family: str) -> IntakeDraft:
    return IntakeDraft(
        ClientDraft(given, family, D(1990, 1, 1)),
        D(2026, 10, 1),
        residence=ResidenceDraft("gestattung", valid_until=D(2027, 3, 1)),
        consents=(ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, D(2026, 10, 1)),),
    )


def _coordinator() -> CoordinatorPublic:
    return CoordinatorPublic(
        "Koordinierung", kem_public_bytes(new_kem_key()), signing_public(new_signing_key())
    )


def _colleague() -> CoachPublic:
    sign = new_signing_key()
    kem = kem_public_bytes(new_kem_key())
    signature = signing_key(sign).sign(receiving_key_message(kem))
    return CoachPublic("Kollegin", "DRK", signing_public(sign), kem, signature)


_BEN_SIGN = new_signing_key()
_BEN_KEM = new_kem_key()


def _ben() -> CoachPublic:
    """A colleague whose private keys the tests hold: files from and receipts by Ben."""
    kem = kem_public_bytes(_BEN_KEM)
    signature = signing_key(_BEN_SIGN).sign(receiving_key_message(kem))
    return CoachPublic("Ben", "DRK", signing_public(_BEN_SIGN), kem, signature)


def _from_ben(s: Setup, kind: str, handover_hex: str, payload: dict[str, object]) -> str:
    with Session(s.ws.vault.engine) as session:  # read directly: no audit event
        me = cs.coach_public(session)
    header = hf.HandoverHeader(kind, handover_hex, _ben().fingerprint, me.fingerprint, STAMP)
    path = s.tmp / f"{kind}.kimh"
    path.write_bytes(hf.seal(header, payload, me, _BEN_SIGN))
    return str(path)


def _receivable(s: Setup) -> str:
    client = {"id": "c-1", "given_name": "Mira", "family_name": "Neu"}
    payload = {
        "format": "kim-handover-payload",
        "version": 1,
        "client": "c-1",
        "handed_over_on": "2026-11-20",
        "tables": {"client": [client]},
    }
    return _from_ben(s, hf.HANDOVER, hf.new_handover_id(), payload)


def _receive(s: Setup) -> object:
    return s.ws.receive_handover(_receivable(s), str(s.tmp))


def _confirm(s: Setup) -> object:
    receipt = {"handover": s.ids.handover_hex, "received_on": "2026-11-24"}
    return s.ws.confirm_handover(_from_ben(s, hf.RECEIPT, s.ids.handover_hex, receipt))


def _refused(call: Callable[[], object]) -> None:
    with pytest.raises(ValidationError):
        call()


def _build(ws: Workspace, out: Path) -> Ids:
    client, case = ws.intake(_intake("Lan", "Nguyen"))
    consent = ws.add_consent(case, ConsentDraft(ConsentPurpose.SHARE_COORDINATOR, D(2026, 10, 2)))
    follow_up = ws.add_follow_up(FollowUpDraft(case, LATER, "Termin"))
    agreement = ws.add_goal_agreement(
        GoalAgreementDraft(
            case,
            D(2026, 11, 1),
            D(2027, 2, 1),
            (GoalDraft("housing", "Wohnung", steps=(StepDraft("Suchen", "client", LATER),)),),
        )
    )
    (goal,) = ws.goal_agreements(case)[0].goals
    referral = ws.add_referral(
        ReferralDraft(
            case,
            "jobcenter",
            "sgb2",
            "Anspruch",
            D(2026, 11, 20),
            LATER,
            passes_identifying_data=False,
        )
    )
    ws.add_contact(ContactDraft(case, D(2026, 11, 3), "phone", 10, "Anruf"))
    ws.add_assessment(AssessmentDraft(case, D(2026, 11, 3), (AreaRatingDraft("housing", 3),)))
    _other, closed = ws.intake(_intake("Ada", "Abgeschlossen"))
    ws.close_case(ClosureDraft(closed, FIXED_TODAY, "moved_away"))
    restricted, _case = ws.intake(_intake("Rita", "Eingeschränkt"))
    ws.restrict_client(restricted)
    ws.create_identity("Anna", "Träger")
    ws.connect_coordinator(_coordinator())
    ws.set_phase_by_hand(case, "monitoring", "Begleitung läuft über die Schule")
    ws.add_colleague(_ben())
    handed, handed_case = ws.intake(_intake("Hanna", "Übergeben"))
    ws.add_consent(
        handed_case, ConsentDraft(ConsentPurpose.SHARE_AGENCY, D(2026, 10, 1), recipient="DRK")
    )
    made = ws.hand_over(handed, _ben().fingerprint, str(out))
    to_hand, to_hand_case = ws.intake(_intake("Tim", "Übergabe"))
    ws.add_consent(
        to_hand_case, ConsentDraft(ConsentPurpose.SHARE_AGENCY, D(2026, 10, 1), recipient="DRK")
    )
    member = ws.add_household_member(client, ClientDraft("Kim", "Nguyen", D(2015, 1, 1)), "child")
    return Ids(
        client,
        case,
        consent,
        follow_up,
        agreement,
        goal.id,
        goal.steps[0].id,
        referral,
        closed,
        restricted,
        _other,
        to_hand,
        made.handover_id.replace("-", ""),
        member,
    )


def _stand_ins(ws: Workspace, ids: Ids, base: Path) -> Ids:
    """Colleague Bruno: Anna lends him a client and gets his return; Bruno lends Anna one client
    (received, so Anna can write a return) and sends a second stand-in (left unreceived)."""
    vault, _recovery = Vault.create(base / "bruno", PASSPHRASE, kdf_memory_kib=FAST_KDF_KIB)
    ben = Workspace(vault, today=lambda: FIXED_TODAY)
    try:
        ben_pub = ben.create_identity("Bruno", "Träger")  # one provider: no consent needed
        ws.add_colleague(ben_pub)
        ben.add_colleague(ws.create_identity("Anna", "Träger"))
        until = FIXED_TODAY + timedelta(days=14)
        ws.send_stand_in("Bruno", until, [ids.client], str(base / "lent.kimh"))
        ben.receive_stand_in(str(base / "lent.kimh"))
        ben.write_stand_in_return(str(base / "return.kimh"))
        first, _case = ben.intake(_intake("Bo", "Vertretung"))
        second, _case = ben.intake(_intake("Bea", "Vertretung"))
        ben.send_stand_in("Anna", until, [first], str(base / "first.kimh"))
        ben.send_stand_in("Anna", until, [second], str(base / "second.kimh"))
        ws.receive_stand_in(str(base / "first.kimh"))
    finally:
        ben.close()
    return replace(
        ids,
        stand_in_file=str(base / "second.kimh"),
        stand_in_return=str(base / "return.kimh"),
    )


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Ids]:
    base = tmp_path_factory.mktemp("uow")
    directory = base / "vault"
    vault, _recovery = Vault.create(directory, PASSPHRASE, kdf_memory_kib=FAST_KDF_KIB)
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    try:
        return directory, _stand_ins(ws, _build(ws, directory.parent), base)
    finally:
        ws.close()


@pytest.fixture
def setup(_template: tuple[Path, Ids], tmp_path: Path) -> Iterator[Setup]:
    directory = tmp_path / "vault"
    shutil.copytree(_template[0], directory)
    ws = Workspace(Vault.open(directory, PASSPHRASE), today=lambda: FIXED_TODAY)
    yield Setup(ws, _template[1], tmp_path)
    if ws.is_open:
        ws.close()


Call = Callable[[Setup], object]

WRITES: dict[str, Call] = {
    "receive_stand_in": lambda s: s.ws.receive_stand_in(s.ids.stand_in_file),
    "import_stand_in_return": lambda s: s.ws.import_stand_in_return(s.ids.stand_in_return),
    "intake": lambda s: s.ws.intake(_intake("Neu", "Person")),
    "update_client": lambda s: s.ws.update_client(
        s.ids.client, ClientDraft("Lan", "Nguyen-Tran", D(1990, 1, 1))
    ),
    "set_residence_facts": lambda s: s.ws.set_residence_facts(
        s.ids.client, ResidenceFactsDraft(german_level="B1")
    ),
    "add_consent": lambda s: s.ws.add_consent(
        s.ids.case, ConsentDraft(ConsentPurpose.SHARE_AGENCY, FIXED_TODAY, agency="jobcenter")
    ),
    "withdraw_consent": lambda s: s.ws.withdraw_consent(s.ids.consent, FIXED_TODAY),
    "add_residence_record": lambda s: s.ws.add_residence_record(
        s.ids.client, ResidenceDraft("duldung", valid_until=D(2027, 1, 1))
    ),
    "set_residence_reminder_weeks": lambda s: s.ws.set_residence_reminder_weeks(4),
    "renew_consent": lambda s: s.ws.renew_consent(
        s.ids.consent, ConsentDraft(ConsentPurpose.SHARE_COORDINATOR, FIXED_TODAY)
    ),
    "add_follow_up": lambda s: s.ws.add_follow_up(FollowUpDraft(s.ids.case, LATER, "Anruf")),
    "complete_follow_up": lambda s: s.ws.complete_follow_up(s.ids.follow_up, "erledigt"),
    "snooze_follow_up": lambda s: s.ws.snooze_follow_up(s.ids.follow_up, LATER),
    "add_assessment": lambda s: s.ws.add_assessment(
        AssessmentDraft(s.ids.case, FIXED_TODAY, (AreaRatingDraft("housing", 2),))
    ),
    "add_goal_agreement": lambda s: s.ws.add_goal_agreement(
        GoalAgreementDraft(s.ids.case, FIXED_TODAY, LATER, (GoalDraft("work", "Arbeit"),))
    ),
    "add_goal": lambda s: s.ws.add_goal(s.ids.agreement, GoalDraft("language", "Kurs")),
    "add_step": lambda s: s.ws.add_step(s.ids.goal, StepDraft("Anmelden", "coach", LATER)),
    "set_step_done": lambda s: s.ws.set_step_done(s.ids.step, FIXED_TODAY),
    "set_goal_status": lambda s: s.ws.set_goal_status(s.ids.goal, "in_progress", "läuft"),
    "add_referral": lambda s: s.ws.add_referral(
        ReferralDraft(
            s.ids.case, "jobcenter", "sgb2", "Klären", FIXED_TODAY, passes_identifying_data=False
        )
    ),
    "record_referral_outcome": lambda s: s.ws.record_referral_outcome(
        s.ids.referral, "done", "bewilligt", FIXED_TODAY
    ),
    "add_contact": lambda s: s.ws.add_contact(ContactDraft(s.ids.case, FIXED_TODAY, "phone", 15)),
    "set_themes": lambda s: s.ws.set_themes(s.ids.case, ("housing_shortage",)),
    "close_case": lambda s: s.ws.close_case(ClosureDraft(s.ids.case, FIXED_TODAY, "moved_away")),
    "reopen_case": lambda s: s.ws.reopen_case(s.ids.closed_case),
    "set_phase_by_hand": lambda s: s.ws.set_phase_by_hand(
        s.ids.case, "linking", "Vermittlung läuft telefonisch"
    ),
    "clear_phase_by_hand": lambda s: s.ws.clear_phase_by_hand(s.ids.case),
    "merge_clients": lambda s: s.ws.merge_clients(
        s.ids.client, s.ids.closed_client, frozenset({"family_name"})
    ),
    "correct_consent": lambda s: s.ws.correct_consent(
        s.ids.consent, ConsentDraft(ConsentPurpose.SHARE_COORDINATOR, D(2026, 10, 3))
    ),
    "correct_residence_record": lambda s: s.ws.correct_residence_record(
        _id_of(s, ResidenceRecord), ResidenceDraft("duldung", valid_until=D(2027, 2, 1))
    ),
    "correct_assessment": lambda s: s.ws.correct_assessment(
        _id_of(s, Assessment),
        AssessmentDraft(s.ids.case, D(2026, 11, 3), (AreaRatingDraft("housing", 2),)),
    ),
    "correct_goal": lambda s: s.ws.correct_goal(s.ids.goal, GoalDraft("housing", "Wohnen")),
    "correct_step": lambda s: s.ws.correct_step(s.ids.step, StepDraft("Suchen", "coach", LATER)),
    "correct_referral": lambda s: s.ws.correct_referral(
        s.ids.referral,
        ReferralDraft(
            s.ids.case,
            "jobcenter",
            "sgb2",
            "Klären",
            D(2026, 11, 20),
            passes_identifying_data=False,
        ),
    ),
    "correct_contact": lambda s: s.ws.correct_contact(
        _id_of(s, ContactNote), ContactDraft(s.ids.case, D(2026, 11, 4), "phone", 20)
    ),
    "correct_follow_up": lambda s: s.ws.correct_follow_up(
        s.ids.follow_up, FollowUpDraft(s.ids.case, LATER, "Termin beim Amt")
    ),
    "correct_case_data": lambda s: s.ws.correct_case_data(
        s.ids.case, CaseDataDraft(D(2026, 10, 2), target_groups=("catch_up",))
    ),
    "delete_entry": lambda s: s.ws.delete_entry(
        EntryKind.REFERRAL, s.ids.referral, "Doppelt erfasst, gleiche Vermittlung."
    ),
    "set_retention_years": lambda s: s.ws.set_retention_years(5),
    "restrict_client": lambda s: s.ws.restrict_client(s.ids.client),
    "lift_restriction": lambda s: s.ws.lift_restriction(s.ids.restricted),
    "erase_client": lambda s: s.ws.erase_client(s.ids.client, "Antrag"),
    "re_erase": lambda s: s.ws.re_erase({s.ids.restricted}),
    "hand_over": lambda s: s.ws.hand_over(s.ids.to_hand_over, _ben().fingerprint, str(s.tmp)),
    "receive_handover": _receive,
    "confirm_handover": _confirm,
    "link_household_member": lambda s: s.ws.link_household_member(
        s.ids.client, s.ids.closed_client, "sibling"
    ),
    "add_household_member": lambda s: s.ws.add_household_member(
        s.ids.client, ClientDraft("Mai", "Nguyen", D(2016, 2, 2)), "child"
    ),
    "set_household_role": lambda s: s.ws.set_household_role(s.ids.household_member, "sibling"),
    "leave_household": lambda s: s.ws.leave_household(s.ids.household_member, "zieht aus"),
}
"""Public writes: +1 audit event, +1 revision."""

AUDITED: dict[str, Call] = {
    "client_file": lambda s: s.ws.client_file(s.ids.client),
    "print_goal_agreement": lambda s: s.ws.print_goal_agreement(
        s.ids.agreement, str(s.tmp / "vereinbarung.pdf"), coach="Anna", organisation="Träger"
    ),
    "export_weekly": lambda s: s.ws.export_weekly(str(s.tmp)),
    "create_identity": lambda s: s.ws.create_identity("Anna B.", "Träger"),
    "connect_coordinator": lambda s: s.ws.connect_coordinator(_coordinator()),
    "set_print_folder": lambda s: s.ws.set_print_folder(str(s.tmp)),
    "print_consent_form": lambda s: s.ws.print_consent_form(
        s.ids.consent, str(s.tmp / "einwilligung.pdf"), organisation="Träger"
    ),
    "subject_access_copy": lambda s: s.ws.subject_access_copy(s.ids.client),
    "write_subject_access": lambda s: s.ws.write_subject_access(s.ids.client, str(s.tmp)),
    "set_regime": lambda s: s.ws.set_regime("kdg"),
    "add_colleague": lambda s: s.ws.add_colleague(_colleague()),
    "send_stand_in": lambda s: s.ws.send_stand_in(
        "Bruno", LATER, None, str(s.tmp / "vertretung.kimh")
    ),
    "write_stand_in_return": lambda s: s.ws.write_stand_in_return(str(s.tmp / "back.kimh")),
}
"""Reads, prints, exports and the sync setup: +1 audit event, no revision (they change no
record that travels in a bundle)."""

QUERIES: dict[str, Call] = {
    "find_duplicates": lambda s: s.ws.find_duplicates(ClientDraft("Lan", "Nguyen", None)),
    "find_duplicates_many": lambda s: s.ws.find_duplicates_many(
        [ClientDraft("Lan", "Nguyen", None)]
    ),
    "duplicates_of": lambda s: s.ws.duplicates_of(s.ids.client),
    "merge_differences": lambda s: s.ws.merge_differences(s.ids.client, s.ids.closed_client),
    "sharing_consent_for": lambda s: s.ws.sharing_consent_for(s.ids.case, "jobcenter", FIXED_TODAY),
    "residence_reminder_weeks": lambda s: s.ws.residence_reminder_weeks(),
    "follow_ups": lambda s: s.ws.follow_ups("ngu"),
    "follow_up_counts": lambda s: s.ws.follow_up_counts(),
    "assessments": lambda s: s.ws.assessments(s.ids.case),
    "goal_agreements": lambda s: s.ws.goal_agreements(s.ids.case),
    "caseload": lambda s: s.ws.caseload("ngu"),
    "caseload_total": lambda s: s.ws.caseload_total(),
    "audit_log": lambda s: s.ws.audit_log(s.ids.case),
    "sync_status": lambda s: s.ws.sync_status(),
    "check_export_ready": lambda s: s.ws.check_export_ready(),
    "colleagues": lambda s: s.ws.colleagues(),
    "read_colleague_file": lambda s: _refused(lambda: s.ws.read_colleague_file(str(s.tmp))),
    "revision": lambda s: s.ws.revision(),
    "today": lambda s: s.ws.today(),
    "print_folder": lambda s: s.ws.print_folder(),
    "printout_path": lambda s: s.ws.printout_path("Einwilligung", s.ids.case),
    "consent_form_translation": lambda s: s.ws.consent_form_translation("prs"),
    "special_category_choices": lambda s: s.ws.special_category_choices("en"),
    "record_history": lambda s: s.ws.record_history(s.ids.client),
    "regime": lambda s: s.ws.regime(),
    "retention_rule": lambda s: s.ws.retention_rule(),
    "clients": lambda s: s.ws.clients("ngu"),
    "household": lambda s: s.ws.household(s.ids.client),
    "retention_due": lambda s: s.ws.retention_due(),
    "erased_ids": lambda s: s.ws.erased_ids(),
    "inspect_handover": lambda s: s.ws.inspect_handover(_receivable(s)),
    "stand_ins": lambda s: s.ws.stand_ins(),
    "stand_in_until": lambda s: s.ws.stand_in_until([s.ids.client]),
    "stand_in_default_clients": lambda s: s.ws.stand_in_default_clients(),
    "stand_in_follow_up_clients": lambda s: s.ws.stand_in_follow_up_clients(),
    "prepare_duplicate_check": lambda s: s.ws.prepare_duplicate_check(),
}
"""List and look-up queries: nothing audited, no revision."""

BATCHES = ("batch", "import_intakes")
"""Many writes in one transaction: one revision, one audit event per write (tested below)."""

LIFECYCLE = (
    "is_open",
    "close",
    "update_statistics",
    "expire_stand_ins",
    "follow_current_papers",
)
"""No data: the vault's state and the planner's statistics; and the unlock's duties of erasing
ended stand-in copies (one write each, tested in tests/sync/test_stand_in.py) and of moving
expiry reminders to papers that became current (one write only when one moves, tested in
tests/service/test_residence_timeline.py)."""


def _id_of(s: Setup, model: type[Record]) -> str:
    """The id of the oldest row of `model` (read without an audit event)."""
    with Session(s.ws.vault.engine) as session:
        row = session.exec(select(model).order_by(col(model.created_at))).first()
        assert row is not None
        return row.id


def _counts(ws: Workspace) -> tuple[int, int]:
    with Session(ws.vault.engine) as s:
        events = s.exec(select(func.count()).select_from(AuditEvent)).one()
    return events, ws.revision()


def test_every_public_method_is_classified() -> None:
    public = {name for name in dir(Workspace) if not name.startswith("_")}
    classified = set(WRITES) | set(AUDITED) | set(QUERIES) | set(BATCHES) | set(LIFECYCLE)
    assert public - classified == set(), "new public Workspace methods: sort them in above"
    assert classified - public == set(), "classified names that Workspace no longer has"


@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_write_is_one_audit_event_and_one_revision(setup: Setup, name: str) -> None:
    events, revision = _counts(setup.ws)
    WRITES[name](setup)
    assert _counts(setup.ws) == (events + 1, revision + 1)


@pytest.mark.parametrize("name", sorted(AUDITED))
def test_an_audited_read_takes_no_revision(setup: Setup, name: str) -> None:
    events, revision = _counts(setup.ws)
    AUDITED[name](setup)
    assert _counts(setup.ws) == (events + 1, revision)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_a_query_is_neither_audited_nor_revised(setup: Setup, name: str) -> None:
    before = _counts(setup.ws)
    QUERIES[name](setup)
    assert _counts(setup.ws) == before


def test_a_batch_is_one_revision_with_an_event_per_write(setup: Setup) -> None:
    events, revision = _counts(setup.ws)
    with setup.ws.batch():
        setup.ws.intake(_intake("Eins", "Batch"))
        setup.ws.add_follow_up(FollowUpDraft(setup.ids.case, LATER, "Zwei"))
    assert _counts(setup.ws) == (events + 2, revision + 1)
    assert setup.ws.import_intakes([_intake("Drei", "Import"), _intake("Vier", "Import")]) == 2
    assert _counts(setup.ws) == (events + 4, revision + 2)


def test_a_failed_write_leaves_no_trace(setup: Setup) -> None:
    before = _counts(setup.ws)
    with pytest.raises(Exception, match="Abschlussgrund"):
        setup.ws.close_case(ClosureDraft(setup.ids.case, FIXED_TODAY, "no-such-reason"))
    with pytest.raises(Exception, match="abgeschlossen"):
        setup.ws.add_follow_up(FollowUpDraft(setup.ids.closed_case, LATER, "zu"))
    assert _counts(setup.ws) == before


def test_the_consent_override_is_the_one_documented_second_event(setup: Setup) -> None:
    events, revision = _counts(setup.ws)
    setup.ws.add_referral(
        ReferralDraft(
            setup.ids.case,
            "jobcenter",
            "sgb2",
            "Klären",
            FIXED_TODAY,
            override_reason="Eilfall: Frist läuft heute ab, Klientin mündlich einverstanden",
        )
    )
    assert _counts(setup.ws) == (events + 2, revision + 1)
    actions = [e.action for e in setup.ws.audit_log(setup.ids.case, limit=2)]
    assert sorted(actions) == ["referral.add", "referral.consent_override"]


def test_rows_written_carry_the_new_revision(setup: Setup) -> None:
    setup.ws.add_contact(ContactDraft(setup.ids.case, FIXED_TODAY, "phone", 5))
    revision = setup.ws.revision()
    with Session(setup.ws.vault.engine) as s:
        stamped = s.exec(
            select(func.count()).select_from(AuditEvent).where(col(AuditEvent.revision) == revision)
        ).one()
    assert stamped == 1


def test_the_stamping_listener_is_not_global(setup: Setup) -> None:
    """A plain SQLModel session with a "revision" in its info is left alone: only the unit of
    work's own session class stamps."""
    with Session(setup.ws.vault.engine) as s:
        s.info["revision"] = 999
        s.add(AuditEvent(action="probe", entity="probe"))
        s.flush()
        probe = s.exec(select(AuditEvent).where(col(AuditEvent.action) == "probe")).one()
        assert probe.revision == 0
        s.rollback()
    uow = UnitOfWork(setup.ws.vault.engine)
    with uow.read() as s:
        s.info["revision"] = 999
        s.add(AuditEvent(action="probe", entity="probe"))
        s.flush()
        probe = s.exec(select(AuditEvent).where(col(AuditEvent.action) == "probe")).one()
        assert probe.revision == 999
        s.rollback()
