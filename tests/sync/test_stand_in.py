"""Stand-in (Vertretung) end to end: Anna lends two clients to Ben until a date; Ben sees them
marked, records a contact and completes a follow-up, and none of it travels in his weekly
bundle; his return brings the contact to Anna; after the end date Ben's next unlock erases the
copy. Bad files are refused with a reason and change nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, col, func, select

from kim_tui.coordinator.store import CoordinatorStore
from kim_tui.domain.model import ClientDraft, ConsentDraft, ContactDraft, FollowUpDraft
from kim_tui.service.workspace import Workspace
from kim_tui.store.errors import ValidationError
from kim_tui.store.models import AuditEvent, Client, ContactNote, StandIn
from kim_tui.store.vault import Vault
from kim_tui.sync import coach_state as cs
from kim_tui.sync import handover_format as hf
from kim_tui.sync.bundle_format import parse as parse_bundle
from tests.conftest import FIXED_TODAY, PASSPHRASE
from tests.sync.conftest import Coach, make_coach

UNTIL = FIXED_TODAY + timedelta(days=14)


def _pub(coach: Coach, name: str):  # type: ignore[no-untyped-def]
    return coach.ws.create_identity(name, "Caritas Oberhausen")  # one provider: no consent needed


def _counts(ws: Workspace) -> tuple[int, int]:
    with Session(ws.vault.engine) as s:
        events = s.exec(select(func.count()).select_from(AuditEvent)).one()
    return events, ws.revision()


@pytest.fixture
def team(tmp_path: Path, coordinator: CoordinatorStore) -> dict[str, Coach]:
    anna = make_coach(tmp_path / "anna", "Anna", coordinator)
    ben = make_coach(tmp_path / "ben", "Ben", coordinator)
    carla = make_coach(tmp_path / "carla", "Carla", None)
    anna.ws.add_colleague(_pub(ben, "Ben"))
    anna.ws.add_colleague(_pub(carla, "Carla"))
    ben.ws.add_colleague(_pub(anna, "Anna"))
    carla.ws.add_colleague(_pub(anna, "Anna"))
    return {"anna": anna, "ben": ben, "carla": carla}


def _lend(anna: Coach, tmp_path: Path) -> tuple[list[str], Path]:
    lent = [anna.add_client(1, share=True), anna.add_client(2, share=False)]
    anna.add_client(3, share=True)  # stays with Anna alone
    anna.ws.add_follow_up(FollowUpDraft(anna.cases[lent[0]], UNTIL, "Rückruf Jobcenter"))
    out = tmp_path / "vertretung.kimh"
    before = _counts(anna.ws)
    sent = anna.ws.send_stand_in("Ben", UNTIL, lent, str(out))
    assert sent.clients == 2 and out.exists()
    # A copy, not a transfer: Anna's records are unchanged (an audit event, no revision).
    events, revision = _counts(anna.ws)
    assert (events, revision) == (before[0] + 1, before[1])
    with Session(anna.vault.engine) as s:
        event = s.exec(select(AuditEvent).where(col(AuditEvent.action) == "standin.send")).one()
    assert "Vorname" not in event.detail and "Nachname" not in event.detail
    assert b"Vorname001x" not in out.read_bytes() and b"Notiz-Geheimnis" not in out.read_bytes()
    return lent, out


def test_stand_in_round_trip(team: dict[str, Coach], tmp_path: Path) -> None:
    anna, ben = team["anna"], team["ben"]
    own = ben.add_client(7, share=True)
    lent, out = _lend(anna, tmp_path)

    received = ben.ws.receive_stand_in(str(out))
    assert received.until == UNTIL and len(received.client_names) == 2
    page = ben.ws.caseload()
    assert {r.client_id for r in page.items} == {lent[0], lent[1], own}
    assert ben.ws.stand_in_until([r.client_id for r in page.items]) == {
        lent[0]: UNTIL,
        lent[1]: UNTIL,
    }
    items = ben.ws.follow_ups().items
    callback = next(i for i in items if i.reason == "Rückruf Jobcenter")
    # The recent contact came along; the goals too.
    file = ben.ws.client_file(lent[0])
    assert any("Notiz-Geheimnis-001" in c.note for c in file.contacts)

    # Ben records a contact, completes the callback and adds a follow-up ...
    case = anna.cases[lent[0]]
    ben.ws.add_contact(ContactDraft(case, FIXED_TODAY, "phone", 15, note="Ben rief an"))
    ben.ws.complete_follow_up(callback.id, "erledigt")
    ben.ws.add_follow_up(FollowUpDraft(case, UNTIL + timedelta(days=3), "Termin ABH"))
    # ... but other edits are refused with a clear message, nothing changed.
    before = _counts(ben.ws)
    with pytest.raises(ValidationError, match="Vertretung"):
        ben.ws.update_client(lent[0], ClientDraft("Neu", "Name", None))
    assert _counts(ben.ws) == before

    # Ben's weekly bundle carries his own client only, none of the stand-in's rows.
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    result = ben.export(outbox)
    header = parse_bundle(result.path.read_bytes()).header
    assert header.counts["client"] == 1 and header.counts["contactnote"] == 1

    # The return brings the contact and the follow-up changes to Anna.
    back = tmp_path / "rueckgabe.kimh"
    written = ben.ws.write_stand_in_return(str(back))
    assert written.contacts == 1 and written.follow_ups == 2
    imported = anna.ws.import_stand_in_return(str(back))
    assert (imported.contacts_added, imported.follow_ups_completed) == (1, 1)
    assert imported.follow_ups_added == 1
    contacts = anna.ws.client_file(lent[0]).contacts
    recorded = next(c for c in contacts if "Ben rief an" in c.note)
    assert "Erfasst in Vertretung von Ben" in recorded.note
    open_reasons = {i.reason for i in anna.ws.follow_ups().items}
    assert "Rückruf Jobcenter" not in open_reasons and "Termin ABH" in open_reasons

    # The same return again: refused, nothing changed.
    before = _counts(anna.ws)
    with pytest.raises(ValidationError, match="bereits eingelesen"):
        anna.ws.import_stand_in_return(str(back))
    assert _counts(anna.ws) == before

    # After the end date, Ben's next unlock erases the copy and says what went.
    ben.ws.close()
    later = Workspace(
        Vault.open(ben.vault.directory, PASSPHRASE), today=lambda: UNTIL + timedelta(1)
    )
    try:
        # A Workspace alone erases nothing: the unlock (app session, CLI command) does.
        assert later.stand_in_expiries == () and later.client_file(lent[0], audited=False)
        (expiry,) = later.expire_stand_ins()
        assert later.stand_in_expiries == (expiry,)
        assert expiry.colleague == "Anna" and expiry.returned_on == FIXED_TODAY
        assert sorted(expiry.client_names) == [
            "Nachname001y, Vorname001x",
            "Nachname002y, Vorname002x",
        ]
        assert {r.client_id for r in later.caseload().items} == {own}
        with Session(later.vault.engine) as s:
            assert s.get(Client, lent[0]) is None
            assert s.exec(select(ContactNote).where(col(ContactNote.case_id) == case)).all() == []
            states = set(s.exec(select(StandIn.state)).all())
        assert states == {"expired"}
        # Nothing left to travel: the next bundle has no erasure marker for the copy.
        nxt = export_after(later, tmp_path)
        assert nxt.counts["client"] == 0
        # The old file cannot bring the copy back.
        with pytest.raises(ValidationError, match="endete|bereits"):
            later.receive_stand_in(str(out))
        # A second unlock has nothing more to erase.
        assert Workspace(later.vault, today=lambda: UNTIL + timedelta(2)).expire_stand_ins() == ()
    finally:
        later.close()


def export_after(ws: Workspace, tmp_path: Path):  # type: ignore[no-untyped-def]
    from kim_tui.sync.exporter import export_bundle

    outbox = tmp_path / "outbox2"
    outbox.mkdir(exist_ok=True)
    return parse_bundle(export_bundle(ws.vault, outbox).path.read_bytes()).header


def _refused(ws: Workspace, path: Path, match: str) -> None:
    before = _counts(ws)
    with pytest.raises(ValidationError, match=match):
        ws.receive_stand_in(str(path))
    assert _counts(ws) == before


def test_bad_files_are_refused_with_a_reason(team: dict[str, Coach], tmp_path: Path) -> None:
    anna, ben, carla = team["anna"], team["ben"], team["carla"]
    _lent, out = _lend(anna, tmp_path)

    tampered = tmp_path / "tampered.kimh"
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered.write_bytes(bytes(data))
    _refused(ben.ws, tampered, "Signatur ungültig|abgelehnt")

    _refused(carla.ws, out, "andere Person")

    with Session(anna.vault.engine) as s:
        me = cs.coach_public(s)
        sign = cs.sign_key(s)
    ben_pub = _pub(ben, "Ben")
    header = hf.HandoverHeader(
        hf.HANDOVER,
        hf.new_handover_id(),
        me.fingerprint,
        ben_pub.fingerprint,
        "2026-11-24T10:00:00Z",
    )
    handover = tmp_path / "uebergabe.kimh"
    handover.write_bytes(hf.seal(header, {"kind": "handover"}, ben_pub, sign))
    _refused(ben.ws, handover, "Übergabedatei")

    not_a_file = tmp_path / "missing.kimh"
    _refused(ben.ws, not_a_file, "nicht lesbar")

    ben.ws.receive_stand_in(str(out))
    _refused(ben.ws, out, "bereits übernommen")

    # A return file is not a stand-in, and the return importer wants a return.
    back = tmp_path / "back.kimh"
    ben.ws.write_stand_in_return(str(back))
    _refused(ben.ws, back, "Rückgabe")
    before = _counts(anna.ws)
    with pytest.raises(ValidationError, match="keine Rückgabe"):
        anna.ws.import_stand_in_return(str(out))
    assert _counts(anna.ws) == before


def test_the_end_date_and_the_colleague_are_checked(team: dict[str, Coach], tmp_path: Path) -> None:
    anna = team["anna"]
    client = anna.add_client(1, share=True)
    with pytest.raises(ValidationError, match="Vergangenheit"):
        anna.ws.send_stand_in("Ben", FIXED_TODAY - timedelta(1), [client], str(tmp_path / "x"))
    with pytest.raises(ValidationError, match="Keine gespeicherte Kolleg"):
        anna.ws.send_stand_in("Dora", UNTIL, [client], str(tmp_path / "x"))
    assert anna.ws.stand_in_default_clients() == [client]
    assert not (tmp_path / "x").exists()


def test_a_colleague_is_found_by_part_of_the_name(team: dict[str, Coach], tmp_path: Path) -> None:
    anna = team["anna"]
    client = anna.add_client(1, share=True)
    sent = anna.ws.send_stand_in("carl", UNTIL, [client], str(tmp_path / "c.kimh"))
    assert sent.colleague == "Carla"


def test_snoozes_during_a_stand_in_come_back(team: dict[str, Coach], tmp_path: Path) -> None:
    """Ben moves one of Anna's follow-ups to a later date (Wiedervorlage verschoben) and leaves
    another alone: the return moves the first at Anna's too, the second keeps its date; a
    rewritten return moves nothing twice."""
    anna, ben = team["anna"], team["ben"]
    lent, out = _lend(anna, tmp_path)
    case = anna.cases[lent[0]]
    anna.ws.add_follow_up(FollowUpDraft(case, UNTIL, "Antrag Sprachkurs"))
    # The stand-in file was made before the second follow-up: send a fresh one with both.
    out = tmp_path / "vertretung2.kimh"
    anna.ws.send_stand_in("Ben", UNTIL, [lent[0]], str(out))
    ben.ws.receive_stand_in(str(out))
    items = {i.reason: i for i in ben.ws.follow_ups().items}
    later = UNTIL + timedelta(days=21)
    moved_to = ben.ws.snooze_follow_up(items["Rückruf Jobcenter"].id, later)

    back = tmp_path / "rueckgabe.kimh"
    written = ben.ws.write_stand_in_return(str(back))
    assert written.follow_ups == 1
    imported = anna.ws.import_stand_in_return(str(back))
    assert imported.follow_ups_snoozed == 1
    assert (imported.follow_ups_completed, imported.follow_ups_added) == (0, 0)
    at_anna = {i.reason: i for i in anna.ws.follow_ups().items}
    assert at_anna["Rückruf Jobcenter"].due_on == moved_to
    assert at_anna["Antrag Sprachkurs"].due_on == items["Antrag Sprachkurs"].due_on
    # A snooze is no correction (not in the Verlauf's corrections, as at Ben's): the import's
    # audit event counts it.
    with Session(anna.vault.engine) as s:
        event = s.exec(
            select(AuditEvent).where(col(AuditEvent.action) == "standin.import_return")
        ).one()
    assert "1 verschoben" in event.detail

    # Ben writes the return again (everything so far): the snooze is not applied twice.
    again = tmp_path / "rueckgabe2.kimh"
    ben.ws.write_stand_in_return(str(again))
    repeated = anna.ws.import_stand_in_return(str(again))
    assert repeated.follow_ups_snoozed == 0 and repeated.skipped == 1


def test_the_stand_in_note_is_written_in_the_language_kim_speaks(english: None) -> None:
    from kim_tui.service.stand_in_return import stand_in_note

    assert stand_in_note("Ben") == "Recorded by Ben, standing in"


def test_the_stand_in_copy_carries_the_paper_that_counts_today(
    team: dict[str, Coach], tmp_path: Path
) -> None:
    """A permit recorded ahead (it starts next month) is not the current paper yet: the copy
    carries the Duldung that counts today, whose expiry reminder travels with it."""
    from datetime import date

    from kim_tui.domain.model import FollowUpSource, ResidenceDraft

    anna, ben = team["anna"], team["ben"]
    client = anna.add_client(1, share=True)
    anna.ws.add_residence_record(
        client,
        ResidenceDraft("duldung", valid_from=date(2026, 6, 1), valid_until=date(2027, 1, 31)),
    )
    anna.ws.add_residence_record(
        client, ResidenceDraft("ae_25b", valid_from=date(2027, 2, 1), valid_until=date(2029, 1, 31))
    )
    out = tmp_path / "vertretung.kimh"
    anna.ws.send_stand_in("Ben", UNTIL, [client], str(out))
    ben.ws.receive_stand_in(str(out))
    assert [r.status for r in ben.ws.client_file(client).residence] == ["duldung"]
    reminders = [
        i.reason for i in ben.ws.follow_ups().items if i.source is FollowUpSource.RESIDENCE
    ]
    assert reminders == ["Ablauf 31.01.2027: Duldung"]


def test_a_colleague_of_another_provider_gets_a_copy_only_with_consent(
    team: dict[str, Coach], tmp_path: Path
) -> None:
    """Carla works for another provider (another controller): lending her a file needs the
    client's consent to pass it there, as a handover does; nothing is written without it."""
    from kim_tui.domain.model import ConsentPurpose

    anna, carla = team["anna"], team["carla"]
    anna.ws.add_colleague(carla.ws.create_identity("Carla", "Diakonie Essen"))
    client = anna.add_client(1, share=True)
    out = tmp_path / "vertretung.kimh"
    before = _counts(anna.ws)
    with pytest.raises(
        ValidationError, match="Keine gültige Einwilligung zur Weitergabe an „Diakonie Essen“"
    ):
        anna.ws.send_stand_in("Carla", UNTIL, [client], str(out))
    assert not out.exists() and _counts(anna.ws) == before
    anna.ws.add_consent(
        anna.cases[client],
        ConsentDraft(ConsentPurpose.SHARE_AGENCY, FIXED_TODAY, recipient="Diakonie Essen"),
    )
    assert anna.ws.send_stand_in("Carla", UNTIL, [client], str(out)).clients == 1
    # Lending many at once: five are named, the rest counted.
    many = [anna.add_client(i, share=False) for i in range(10, 17)]
    with pytest.raises(ValidationError, match=r"für: (\w+, \w+, ){4}\w+, \w+ und 2 weitere\."):
        anna.ws.send_stand_in("Carla", UNTIL, many, str(tmp_path / "viele.kimh"))
