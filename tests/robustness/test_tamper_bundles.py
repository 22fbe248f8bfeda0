"""Tampering: 10,000 mutated bundles, each rejected with a clear reason; the store unchanged.

Seeds are real exported bundles: three of coach Anna's chain, one of Bob (both enrolled), one of
a stranger (not enrolled), one of a revoked coach, and one of Dora, who is enrolled here but
exports to another coordinator. Anna's first and Bob's bundle are imported before the mutations,
so the store is not empty. Mutations (seeded, ``ROBUSTNESS_SCALE`` multiplies the count):

* blind: bit flips, overwritten byte runs, truncations, extensions, random garbage;
* structural: header of one bundle spliced onto the ciphertext of another, swapped signatures,
  a bundle re-signed with another coach's key (the header still naming the original coach, or
  rewritten to name the signer), a format version or magic changed;
* insider: header fields edited and re-encoded canonically, with the old signature or re-signed
  with the genuine coach key (then the HPKE ``info`` binding must catch it), ciphertext bytes
  changed and re-signed, a foreign bundle re-addressed to this coordinator and re-signed.

Every outcome must be REJECTED with one of the importer's stable reason codes (and the one the
kind of mutation implies, where it implies one) and a German message; the content digest of
every coordinator table is the same before and after; the pristine rest of Anna's chain still
imports afterwards.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from sqlmodel import Session

from kim_tui.coordinator.importer import IMPORTED, REJECTED, import_bundle
from kim_tui.coordinator.store import CoordinatorStore
from kim_tui.sync import bundle_format as bf
from kim_tui.sync import coach_state, identity
from tests.conftest import FAST_KDF_KIB, PASSPHRASE
from tests.robustness.conftest import ALLOWED_BUNDLE_REASONS, scaled, store_digest
from tests.sync.conftest import Coach, make_coach

MUTATIONS = scaled(10_000)
SEED = 4711


@dataclass(frozen=True)
class Seed:
    name: str
    data: bytes
    owner: str  # coach name
    base_reason: str | None  # why the unmodified file is refused (None: it is acceptable)


@dataclass
class World:
    coordinator: CoordinatorStore
    other_fingerprint: str
    seeds: list[Seed]
    keys: dict[str, bytes]  # coach name → Ed25519 private key
    fingerprints: dict[str, str]
    pending: list[bytes]  # Anna's 2nd and 3rd bundle, imported at the end
    originals: frozenset[bytes]


def _key(coach: Coach) -> tuple[bytes, str]:
    with Session(coach.vault.engine) as s:
        return coach_state.sign_key(s), coach_state.coach_public(s).fingerprint


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("bundles")
    out = root / "out"
    out.mkdir()
    coordinator, _ = CoordinatorStore.create(
        root / "coord", PASSPHRASE, name="Koordinierung", kdf_memory_kib=FAST_KDF_KIB
    )
    other, _ = CoordinatorStore.create(
        root / "other", PASSPHRASE, name="Andere", kdf_memory_kib=FAST_KDF_KIB
    )
    coaches: dict[str, Coach] = {}
    try:
        anna = coaches["anna"] = make_coach(root / "anna", "Anna", coordinator)
        bob = coaches["bob"] = make_coach(root / "bob", "Bob", coordinator)
        stranger = coaches["stranger"] = make_coach(root / "stranger", "Fremd", None)
        revoked = coaches["revoked"] = make_coach(root / "revoked", "Weg", coordinator)
        dora = coaches["dora"] = make_coach(root / "dora", "Dora", other)
        with Session(stranger.vault.engine) as s:
            coach_state.connect(s, coordinator.public())
            s.commit()
        with Session(dora.vault.engine) as s:
            coordinator.enroll(coach_state.coach_public(s))

        anna.add_client(0, share=True)
        anna.add_client(1, share=False)
        a1 = anna.export(out).path.read_bytes()
        anna.add_client(2, share=True)
        a2 = anna.export(out, days=7).path.read_bytes()
        anna.add_client(3, share=False)
        a3 = anna.export(out, days=14).path.read_bytes()
        bob.add_client(10, share=True)
        b1 = bob.export(out).path.read_bytes()
        stranger.add_client(20, share=True)
        s1 = stranger.export(out).path.read_bytes()
        revoked.add_client(30, share=False)
        r1 = revoked.export(out).path.read_bytes()
        dora.add_client(40, share=True)
        d1 = dora.export(out).path.read_bytes()

        keys, fps = {}, {}
        for name, coach in coaches.items():
            keys[name], fps[name] = _key(coach)
        coordinator.revoke(fps["revoked"])
        for data in (a1, b1):
            assert import_bundle(coordinator, data, "seed").status == IMPORTED
        seeds = [
            Seed("a1", a1, "anna", None),
            Seed("a2", a2, "anna", None),
            Seed("a3", a3, "anna", None),
            Seed("b1", b1, "bob", None),
            Seed("s1", s1, "stranger", "unknown_coach"),
            Seed("r1", r1, "revoked", "revoked_coach"),
            Seed("d1", d1, "dora", "wrong_recipient"),
        ]
        yield World(
            coordinator,
            other.public().fingerprint,
            seeds,
            keys,
            fps,
            [a2, a3],
            frozenset(s.data for s in seeds),
        )
    finally:
        for coach in coaches.values():
            coach.ws.close()
        other.close()
        coordinator.close()


# -- building blocks ---------------------------------------------------------------------------


def frame(header_bytes: bytes, ciphertext: bytes, version: int = bf.VERSION) -> bytes:
    """The signed part of a bundle (everything but the signature)."""
    return (
        bf.FRAME_PREFIX.pack(bf.MAGIC, version, len(header_bytes))
        + header_bytes
        + bf.CT_LEN.pack(len(ciphertext))
        + ciphertext
    )


def sign(key: bytes, signed: bytes) -> bytes:
    return signed + identity.signing_key(key).sign(signed)


Mutation = tuple[str, bytes, frozenset[str]]
"""(kind, bytes, reasons the importer may give for it)."""

BLIND = frozenset({"corrupt", "version", "unknown_coach", "revoked_coach", "bad_signature"})
"""Blind damage may hit the framing, the header, the coach id or the signed bytes."""


def _expect(seed: Seed, otherwise: str | set[str]) -> frozenset[str]:
    """A foreign/revoked seed is refused for that first; else for `otherwise`."""
    if seed.base_reason in ("unknown_coach", "revoked_coach"):
        return frozenset({seed.base_reason})
    return frozenset({otherwise} if isinstance(otherwise, str) else otherwise)


class Mutator:
    def __init__(self, world: World, rng: random.Random) -> None:
        self.w = world
        self.rng = rng
        self.parsed = {s.name: bf.parse(s.data) for s in world.seeds}
        self.kinds: list[tuple[str, int, Callable[[Seed], Mutation]]] = [
            ("bit_flip", 30, self.bit_flip),
            ("byte_run", 8, self.byte_run),
            ("truncate", 8, self.truncate),
            ("extend", 6, self.extend),
            ("garbage", 2, self.garbage),
            ("splice_header", 6, self.splice_header),
            ("splice_resigned", 5, self.splice_resigned),
            ("swap_signature", 5, self.swap_signature),
            ("other_coach_key", 5, self.other_coach_key),
            ("header_names_signer", 5, self.header_names_signer),
            ("version_magic", 2, self.version_magic),
            ("header_edit", 6, self.header_edit),
            ("header_edit_resigned", 6, self.header_edit_resigned),
            ("ciphertext_resigned", 5, self.ciphertext_resigned),
            ("readdressed", 1, self.readdressed),
        ]

        self._names = [k[0] for k in self.kinds]
        self._weights = [k[1] for k in self.kinds]
        self._makers = {k[0]: k[2] for k in self.kinds}

    def __call__(self) -> Mutation:
        seed = self.rng.choice(self.w.seeds)
        kind = self.rng.choices(self._names, self._weights)[0]
        return self._makers[kind](seed)

    # blind damage ------------------------------------------------------------------------------

    def bit_flip(self, seed: Seed) -> Mutation:
        data = bytearray(seed.data)
        for _ in range(self.rng.choice((1, 1, 1, 2, 3, 8))):
            data[self.rng.randrange(len(data))] ^= 1 << self.rng.randrange(8)
        return "bit_flip", bytes(data), BLIND

    def byte_run(self, seed: Seed) -> Mutation:
        data = bytearray(seed.data)
        start = self.rng.randrange(len(data))
        length = self.rng.randint(1, 64)
        fill = self.rng.choice(
            (lambda n: bytes(n), lambda n: b"\xff" * n, lambda n: self.rng.randbytes(n))
        )
        data[start : start + length] = fill(len(data[start : start + length]))
        return "byte_run", bytes(data), BLIND

    def truncate(self, seed: Seed) -> Mutation:
        return "truncate", seed.data[: self.rng.randrange(len(seed.data))], frozenset({"corrupt"})

    def extend(self, seed: Seed) -> Mutation:
        tail = self.rng.choice((b"\x00", b"\n", self.rng.randbytes(self.rng.randint(1, 300))))
        return "extend", seed.data + tail, frozenset({"corrupt"})

    def garbage(self, seed: Seed) -> Mutation:
        n = self.rng.choice((0, 1, 9, 10, 64, 2000, len(seed.data)))
        data = self.rng.randbytes(n)
        if self.rng.random() < 0.5:
            data = bf.MAGIC + data  # at least the right magic
        return "garbage", data, frozenset({"corrupt", "version"})

    # structural --------------------------------------------------------------------------------

    def _other(self, seed: Seed) -> Seed:
        return self.rng.choice([s for s in self.w.seeds if s.name != seed.name])

    def splice_header(self, seed: Seed) -> Mutation:
        a, b = self.parsed[seed.name], self.parsed[self._other(seed).name]
        signature = self.rng.choice((a.signature, b.signature))
        data = frame(a.header_bytes, b.ciphertext) + signature
        return "splice_header", data, _expect(seed, "bad_signature")

    def splice_resigned(self, seed: Seed) -> Mutation:
        """Header of A, ciphertext of B, re-signed with A's genuine key (an insider)."""
        other = self._other(seed)
        a, b = self.parsed[seed.name], self.parsed[other.name]
        data = sign(self.w.keys[seed.owner], frame(a.header_bytes, b.ciphertext))
        return "splice_resigned", data, _expect(seed, {"decrypt", seed.base_reason or "decrypt"})

    def swap_signature(self, seed: Seed) -> Mutation:
        a, b = self.parsed[seed.name], self.parsed[self._other(seed).name]
        return "swap_signature", a.signed + b.signature, _expect(seed, "bad_signature")

    def other_coach_key(self, seed: Seed) -> Mutation:
        """Signed by another coach's key; the header still names the original coach."""
        signer = self.rng.choice([n for n in self.w.keys if n != seed.owner])
        data = sign(self.w.keys[signer], self.parsed[seed.name].signed)
        return "other_coach_key", data, _expect(seed, "bad_signature")

    def header_names_signer(self, seed: Seed) -> Mutation:
        """Another coach takes the bundle, puts their own id in the header and signs it."""
        signer = self.rng.choice([n for n in self.w.keys if n != seed.owner])
        p = self.parsed[seed.name]
        doc = p.header.as_dict()
        doc["coach"] = self.w.fingerprints[signer]
        data = sign(self.w.keys[signer], frame(bf.canonical_json(doc), p.ciphertext))
        reasons = {
            "stranger": "unknown_coach",
            "revoked": "revoked_coach",
        }.get(signer, "wrong_recipient" if seed.owner == "dora" else "decrypt")
        return "header_names_signer", data, frozenset({reasons})

    def version_magic(self, seed: Seed) -> Mutation:
        data = bytearray(seed.data)
        if self.rng.random() < 0.5:
            data[4:6] = self.rng.choice((0, 2, 255, 65535)).to_bytes(2, "big")
            return "version_magic", bytes(data), frozenset({"version"})
        data[0:4] = self.rng.choice((b"KIMC", b"kimb", b"\x00KIM", b"PK\x03\x04"))
        return "version_magic", bytes(data), frozenset({"corrupt"})

    # insider edits -----------------------------------------------------------------------------

    def _edited_header(self, seed: Seed) -> tuple[bytes, bool]:
        """Canonical header bytes with one field changed; True if still a valid header."""
        doc = self.parsed[seed.name].header.as_dict()
        field = self.rng.choice(
            ("seq", "rev_after", "rev_upto", "week", "created_at", "nonce", "prev", "counts")
            + ("recipient", "suite", "format", "extra", "whitespace")
        )
        valid = True
        if field == "seq":
            doc["seq"] += self.rng.choice((1, 2, 1000))
            if doc["prev"] is None:
                doc["prev"] = "0" * 64
        elif field == "rev_after":
            doc["rev_after"] = max(0, doc["rev_after"] - 1) if doc["rev_after"] else 0
            if doc["rev_after"] == self.parsed[seed.name].header.rev_after:
                doc["rev_after"], valid = doc["rev_upto"] + 1, False
        elif field == "rev_upto":
            doc["rev_upto"] += self.rng.choice((1, 7))
        elif field == "week":
            doc["week"], valid = self.rng.choice((("2026-W01", True), ("2026-W54", False)))
        elif field == "created_at":
            doc["created_at"] = "2025-01-01T00:00:00Z"
        elif field == "nonce":
            doc["nonce"] = self.rng.randbytes(16).hex()
        elif field == "prev":
            if doc["prev"] is None:
                doc["prev"], valid = "ab" * 32, False  # seq 1 with a prev: invalid
            else:
                doc["prev"] = self.rng.randbytes(32).hex()
        elif field == "counts":
            table = self.rng.choice(sorted(doc["counts"]))
            doc["counts"][table] += 1
        elif field == "recipient":
            doc["recipient"] = self.rng.choice(
                (self.w.other_fingerprint, self.w.coordinator.public().fingerprint)
            )
            if doc["recipient"] == self.parsed[seed.name].header.recipient:
                doc["recipient"] = "f" * 64
        elif field == "suite":
            doc["suite"], valid = "HPKE-base:X25519:HKDF-SHA256:AES-128-GCM", False
        elif field == "format":
            doc["format"], valid = "kim-bundle2", False
        elif field == "extra":
            doc["extra"], valid = "x", False
        else:  # whitespace: same content, not canonical
            raw = bf.canonical_json(doc).replace(b",", b", ", 1)
            return raw, False
        return bf.canonical_json(doc), valid

    def header_edit(self, seed: Seed) -> Mutation:
        p = self.parsed[seed.name]
        header, valid = self._edited_header(seed)
        data = frame(header, p.ciphertext) + p.signature
        if not valid:
            return "header_edit", data, frozenset({"corrupt", "version"})
        return "header_edit", data, _expect(seed, "bad_signature")

    def header_edit_resigned(self, seed: Seed) -> Mutation:
        p = self.parsed[seed.name]
        header, valid = self._edited_header(seed)
        data = sign(self.w.keys[seed.owner], frame(header, p.ciphertext))
        if not valid:
            return "header_edit_resigned", data, frozenset({"corrupt", "version"})
        # The header is the HPKE `info`: any change makes decryption fail, unless the bundle is
        # (now or still) addressed elsewhere.
        return "header_edit_resigned", data, _expect(seed, {"decrypt", "wrong_recipient"})

    def ciphertext_resigned(self, seed: Seed) -> Mutation:
        p = self.parsed[seed.name]
        ct = bytearray(p.ciphertext)
        where = self.rng.choice(
            (self.rng.randrange(bf.ENC_LEN), self.rng.randrange(bf.ENC_LEN, len(ct)))
        )
        ct[where] ^= 1 << self.rng.randrange(8)
        if self.rng.random() < 0.2:  # or cut the AEAD part short
            ct = ct[: self.rng.randint(bf.ENC_LEN + bf.TAG_LEN, len(ct) - 1)]
        data = sign(self.w.keys[seed.owner], frame(p.header_bytes, bytes(ct)))
        return (
            "ciphertext_resigned",
            data,
            _expect(seed, "wrong_recipient" if seed.owner == "dora" else "decrypt"),
        )

    def readdressed(self, seed: Seed) -> Mutation:
        """Dora's bundle for the other coordinator, re-addressed here and re-signed by Dora."""
        p = self.parsed["d1"]
        doc = p.header.as_dict()
        doc["recipient"] = self.w.coordinator.public().fingerprint
        data = sign(self.w.keys["dora"], frame(bf.canonical_json(doc), p.ciphertext))
        return "readdressed", data, frozenset({"decrypt"})


