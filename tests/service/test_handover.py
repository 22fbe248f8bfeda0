"""Handing a client over to a colleague (issue 14 §§ 2–3): the whole file travels, the consent
gate holds, the receiver takes it in as a new file or merges it, every bad file is refused with
nothing changed, and the receipt erases the client at the sender while the link stays."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from kim_tui.domain.model import (
    ConsentDraft,
    ConsentPurpose,
    ContactDraft,
    EntryKind,
    FollowUpDraft,
    ResidenceDraft,
)
from kim_tui.service.erasure import linked_rows
from kim_tui.service.handover import HandoverRefused
from kim_tui.service.workspace import Workspace
from kim_tui.store.errors import ValidationError, VaultError
from kim_tui.store.models import (
    TABLES,
    AuditEvent,
    Case,
    Client,
    ContactNote,
    ErasedClient,
    HandoverLink,
    RecordChange,
)
from kim_tui.store.vault import Vault
from tests.builders import intake_client, vault_of_its_own
from tests.conftest import FIXED_TODAY, PASSPHRASE

OPENED = FIXED_TODAY - timedelta(days=200)
REASON = "Klientin zieht nach Oberhausen-Mitte, Übergabe mündlich besprochen"


@dataclass
class Team:
    anna: Workspace
    ben: Workspace
    carla: Workspace
    client: str
    case: str
    tmp: Path


def _ws(directory: Path, name: str, organisation: str) -> Workspace:
    vault, _recovery = vault_of_its_own(directory)
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    ws.create_identity(name, organisation)
    return ws


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    root = tmp_path_factory.mktemp("handover")
    anna = _ws(root / "anna", "Anna", "Caritas")
    ben = _ws(root / "ben", "Ben", "DRK")
    carla = _ws(root / "carla", "Carla", "Diakonie")
    for ws, others in ((anna, (ben, carla)), (ben, (anna, carla)), (carla, (anna, ben))):
        for other in others:
            ws.add_colleague(other.create_identity(None, None))
    client, case = intake_client(
        anna,
        "Şükrü",
        "Öztürk",
        date(1988, 4, 2),
        first_contact_on=OPENED,
        residence=ResidenceDraft("gestattung", valid_until=date(2027, 3, 1)),
        consents=(ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, OPENED),),
    )
    note = anna.add_contact(ContactDraft(case, OPENED + timedelta(days=3), "phone", 10, "Erstes"))
    anna.correct_contact(
        note, ContactDraft(case, OPENED + timedelta(days=3), "phone", 15, "Erstes Gespräch")
    )
    anna.add_follow_up(FollowUpDraft(case, FIXED_TODAY + timedelta(days=10), "Termin ABH"))
    wrong = anna.add_contact(ContactDraft(case, OPENED + timedelta(days=4), "phone", 5, "Falsch"))
    anna.delete_entry(EntryKind.CONTACT, wrong, "Bei der falschen Klientin erfasst.")
    for ws in (anna, ben, carla):
        ws.close()
    return root, client, case


@pytest.fixture
def team(_template: tuple[Path, str, str], tmp_path: Path) -> Iterator[Team]:
    root, client, case = _template
    opened = []
    for name in ("anna", "ben", "carla"):
        shutil.copytree(root / name, tmp_path / name)
        opened.append(Workspace(Vault.open(tmp_path / name, PASSPHRASE), today=lambda: FIXED_TODAY))
    yield Team(*opened, client, case, tmp_path)
    for ws in opened:
        if ws.is_open:
            ws.close()


def _fp(ws: Workspace) -> str:
    return ws.create_identity(None, None).fingerprint


def _state(ws: Workspace) -> dict[str, int]:
    """Row counts of every table (the audit trail included): what 'nothing changed' means."""
    with Session(ws.vault.engine) as s:
        return {str(m.__tablename__): len(s.exec(select(m)).all()) for m in TABLES}


def _consent_for_ben(team: Team) -> None:
    team.anna.add_consent(
        team.case,
        ConsentDraft(ConsentPurpose.SHARE_AGENCY, FIXED_TODAY, recipient="DRK"),
    )


def _hand_over(team: Team, reason: str = "") -> Path:
    made = team.anna.hand_over(team.client, _fp(team.ben), str(team.tmp), reason)
    return Path(made.path)


def test_without_consent_or_reason_nothing_is_handed_over(team: Team) -> None:
    before = _state(team.anna)
    with pytest.raises(HandoverRefused, match="Keine gültige Einwilligung.*„DRK“"):
        _hand_over(team)
    with pytest.raises(ValidationError):
        _hand_over(team, "zu kurz")
    assert _state(team.anna) == before
    assert not list(team.tmp.glob("*.kimh"))


def test_an_override_reason_is_audited_without_its_text(team: Team) -> None:
    path = _hand_over(team, REASON)
    with Session(team.anna.vault.engine) as s:
        events = s.exec(select(AuditEvent)).all()
        link = s.exec(select(HandoverLink)).one()
    assert [e.action for e in events].count("handover.consent_override") == 1
    assert all(REASON not in (e.detail or "") for e in events)
    assert link.override_reason == REASON and path.exists()


def test_the_whole_file_travels_and_the_sender_keeps_it_closed(team: Team) -> None:
    _consent_for_ben(team)
    with Session(team.anna.vault.engine) as s:
        sent_rows = linked_rows(s, team.client)
    path = _hand_over(team)
    assert "Öztürk".encode() not in path.read_bytes()
    with Session(team.anna.vault.engine) as s:
        case = s.get(Case, team.case)
        assert case is not None and case.closure_reason == "handed_over"
        link = s.exec(select(HandoverLink)).one()
        assert (link.direction, link.state, link.client_id) == ("out", "sent", team.client)
        assert s.get(Client, team.client) is not None  # kept until the receipt

    got = team.ben.receive_handover(str(path), str(team.tmp / "quittung.kimh"))
    assert Path(got.receipt_path).exists() and not got.merged
    with Session(team.ben.vault.engine) as s:
        client = s.get(Client, got.client_id)
        assert client is not None and client.family_name == "Öztürk"
        assert got.client_id != team.client  # new random ids
        (case,) = s.exec(select(Case)).all()
        assert case.first_contact_on == OPENED and case.closed_on is None
        notes = {n.note for n in s.exec(select(ContactNote)).all()}
        assert "Erstes Gespräch" in notes
        history = s.exec(select(RecordChange)).all()
        assert {h.client_id for h in history} == {got.client_id}
        assert {h.kind for h in history} == {"changed", "deleted"}
        link = s.exec(select(HandoverLink)).one()
        assert (link.direction, link.state) == ("in", "received")
        assert link.id == got.handover_id and link.handed_over_on == FIXED_TODAY
        received = linked_rows(s, got.client_id)
    assert {t: len(v) for t, v in received.items()} == {t: len(v) for t, v in sent_rows.items()}

    done = team.anna.confirm_handover(got.receipt_path)
    assert done.records_removed > 5
    with Session(team.anna.vault.engine) as s:
        assert s.get(Client, team.client) is None
        assert s.get(ErasedClient, team.client) is not None
        link = s.exec(select(HandoverLink)).one()
        assert (link.state, link.client_id, link.id) == ("confirmed", team.client, got.handover_id)


def test_a_duplicate_is_offered_and_merged(team: Team) -> None:
    _consent_for_ben(team)
    path = _hand_over(team)
    existing, _case = intake_client(team.ben, "Sukru", "Özturk", date(1988, 4, 2))
    preview = team.ben.inspect_handover(str(path))
    assert [c.client_id for c in preview.candidates] == [existing]
    assert preview.sender_name == "Anna" and preview.handed_over_on == FIXED_TODAY
    got = team.ben.receive_handover(str(path), str(team.tmp), merge_into=existing)
    assert got.merged and got.client_id == existing
    with Session(team.ben.vault.engine) as s:
        live = s.exec(select(Client).where(Client.deleted_at == None)).all()  # noqa: E711
        assert [c.id for c in live] == [existing]
        assert s.exec(select(HandoverLink)).one().client_id == existing


def _flip(data: bytes, at: int) -> bytes:
    spoilt = bytearray(data)
    spoilt[at] ^= 0x01
    return bytes(spoilt)


def test_every_bad_file_is_refused_and_nothing_changes(team: Team) -> None:
    _consent_for_ben(team)
    path = _hand_over(team)
    data = path.read_bytes()
    bad = team.tmp / "bad.kimh"
    before_ben, before_carla = _state(team.ben), _state(team.carla)

    def refused(ws: Workspace, content: bytes, reason: str) -> None:
        bad.write_bytes(content)
        with pytest.raises(HandoverRefused) as caught:
            ws.receive_handover(str(bad), str(team.tmp / "q.kimh"))
        assert caught.value.reason == reason, caught.value
        assert "Nichts wurde geändert" in str(caught.value)

    refused(team.ben, _flip(data, len(data) // 2), "bad_signature")
    refused(team.ben, _flip(data, len(data) - 1), "bad_signature")
    refused(team.ben, data[: len(data) - 100], "corrupt")
    refused(team.ben, b"KIMH" + bytes(200), "version")
    refused(team.ben, b"random bytes, not a handover", "corrupt")
    refused(team.carla, data, "wrong_recipient")
    assert not (team.tmp / "q.kimh").exists()
    assert _state(team.carla) == before_carla

    got = team.ben.receive_handover(str(path), str(team.tmp / "q1.kimh"))
    after = _state(team.ben)
    refused(team.ben, data, "replay")
    refused(team.ben, Path(got.receipt_path).read_bytes(), "receipt_not_handover")
    assert _state(team.ben) == after and after != before_ben

    # The receipt: only once, only from Ben, only for Anna, never a handover file.
    receipt = Path(got.receipt_path).read_bytes()
    bad.write_bytes(_flip(receipt, len(receipt) // 2))
    with pytest.raises(HandoverRefused):
        team.anna.confirm_handover(str(bad))
    with pytest.raises(HandoverRefused, match="Übergabedatei, keine Empfangsbestätigung"):
        team.anna.confirm_handover(str(path))
    team.anna.confirm_handover(got.receipt_path)
    anna_after = _state(team.anna)
    with pytest.raises(HandoverRefused, match="bereits bestätigt"):
        team.anna.confirm_handover(got.receipt_path)
    assert _state(team.anna) == anna_after


def test_an_unknown_sender_shows_the_fingerprint_to_compare(team: Team, tmp_path: Path) -> None:
    _consent_for_ben(team)
    path = _hand_over(team)
    dora = _ws(tmp_path / "dora", "Dora", "ZAQ")
    try:
        # Dora knows nobody; the file is not for her either: addressee first.
        with pytest.raises(HandoverRefused, match="für jemand anderen bestimmt"):
            dora.inspect_handover(str(path))
    finally:
        dora.close()
    with Session(team.ben.vault.engine) as s:
        from kim_tui.store.models import VaultSetting

        for row in s.exec(select(VaultSetting)).all():
            if row.key.startswith("sync.colleague."):
                s.delete(row)
        s.commit()
    with pytest.raises(HandoverRefused) as caught:
        team.ben.inspect_handover(str(path))
    assert caught.value.reason == "unknown_sender"
    assert "kim colleague add" in str(caught.value)


def test_handover_links_survive_an_erasure(team: Team) -> None:
    _consent_for_ben(team)
    _hand_over(team)
    team.anna.erase_client(team.client, "Antrag der Klientin")
    with Session(team.anna.vault.engine) as s:
        assert s.exec(select(HandoverLink)).one().client_id == team.client
        assert "handoverlink" not in linked_rows(s, team.client)


def test_a_vault_without_identity_is_told_what_to_do(team: Team, tmp_path: Path) -> None:
    _consent_for_ben(team)
    path = _hand_over(team)
    vault, _recovery = vault_of_its_own(tmp_path / "new")
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    try:
        with pytest.raises(HandoverRefused, match="kim identity"):
            ws.receive_handover(str(path), str(tmp_path))
    finally:
        ws.close()


def test_a_lost_receipt_is_written_again_without_any_change(team: Team) -> None:
    _consent_for_ben(team)
    path = _hand_over(team)
    first = team.ben.receive_handover(str(path), str(team.tmp / "q1.kimh"))
    before = _state(team.ben)
    Path(first.receipt_path).unlink()
    again = team.ben.receive_handover(str(path), str(team.tmp / "q2.kimh"), again=True)
    assert again.handover_id == first.handover_id and again.client_id == first.client_id
    assert {k: v for k, v in _state(team.ben).items() if k != "auditevent"} == {
        k: v for k, v in before.items() if k != "auditevent"
    }
    assert team.anna.confirm_handover(again.receipt_path).records_removed > 0


def test_a_restricted_file_is_not_handed_over(team: Team) -> None:
    _consent_for_ben(team)
    team.anna.restrict_client(team.client)
    before = _state(team.anna)
    with pytest.raises(VaultError) as caught:
        _hand_over(team)
    assert "eingeschränkt" in str(caught.value)
    assert _state(team.anna) == before
    assert not list(team.tmp.glob("*.kimh"))


def test_receiving_after_the_preview_decrypts_the_file_once(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview (whom it is about, duplicates) and taking the file in read the same bytes:
    the signature check and decryption run once. A file changed after its preview is checked
    afresh (and refused, nothing changed)."""
    from kim_tui.sync import handover_format as hf

    _consent_for_ben(team)
    made = team.anna.hand_over(team.client, _fp(team.ben), str(team.tmp))
    calls: list[str] = []
    real = hf.open_verified

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args[0].header.kind)
        return real(*args, **kwargs)

    monkeypatch.setattr(hf, "open_verified", counted)
    path = Path(made.path)
    good = path.read_bytes()
    team.ben.inspect_handover(made.path)
    assert len(calls) == 1
    path.write_bytes(good[:-1] + bytes([good[-1] ^ 1]))
    before = _state(team.ben)
    with pytest.raises(HandoverRefused) as refused:
        team.ben.receive_handover(made.path, str(team.tmp))
    assert refused.value.reason == "bad_signature" and len(calls) == 2
    assert _state(team.ben) == before

    path.write_bytes(good)
    preview = team.ben.inspect_handover(made.path)
    got = team.ben.receive_handover(made.path, str(team.tmp))
    assert got.handover_id == preview.handover_id
    assert calls == ["handover"] * 3


