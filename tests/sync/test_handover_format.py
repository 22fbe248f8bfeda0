"""The handover file: encrypted to one colleague, signed by the sender, nothing personal in the
readable header; a tampered file, a file for someone else or from someone else is refused."""

from __future__ import annotations

import zlib

import pytest

from kim_tui.sync import handover_format as hf
from kim_tui.sync.identity import (
    CoachPublic,
    kem_public_bytes,
    new_kem_key,
    new_signing_key,
    receiving_key_message,
    signing_key,
    signing_public,
)


class Coach:
    def __init__(self, name: str) -> None:
        self.sign = new_signing_key()
        self.kem = new_kem_key()
        kem_pub = kem_public_bytes(self.kem)
        self.pub = CoachPublic(
            name,
            "Caritas",
            signing_public(self.sign),
            kem_pub,
            signing_key(self.sign).sign(receiving_key_message(kem_pub)),
        )


PAYLOAD = {"client": {"given_name": "Şükrü", "family_name": "Öztürk"}, "notes": ["a\nb"]}


def _handover(sender: Coach, receiver: Coach) -> tuple[bytes, hf.HandoverHeader]:
    header = hf.HandoverHeader(
        hf.HANDOVER,
        hf.new_handover_id(),
        sender.pub.fingerprint,
        receiver.pub.fingerprint,
        "2026-12-03T10:00:00Z",
    )
    return hf.seal(header, PAYLOAD, receiver.pub, sender.sign), header


def test_round_trip_and_nothing_personal_in_the_readable_part() -> None:
    anna, ben = Coach("Anna"), Coach("Ben")
    data, header = _handover(anna, ben)
    assert b"\xc3\x96zt" not in data and "Öztürk".encode() not in data
    parsed = hf.parse(data)
    assert parsed.header == header
    assert hf.open_verified(parsed, anna.pub, ben.pub.fingerprint, ben.kem) == PAYLOAD


def test_a_flipped_byte_anywhere_is_refused() -> None:
    anna, ben = Coach("Anna"), Coach("Ben")
    data, _ = _handover(anna, ben)
    for position in (12, len(data) // 2, len(data) - 70, len(data) - 1):
        spoilt = bytearray(data)
        spoilt[position] ^= 0x01
        with pytest.raises(hf.HandoverError) as caught:
            hf.open_verified(hf.parse(bytes(spoilt)), anna.pub, ben.pub.fingerprint, ben.kem)
        assert caught.value.reason in {"corrupt", "bad_signature"}


def test_a_file_for_someone_else_or_from_someone_else_is_refused() -> None:
    anna, ben, carla = Coach("Anna"), Coach("Ben"), Coach("Carla")
    data, _ = _handover(anna, ben)
    with pytest.raises(hf.HandoverError) as caught:
        hf.open_verified(hf.parse(data), anna.pub, carla.pub.fingerprint, carla.kem)
    assert caught.value.reason == "wrong_recipient"
    with pytest.raises(hf.HandoverError) as caught:
        hf.open_verified(hf.parse(data), carla.pub, ben.pub.fingerprint, ben.kem)
    assert caught.value.reason == "unknown_sender"
    # Carla re-signs Anna's file under her own name: the header still names Anna.
    parsed = hf.parse(data)
    forged = parsed.signed + signing_key(carla.sign).sign(parsed.signed)
    with pytest.raises(hf.HandoverError) as caught:
        hf.open_verified(hf.parse(forged), anna.pub, ben.pub.fingerprint, ben.kem)
    assert caught.value.reason == "bad_signature"


def test_truncated_or_foreign_files_are_refused() -> None:
    anna, ben = Coach("Anna"), Coach("Ben")
    data, _ = _handover(anna, ben)
    for bad in (b"", data[:9], data[:-1], data + b"\0", b"KIMB" + data[4:], b"%PDF-1.7\n" * 50):
        with pytest.raises(hf.HandoverError):
            hf.parse(bad)


def test_a_zip_bomb_is_refused_unread(monkeypatch: pytest.MonkeyPatch) -> None:
    anna, ben = Coach("Anna"), Coach("Ben")
    monkeypatch.setattr(hf, "MAX_PAYLOAD", 1000)
    header = hf.HandoverHeader(
        hf.HANDOVER,
        hf.new_handover_id(),
        anna.pub.fingerprint,
        ben.pub.fingerprint,
        "2026-12-03T10:00:00Z",
    )
    data = hf.seal(header, {"x": "a" * 100_000}, ben.pub, anna.sign)
    assert len(zlib.compress(b"a" * 100_000)) < 1000
    with pytest.raises(hf.HandoverError, match="zu groß"):
        hf.open_verified(hf.parse(data), anna.pub, ben.pub.fingerprint, ben.kem)
