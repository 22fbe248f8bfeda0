"""Handing a client over to a colleague (Übergabe, issue 14 §§ 2–3): make the file, take it in,
confirm the receipt.

1. The sender hands the whole client file (`service.handover_payload`) to a stored colleague:
   one `*.kimh` file (`sync.handover_format`), encrypted to the colleague's receiving key and
   signed. It needs a consent in force to pass the data to the colleague's organisation (a
   consent "Weitergabe an eine Stelle" whose recipient, or agency, is that organisation: the
   referral gate's purpose), or an override reason that the audit trail records. The sender's
   open cases close as handed over; the sender keeps the data and a `HandoverLink` out/sent.
2. The receiver verifies the file (a stored colleague's signature, addressed to this vault, not
   received before), runs the duplicate check, and takes the file in as a new client (new
   random ids, every date kept) or merges it into an existing one. A `HandoverLink` in/received
   with the same id, and a signed receipt for the sender.
3. The sender imports the receipt: the client's identifying data is erased here
   (`service.erasure`, reason ``handover``), the `HandoverLink` stays and turns confirmed.

Every refusal changes nothing. Audit events carry codes, random ids and fingerprints, never a
name or the override text.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.consents import in_force
from kim_tui.domain.duplicates import DuplicateIndex
from kim_tui.domain.handover import (
    HandoverConfirmed,
    HandoverMade,
    HandoverPreview,
    HandoverReceived,
)
from kim_tui.domain.model import ClientDraft, ConsentPurpose
from kim_tui.domain.validation import validate_override_reason
from kim_tui.i18n import tr
from kim_tui.service.context import ServiceContext, cases_of, live, require_valid
from kim_tui.service.converters import consent_view, display_name
from kim_tui.service.derived import refresh_case, residence_reminder_weeks, sync_current_residence
from kim_tui.service.duplicate_index import live_people
from kim_tui.service.erasure import REASON_HANDOVER, erase_in, linked_rows
from kim_tui.service.handover_files import (
    link_id,
    own,
    parse_kind,
    read_file,
    refused,
    stamp,
    target_path,
    write_file,
)
from kim_tui.service.handover_payload import (
    ClientFileRows,
    PayloadError,
    client_file_payload,
    client_file_rows,
)
from kim_tui.service.merge import merge_in
from kim_tui.service.retention import retention_rule, sync_retention
from kim_tui.store.errors import HandoverRefused, ValidationError
from kim_tui.store.models import Client, Consent, FollowUp, HandoverLink, utcnow
from kim_tui.sync import coach_state as cs
from kim_tui.sync import handover_format as hf
from kim_tui.sync.identity import CoachPublic, display_fingerprint

CLOSURE_REASON = "handed_over"
"""The closure reason of a case handed over to a colleague (closure_reasons.toml)."""


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def same_organisation(a: str, b: str) -> bool:
    """Whether two organisation names are the same (case and spacing aside)."""
    return _folded(a) == _folded(b)


def consented_to(s: Session, client_id: str, organisation: str, today: date) -> bool:
    """Whether a consent "Weitergabe an eine Stelle" in force on `today` lets the client's file
    go to `organisation` (a colleague's provider, for a handover or a stand-in)."""
    rows = s.exec(
        select(Consent).where(
            col(Consent.client_id) == client_id,
            col(Consent.purpose) == ConsentPurpose.SHARE_AGENCY.value,
            col(Consent.deleted_at).is_(None),
        )
    ).all()
    return any(consent_covers(c, organisation) and in_force(consent_view(c), today) for c in rows)


def consent_covers(consent: Consent, organisation: str) -> bool:
    """Whether a consent "Weitergabe an eine Stelle" names `organisation` as its recipient:
    the recipient text, or the agency whose name, English name or alias it is."""
    wanted = _folded(organisation)
    if not wanted or consent.purpose != ConsentPurpose.SHARE_AGENCY.value:
        return False
    if consent.recipient and _folded(consent.recipient) == wanted:
        return True
    if consent.agency:
        found = catalog("agencies").find(organisation)
        return found is not None and found.code == consent.agency
    return False


class HandoverService:
    """Hand a client over to a colleague, take a handover in, confirm its receipt."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        # The file last inspected, (SHA-256 of its bytes, decrypted document): receiving the
        # same bytes right after the preview skips a second signature check and decryption.
        # Every other check (addressee, sender, replay) runs again inside the write.
        self._inspected: tuple[bytes, Any] | None = None

    # -- sending -------------------------------------------------------------------------------

    def _colleague(self, s: Session, fingerprint: str) -> CoachPublic:
        for pub in cs.colleagues(s):
            if pub.fingerprint == fingerprint:
                return pub
        raise ValidationError(
            {
                "colleague": tr(
                    "Diese Kolleg*in ist nicht gespeichert (`kim colleague add`).",
                    "This colleague is not stored (`kim colleague add`).",
                )
            }
        )

    def handover_consent(self, client_id: str, colleague_fingerprint: str) -> bool:
        """Whether a consent in force today allows passing the client's file to the
        colleague's organisation (otherwise the handover needs an override reason)."""
        with self._ctx.uow.read() as s:
            live(s, Client, client_id)
            colleague = self._colleague(s, colleague_fingerprint)
            return self._consented(s, client_id, colleague.organisation)

    def _consented(self, s: Session, client_id: str, organisation: str) -> bool:
        return consented_to(s, client_id, organisation, self._ctx.today())

    def hand_over(
        self,
        client_id: str,
        colleague_fingerprint: str,
        out_path: str,
        override_reason: str = "",
        *,
        now: datetime | None = None,
    ) -> HandoverMade:
        """Write the handover file of the client for the colleague and close the client's open
        cases as handed over (one write). Without a consent for the colleague's organisation
        an override reason of at least 20 characters is needed; it is audited by a second
        event (as a referral's), its text stays in the vault. The file is written before the
        commit and removed again if the commit fails: either both or neither."""
        override = override_reason.strip()
        moment = now or datetime.now(UTC)
        handover_hex = hf.new_handover_id()
        target = target_path(out_path, handover_hex, hf.HANDOVER)
        written = False
        try:
            with self._ctx.uow.write(
                "handover.make", "handover", link_id(handover_hex), detail=colleague_fingerprint
            ) as tx:
                s = tx.session
                client = live(s, Client, client_id)
                colleague = self._colleague(s, colleague_fingerprint)
                if not colleague.can_receive:
                    raise ValidationError(
                        {
                            "colleague": tr(
                                "Die Kolleg*in hat keinen Empfangsschlüssel.",
                                "The colleague has no receiving key.",
                            )
                        }
                    )
                me = own(cs.coach_public, s)
                consented = self._consented(s, client_id, colleague.organisation)
                if not consented and not override:
                    org = colleague.organisation or colleague.name or "?"
                    raise HandoverRefused(
                        "consent_required",
                        f"Keine gültige Einwilligung zur Weitergabe an „{org}“. Ohne Einwilligung "
                        "nur mit Begründung (mindestens 20 Zeichen, wird protokolliert).",
                        f"No valid consent to pass the file to “{org}”. Without one only with a "
                        "reason (at least 20 characters, recorded in the audit trail).",
                    )
                if not consented:
                    require_valid(validate_override_reason(override))
                payload = client_file_payload(s, linked_rows(s, client_id), client_id, tx.today)
                header = hf.HandoverHeader(
                    hf.HANDOVER, handover_hex, me.fingerprint, colleague.fingerprint, stamp(moment)
                )
                try:
                    data = hf.seal(header, payload, colleague, own(cs.sign_key, s))
                except hf.HandoverError as exc:
                    raise refused(exc) from None
                for case in cases_of(s, client_id):
                    tx.case_id = case.id
                    case.closed_on = max(tx.today, case.first_contact_on)
                    case.closure_reason = CLOSURE_REASON
                    s.add(case)
                    for row in s.exec(
                        select(FollowUp).where(
                            col(FollowUp.case_id) == case.id, col(FollowUp.open) == 1
                        )
                    ).all():
                        row.open = 0
                        s.add(row)
                    sync_retention(tx, case, client, retention_rule(s), self._ctx.calendar)
                    refresh_case(tx, case)
                s.add(
                    HandoverLink(
                        id=link_id(handover_hex),
                        client_id=client_id,
                        direction="out",
                        handed_over_on=tx.today,
                        counterpart=colleague.fingerprint,
                        counterpart_name=colleague.name,
                        state="sent",
                        override_reason="" if consented else override,
                    )
                )
                if not consented:
                    tx.record_handover_override(link_id(handover_hex), tx.case_id)
                write_file(target, data)
                written = True
        except BaseException:
            if written:
                target.unlink(missing_ok=True)
            raise
        return HandoverMade(
            link_id(handover_hex),
            client_id,
            str(target),
            colleague.name,
            colleague.fingerprint,
            not consented,
        )

    # -- receiving -----------------------------------------------------------------------------

    def _open(
        self, s: Session, data: bytes, inspected: tuple[bytes, Any] | None = None
    ) -> tuple[hf.ParsedHandover, CoachPublic, Any]:
        """Parse, check addressee, sender, signature and replay; decrypt. Refuses otherwise.
        `inspected` is a file verified and decrypted before: if `data` is that file, its
        document is used instead of decrypting again."""
        parsed = parse_kind(data, hf.HANDOVER)
        me = own(cs.coach_public, s)
        header = parsed.header
        if header.recipient != me.fingerprint:
            raise HandoverRefused(
                "wrong_recipient",
                "Diese Übergabe ist für jemand anderen bestimmt (nicht für diesen Tresor). "
                "Nichts wurde geändert.",
                "This handover is meant for someone else (not for this vault). "
                "Nothing was changed.",
            )
        sender = next((c for c in cs.colleagues(s) if c.fingerprint == header.sender), None)
        if sender is None:
            shown = display_fingerprint(header.sender)
            raise HandoverRefused(
                "unknown_sender",
                f"Absender unbekannt: Fingerabdruck {shown}. Bitte mit der Kolleg*in "
                "vergleichen und ihre coach.pub speichern (`kim colleague add coach.pub "
                f"--fingerprint {shown}`), dann erneut einlesen. Nichts wurde geändert.",
                f"Unknown sender: fingerprint {shown}. Compare it with your colleague and store "
                f"their coach.pub (`kim colleague add coach.pub --fingerprint {shown}`), then "
                "import again. Nothing was changed.",
            )
        if inspected is not None and inspected[0] == hashlib.sha256(data).digest():
            doc = inspected[1]
        else:
            try:
                doc = hf.open_verified(parsed, sender, me.fingerprint, own(cs.receiving_key, s))
            except hf.HandoverError as exc:
                raise refused(exc) from None
        known = s.get(HandoverLink, link_id(header.id))
        if known is not None:
            raise HandoverRefused(
                "replay",
                f"Diese Übergabe wurde bereits am {known.created_at:%d.%m.%Y} empfangen "
                "(oder stammt aus diesem Tresor). Nichts wurde geändert.",
                f"This handover was already received on {known.created_at:%d.%m.%Y} "
                "(or comes from this vault). Nothing was changed.",
            )
        return parsed, sender, doc

    def inspect_handover(self, path: str) -> HandoverPreview:
        """Verify a handover file and show whom it is about and the likely duplicates here;
        changes nothing (the coach then chooses new file or merge)."""
        data = read_file(path)
        self._inspected = None
        with self._ctx.uow.read() as s:
            parsed, sender, doc = self._open(s, data)
        rows = _rows(doc)
        self._inspected = (hashlib.sha256(data).digest(), doc)
        client = rows.client
        draft = ClientDraft(
            client.given_name, client.family_name, client.birth_date, client.other_names
        )
        candidates = DuplicateIndex(live_people(self._ctx.uow)).find(draft)
        return HandoverPreview(
            link_id(parsed.header.id),
            sender.name,
            sender.fingerprint,
            rows.handed_over_on,
            display_name(client.given_name, client.family_name),
            client.birth_date,
            tuple(candidates),
            birth_precision=client.birth_precision,
        )

    def receive_handover(
        self,
        path: str,
        receipt_out: str,
        *,
        merge_into: str | None = None,
        again: bool = False,
        now: datetime | None = None,
    ) -> HandoverReceived:
        """Take a verified handover file in (one write): as a new client, or merged into the
        client `merge_into`; then write the signed receipt for the sender. The receipt is
        written after the commit (a receipt for a file not taken in would let the sender erase
        the only copy); if writing it fails, `again` writes it once more (`reissue_receipt`)."""
        if again:
            return self.reissue_receipt(path, receipt_out)
        data = read_file(path)
        moment = now or datetime.now(UTC)
        inspected, self._inspected = self._inspected, None
        with self._ctx.uow.write("handover.receive", "handover") as tx:
            s = tx.session
            parsed, sender, doc = self._open(s, data, inspected)
            rows = _rows(doc)
            client = rows.client
            try:
                # Parents before children (the rows come in that order): no relationship()
                # tells the session the order, so each row is flushed as it is added.
                for row in rows.rows:
                    s.add(row)
                    s.flush()
            except IntegrityError:
                raise HandoverRefused(
                    "corrupt",
                    "Datei abgelehnt: der Inhalt passt nicht zusammen. Nichts wurde geändert.",
                    "File refused: its content does not fit together. Nothing was changed.",
                ) from None
            kept = client.id
            if merge_into is not None:
                live(s, Client, merge_into)
                merge_in(tx, merge_into, client.id, frozenset(), tx.today, self._ctx.calendar)
                kept = merge_into
            # The sender's expiry reminder fell due by the sender's lead time: this vault's
            # lead time applies here.
            weeks = residence_reminder_weeks(s)
            for case in cases_of(s, kept):
                sync_current_residence(
                    tx, case, live(s, Client, kept), weeks, self._ctx.calendar, tx.today
                )
                refresh_case(tx, case)
            handover_id = link_id(parsed.header.id)
            s.add(
                HandoverLink(
                    id=handover_id,
                    client_id=kept,
                    direction="in",
                    handed_over_on=rows.handed_over_on,
                    counterpart=sender.fingerprint,
                    counterpart_name=sender.name,
                    state="received",
                )
            )
            tx.entity_id = handover_id
            tx.detail = f"{sender.fingerprint} {'merge' if merge_into else 'new'}"
            receipt = self._receipt(s, parsed.header.id, sender, tx.today, moment)
        target = target_path(receipt_out, parsed.header.id, hf.RECEIPT)
        write_file(target, receipt)
        return HandoverReceived(handover_id, kept, merge_into is not None, str(target), sender.name)

    def _receipt(
        self, s: Session, handover_hex: str, sender: CoachPublic, on: date, moment: datetime
    ) -> bytes:
        me = own(cs.coach_public, s)
        header = hf.HandoverHeader(
            hf.RECEIPT, handover_hex, me.fingerprint, sender.fingerprint, stamp(moment)
        )
        payload = {"handover": handover_hex, "received_on": on.isoformat()}
        return hf.seal(header, payload, sender, own(cs.sign_key, s))

    def reissue_receipt(self, path: str, receipt_out: str) -> HandoverReceived:
        """Write the receipt of an already received handover again (the first one was lost or
        could not be written); changes no record."""
        data = read_file(path)
        parsed = parse_kind(data, hf.HANDOVER)
        with self._ctx.uow.audited("handover.receipt", "handover") as tx:
            s = tx.session
            link = s.get(HandoverLink, link_id(parsed.header.id))
            if link is None or link.direction != "in":
                raise HandoverRefused(
                    "not_received",
                    "Diese Übergabe wurde hier noch nicht empfangen: erst `kim receive DATEI`.",
                    "This handover has not been received here yet: first `kim receive FILE`.",
                )
            sender = self._colleague(s, link.counterpart)
            try:
                hf.open_verified(
                    parsed, sender, own(cs.coach_public, s).fingerprint, own(cs.receiving_key, s)
                )
            except hf.HandoverError as exc:
                raise refused(exc) from None
            tx.entity_id = link.id
            receipt = self._receipt(
                s, parsed.header.id, sender, link.created_at.date(), datetime.now(UTC)
            )
        target = target_path(receipt_out, parsed.header.id, hf.RECEIPT)
        write_file(target, receipt)
        return HandoverReceived(link.id, link.client_id, False, str(target), sender.name)

    # -- confirming ----------------------------------------------------------------------------

    def _verified_receipt(self, s: Session, parsed: hf.ParsedHandover) -> HandoverLink:
        """The handover a receipt confirms, after every check (addressee, a handover made
        here and not yet confirmed, the colleague it went to, signature, content)."""
        handover_id = link_id(parsed.header.id)
        me = own(cs.coach_public, s)
        if parsed.header.recipient != me.fingerprint:
            raise HandoverRefused(
                "wrong_recipient",
                "Diese Empfangsbestätigung ist für jemand anderen bestimmt. Nichts wurde geändert.",
                "This receipt is meant for someone else. Nothing was changed.",
            )
        link = s.get(HandoverLink, handover_id)
        if link is None or link.direction != "out":
            raise HandoverRefused(
                "unknown_handover",
                "Zu dieser Empfangsbestätigung gibt es hier keine Übergabe. Nichts wurde geändert.",
                "There is no handover from this vault for this receipt. Nothing was changed.",
            )
        if link.state == "confirmed":
            raise HandoverRefused(
                "replay",
                "Diese Übergabe ist bereits bestätigt. Nichts wurde geändert.",
                "This handover is already confirmed. Nothing was changed.",
            )
        if parsed.header.sender != link.counterpart:
            raise HandoverRefused(
                "wrong_sender",
                "Die Empfangsbestätigung stammt nicht von der Kolleg*in, an die übergeben "
                "wurde. Nichts wurde geändert.",
                "The receipt does not come from the colleague the file was handed to. "
                "Nothing was changed.",
            )
        colleague = self._colleague(s, link.counterpart)
        try:
            doc = hf.open_verified(parsed, colleague, me.fingerprint, own(cs.receiving_key, s))
        except hf.HandoverError as exc:
            raise refused(exc) from None
        if doc.get("handover") != parsed.header.id:
            raise HandoverRefused(
                "corrupt",
                "Datei abgelehnt: Inhalt passt nicht zum Kopf. Nichts wurde geändert.",
                "File refused: content does not match the header. Nothing was changed.",
            )
        return link

    def confirm_handover(self, receipt_path: str, check_only: bool = False) -> HandoverConfirmed:
        """Import the colleague's receipt: erase the client's identifying data here (reason
        ``handover``) and mark the handover confirmed; the `HandoverLink` stays (one write).
        `check_only` verifies the receipt and says whom it is about, changing nothing (the
        app asks before erasing)."""
        data = read_file(receipt_path)
        parsed = parse_kind(data, hf.RECEIPT)
        handover_id = link_id(parsed.header.id)
        if check_only:
            with self._ctx.uow.read() as s:
                link = self._verified_receipt(s, parsed)
                client = s.get(Client, link.client_id)
                shown = display_name(client.given_name, client.family_name) if client else ""
                return HandoverConfirmed(
                    handover_id, link.client_id, 0, link.counterpart_name, shown
                )
        with self._ctx.uow.write("handover.confirm", "handover", handover_id) as tx:
            s = tx.session
            link = self._verified_receipt(s, parsed)
            client_id, name = link.client_id, link.counterpart_name
            removed = 0
            if s.get(Client, client_id) is not None:
                removed = erase_in(tx, client_id, REASON_HANDOVER)
            # A core update: the flush listener would keep the blanked override text as history.
            s.execute(
                update(HandoverLink)
                .where(col(HandoverLink.id) == handover_id)
                .values(
                    state="confirmed",
                    override_reason="",
                    revision=tx.revision,
                    updated_at=utcnow(),
                )
            )
            tx.entity_id = handover_id
            tx.detail = f"{removed} Datensätze entfernt (handover)"
        self._ctx.vault.truncate_log()
        return HandoverConfirmed(handover_id, client_id, removed, name, "")


def _rows(doc: Any) -> ClientFileRows:
    try:
        return client_file_rows(doc)
    except PayloadError as exc:
        raise HandoverRefused(
            "corrupt",
            f"Datei abgelehnt: {exc.de}. Nichts wurde geändert.",
            f"File refused: {exc.en}. Nothing was changed.",
        ) from None


__all__ = [
    "CLOSURE_REASON",
    "HandoverRefused",
    "HandoverService",
    "consent_covers",
    "link_id",
]
