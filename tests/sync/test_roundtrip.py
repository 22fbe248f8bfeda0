"""Coach → coordinator: what travels, merging, replay, gaps, tombstones, withdrawal."""

from __future__ import annotations

import json
import random
import zlib
from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from kim_tui.coordinator.importer import ALREADY, IMPORTED, gaps, import_bundle, import_files
from kim_tui.coordinator.store import CoordinatorStore, ImportedBundle, SyncRecord
from kim_tui.sync import bundle_format as bf
from tests.conftest import FIXED_TODAY
from tests.sync.conftest import Coach


def _records(store: CoordinatorStore) -> dict[tuple[str, str], SyncRecord]:
    with store.session() as s:
        return {(r.table, r.id): r for r in s.exec(select(SyncRecord)).all()}


def _snapshot(store: CoordinatorStore) -> list[tuple[object, ...]]:
    with store.session() as s:
        rows = [
            (r.coach, r.table, r.id, r.revision, r.deleted, r.data)
            for r in s.exec(select(SyncRecord)).all()
        ]
        rows += [(b.coach, b.seq, b.link) for b in s.exec(select(ImportedBundle)).all()]
    return sorted(rows, key=repr)


def _plaintext(store: CoordinatorStore, path: Path) -> str:
    parsed = bf.parse(path.read_bytes())
    from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite

    from kim_tui.sync import identity

    suite = Suite(KEM.MLKEM768_X25519, KDF.HKDF_SHA256, AEAD.AES_256_GCM)
    raw = suite.decrypt(
        parsed.ciphertext, identity.kem_private(store.kem_private()), info=parsed.header_bytes
    )
    text = zlib.decompress(raw).decode("utf-8")
    # Both the JSON text (\u escapes) and its decoded values.
    return text + json.dumps(json.loads(text), ensure_ascii=False)


def test_round_trip_personal_only_with_consent(
    coach: Coach, coordinator: CoordinatorStore, outbox: Path
) -> None:
    for i in range(6):
        coach.add_client(i, share=i % 2 == 0)
    result = coach.export(outbox)
    assert result.path.name.startswith("kim-") and result.path.name.endswith("-2026-W48-0001.kimb")

    plain = _plaintext(coordinator, result.path)
    for secret in coach.secret_texts:
        assert secret not in plain, secret
    for cid in list(coach.sharing) + coach.private:
        assert cid not in plain  # every client travels under its pseudonym only

    outcome = import_bundle(coordinator, result.path.read_bytes(), result.path.name)
    assert outcome.status == IMPORTED, outcome.line
    records = _records(coordinator)
    clients = [json.loads(r.data) for (t, _), r in records.items() if t == "client"]
    assert len(clients) == 6
    personal = [c for c in clients if c["personal"]]
    assert len(personal) == 3
    assert all(c["given_name"].startswith("Vorname") and c["birth_date"] for c in personal)
    for c in clients:
        if not c["personal"]:
            assert "given_name" not in c and "birth_date" not in c and "address" not in c
            assert c["birth_year"] is not None and c["nationality"] == "SYR"
    # Figures add up: every case, rating and contact arrived.
    assert sum(1 for t, _ in records if t == "case") == 6
    assert sum(1 for t, _ in records if t == "arearating") == 12
    contacts = [json.loads(r.data) for (t, _), r in records.items() if t == "contactnote"]
    assert all(c["minutes"] == 45 and "note" not in c for c in contacts)
    # Case rows point at the client's pseudonym.
    client_ids = {i for t, i in records if t == "client"}
    cases = [json.loads(r.data) for (t, _), r in records.items() if t == "case"]
    assert {c["client_id"] for c in cases} == client_ids


def test_replay_and_resend_change_nothing(
    coach: Coach, coordinator: CoordinatorStore, outbox: Path, tmp_path: Path
) -> None:
    for i in range(3):
        coach.add_client(i, share=i == 0)
    first = coach.export(outbox)
    coach.add_client(10, share=False)
    second = coach.export(outbox, days=7)
    outcomes = import_files(coordinator, [first.path, second.path])
    assert [o.status for o in outcomes] == [IMPORTED, IMPORTED]
    before = _snapshot(coordinator)

    again = import_files(coordinator, [second.path, first.path, first.path])
    assert [o.status for o in again] == [ALREADY] * 3
    assert "bereits importiert" in again[0].line

    resend_dir = tmp_path / "resend"
    resend_dir.mkdir()
    resent = coach.export(resend_dir, resend=1, days=8)
    assert resent.path.name == first.path.name
    assert resent.header.link == first.header.link
    assert import_bundle(coordinator, resent.path.read_bytes(), "r").status == ALREADY
    assert _snapshot(coordinator) == before


def test_gap_reported_until_filled_out_of_order(
    coach: Coach, coordinator: CoordinatorStore, outbox: Path, tmp_path: Path
) -> None:
    paths = []
    for week in range(4):
        coach.add_client(week, share=week % 2 == 0)
        paths.append(coach.export(outbox, days=7 * week).path)
    import_files(coordinator, [paths[3], paths[0], paths[2]])
    assert gaps(coordinator) == ["Paket 2 von Coach Anna, Träger Anna fehlt"]

    # The coach lost file 2: re-create it; it fills the gap.
    redo = tmp_path / "redo"
    redo.mkdir()
    resent = coach.export(redo, resend=2, days=30)
    assert import_bundle(coordinator, resent.path.read_bytes(), "2").status == IMPORTED
    assert gaps(coordinator) == []
    assert sum(1 for t, _ in _records(coordinator) if t == "client") == 4