def test_ten_thousand_mutated_bundles_are_rejected_and_change_nothing(world: World) -> None:
    store = world.coordinator
    before = store_digest(store)
    rng = random.Random(SEED)
    mutate = Mutator(world, rng)
    reasons: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    started = time.perf_counter()
    done = 0
    while done < MUTATIONS:
        kind, data, expected = mutate()
        if data in world.originals:
            continue  # e.g. a re-signature that changed nothing: not a mutation
        name = f"m{done:05d}-{kind}.kimb"
        try:
            outcome = import_bundle(store, data, name)
        except Exception as exc:  # the importer must never raise
            pytest.fail(f"{name}: {type(exc).__name__}: {exc}")
        assert outcome.status == REJECTED, (name, outcome)
        assert outcome.reason in expected, (name, outcome.reason, sorted(expected))
        assert outcome.reason in ALLOWED_BUNDLE_REASONS
        prefix = f"{name}: abgelehnt – "
        assert outcome.line.startswith(prefix) and len(outcome.line) > len(prefix) + 5
        assert "Traceback" not in outcome.line and outcome.counts == {}
        reasons[outcome.reason] += 1
        kinds[kind] += 1
        done += 1
    elapsed = time.perf_counter() - started

    assert store_digest(store) == before, "a rejected bundle changed the coordinator store"
    # Every kind ran and the rejections span the whole range of reasons.
    assert set(kinds) == {k[0] for k in mutate.kinds}, kinds
    if MUTATIONS >= 2000:
        # "schema" needs a payload that decrypts: no byte flip makes one (the negative test
        # vectors and the sealed hostile payloads of test_fuzz cover it).
        assert set(reasons) == ALLOWED_BUNDLE_REASONS - {"schema"}, reasons
    print(f"\n{done} mutated bundles rejected in {elapsed:.1f} s: {dict(reasons)}")

    # The store still works: the rest of Anna's chain imports cleanly afterwards.
    for data in world.pending:
        assert import_bundle(store, data, "pending").status == IMPORTED
    assert store_digest(store) != before


def test_foreign_seeds_are_rejected_as_such(world: World) -> None:
    """The unmodified foreign seeds: the reasons the mutations above build on."""
    before = store_digest(world.coordinator)
    for seed in world.seeds:
        if seed.base_reason is None:
            continue
        outcome = import_bundle(world.coordinator, seed.data, seed.name)
        assert (outcome.status, outcome.reason) == (REJECTED, seed.base_reason)
    assert store_digest(world.coordinator) == before