def test_the_receiver_s_lead_time_sets_the_expiry_reminder(team: Team) -> None:
    """Anna reminds 8 weeks ahead, Ben 12: the file Ben takes in reminds by Ben's lead time
    (a reminder four weeks later than the coach set could miss the renewal)."""
    from kim_tui.domain.model import FollowUpSource

    _consent_for_ben(team)
    team.ben.set_residence_reminder_weeks(12)
    got = team.ben.receive_handover(str(_hand_over(team)), str(team.tmp))
    reminders = [
        (f.client_id, f.due_on, f.reason)
        for f in team.ben.follow_ups(limit=100).items
        if f.source is FollowUpSource.RESIDENCE
    ]
    # 12 weeks before Monday 01.03.2027 is Monday 07.12.2026 (8 weeks: 04.01.2027).
    assert reminders == [(got.client_id, date(2026, 12, 7), "Ablauf 01.03.2027: Gestattung")]


def test_a_reminder_the_sender_marked_done_stays_done(team: Team) -> None:
    """Anna ticked the expiry reminder off (the extension is applied for); Ben's other lead
    time moves its date but does not reopen it."""
    from kim_tui.domain.model import FollowUpSource

    _consent_for_ben(team)
    (reminder,) = [f for f in team.anna.follow_ups().items if f.source is FollowUpSource.RESIDENCE]
    team.anna.complete_follow_up(reminder.id, "Verlängerung beantragt")
    team.ben.set_residence_reminder_weeks(12)
    team.ben.receive_handover(str(_hand_over(team)), str(team.tmp))
    assert not [f for f in team.ben.follow_ups().items if f.source is FollowUpSource.RESIDENCE]


