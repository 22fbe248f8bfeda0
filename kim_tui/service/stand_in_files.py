"""The files of a stand-in (Vertretung): reading, verifying and writing them, and the rows
they carry. Shared by `service.stand_in` (send, receive, expiry) and `service.stand_in_return`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError as PydanticError

from kim_tui.i18n import tr
from kim_tui.service.context import ServiceContext
from kim_tui.store.atomic import write_atomic
from kim_tui.store.errors import ValidationError
from kim_tui.store.models import Record
from kim_tui.sync import coach_state as cs
from kim_tui.sync import handover_format as hf
from kim_tui.sync.identity import CoachPublic, display_fingerprint

R = TypeVar("R", bound=Record)

KIND_HINT = {
    hf.HANDOVER: (
        "Das ist eine Übergabedatei, keine Vertretung: bitte mit `kim receive` einlesen.",
        "This is a handover file, not a stand-in: please import it with `kim receive`.",
    ),
    hf.RECEIPT: (
        "Das ist eine Empfangsbestätigung einer Übergabe, keine Vertretung.",
        "This is the receipt of a handover, not a stand-in.",
    ),
    hf.STAND_IN: (
        "Das ist eine Vertretung, keine Rückgabe: bitte mit `kim stand-in --receive`.",
        "This is a stand-in, not a return: please use `kim stand-in --receive`.",
    ),
    hf.STAND_IN_RETURN: (
        "Das ist eine Rückgabe einer Vertretung: bitte beim zuständigen Coach "
        "mit `kim stand-in --import-return` einlesen.",
        "This is the return of a stand-in: the coach in charge imports it with "
        "`kim stand-in --import-return`.",
    ),
}
"""What a file of another kind is, and where it belongs (German, English)."""


def refuse(de: str, en: str) -> ValidationError:
    """A refused file: the message names what is wrong, in the UI language."""
    return ValidationError({"file": tr(de, en)})


def dump(row: Record) -> dict[str, Any]:
    """A row as JSON values (ISO dates), as it travels."""
    return row.model_dump(mode="json")


def load(model: type[R], doc: object) -> R:
    """A row from a payload object: exactly the model's fields, each of the right type."""
    if not isinstance(doc, dict) or set(doc) != set(model.model_fields):
        raise refuse(
            "Inhalt hat nicht die erwartete Form (Felder).",
            "The content does not have the expected shape (fields).",
        )
    try:
        return model.model_validate(doc)
    except PydanticError:
        raise refuse(
            "Inhalt hat nicht die erwartete Form (Werte).",
            "The content does not have the expected shape (values).",
        ) from None


def find_colleague(ctx: ServiceContext, name: str) -> CoachPublic:
    """The stored colleague named `name` (the whole name, the start of the fingerprint in
    either form, or else a part of the name only one colleague has); a clear message when none
    or several match."""
    needle = name.strip().casefold()
    flat = needle.replace("-", "").replace(" ", "").replace(":", "")
    with ctx.uow.read() as s:
        colleagues = cs.colleagues(s)
    if not needle:
        raise ValidationError(
            {"colleague": tr("Bitte die Kolleg*in angeben.", "Please name the colleague.")}
        )
    matches = [
        c
        for c in colleagues
        if c.name.strip().casefold() == needle
        or (len(flat) >= 8 and c.fingerprint.startswith(flat))
        or (
            len(flat) >= 8
            and display_fingerprint(c.fingerprint).replace("-", "").casefold().startswith(flat)
        )
    ]
    if not matches:
        # "Ben" for "Ben Berger": a part of the name, if only one colleague has it.
        matches = [c for c in colleagues if needle in c.name.casefold()]
    if not matches:
        raise ValidationError(
            {
                "colleague": tr(
                    f"Keine gespeicherte Kolleg*in „{name.strip()}“: zuerst "
                    "`kim colleague add coach.pub` (Fingerabdruck vergleichen).",
                    f"No stored colleague “{name.strip()}”: first "
                    "`kim colleague add coach.pub` (compare the fingerprint).",
                )
            }
        )
    if len(matches) > 1:
        raise ValidationError(
            {
                "colleague": tr(
                    "Mehrere Kolleg*innen passen: bitte den Fingerabdruck angeben.",
                    "Several colleagues match: please give the fingerprint.",
                )
            }
        )
    return matches[0]


def open_file(
    ctx: ServiceContext, path: Path, kind: str
) -> tuple[hf.ParsedHandover, dict[str, Any], CoachPublic]:
    """Read, verify and decrypt a file of `kind` addressed to this vault."""
    try:
        data = Path(path).expanduser().read_bytes()
    except OSError as exc:
        raise refuse(
            f"Datei nicht lesbar: {exc.strerror or 'Fehler'}.",
            f"File cannot be read: {exc.strerror or 'error'}.",
        ) from None
    try:
        parsed = hf.parse(data)
    except hf.HandoverError as exc:
        raise refuse(f"Datei abgelehnt: {exc}.", f"File refused: {exc}.") from None
    if parsed.header.kind != kind:
        raise refuse(*KIND_HINT[parsed.header.kind])
    with ctx.uow.read() as s:
        colleagues = {c.fingerprint: c for c in cs.colleagues(s)}
        me = cs.coach_public(s)
        kem = cs.receiving_key(s)
    sender = colleagues.get(parsed.header.sender)
    if sender is None:
        shown = display_fingerprint(parsed.header.sender)
        raise refuse(
            f"Absender ist keine gespeicherte Kolleg*in (Fingerabdruck {shown}): zuerst "
            "`kim colleague add coach.pub` und den Fingerabdruck vergleichen.",
            f"The sender is not a stored colleague (fingerprint {shown}): first "
            "`kim colleague add coach.pub` and compare the fingerprint.",
        )
    try:
        doc = hf.open_verified(parsed, sender, me.fingerprint, kem)
    except hf.HandoverError as exc:
        raise refuse(f"Datei abgelehnt: {exc}.", f"File refused: {exc}.") from None
    if doc.get("kind") != kind:
        raise refuse(
            "Inhalt passt nicht zur Art der Datei.",
            "The content does not match the kind of file.",
        )
    return parsed, doc, sender


def day(value: object) -> date:
    """An ISO date from a payload; a refusal for anything else."""
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise refuse(
            "Inhalt hat nicht die erwartete Form (Datum).",
            "The content does not have the expected shape (date).",
        ) from None


def stamp() -> str:
    """The header's creation time, UTC, to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_file(out: Path, data: bytes) -> None:
    """Write a stand-in file atomically (mode 0600) into an existing directory."""
    target = Path(out).expanduser()
    if not target.parent.is_dir():
        raise ValidationError(
            {
                "out": tr(
                    f"Das Verzeichnis {target.parent} gibt es nicht.",
                    f"The folder {target.parent} does not exist.",
                )
            }
        )
    write_atomic(target, data, mode=0o600)
