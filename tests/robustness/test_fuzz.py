"""Fuzzing with hypothesis: only the project's own clear errors come out, never a traceback.

* bundle reader (`bundle_format.parse` → `verify` → `open_payload`): arbitrary bytes, edited real
  bundles, generated headers, and validly sealed and signed bundles with hostile payloads (what an
  enrolled coach's compromised laptop could send) — only `BundleError`; the importer on top only
  ever answers REJECTED or IMPORTED;
* CSV import (`parse_clients_csv`): generated spreadsheets (column subsets in any order, every
  delimiter, quoting, line ending and encoding, cells from valid values to control characters,
  markup and bidi text) — an `ImportResult` or `CsvFormatError`, row messages numbered and
  terminal-safe, and every accepted row passes the intake rules;
* form validators (`validate_client`, `validate_residence`, `validate_intake`) and `parse_date`
  with generated drafts and texts — a mapping of German, terminal-safe messages, never an
  exception; and the Workspace agrees with them: a draft without problems is stored and reads
  back, one with problems is refused with exactly those problems.

Examples are bounded (``max_examples`` about 200, ``ROBUSTNESS_SCALE`` multiplies) and replayed
deterministically at the default scale (see conftest.py).
"""

from __future__ import annotations

import csv
import io
import json
import zlib
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import assume, event, given
from hypothesis import strategies as st
from sqlmodel import Session

from kim_tui.coordinator.importer import IMPORTED, REJECTED, import_bundle
from kim_tui.coordinator.store import CoordinatorStore
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.csv_import import COLUMNS, CsvFormatError, ImportResult, parse_clients_csv
from kim_tui.domain.dates import format_date, parse_date
from kim_tui.domain.model import (
    ClientDraft,
    ConsentDraft,
    ConsentForm,
    ConsentPurpose,
    HouseholdMember,
    IntakeDraft,
    ResidenceDraft,
)
from kim_tui.domain.pseudonym import TABLES
from kim_tui.domain.validation import validate_client, validate_intake, validate_residence
from kim_tui.service.workspace import Workspace
from kim_tui.store.errors import ValidationError
from kim_tui.sync import bundle_format as bf
from kim_tui.sync import coach_state, identity
from tests.builders import new_vault
from tests.conftest import FAST_KDF_KIB, FIXED_TODAY, PASSPHRASE
from tests.robustness.conftest import ALLOWED_BUNDLE_REASONS, fuzz_settings
from tests.sync.conftest import make_coach

TODAY = FIXED_TODAY

# Characters that must never reach the terminal unescaped: C0/C1 controls, DEL, bidi controls.
_UNSAFE = {*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F)}
_UNSAFE |= {*range(0x2066, 0x206A)}


def terminal_safe(text: str) -> bool:
    return not any(ord(ch) in _UNSAFE for ch in text)


# Hostile text: markup, escapes, bidi, zero-width, quotes and delimiters, NUL, long runs.
HOSTILE = (
    "[bold red]x[/]",
    "[/]",
    "[link=https://evil.example]klick[/link]",
    "\x1b[31m",
    "\x1b]0;title\x07",
    "\x9b2J",
    "\u202eevil\u202c",
    "\u2066iso\u2069",
    "\u200b",
    "\ufeff",
    "\x00",
    '"',
    ";",
    ",",
    "\t",
    "\r\n",
    "\n",
    "\u2028",
    "Müller",
    "Ğüşçö",
    "مرحبا",
    "Ꭰ",
    "👩‍👩‍👧",
    "é",  # combining accent
    "x" * 250,
)
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12)), max_size=6).map(
    "".join
)
csv_text = st.lists(
    st.one_of(
        st.sampled_from([h for h in HOSTILE if "\x00" not in h]),
        st.text(st.characters(blacklist_characters="\x00"), max_size=12),
    ),
    max_size=6,
).map("".join)
"""Like `hostile_text` without NUL, which makes the whole file a non-text file."""


def codes(name: str) -> list[str]:
    return [e.code for e in catalog(name)]


