"""What a handover to a colleague (issue 14) reports back: views, no behaviour."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date

from kim_tui.domain.model import DuplicateCandidate


@dataclass(frozen=True)
class HandoverMade:
    """A handover file written (issue 14): which handover, to whom, where the file is."""

    handover_id: str
    """The handover's id (a dashed UUID; the same on both sides and in both bundles)."""
    client_id: str
    path: str
    colleague_name: str
    colleague_fingerprint: str
    with_override: bool


@dataclass(frozen=True)
class HandoverPreview:
    """A verified handover file before it is taken in: who sent it, whom it is about, and the
    receiver's clients that are probably the same person (the coach chooses: new or merge)."""

    handover_id: str
    sender_name: str
    sender_fingerprint: str
    handed_over_on: date
    display_name: str
    birth_date: date | None
    candidates: tuple[DuplicateCandidate, ...]
    birth_precision: str = "day"


@dataclass(frozen=True)
class HandoverReceived:
    """A handover taken in: the client's file here and where the receipt was written."""

    handover_id: str
    client_id: str
    merged: bool
    receipt_path: str
    sender_name: str


@dataclass(frozen=True)
class HandoverConfirmed:
    """A receipt imported on the sender's side: the client was erased here."""

    handover_id: str
    client_id: str
    records_removed: int
    colleague_name: str
    display_name: str = ""
    """The client's name while still here (only when the receipt was checked, not imported)."""


def display_fingerprint(fingerprint_hex: str) -> str:
    """``ABCD-EFGH-…`` (6 × 4 base32 characters over the first 15 bytes) to read by phone.
    Here, not in `sync.identity`, so the screens can show a colleague's fingerprint without
    importing the crypto layer; `sync.identity.display_fingerprint` is this function."""
    raw = bytes.fromhex(fingerprint_hex)[:15]
    text = base64.b32encode(raw).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, 24, 4))
