"""A large bundle is read and merged record by record (issue 13 § 8), and that changes nothing a
coordinator can notice: the same bundles are accepted with the same records, a rejected one is
rejected with the same reason and leaves nothing behind, even when it breaks a rule only after
thousands of records were already written; several bundles of one import run stay each whole."""

from __future__ import annotations

import json
import uuid
import zlib
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import func, select

from kim_tui.coordinator import importer
from kim_tui.coordinator.importer import IMPORTED, REJECTED, import_files
from kim_tui.coordinator.store import CoordinatorStore, ImportedBundle, SyncRecord
from kim_tui.sync import bundle_format as bf
from kim_tui.sync import identity, payload_stream
from kim_tui.sync import payload_schema as schema

VECTORS = Path(__file__).resolve().parents[2] / "docs" / "test-vectors"
KEYS = json.loads((VECTORS / "keys.json").read_text())
NEGATIVE = json.loads((VECTORS / "negative" / "expected.json").read_text(encoding="utf-8"))
KINDS = ("in_person", "phone", "home_visit", "digital")


def _contact(rev: int) -> dict[str, Any]:
    return {
        "t": "contactnote",
        "id": str(uuid.UUID(int=rev, version=4)),
        "rev": rev,
        "del": False,
        "data": {
            "case_id": str(uuid.UUID(int=10**9 + rev % 7, version=4)),
            "on": f"2026-0{1 + rev % 9}-1{rev % 10}",
            "kind": KINDS[rev % 4],
            "minutes": rev % 90,
            "interpreter": rev % 3 == 0,
        },
    }


def _records(n: int, first: int = 1) -> list[dict[str, Any]]:
    return [_contact(rev) for rev in range(first, first + n)]


class Sender:
    """An enrolled coach who seals bundles with any payload, as a modified kim could."""

    def __init__(self, store: CoordinatorStore) -> None:
        self.store = store
        self.sign = identity.new_signing_key()
        pub = identity.CoachPublic("Testcoach", "Träger", identity.signing_public(self.sign))
        store.enroll(pub)
        self.fingerprint = pub.fingerprint
        self.prev: str | None = None
        self.seq = 0
        self.upto = 0

    def header(self, records: list[dict[str, Any]]) -> bf.BundleHeader:
        counts = {t: 0 for t in schema.TABLES}
        for r in records:
            counts[r["t"]] = counts.get(r["t"], 0) + 1
        return bf.BundleHeader(
            coach=self.fingerprint,
            seq=self.seq + 1,
            rev_after=self.upto,
            rev_upto=max([self.upto + 1, *(int(r["rev"]) for r in records)]),
            week="2026-W49",
            created_at="2026-12-03T10:00:00Z",
            counts=counts,
            recipient=self.store.public().fingerprint,
            nonce=f"{self.seq + 1:032x}",
            prev=self.prev,
        )

    def bundle(self, records: list[dict[str, Any]], text: str | None = None) -> bytes:
        """A sealed bundle of `records` (or of a payload `text` written by hand); the chain
        moves on as if it was imported."""
        header = self.header(records)
        payload = zlib.compress(
            (text if text is not None else json.dumps({"records": records})).encode()
        )
        data = bf.seal_payload(header, payload, self.store.public().kem_key, self.sign)
        self.prev, self.seq, self.upto = header.link, header.seq, header.rev_upto
        return data


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _stored(store: CoordinatorStore) -> tuple[int, int]:
    with store.session() as s:
        records = s.exec(select(func.count()).select_from(SyncRecord)).one()
        bundles = s.exec(select(func.count()).select_from(ImportedBundle)).one()
    return records, bundles


def _open_both(path: Path) -> tuple[Any, Any]:
    """What the whole-document and the record-by-record reader make of one file: the records,
    or the rejection (reason, message)."""
    parsed = bf.parse(path.read_bytes())
    key = bytes.fromhex(KEYS["coordinator_kem_private"])
    results = []
    for read in (bf.open_payload, lambda p, k: bf.open_payload_as(p, k, dict)):
        try:
            results.append(read(parsed, key))
        except bf.BundleError as exc:
            results.append((exc.reason, str(exc)))
    return results[0], results[1]


