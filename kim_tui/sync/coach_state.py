"""The coach's sync state, kept as VaultSetting rows inside the encrypted vault.

sync.sign_key        Ed25519 private key (hex)
sync.pseudonym_key   HMAC key of the client pseudonyms (hex, 32 bytes; never leaves the vault)
sync.kem_key         HPKE receiving key for handovers from colleagues (hex, 96 bytes)
sync.colleague.FP    a colleague's coach.pub (JSON, version 2), FP = their coach id (hex)
sync.coach_name      shown to the coordinator in coach.pub
sync.organisation
sync.coordinator     the connected coordinator.pub (JSON, as received)
sync.last_seq        sequence number of the last bundle made
sync.bundle.NNNNNN   one JSON object per bundle made: seq, revision range, nonce, prev, link,
                     week, created_at, recipient (needed for --resend and the chain)

The vault-wide revision counter is the unit of work's (`store.unit_of_work.current_revision`);
writes here go through its transactions too (`Workspace.create_identity`, `connect_coordinator`
and the exporter).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from kim_tui.i18n import tr
from kim_tui.store.models import BundleDisclosure, VaultSetting
from kim_tui.sync import identity

SIGN_KEY = "sync.sign_key"
PSEUDONYM_KEY = "sync.pseudonym_key"
KEM_KEY = "sync.kem_key"
COLLEAGUE_PREFIX = "sync.colleague."
COACH_NAME = "sync.coach_name"
ORGANISATION = "sync.organisation"
COORDINATOR = "sync.coordinator"
LAST_SEQ = "sync.last_seq"
DISCLOSURES_FROM = "sync.disclosures_from"
"""The first bundle number the export's ledger has rows for (schema 0018; 1 for a new chain)."""


BUNDLE_PREFIX = "sync.bundle."
PAST_PREFIX = "sync.past."
"""Earlier coordinators' chains: ``sync.past.<nnn>.coordinator`` (its name), ``.from`` (first
ledger bundle) and ``.bundle.<seq>`` (the bundle as remembered)."""


def bundle_key(seq: int) -> str:
    """The VaultSetting key of bundle number `seq`."""
    return f"{BUNDLE_PREFIX}{seq:06d}"


class SyncSetupError(Exception):
    """Identity or coordinator missing; the message says which command fixes it (in the UI
    language)."""


def _no_identity() -> str:
    return tr(
        "Dieser Tresor hat noch keine Identität: zuerst `kim identity`.",
        "This vault has no identity yet: first `kim identity`.",
    )


def get(session: Session, key: str) -> str | None:
    """A setting's value, or None."""
    row = session.get(VaultSetting, key)
    return row.value if row is not None else None


def put(session: Session, key: str, value: str) -> None:
    """Set a setting (the caller commits)."""
    session.merge(VaultSetting(key=key, value=value))


def ensure_identity(
    session: Session, name: str | None, organisation: str | None
) -> identity.CoachPublic:
    """Create the signing and pseudonym keys if missing; update name/organisation if given."""
    if get(session, SIGN_KEY) is None:
        put(session, SIGN_KEY, identity.new_signing_key().hex())
    if get(session, PSEUDONYM_KEY) is None:
        put(session, PSEUDONYM_KEY, os.urandom(32).hex())
    if get(session, KEM_KEY) is None:  # also for identities made before handovers existed
        put(session, KEM_KEY, identity.new_kem_key().hex())
    if name is not None:
        put(session, COACH_NAME, name.strip())
    if organisation is not None:
        put(session, ORGANISATION, organisation.strip())
    session.flush()
    return coach_public(session)