def labels(name: str) -> list[str]:
    return [e.de for e in catalog(name)]


def mixed(values: list[str], junk: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[str]:
    """A known value most of the time, hostile text otherwise."""
    return st.one_of(
        st.sampled_from(values), st.just(""), junk if junk is not None else hostile_text
    )


dates = st.one_of(st.none(), st.dates(min_value=date(1850, 1, 1), max_value=date(2200, 12, 31)))
near_dates = st.dates(min_value=TODAY - timedelta(days=365 * 130), max_value=TODAY + timedelta(400))


# -- bundle reader -----------------------------------------------------------------------------


class BundleWorld:
    """A coordinator with one imported sample bundle, and the enrolled coach's signing key."""

    def __init__(
        self, coordinator: CoordinatorStore, sample: bytes, key: bytes, fp: str, prev: str
    ) -> None:
        self.coordinator, self.sample, self.coach_key, self.coach_fp = coordinator, sample, key, fp
        self.seq, self.prev = 1, prev

    def __repr__(self) -> str:  # keep hypothesis' failure reports short
        return f"BundleWorld(seq={self.seq})"


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BundleWorld]:
    root = tmp_path_factory.mktemp("fuzz-bundles")
    coordinator, _ = CoordinatorStore.create(
        root / "coord", PASSPHRASE, kdf_memory_kib=FAST_KDF_KIB
    )
    coach = make_coach(root / "coach", "Fuzz", coordinator)
    try:
        out = root / "out"
        out.mkdir()
        coach.add_client(1, share=True)
        coach.add_client(2, share=False)
        sample = coach.export(out).path.read_bytes()
        with Session(coach.vault.engine) as s:
            key, fp = coach_state.sign_key(s), coach_state.coach_public(s).fingerprint
        # The sample itself is imported, so generated bundles meet a non-empty store.
        assert import_bundle(coordinator, sample, "sample").status == IMPORTED
        yield BundleWorld(coordinator, sample, key, fp, bf.parse(sample).header.link)
    finally:
        coach.ws.close()
        coordinator.close()


def read_bundle(data: bytes, world: BundleWorld) -> list[dict[str, Any]] | None:
    """The whole reader chain; returns the records, or None if a BundleError said no."""
    try:
        parsed = bf.parse(data)
        assert parsed.header.to_bytes() == parsed.header_bytes
        bf.verify(parsed, identity.signing_public(world.coach_key))
        return bf.open_payload(parsed, world.coordinator.kem_private())
    except bf.BundleError as exc:
        assert exc.reason in ALLOWED_BUNDLE_REASONS and str(exc)
        return None


@fuzz_settings(300)
@given(st.one_of(st.binary(max_size=3000), st.binary(max_size=3000).map(lambda b: b"KIMB" + b)))
def test_reader_arbitrary_bytes(bundles: BundleWorld, data: bytes) -> None:
    assert read_bundle(data, bundles) is None