@pytest.mark.parametrize("piece", [payload_stream.PIECE, 7])
def test_both_readers_agree_on_every_test_vector(
    piece: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A tiny window puts a window's end inside every token at least once.
    monkeypatch.setattr(payload_stream, "PIECE", piece)
    files = [VECTORS / "negative" / case["file"] for case in NEGATIVE]
    files += sorted((VECTORS / "chain").glob("*.kimb"))
    assert len(files) >= 12
    for path in files:
        whole, by_record = _open_both(path)
        assert by_record == whole, path.name


@pytest.mark.parametrize(
    "layout",
    [
        '{"records":[%s]}',
        ' \n{ "records" :\t[ %s ] }\r\n',
        '{"rec\\u006frds":[%s]}',  # the key escaped: only the whole-document reader reads it
    ],
)
def test_a_payload_in_another_json_layout_is_taken_as_it_is(
    layout: str, coordinator: CoordinatorStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(payload_stream, "PIECE", 64)
    records = _records(50)
    sender = Sender(coordinator)
    text = layout % " ,\n ".join(json.dumps(r) for r in records)
    path = _write(tmp_path, "a.kimb", sender.bundle(records, text))

    (outcome,) = import_files(coordinator, [path])

    assert outcome.status == IMPORTED and outcome.counts["new"] == 50
    assert _stored(coordinator) == (50, 1)


@pytest.mark.parametrize(
    ("breakage", "reason", "message"),
    [
        ("last record broken", "schema", "Datensatz 2500 (contactnote"),
        ("count in the header", "corrupt", "Anzahl der Datensätze"),
        ("record twice", "schema", "doppelt"),
        ("NaN at the end", "corrupt", "unlesbar"),
        ("payload cut short", "corrupt", "unlesbar"),
    ],
)
def test_a_bundle_broken_after_thousands_of_records_leaves_nothing(
    breakage: str,
    reason: str,
    message: str,
    coordinator: CoordinatorStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Chunks of 100: 24 chunks are written before the problem shows.
    monkeypatch.setattr(importer, "CHUNK", 100)
    sender = Sender(coordinator)
    good = _write(tmp_path, "1.kimb", sender.bundle(_records(10)))
    records = _records(2500, first=11)
    text = json.dumps({"records": records})
    header_records = records
    if breakage == "last record broken":
        records[-1]["data"]["minutes"] = -5
        text = json.dumps({"records": records})
    elif breakage == "count in the header":
        header_records = [*records, _contact(2511)]
    elif breakage == "record twice":
        records[-1] = {**records[0], "rev": 2510}
        text = json.dumps({"records": records})
    elif breakage == "NaN at the end":
        head, tail = text.rsplit('"minutes": ', 1)
        text = head + '"minutes": NaN' + tail[tail.index(",") :]
    else:
        text = text[:-40]
    header = sender.header(header_records)
    bad = bf.seal_payload(
        header, zlib.compress(text.encode()), coordinator.public().kem_key, sender.sign
    )
    again = sender.bundle(_records(5, first=3000))  # bundle 2 once more, this time whole
    paths = [good, _write(tmp_path, "2.kimb", bad), _write(tmp_path, "2-again.kimb", again)]

    first, broken, fixed = import_files(coordinator, paths)

    assert first.status == IMPORTED
    assert (broken.status, broken.reason) == (REJECTED, reason)
    assert message in broken.line
    # Nothing of the broken bundle: not in the chain, none of its records.
    assert fixed.status == IMPORTED
    assert _stored(coordinator) == (15, 2)


def test_one_run_commits_every_few_bundles_and_each_bundle_stays_whole(
    coordinator: CoordinatorStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "COMMIT_BUNDLES", 2)
    sender = Sender(coordinator)
    paths = [
        _write(tmp_path, f"{n}.kimb", sender.bundle(_records(20, first=1 + 20 * n)))
        for n in range(5)
    ]
    outcomes = import_files(coordinator, paths)
    assert [o.status for o in outcomes] == [IMPORTED] * 5
    assert _stored(coordinator) == (100, 5)
    # Importing the same files again changes nothing.
    assert {o.status for o in import_files(coordinator, paths)} == {"already"}


def test_a_failure_half_way_keeps_the_bundles_before_it(
    coordinator: CoordinatorStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fails while bundle 3 is merged: bundles 1 and 2 stay imported (as if each had
    been committed on its own), nothing of bundle 3 is kept, and the error is not swallowed."""
    sender = Sender(coordinator)
    paths = [
        _write(tmp_path, f"{n}.kimb", sender.bundle(_records(300, first=1 + 300 * n)))
        for n in range(4)
    ]
    monkeypatch.setattr(importer, "CHUNK", 100)
    real = importer.merge_chunks

    def failing(conn: Any, header: bf.BundleHeader, chunks: Any, **how: Any) -> dict[str, int]:
        if header.seq == 3:

            def broken() -> Any:
                yield from list(chunks)[:2]  # two chunks written, then the disk fails
                raise OSError(28, "No space left on device")

            return real(conn, header, broken(), **how)
        return real(conn, header, chunks, **how)

    monkeypatch.setattr(importer, "merge_chunks", failing)
    with pytest.raises(OSError):
        import_files(coordinator, paths)
    assert _stored(coordinator) == (600, 2)
    monkeypatch.setattr(importer, "merge_chunks", real)
    outcomes = import_files(coordinator, paths)
    assert [o.status for o in outcomes] == ["already", "already", IMPORTED, IMPORTED]
    assert _stored(coordinator) == (1200, 4)


def test_an_error_between_bundles_keeps_the_bundles_before_it(
    coordinator: CoordinatorStore, tmp_path: Path
) -> None:
    """The coordinator app's progress report fails after the second file: the two imported
    bundles stay, even though the run has not reached a commit of its own yet."""
    sender = Sender(coordinator)
    paths = [
        _write(tmp_path, f"{n}.kimb", sender.bundle(_records(10, first=1 + 10 * n)))
        for n in range(3)
    ]

    def progress(done: int) -> None:
        if done == 2:
            raise RuntimeError("the screen went away")

    with pytest.raises(RuntimeError):
        import_files(coordinator, paths, progress)
    assert _stored(coordinator) == (20, 2)


@pytest.mark.parametrize("seed", range(4))
def test_what_the_streaming_reader_accepts_the_whole_document_reader_accepts_alike(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Soundness, on randomly damaged payloads: whenever the record-by-record reader accepts
    one, the whole-document reader accepts it too, with the same records (anything it doubts
    goes to the whole-document reader anyway)."""
    import random

    monkeypatch.setattr(payload_stream, "PIECE", 16)
    rng = random.Random(seed)
    records = _records(30)
    counts = {t: 0 for t in schema.TABLES}
    counts["contactnote"] = 30
    header = bf.BundleHeader(
        coach="ab" * 32, seq=1, rev_after=0, rev_upto=30, week="2026-W49",
        created_at="2026-12-03T10:00:00Z", counts=counts, recipient="cd" * 32,
        nonce="0" * 32, prev=None,
    )  # fmt: skip
    canonical = bf.canonical_json({"records": records}).decode()
    alphabet = '{}[],:" \n\\0123456789abcdefnulltrueNaN-.eE'
    accepted = 0
    for _ in range(150):
        text = canonical
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text))
            kind = rng.randrange(4)
            if kind == 3:  # whitespace after a structural character: still the same payload
                marks = [i + 1 for i, c in enumerate(text) if c in ",:[{"]
                at = rng.choice(marks)
                text = text[:at] + rng.choice((" ", "\n", "\t ", "\r\n")) + text[at:]
            elif kind == 0:
                text = text[:at] + text[at + 1 :]
            elif kind == 1:
                text = text[:at] + rng.choice(alphabet) + text[at:]
            else:
                text = text[:at] + text[at : at + rng.randint(1, 40)] + text[at:]
        compressed = zlib.compress(text.encode())
        fast = payload_stream.read_records(compressed, dict(counts), (0, 30), bf.MAX_PAYLOAD, dict)
        if fast is not None:
            accepted += 1
            with monkeypatch.context() as whole_only:
                whole_only.setattr(payload_stream, "read_records", lambda *_: None)
                assert fast == bf.payload_records_as(header, compressed, dict)
            assert fast == json.loads(text)["records"]
    # Some damage is harmless (whitespace, a digit in a date, …): both readers must take it.
    assert accepted > 0


@pytest.mark.parametrize("value", [[], {}, ["2026-01-01"], {"a": 1}, 20260101, None, True])
def test_a_value_of_the_wrong_type_is_a_schema_problem_not_a_crash(value: Any) -> None:
    """The checks remember valid dates and codes: values that cannot be remembered (a list,
    an object) are named as the problem like any other."""
    for field in ("on", "kind", "case_id", "minutes"):
        record = _contact(1)
        record["data"][field] = value
        problem = schema.check_record(0, record)
        if field == "minutes" and value == 20260101:
            assert problem is not None and "außerhalb" in problem.problem
            continue
        assert problem is not None and problem.field == field


def test_a_coachs_first_bundle_and_the_next_in_one_run_are_decided_against_the_store(
    coordinator: CoordinatorStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A coach's first bundle is written without looking anything up (nothing of the coach is
    stored); the next bundle of the same run, and a first bundle rejected half-way before it,
    still see exactly what is stored: a record brought again is updated, not added twice."""
    monkeypatch.setattr(importer, "CHUNK", 4)
    sender = Sender(coordinator)
    broken = _records(9)
    broken[-1]["data"]["minutes"] = -1  # breaks the schema after two chunks were written
    rejected = sender.bundle(broken)
    sender.prev, sender.seq, sender.upto = None, 0, 0  # the rejected bundle never happened
    first = sender.bundle(_records(9))
    again = [_contact(rev) for rev in range(10, 13)]
    for record, old in zip(again, (1, 5, 9), strict=True):  # records 1, 5, 9 at a newer rev
        record["id"] = _contact(old)["id"]
    second = sender.bundle([*again, *_records(2, first=13)])
    paths = [
        _write(tmp_path, name, data)
        for name, data in (("0.kimb", rejected), ("1.kimb", first), ("2.kimb", second))
    ]
    outcomes = import_files(coordinator, paths)
    assert [o.status for o in outcomes] == [REJECTED, IMPORTED, IMPORTED]
    assert outcomes[1].counts["new"] == 9
    assert (outcomes[2].counts["new"], outcomes[2].counts["updated"]) == (2, 3)
    assert _stored(coordinator) == (11, 2)
    with coordinator.session() as s:
        revisions = dict(s.exec(select(SyncRecord.id, SyncRecord.revision)).all())
    assert revisions[_contact(5)["id"]] == 11


_GOOD = (
    '{"data":{"case_id":"5b0c7c1e-1111-4222-8333-944445555666","interpreter":false,'
    '"kind":"phone","minutes":5,"on":"2026-01-05"},"del":false,'
    '"id":"6c1d8d2f-2222-4333-9444-a55556666777","rev":1,"t":"contactnote"}'
)


@pytest.mark.parametrize(
    "record",
    [
        _GOOD.replace('"t":"contactnote"', '"t":"contactnote","t":"contactnote"'),
        _GOOD.replace('"minutes":5', '"minutes":5,"minutes":6'),
        # a key twice, once with a space before its colon (not counted as a key ending)
        _GOOD.replace('"minutes":5', '"minutes" :5,"minutes":6'),
        _GOOD.replace('"minutes":5', '"minutes":5,\n"minutes"\t:6'),
        _GOOD.replace('"del":false', '"del":false,"del":false'),
        _GOOD.replace('"data":{', '"data":{"on":"2026-01-05",'),
        _GOOD.replace('"minutes":5', '"minutes":NaN'),
        _GOOD.replace('"minutes":5', '"minutes":-Infinity'),
        _GOOD.replace('"minutes":5', '"minutes":[{"a":1,"a":2}]'),
    ],
)
def test_a_key_twice_or_a_nan_is_refused_by_both_readers(record: str) -> None:
    """A key twice, wherever and however spaced, or a NaN never passes the record-by-record
    reader, and the whole-document reader names it."""
    counts = {t: 0 for t in schema.TABLES}
    counts["contactnote"] = 1
    header = bf.BundleHeader(
        coach="ab" * 32, seq=1, rev_after=0, rev_upto=1, week="2026-W49",
        created_at="2026-12-03T10:00:00Z", counts=counts, recipient="cd" * 32,
        nonce="0" * 32, prev=None,
    )  # fmt: skip
    good = zlib.compress(('{"records":[' + _GOOD + "]}").encode())
    assert payload_stream.read_records(good, dict(counts), (0, 1), bf.MAX_PAYLOAD, dict)
    compressed = zlib.compress(('{"records":[' + record + "]}").encode())
    assert (
        payload_stream.read_records(compressed, dict(counts), (0, 1), bf.MAX_PAYLOAD, dict) is None
    )
    with pytest.raises(bf.BundleError):
        bf.payload_records_as(header, compressed, dict)