def coach_public(session: Session) -> identity.CoachPublic:
    """The coach's public identity; SyncSetupError if `kim identity` has not run yet."""
    raw = get(session, SIGN_KEY)
    if raw is None:
        raise SyncSetupError(_no_identity())
    private = bytes.fromhex(raw)
    kem_raw = get(session, KEM_KEY)
    kem_public = identity.kem_public_bytes(bytes.fromhex(kem_raw)) if kem_raw else None
    signature = (
        identity.signing_key(private).sign(identity.receiving_key_message(kem_public))
        if kem_public is not None
        else None
    )
    return identity.CoachPublic(
        get(session, COACH_NAME) or "",
        get(session, ORGANISATION) or "",
        identity.signing_public(private),
        kem_public,
        signature,
    )


def receiving_key(session: Session) -> bytes:
    """The coach's HPKE receiving private key; SyncSetupError before `kim identity`."""
    raw = get(session, KEM_KEY)
    if raw is None:
        raise SyncSetupError(
            tr(
                "Dieser Tresor hat noch keinen Empfangsschlüssel: `kim identity`.",
                "This vault has no receiving key yet: `kim identity`.",
            )
        )
    return bytes.fromhex(raw)


def add_colleague(session: Session, pub: identity.CoachPublic) -> bool:
    """Store a colleague's public identity (replacing an earlier file of the same coach id).
    True if the colleague is new. The caller has compared the fingerprint."""
    key = COLLEAGUE_PREFIX + pub.fingerprint
    new = get(session, key) is None
    put(session, key, pub.to_json().decode("utf-8"))
    return new


def colleagues(session: Session) -> list[identity.CoachPublic]:
    """Every stored colleague, by name."""
    rows = session.exec(
        select(VaultSetting).where(col(VaultSetting.key).startswith(COLLEAGUE_PREFIX))
    ).all()
    found = [
        identity.CoachPublic.from_json(
            r.value.encode("utf-8"), tr("gespeicherte Kolleg*in", "stored colleague")
        )
        for r in rows
    ]
    return sorted(found, key=lambda p: (p.name.casefold(), p.fingerprint))


def sign_key(session: Session) -> bytes:
    """The coach's Ed25519 private key."""
    raw = get(session, SIGN_KEY)
    if raw is None:
        raise SyncSetupError(_no_identity())
    return bytes.fromhex(raw)


def pseudonym_key(session: Session) -> bytes:
    """The per-vault pseudonym key."""
    raw = get(session, PSEUDONYM_KEY)
    if raw is None:
        raise SyncSetupError(_no_identity())
    return bytes.fromhex(raw)


def coordinator(session: Session) -> identity.CoordinatorPublic:
    """The connected coordinator; SyncSetupError if `kim connect` has not run yet."""
    raw = get(session, COORDINATOR)
    if raw is None:
        raise SyncSetupError(
            tr(
                "Keine Koordinierung verbunden: zuerst `kim connect coordinator.pub`.",
                "No coordinator connected: first `kim connect coordinator.pub`.",
            )
        )
    return identity.CoordinatorPublic.from_json(
        raw.encode("utf-8"), tr("gespeicherte Koordinierung", "stored coordinator")
    )


def connect(session: Session, pub: identity.CoordinatorPublic) -> bool:
    """Store the coordinator's public identity (replacing an earlier one). True if that starts
    a new chain: a different coordinator has none of this vault's earlier bundles, so the
    bundles made for the old one are forgotten and the next one is bundle 1 over the whole
    current state (revisions from 0). Connecting the same coordinator again changes nothing."""
    raw = get(session, COORDINATOR)
    before = identity.CoordinatorPublic.from_json(raw.encode("utf-8"), "") if raw else None
    put(session, COORDINATOR, pub.to_json().decode("utf-8"))
    if before is None or before.fingerprint == pub.fingerprint:
        return False
    # The old chain is kept apart (an Art. 15 copy still names those bundles and their
    # recipient); the new one starts at bundle 1 with a ledger of its own.
    number = len(past_chains(session)) + 1
    prefix = f"{PAST_PREFIX}{number:03d}."
    put(session, prefix + "coordinator", before.name)
    put(session, prefix + "from", get(session, DISCLOSURES_FROM) or "1")
    for row in session.exec(
        select(VaultSetting).where(col(VaultSetting.key).startswith(BUNDLE_PREFIX))
    ).all():
        put(session, prefix + "bundle." + row.key.removeprefix(BUNDLE_PREFIX), row.value)
        session.delete(row)
    table = BundleDisclosure.__table__  # type: ignore[attr-defined]
    session.execute(
        update(table)
        .where(table.c.chain == 0)
        .values(
            chain=number,
            id=table.c.client_id + f":{number}:" + func.printf("%06d", table.c.seq),
        )
    )
    put(session, LAST_SEQ, "0")
    put(session, DISCLOSURES_FROM, "1")
    return True


