"""Hostile text: Rich markup, terminal escapes, bidi overrides, zero-width characters, line
breaks, 100,000-character strings and NUL bytes in names and notes.

Through the Workspace every such value is either stored and read back exactly, or refused with
a clear German validation message where a rule forbids it. The rules that refuse (as of now):

* given and family name: NUL ("Name enthält ein Nullzeichen."), more than 200 characters
  ("Name ist zu lang (höchstens 200 Zeichen).") — validation.validate_client;
* names are stripped of surrounding whitespace (so are notes, reasons and other names), which
  is why the samples here start and end with a visible character;
* contact notes, referral reasons/outcomes and goal evaluations over 10,000 characters are refused
  with a message (`service.context.stored_text`) — the test at the end shows it.

Everything read back is shown literally: `literal(...)`/`literal_block(...)` keep "[bold]" as
text and contain no escape, control, bidi or zero-width character, and Rich renders them
without interpreting markup or passing the escapes on. A consenting client's hostile master
data travels in the weekly bundle byte for byte (decrypted with the coordinator's key) and
survives the coordinator's store; hostile notes never travel.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from rich.console import Console
from sqlmodel import Session, col, select

from kim_tui.coordinator.importer import IMPORTED, import_bundle
from kim_tui.coordinator.store import CoordinatorStore, SyncRecord
from kim_tui.domain.model import (
    ClientDraft,
    ConsentDraft,
    ConsentPurpose,
    ContactDraft,
    FollowUpDraft,
    GoalAgreementDraft,
    GoalDraft,
    HouseholdMember,
    IntakeDraft,
    ResidenceDraft,
    StepDraft,
)
from kim_tui.service.workspace import Workspace
from kim_tui.store.errors import ValidationError
from kim_tui.sync import bundle_format as bf
from kim_tui.sync import coach_state, identity
from kim_tui.widgets.literal import literal, literal_block
from tests.conftest import FAST_KDF_KIB, FIXED_TODAY, PASSPHRASE
from tests.sync.conftest import Coach, make_coach

TODAY = FIXED_TODAY
LONG = "Ä[bold]x\u202e\x1b" * 10_000  # 100,000 characters, hostile all the way through
assert len(LONG) == 100_000

SAMPLES = {
    "markup": "[bold red]Fett[/bold red] [link=https://evil.example]klick[/link] [/] [on red]x",
    "like": "Pro%zent_Unter\\strich'Apo\"stroph;Semi,Komma",
    "escapes": "Esc\x1b[31mROT\x1b[0m\x1b]0;Titel\x07\x1b[2J\x9b31mC1\x7fDEL\x08BS",
    "bidi": "Nam\u202eeviL\u202c \u2066iso\u2069 \u200fRLM\u061cALM",
    "zero_width": "Ze\u200bro\ufeffWid\u2060th",
    "newlines": "Zeile1\r\nZeile2\nZeile3\u2028Zeile4\tTab",
    "unicode": "Zoë 👩‍👩‍👧 é مرحبا Ꭰ ẞ",
}
NAME_SAMPLES = {k: v for k, v in SAMPLES.items() if k != "newlines"}
TEXT_SAMPLES = {**SAMPLES, "nul": "Nul\x00Byte\x00", "long": LONG}

# What must never reach the terminal from user data.
ESCAPE_LIKE = {*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)}
BIDI = {*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C}
ZERO_WIDTH = {*range(0x200B, 0x200E), 0x2060, 0xFEFF}
STEERING = frozenset(ESCAPE_LIKE | BIDI | ZERO_WIDTH)  # once, not per character of 100,000


def assert_displayed_literally(value: str) -> None:
    """One-line and block rendering: markup kept as text, nothing that steers the terminal."""
    for text, allowed in ((literal(value).plain, set()), (literal_block(value).plain, {10, 9})):
        bad = {hex(ord(ch)) for ch in text if ord(ch) in STEERING}
        assert not bad - {hex(c) for c in allowed}, (value[:60], bad)
    if "[bold red]" in value:
        assert "[bold red]Fett" in literal(value).plain
        assert "[bold red]Fett" in literal_block(value).plain
    # Rendered by Rich for a real terminal: styling escapes only, none from the data.
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, color_system="truecolor", width=200)
    console.print(literal(value[:2000], max_len=500))
    out = buf.getvalue()
    assert "\x1b]" not in out and "\x1b[2J" not in out and "\x9b" not in out
    assert not any(ord(ch) in BIDI for ch in out)
    if "[bold red]" in value:
        assert "[bold red]Fett" in out


@pytest.fixture
def coordinator(tmp_path: Path) -> Iterator[CoordinatorStore]:
    store, _rk = CoordinatorStore.create(
        tmp_path / "coord", PASSPHRASE, name="Koordinierung", kdf_memory_kib=FAST_KDF_KIB
    )
    yield store
    store.close()


@pytest.fixture
def consenting(tmp_path: Path, coordinator: CoordinatorStore) -> Iterator[Coach]:
    c = make_coach(tmp_path / "hostile", "Hostil", coordinator)
    yield c
    c.ws.close()


def _intake(ws: Workspace, client: ClientDraft, *, share: bool = False) -> tuple[str, str]:
    consents = [ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, TODAY - timedelta(days=5))]
    if share:
        consents.append(
            ConsentDraft(
                ConsentPurpose.SHARE_COORDINATOR,
                TODAY - timedelta(days=5),
                special_categories=True,  # names travel only then (needs, Art. 9)
            )
        )
    return ws.intake(
        IntakeDraft(
            client,
            TODAY - timedelta(days=5),
            residence=ResidenceDraft("duldung", valid_until=TODAY + timedelta(days=60)),
            consents=tuple(consents),
        )
    )


@pytest.mark.parametrize("kind", sorted(NAME_SAMPLES))
def test_hostile_names_are_stored_shown_and_found(workspace: Workspace, kind: str) -> None:
    value = NAME_SAMPLES[kind]
    client_id, case_id = _intake(
        workspace, ClientDraft(f"V{value}", f"F{value}", date(1990, 1, 1), other_names=value)
    )
    stored = workspace.client_file(client_id).client
    assert (stored.given_name, stored.family_name, stored.other_names) == (
        f"V{value}",
        f"F{value}",
        value,
    )
    # Lists show it literally and the search (LIKE with % and _) finds exactly this client.
    page = workspace.caseload(f"F{value}")
    assert [s.client_id for s in page.items] == [client_id]
    assert page.items[0].display_name == f"F{value}, V{value}"
    workspace.add_follow_up(FollowUpDraft(case_id, TODAY + timedelta(days=2), "Termin"))
    rows = [f for f in workspace.follow_ups(f"V{value}").items if f.case_id == case_id]
    assert rows and all(f.client_name == f"F{value}, V{value}" for f in rows)
    for shown in (page.items[0].display_name, rows[0].client_name, stored.other_names):
        assert_displayed_literally(shown)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Nul\x00Byte", "Name enthält ein Nullzeichen."),
        (LONG, "Name ist zu lang (höchstens 200 Zeichen)."),
        ("x" * 201, "Name ist zu lang (höchstens 200 Zeichen)."),
    ],
    ids=["nul", "100k", "201"],
)
def test_names_the_rules_forbid_are_refused_clearly(
    workspace: Workspace, value: str, message: str
) -> None:
    for field in ("given_name", "family_name"):
        draft = ClientDraft("Vorname", "Familie", None)
        draft = replace(draft, **{field: value})
        with pytest.raises(ValidationError) as exc:
            _intake(workspace, draft)
        assert exc.value.problems == {field: message}
        assert "\x00" not in str(exc.value) and len(str(exc.value)) < 300
    assert workspace.caseload().total == 0  # nothing half-written


@pytest.mark.parametrize("kind", sorted(TEXT_SAMPLES))
def test_hostile_free_text_is_stored_and_shown_literally(workspace: Workspace, kind: str) -> None:
    value = TEXT_SAMPLES[kind]
    note = value if len(value) <= 10_000 else value[:10_000]  # longer notes are refused
    client_id, case_id = _intake(
        workspace,
        ClientDraft(
            "Text",
            "Probe",
            None,
            other_names=value,
            address=value,
            phone=value,
            household=(HouseholdMember(value, value, None),),
        ),
    )
    fid = workspace.add_follow_up(FollowUpDraft(case_id, TODAY + timedelta(days=1), value))
    workspace.add_contact(ContactDraft(case_id, TODAY, "phone", 10, note=note))
    agreement = GoalAgreementDraft(
        case_id,
        TODAY,
        TODAY + timedelta(days=30),
        (GoalDraft("language", value, indicator=value, steps=(StepDraft(value, "client"),)),),
    )
    workspace.add_goal_agreement(agreement)

    stored = workspace.client_file(client_id)
    c = stored.client
    assert (c.other_names, c.address, c.phone) == (value, value, value)
    assert c.household == (HouseholdMember(value, value, None),)
    assert stored.contacts[0].note == note
    goal = stored.agreements[0].goals[0]
    assert (goal.title, goal.indicator, goal.steps[0].text) == (value, value, value)
    reasons = {f.id: f.reason for f in workspace.follow_ups(limit=1000).items}
    assert reasons[fid] == value
    workspace.complete_follow_up(fid, note=value)

    for shown in (c.address, c.phone, note, reasons[fid], goal.title):
        assert_displayed_literally(shown)


def test_hostile_master_data_travels_intact_and_notes_do_not(
    consenting: Coach, coordinator: CoordinatorStore, tmp_path: Path
) -> None:
    ws = consenting.ws
    outbox = tmp_path / "out"
    outbox.mkdir()
    people = {}
    for kind, value in sorted(TEXT_SAMPLES.items()):
        name = NAME_SAMPLES.get(kind, "")
        draft = ClientDraft(
            f"V-{kind}-{name}",
            f"F-{kind}-{name}",
            date(1985, 2, 3),
            other_names=value,
            address=value,
            phone=value,
        )
        client_id, case_id = _intake(ws, draft, share=True)
        ws.add_contact(ContactDraft(case_id, TODAY, "phone", 5, note=f"NOTIZ-{kind}"))
        people[client_id] = draft
    result = consenting.export(outbox)
    data = result.path.read_bytes()

    parsed = bf.parse(data)
    with Session(consenting.vault.engine) as s:
        bf.verify(parsed, identity.signing_public(coach_state.sign_key(s)))
    records = bf.open_payload(parsed, coordinator.kem_private())
    clients = [r["data"] for r in records if r["t"] == "client"]
    assert len(clients) == len(people) and all(c["personal"] for c in clients)
    travelled = {(c["given_name"], c["family_name"]): c for c in clients}
    for draft in people.values():
        got = travelled[(draft.given_name, draft.family_name)]
        assert (got["other_names"], got["address"], got["phone"]) == (
            draft.other_names,
            draft.address,
            draft.phone,
        )
    payload = json.dumps(records, ensure_ascii=False)
    assert "NOTIZ-" not in payload  # free text never travels

    # The coordinator's store keeps them byte for byte as well.
    assert import_bundle(coordinator, data, result.path.name).status == IMPORTED
    with Session(coordinator.engine) as s:
        rows = s.exec(select(SyncRecord).where(col(SyncRecord.table) == "client")).all()
    kept = {(d["given_name"], d["family_name"]): d for d in (json.loads(r.data) for r in rows)}
    for draft in people.values():
        assert kept[(draft.given_name, draft.family_name)]["address"] == draft.address


def test_long_contact_note_is_kept_or_refused(workspace: Workspace) -> None:
    _client_id, case_id = _intake(workspace, ClientDraft("Lang", "Notiz", None))
    try:
        workspace.add_contact(ContactDraft(case_id, TODAY, "phone", 10, note=LONG))
    except ValidationError:
        return  # refused with a message: fine
    stored = workspace.client_file(_client_id).contacts[0].note
    assert stored == LONG, f"note silently cut from {len(LONG)} to {len(stored)} characters"