def test_a_birth_date_known_only_by_its_year_travels_as_written(team: Team) -> None:
    from kim_tui.domain.model import ClientDraft

    _consent_for_ben(team)
    team.anna.update_client(
        team.client, ClientDraft("Şükrü", "Öztürk", date(1988, 1, 1), birth_precision="year")
    )
    path = _hand_over(team)
    assert team.ben.inspect_handover(str(path)).birth_precision == "year"
    got = team.ben.receive_handover(str(path), str(team.tmp))
    client = team.ben.client_file(got.client_id).client
    assert (client.birth_date, client.birth_precision) == (date(1988, 1, 1), "year")


def test_a_file_of_an_older_kim_keeps_the_date_known_to_the_day(team: Team) -> None:
    """A handover payload without `birth_precision` (an older kim's, and this kim's for a date
    known to the day) is taken in: the date counts as known to the day."""
    from sqlmodel import Session

    from kim_tui.service.erasure import linked_rows
    from kim_tui.service.handover_payload import client_file_payload

    with Session(team.anna.vault.engine) as s:
        payload = client_file_payload(s, linked_rows(s, team.client), team.client, FIXED_TODAY)
    (client,) = payload["tables"]["client"]
    assert "birth_precision" not in client and client["birth_date"] == "1988-04-02"


def test_an_erasure_blanks_the_reason_given_for_a_handover_without_consent(team: Team) -> None:
    """The link stays (to whom, when: the sender's accountability); the reason typed for the
    handover without consent is text about the person and goes with the erasure."""
    _hand_over(team, REASON)
    team.anna.erase_client(team.client, "Die Klientin hat die Löschung verlangt.")
    with Session(team.anna.vault.engine) as s:
        link = s.exec(select(HandoverLink)).one()
    assert (link.client_id, link.override_reason) == (team.client, "")


def test_the_art_15_copy_lists_a_handover_once_with_recipient_and_basis(team: Team) -> None:
    _hand_over(team, REASON)
    copy = team.anna.subject_access_copy(team.client)
    (handover,) = [d for d in copy["disclosures"] if d["kind"] == "handover"]
    assert handover["recipient"] == "Ben"
    assert handover["basis"] == f"ohne Einwilligung; Begründung: {REASON}"