@fuzz_settings(300)
@given(st.data())
def test_reader_edited_real_bundle(bundles: BundleWorld, data: st.DataObject) -> None:
    raw = bytearray(bundles.sample)
    edits = data.draw(
        st.lists(st.tuples(st.integers(0, len(raw) - 1), st.integers(1, 255)), max_size=4)
    )
    for pos, xor in edits:
        raw[pos] ^= xor
    cut = data.draw(st.one_of(st.none(), st.integers(0, len(raw))))
    if cut is not None:
        raw = raw[:cut]
    raw += data.draw(st.binary(max_size=8))
    result = read_bundle(bytes(raw), bundles)
    if bytes(raw) != bundles.sample:
        assert result is None


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=70),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def plausible_header(world: BundleWorld) -> st.SearchStrategy[dict[str, Any]]:
    """Header documents near the valid ones, each field sometimes replaced by junk."""
    valid = bf.parse(world.sample).header.as_dict()

    def field(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.one_of(good, good, good, json_values)

    return st.fixed_dictionaries(
        {
            "format": field(st.just(valid["format"])),
            "coach": field(st.sampled_from([valid["coach"], "0" * 64, "A" * 64])),
            "seq": field(st.integers(0, 2**54)),
            "rev_after": field(st.integers(-1, 50)),
            "rev_upto": field(st.integers(-1, 50)),
            "week": field(st.sampled_from(["2026-W48", "2026-W00", "2026-W53", "26-W1"])),
            "created_at": field(st.just(valid["created_at"])),
            "counts": field(
                st.fixed_dictionaries({t: st.integers(-1, 3) for t in TABLES}),
            ),
            "recipient": field(st.just(valid["recipient"])),
            "suite": field(st.just(valid["suite"])),
            "nonce": field(st.sampled_from([valid["nonce"], "g" * 32, "0" * 31])),
            "prev": field(st.one_of(st.none(), st.just("ab" * 32))),
        },
        optional={"extra": json_values},
    )


@fuzz_settings(300)
@given(st.data())
def test_reader_generated_headers(bundles: BundleWorld, data: st.DataObject) -> None:
    doc = data.draw(plausible_header(bundles))
    style = data.draw(st.sampled_from(["canonical", "spaced", "deep", "raw_text"]))
    if style == "canonical":
        header = bf.canonical_json(doc)
    elif style == "spaced":
        header = json.dumps(doc).encode("utf-8")
    elif style == "deep":  # nesting deeper than Python's recursion limit, no signature needed
        header = data.draw(st.sampled_from([b"[", b'{"a":'])) * data.draw(st.integers(900, 30000))
    else:
        header = data.draw(st.text(max_size=400)).encode("utf-8", "surrogatepass")
    assume(0 < len(header) <= bf.MAX_HEADER)
    original = bf.parse(bundles.sample)
    assume(header != original.header_bytes)
    ct = original.ciphertext
    signed = bf.FRAME_PREFIX.pack(bf.MAGIC, bf.VERSION, len(header)) + header
    signed += bf.CT_LEN.pack(len(ct)) + ct
    if data.draw(st.booleans()):
        raw = signed + identity.signing_key(bundles.coach_key).sign(signed)
    else:
        raw = signed + bytes(bf.SIG_LEN)
    # A re-signed header with a changed field can never decrypt (the header is the HPKE info).
    assert read_bundle(raw, bundles) is None
    try:
        header_obj = bf.BundleHeader.from_bytes(header)
    except bf.BundleError:
        return
    assert header_obj.to_bytes() == header


record_strategy = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {
            "t": st.one_of(st.sampled_from(TABLES), st.text(max_size=6)),
            "id": st.one_of(st.text(max_size=120), st.integers()),
            "rev": st.one_of(st.integers(-2, 12), st.booleans(), st.floats(allow_nan=False)),
            "del": st.one_of(st.booleans(), st.integers(0, 1)),
            "data": st.one_of(st.dictionaries(st.text(max_size=10), json_values, max_size=5)),
        },
        optional={"x": json_values},
    ),
)


def _payloads() -> st.SearchStrategy[bytes]:
    docs = st.one_of(
        json_values,
        st.fixed_dictionaries({"records": st.lists(record_strategy, max_size=6)}),
        st.fixed_dictionaries({"records": json_values}),
    )
    as_json = docs.map(lambda d: json.dumps(d, ensure_ascii=False).encode("utf-8"))
    hostile_json = st.sampled_from(
        [
            b"[" * 100_000,  # nesting deeper than the recursion limit
            b'{"records":[{"t":"contactnote","id":"\\ud800","rev":1,"del":false,"data":{}}]}',
            b'{"records":[{"t":"case","id":"a","rev":1,"del":false,"data":{"x":"\\udfff"}}]}',
            b'{"records":[{"t":"case","id":"a","rev":1,"del":false,"data":{"n":1'
            + b"0" * 5000
            + b"}}]}",
            b'{"records":[{"t":"case","id":"a","rev":1,"del":false,"data":{"n":NaN}}]}',
            b'{"records":[]}' + b" " * 10 + b"x",
            '{"records":[{"t":"case","id":"\u00e4\\u0000","rev":1,"del":true,"data":{}}]}'.encode(),
        ]
    )
    plain = st.one_of(as_json, hostile_json, st.binary(max_size=200))
    return st.one_of(
        plain.map(lambda p: zlib.compress(p, 9)),  # the normal shape
        plain,  # not compressed at all
        plain.map(lambda p: zlib.compress(p)[:-3]),  # truncated stream
        plain.map(lambda p: zlib.compress(p) + b"tail"),  # trailing data
    )