@dataclass(frozen=True)
class PastChain:
    """The bundles made for a coordinator connected earlier (kept for the Art. 15 copy)."""

    number: int
    coordinator_name: str
    disclosures_from: int
    """The first of its bundles the ledger has rows for (schema 0018)."""
    bundles: tuple[SentBundle, ...]


def past_chains(session: Session) -> list[PastChain]:
    """Every earlier coordinator's chain, oldest first."""
    values = {
        row.key.removeprefix(PAST_PREFIX): row.value
        for row in session.exec(
            select(VaultSetting).where(col(VaultSetting.key).startswith(PAST_PREFIX))
        ).all()
    }
    chains = []
    for number in sorted({int(key.split(".", 1)[0]) for key in values}):
        head = f"{number:03d}."
        bundles = sorted(
            (
                SentBundle.from_json(value)
                for key, value in values.items()
                if key.startswith(head + "bundle.")
            ),
            key=lambda b: b.seq,
        )
        first = values.get(head + "from", "1")
        chains.append(
            PastChain(
                number=number,
                coordinator_name=values.get(head + "coordinator", ""),
                disclosures_from=int(first) if first.isdigit() else 1,
                bundles=tuple(bundles),
            )
        )
    return chains


@dataclass(frozen=True)
class SentBundle:
    """What the vault remembers about a bundle it made."""

    seq: int
    rev_after: int
    rev_upto: int
    nonce: str
    prev: str | None
    link: str
    week: str
    created_at: str
    recipient: str
    written: bool = True
    """False from the commit that takes the sequence number until its file is on disk: a crash
    or a full disk in between leaves it False, and the next export writes it again first.
    (Rows from before this field read as written.)"""

    def to_json(self) -> str:
        """JSON for the VaultSetting row."""
        return json.dumps(self.__dict__, sort_keys=True)

    @staticmethod
    def from_json(text: str) -> SentBundle:
        """Parse a VaultSetting row."""
        doc: dict[str, Any] = json.loads(text)
        return SentBundle(**doc)


def last_seq(session: Session) -> int:
    """Sequence number of the newest bundle (0: none yet)."""
    raw = get(session, LAST_SEQ)
    return int(raw) if raw else 0


def sent_bundle(session: Session, seq: int) -> SentBundle | None:
    """The remembered bundle `seq`, or None."""
    raw = get(session, bundle_key(seq))
    return SentBundle.from_json(raw) if raw else None


def record_bundle(session: Session, sent: SentBundle) -> None:
    """Remember a new bundle and advance the sequence (the caller commits)."""
    put(session, bundle_key(sent.seq), sent.to_json())
    put(session, LAST_SEQ, str(sent.seq))


def mark_written(session: Session, seq: int) -> None:
    """Note that bundle `seq`'s file reached the disk (the caller commits)."""
    sent = sent_bundle(session, seq)
    if sent is not None and not sent.written:
        put(session, bundle_key(seq), replace(sent, written=True).to_json())


def unwritten_seq(session: Session) -> int | None:
    """The newest bundle whose file was never completely written, or None."""
    seq = last_seq(session)
    sent = sent_bundle(session, seq) if seq else None
    return seq if sent is not None and not sent.written else None
