"""The bundle's `handover` table (issue 14) and bundles of an older kim: a header without a
`handover` count is still read, and then no handover record may come with it."""

from __future__ import annotations

from typing import Any

import pytest

from kim_tui.sync import bundle_format as bf
from kim_tui.sync import identity

HANDOVER = {
    "t": "handover",
    "id": "5b0c7c1e-1111-4222-8333-944445555666",
    "rev": 2,
    "del": False,
    "data": {
        "direction": "in",
        "client": "p-0123456789abcdef0123456789abcdef",
        "date": "2026-12-03",
        "counterpart": "cd" * 32,
    },
}


def _sealed(records: list[dict[str, Any]], counts: dict[str, int]) -> tuple[bytes, bytes]:
    kem = identity.new_kem_key()
    sign = identity.new_signing_key()
    header = bf.BundleHeader(
        coach=identity.coach_fingerprint(identity.signing_public(sign)),
        seq=1,
        rev_after=0,
        rev_upto=5,
        week="2026-W49",
        created_at="2026-12-03T10:00:00Z",
        counts=counts,
        recipient="ab" * 32,
        nonce="00" * 16,
        prev=None,
    )
    return bf.seal(header, records, identity.kem_public_bytes(kem), sign), kem


def _open(data: bytes, kem: bytes) -> list[dict[str, Any]]:
    return bf.open_payload(bf.parse(data), kem)


def test_a_handover_record_travels_with_its_count() -> None:
    counts = {t: 0 for t in bf.TABLES} | {"handover": 1}
    data, kem = _sealed([HANDOVER], counts)
    assert _open(data, kem) == [HANDOVER]


def test_an_older_header_without_the_table_is_read_but_carries_none() -> None:
    older = {t: 0 for t in bf.TABLES if t != "handover"}
    data, kem = _sealed([], older)
    assert _open(data, kem) == []
    data, kem = _sealed([HANDOVER], older)
    with pytest.raises(bf.BundleError) as caught:
        _open(data, kem)
    assert caught.value.reason == "corrupt"