def test_shuffled_import_with_withdrawal(
    coach: Coach, coordinator: CoordinatorStore, outbox: Path
) -> None:
    paths = []
    first_client = coach.add_client(0, share=True)
    for week in range(4):
        coach.add_client(week + 1, share=False)
        if week == 2:
            coach.ws.withdraw_consent(coach.sharing[first_client], FIXED_TODAY)
        paths.append(coach.export(outbox, days=7 * week).path)
    shuffled = paths[:]
    random.Random(4).shuffle(shuffled)
    import_files(coordinator, shuffled)
    assert gaps(coordinator) == []
    before = _snapshot(coordinator)
    import_files(coordinator, list(reversed(paths)))
    assert _snapshot(coordinator) == before
    records = _records(coordinator)
    clients = [json.loads(r.data) for (t, _), r in records.items() if t == "client"]
    assert not any(c["personal"] for c in clients)  # the withdrawal won, whatever the order


def test_withdrawn_consent_replaces_personal_record(
    coach: Coach, coordinator: CoordinatorStore, outbox: Path
) -> None:
    cid = coach.add_client(1, share=True)
    p1 = coach.export(outbox).path
    assert import_bundle(coordinator, p1.read_bytes(), p1.name).status == IMPORTED
    [client] = [r for (t, _), r in _records(coordinator).items() if t == "client"]
    assert json.loads(client.data)["given_name"] == "Vorname001x"

    coach.ws.withdraw_consent(coach.sharing[cid], FIXED_TODAY)
    p2 = coach.export(outbox, days=7).path
    plain = _plaintext(coordinator, p2)
    assert "Vorname001x" not in plain
    assert import_bundle(coordinator, p2.read_bytes(), p2.name).status == IMPORTED
    [client] = [r for (t, _), r in _records(coordinator).items() if t == "client"]
    data = json.loads(client.data)
    assert data["personal"] is False
    assert "given_name" not in data and "address" not in data and "birth_date" not in data
    with coordinator.session() as s:
        everything = " ".join(r.data for r in s.exec(select(SyncRecord)).all())
    assert "Vorname001x" not in everything and "Geheimweg" not in everything


def test_tombstone_deletes_at_coordinator(
    coach: Coach, coordinator: CoordinatorStore, outbox: Path
) -> None:
    cid = coach.add_client(1, share=True)
    coach.add_client(2, share=False)
    p1 = coach.export(outbox).path
    coach.tombstone_client(cid)
    p2 = coach.export(outbox, days=7).path
    assert bf.parse(p2.read_bytes()).header.counts["client"] == 1
    import_files(coordinator, [p2, p1])  # the tombstone first: the older record can't revive
    clients = [r for (t, _), r in _records(coordinator).items() if t == "client"]
    deleted = [r for r in clients if r.deleted]
    assert len(deleted) == 1 and deleted[0].data == "{}"
    with coordinator.session() as s:
        everything = " ".join(r.data for r in s.exec(select(SyncRecord)).all())
    assert "Vorname001x" not in everything


def test_empty_week_still_makes_a_bundle(
    coach: Coach, coordinator: CoordinatorStore, outbox: Path
) -> None:
    coach.add_client(1, share=False)
    coach.export(outbox)
    empty = coach.export(outbox, days=7)
    assert sum(empty.header.counts.values()) == 0
    assert empty.header.rev_after == empty.header.rev_upto
    assert import_bundle(coordinator, empty.path.read_bytes(), "e").status == IMPORTED


def test_export_progress_is_reported(coach: Coach, outbox: Path) -> None:
    from kim_tui.sync.exporter import export_bundle
    from tests.sync.conftest import NOW

    for i in range(3):
        coach.add_client(i, share=False)
    seen: list[tuple[int, int]] = []
    export_bundle(
        coach.vault, outbox, now=NOW + timedelta(days=1), progress=lambda d, t: seen.append((d, t))
    )
    assert seen and seen[-1][0] == seen[-1][1] > 0


def test_a_consent_without_special_categories_sends_no_name(
    coach: Coach, coordinator: CoordinatorStore, outbox: Path
) -> None:
    """The bundle carries the needs by area, health and care among them (Art. 9 DSGVO): a
    'Weitergabe an die Koordinierung' that does not expressly cover special categories lets
    the client travel pseudonymised only."""
    from datetime import timedelta

    from kim_tui.domain.model import ConsentDraft, ConsentPurpose
    from tests.conftest import FIXED_TODAY

    cid = coach.add_client(1, share=False)
    coach.ws.add_consent(
        coach.cases[cid],
        ConsentDraft(ConsentPurpose.SHARE_COORDINATOR, FIXED_TODAY - timedelta(days=1)),
    )
    result = coach.export(outbox)
    assert import_bundle(coordinator, result.path.read_bytes(), result.path.name).status == (
        IMPORTED
    )
    (client,) = [json.loads(r.data) for (t, _), r in _records(coordinator).items() if t == "client"]
    assert client["personal"] is False and "given_name" not in client
    assert "Vorname001x" not in _plaintext(coordinator, result.path)