@fuzz_settings(200)
@given(payload=_payloads(), match_counts=st.booleans(), rev_upto=st.integers(0, 12))
def test_reader_sealed_hostile_payloads(
    bundles: BundleWorld, payload: bytes, match_counts: bool, rev_upto: int
) -> None:
    """A genuinely signed and encrypted bundle whose payload is hostile: an enrolled coach's
    laptop in the wrong hands. The reader refuses it cleanly; the importer never raises."""
    counts = {t: 0 for t in TABLES}
    if match_counts:  # make the header agree with the records, to reach the later checks
        try:
            for r in json.loads(zlib.decompress(payload))["records"]:
                counts[r["t"]] += 1
        except Exception:
            pass
    bundles.seq += 1
    header = bf.BundleHeader(
        coach=bundles.coach_fp,
        seq=bundles.seq,
        rev_after=0,
        rev_upto=rev_upto,
        week="2026-W48",
        created_at="2026-11-24T10:00:00Z",
        counts=counts,
        recipient=bundles.coordinator.public().fingerprint,
        nonce=f"{bundles.seq:032x}",
        prev=bundles.prev,
    )
    bundles.prev = header.link
    hb = header.to_bytes()
    ct = bf.hpke_suite().encrypt(
        payload, identity.kem_public(bundles.coordinator.public().kem_key), info=hb
    )
    signed = bf.FRAME_PREFIX.pack(bf.MAGIC, bf.VERSION, len(hb)) + hb + bf.CT_LEN.pack(len(ct)) + ct
    raw = signed + identity.signing_key(bundles.coach_key).sign(signed)

    records = read_bundle(raw, bundles)
    if records is not None:
        assert all(set(r) == {"t", "id", "rev", "del", "data"} for r in records)
    outcome = import_bundle(bundles.coordinator, raw, "fuzz.kimb")
    assert outcome.status in (REJECTED, IMPORTED), outcome
    assert (outcome.status == IMPORTED) == (records is not None), outcome
    if outcome.status == REJECTED:
        assert outcome.reason in ALLOWED_BUNDLE_REASONS


# -- CSV import --------------------------------------------------------------------------------

HEADER_VARIANTS = {
    c.key: [c.header, c.header.upper(), c.header.lower()]
    + (["Staatsangehoerigkeit"] if c.key == "nationality" else [])
    + (["Gueltig bis"] if c.key == "residence_valid_until" else [])
    for c in COLUMNS
}
CELL = {
    "family_name": mixed(["Al-Hassan", "Müller", "N'Diaye", "O’Brien", "Ñúñez"], csv_text),
    "given_name": mixed(["Amira", "Jean-Luc", "Zoë", ""], csv_text),
    "birth_date": st.one_of(
        near_dates.map(format_date),
        near_dates.map(date.isoformat),
        st.sampled_from(["1.2.1990", "31.02.1990", "01.01.90", "1990/01/01", "", "heute"]),
        csv_text,
    ),
    "gender": mixed(["w", "m", "d", "x", "weiblich", "männlich", "divers", "k. A."], csv_text),
    "nationality": mixed(
        ["Syrien", "SYR", "Türkei", "turkei", "staatenlos", "ungeklärt", "DE"], csv_text
    ),
    "languages": mixed(["Arabisch, Kurdisch", "ara/kur", "Farsi; Englisch", "Deutsch"], csv_text),
    "phone": mixed(["0211 123456", "+49 170 1234567"], csv_text),
    "address": mixed(["Musterstr. 1, 40210 Düsseldorf", "Weg 2\nHinterhaus"], csv_text),
    "residence_status": mixed(labels("residence_statuses") + codes("residence_statuses"), csv_text),
    "residence_valid_until": st.one_of(
        near_dates.map(format_date), st.sampled_from(["", "31.12.2026", "2027-01-01"])
    ),
    "target_groups": mixed(labels("target_groups") + codes("target_groups"), csv_text),
}

past = st.dates(min_value=TODAY - timedelta(days=365 * 100), max_value=TODAY - timedelta(days=1))
VALID_CELL = {
    "family_name": st.sampled_from(["Al-Hassan", "Müller", "N'Diaye", "O’Brien", "Ñúñez"]),
    "given_name": st.sampled_from(["Amira", "Jean-Luc", "Zoë", "[b]Fett[/b]", ""]),
    "birth_date": st.one_of(past.map(format_date), past.map(date.isoformat)),
    "gender": st.sampled_from(["", "w", "m", "d", "x", "weiblich", "k. A."]),
    "nationality": st.sampled_from(["", "Syrien", "SYR", "Türkei", "staatenlos", "ungeklärt"]),
    "languages": st.sampled_from(["", "Arabisch, Kurdisch", "ara/kur", "Farsi; Englisch"]),
    "phone": st.sampled_from(["", "0211 123456", "+49 170 1234567"]),
    "address": st.sampled_from(["", "Musterstr. 1, 40210 Düsseldorf", "Weg 2\nHinterhaus"]),
    "residence_status": st.sampled_from(labels("residence_statuses")),
    "residence_valid_until": st.one_of(
        st.just(""), st.dates(TODAY, TODAY + timedelta(days=2000)).map(format_date)
    ),
    "target_groups": st.sampled_from(["", *labels("target_groups")]),
}


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    keys = draw(st.permutations([c.key for c in COLUMNS]))
    keep = draw(st.integers(1, len(keys)))
    columns = list(keys[:keep])
    if draw(st.integers(0, 9)) > 0:  # mostly: the required columns are there
        columns += [c.key for c in COLUMNS if c.required and c.key not in columns]
    header = [draw(st.sampled_from(HEADER_VARIANTS[k])) for k in columns]
    if draw(st.integers(0, 9)) == 0:
        header.append(draw(st.sampled_from(["Bemerkung", "", "Nachname"])))
        columns.append("")
    hostile_row = st.tuples(*[CELL.get(k, csv_text) for k in columns]).map(list)
    valid_row = st.tuples(*[VALID_CELL.get(k, st.just("")) for k in columns]).map(list)
    rows = draw(st.lists(st.one_of(valid_row, hostile_row), max_size=6))
    for row in rows:  # ragged rows now and then
        if draw(st.integers(0, 12)) == 0:
            row.append("zu viel")
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    buf = io.StringIO()
    writer = csv.writer(
        buf,
        delimiter=delimiter,
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
        lineterminator=draw(st.sampled_from(["\r\n", "\n", "\r"])),
    )
    if draw(st.booleans()):
        buf.write(f"sep={delimiter}\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    text = buf.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return text.encode(encoding, errors="replace")


def _check_import(data: bytes) -> ImportResult | None:
    try:
        result = parse_clients_csv(data, TODAY)
    except CsvFormatError as exc:
        assert str(exc) and terminal_safe(str(exc)), str(exc)
        event("file refused")
        return None
    assert len(result.drafts) == len(result.draft_lines)
    for error in result.errors:
        assert error.message.startswith(f"Zeile {error.line}: "), error
        assert terminal_safe(error.message), error.message
    for draft in result.drafts:
        assert validate_intake(draft, TODAY) == {}, draft
    event("rows accepted" if result.drafts else "no row accepted")
    return result


@fuzz_settings(300)
@given(csv_files())
def test_csv_generated_spreadsheets(data: bytes) -> None:
    _check_import(data)


@fuzz_settings(100)
@given(csv_files(), st.data())
def test_csv_damaged_spreadsheets(data: bytes, edits: st.DataObject) -> None:
    raw = bytearray(data)
    for _ in range(edits.draw(st.integers(1, 4))):
        if not raw:
            break
        pos = edits.draw(st.integers(0, len(raw) - 1))
        raw[pos : pos + 1] = edits.draw(st.sampled_from([b"", b'"', b"\r", b"\xff", b"\x00", b";"]))
    _check_import(bytes(raw))


# -- form validators ---------------------------------------------------------------------------

names = st.one_of(
    st.sampled_from(["Müller", "Al-Hassan", "Zoë", "", "  ", "x" * 201, "a\x00b"]), hostile_text
)
country = mixed(["SYR", "TUR", "DEU", "XXA", "XXX", "Syrien", "syr"])
language = mixed(["ara", "kur", "deu", "fas", "ar", "Arabisch"])
client_drafts = st.builds(
    ClientDraft,
    given_name=names,
    family_name=names,
    birth_date=dates,
    other_names=hostile_text,
    gender=mixed(codes("genders")),
    nationality=country,
    country_of_birth=country,
    languages=st.lists(language, max_size=3).map(tuple),
    interpreter_needed=st.booleans(),
    address=hostile_text,
    phone=hostile_text,
    household=st.lists(
        st.builds(HouseholdMember, hostile_text, hostile_text, dates), max_size=2
    ).map(tuple),
)
residence_drafts = st.builds(
    ResidenceDraft,
    status=mixed(codes("residence_statuses")),
    legal_basis=hostile_text,
    valid_from=dates,
    valid_until=dates,
)
consent_drafts = st.builds(
    ConsentDraft,
    purpose=st.sampled_from(list(ConsentPurpose)),
    given_on=near_dates,
    form=st.sampled_from(list(ConsentForm)),
    agency=st.one_of(st.none(), mixed(codes("agencies"))),
)
intake_drafts = st.builds(
    IntakeDraft,
    client=client_drafts,
    first_contact_on=near_dates,
    access_route=mixed(codes("access_routes")),
    referred_by=st.one_of(st.none(), mixed(codes("agencies"))),
    legal_domains=st.lists(mixed(codes("legal_domains")), max_size=3).map(tuple),
    target_groups=st.lists(mixed(codes("target_groups")), max_size=3).map(tuple),
    residence=st.one_of(st.none(), residence_drafts),
    consents=st.lists(consent_drafts, max_size=3).map(tuple),
)

# Drafts that mostly pass the rules, so the store path gets as many examples as the refusal path:
# hostile but allowed names (no NUL, at most 200 characters), known codes, sensible dates.
allowed_names = hostile_text.map(lambda t: t.replace("\x00", "")[:200])
plausible_clients = st.builds(
    ClientDraft,
    given_name=allowed_names,
    family_name=allowed_names.map(lambda t: (t.strip() or "Nachname")[:200]),
    birth_date=st.one_of(
        st.none(), st.dates(min_value=date(TODAY.year - 110, 1, 1), max_value=TODAY)
    ),
    other_names=hostile_text,
    gender=st.sampled_from(["", *codes("genders")]),
    nationality=st.sampled_from(["", "SYR", "TUR", "XXA", "XXX"]),
    languages=st.lists(st.sampled_from(["ara", "kur", "deu", "fas"]), max_size=3).map(tuple),
    address=hostile_text,
    phone=hostile_text,
    household=st.lists(
        st.builds(HouseholdMember, hostile_text, hostile_text, dates), max_size=2
    ).map(tuple),
)
plausible_intakes = st.builds(
    IntakeDraft,
    client=plausible_clients,
    first_contact_on=st.just(TODAY),
    access_route=st.just("self"),
    legal_domains=st.lists(st.sampled_from(codes("legal_domains")), max_size=2).map(tuple),
    target_groups=st.lists(st.sampled_from(codes("target_groups")), max_size=2).map(tuple),
    residence=st.one_of(
        st.none(),
        st.builds(
            ResidenceDraft,
            st.sampled_from(codes("residence_statuses")),
            hostile_text,
            st.none(),
            st.one_of(st.none(), st.dates(TODAY, TODAY + timedelta(days=3000))),
        ),
    ),
    consents=st.lists(
        st.builds(
            ConsentDraft,
            st.sampled_from([ConsentPurpose.CASE_MANAGEMENT, ConsentPurpose.SHARE_COORDINATOR]),
            st.dates(TODAY - timedelta(days=400), TODAY),
        ),
        max_size=2,
    ).map(tuple),
)


def _check_problems(problems: object) -> None:
    assert isinstance(problems, dict)
    for key, message in problems.items():
        assert isinstance(key, str) and key
        assert isinstance(message, str) and message.strip()
        assert terminal_safe(message), message


@fuzz_settings(300)
@given(client_drafts, near_dates)
def test_validate_client_only_answers(draft: ClientDraft, today: date) -> None:
    _check_problems(validate_client(draft, today))


@fuzz_settings(200)
@given(residence_drafts, near_dates)
def test_validate_residence_only_answers(draft: ResidenceDraft, today: date) -> None:
    _check_problems(validate_residence(draft, today))


@fuzz_settings(300)
@given(intake_drafts)
def test_validate_intake_only_answers(draft: IntakeDraft) -> None:
    _check_problems(validate_intake(draft, TODAY))


@fuzz_settings(300)
@given(
    st.one_of(
        st.text(max_size=30),
        st.from_regex(r"\s*\d{1,3}\.\d{1,3}\.\d{1,5}\s*", fullmatch=True),
        st.from_regex(r"\d{4}-\d{2}-\d{2}", fullmatch=True),
        st.sampled_from(["٠١.٠٢.٢٠٢٠", "１.２.２０２０", "29.02.2023", "00.01.2020", "1.1.0000"]),
    )
)
def test_parse_date_answers_a_date_or_a_german_valueerror(text: str) -> None:
    try:
        day = parse_date(text)
    except ValueError as exc:
        assert str(exc).startswith("Ungültiges Datum: ")
        assert terminal_safe(str(exc))
        return
    assert isinstance(day, date)
    assert parse_date(format_date(day)) == day


@fuzz_settings(100)
@given(st.dates(min_value=date(1000, 1, 1)))
def test_format_and_parse_date_round_trip(day: date) -> None:
    assert parse_date(format_date(day)) == day
    assert parse_date(day.isoformat()) == day


@pytest.fixture(scope="module")
def fuzz_workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    vault, _rk = new_vault(tmp_path_factory.mktemp("fuzz-ws") / "vault")
    ws = Workspace(vault, today=lambda: TODAY)
    yield ws
    ws.close()


@fuzz_settings(120)
@given(st.one_of(intake_drafts, plausible_intakes))
def test_workspace_agrees_with_the_validators(
    fuzz_workspace: Workspace, draft: IntakeDraft
) -> None:
    """What the form accepts, the store accepts and returns unchanged; what the form refuses,
    the store refuses with the same messages. Nothing else escapes."""
    problems = validate_intake(draft, TODAY)
    event("refused" if problems else "stored")
    if problems:
        with pytest.raises(ValidationError) as exc:
            fuzz_workspace.intake(draft)
        assert exc.value.problems == problems
        return
    client_id, _case_id = fuzz_workspace.intake(draft)
    stored = fuzz_workspace.client_file(client_id).client
    c = draft.client
    expected = ClientDraft(
        given_name=c.given_name.strip(),
        family_name=c.family_name.strip(),
        other_names=c.other_names.strip(),
        birth_date=c.birth_date,
        gender=c.gender,
        nationality=c.nationality,
        country_of_birth=c.country_of_birth,
        languages=tuple(" ".join(c.languages).split()),
        interpreter_needed=c.interpreter_needed,
        address=c.address,
        phone=c.phone,
        household=c.household,
    )
    assert stored == expected
