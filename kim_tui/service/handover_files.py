"""The files of a handover (issue 14 §§ 2–3): where they go, reading and writing them, and the
refusals every step shares (a damaged file, the wrong kind, no identity yet). Used by
`service.handover`; each refusal is a `HandoverRefused` in both languages, nothing changed."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from sqlmodel import Session

from kim_tui.i18n import tr
from kim_tui.store.atomic import write_atomic
from kim_tui.store.errors import HandoverRefused, StorageError
from kim_tui.store.small_file import UnsuitableFile, read_small_file
from kim_tui.sync import coach_state as cs
from kim_tui.sync import handover_format as hf

T = TypeVar("T")

MAX_FILE = 80 * 1024 * 1024
"""A handover file: the payload is at most 64 MiB before compression (`handover_format`)."""
SUFFIX = ".kimh"


def link_id(handover_id: str) -> str:
    """The `HandoverLink` id (a dashed UUID, as every id in a bundle) of a file's 32-hex id."""
    return str(uuid.UUID(hex=handover_id))


def stamp(now: datetime) -> str:
    """A header's creation time: UTC, to the second."""
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def target_path(path: str, handover_id: str, kind: str) -> Path:
    """The file to write: `path`, or a file named by the id in the directory `path`."""
    target = Path(path).expanduser()
    if target.is_dir():
        prefix = "kim-uebergabe" if kind == hf.HANDOVER else "kim-quittung"
        target = target / f"{prefix}-{handover_id[:8]}{SUFFIX}"
    return target


def write_file(target: Path, data: bytes) -> None:
    """Write a handover file or receipt atomically (mode 0600) into an existing directory."""
    try:
        if not target.parent.is_dir():
            raise FileNotFoundError(
                2, tr("Verzeichnis fehlt", "folder missing"), str(target.parent)
            )
        write_atomic(target, data, mode=0o600)
    except OSError as exc:
        raise StorageError.from_os_error(exc, target) from None


def read_file(path: str) -> bytes:
    """The bytes of a handover file or receipt (a regular file of at most `MAX_FILE`)."""
    source = Path(path).expanduser()
    try:
        return read_small_file(source, MAX_FILE)
    except UnsuitableFile as exc:
        # `why` is already in the UI language (a directory, a pipe, too large: the coach needs
        # to know which), so both languages carry it.
        why = f"{source}: {exc.why}"
        raise HandoverRefused("unsuitable", why, why) from None
    except OSError as exc:
        raise StorageError.from_os_error(exc, source) from None


def refused(exc: hf.HandoverError) -> HandoverRefused:
    """A file the format refused, as the coach is told (its reason in the UI language)."""
    return HandoverRefused(
        exc.reason,
        f"Datei abgelehnt: {exc}. Nichts wurde geändert.",
        f"File refused: {exc}. Nothing was changed.",
    )


_OTHER_KIND = {
    hf.RECEIPT: (
        "Das ist eine Empfangsbestätigung, keine Übergabe: beim übergebenden Coach mit "
        "`kim handover --confirm DATEI` einlesen. Nichts wurde geändert.",
        "This is a receipt, not a handover: import it on the sending coach's vault with "
        "`kim handover --confirm FILE`. Nothing was changed.",
    ),
    hf.HANDOVER: (
        "Das ist eine Übergabedatei, keine Empfangsbestätigung: bei der Kolleg*in mit "
        "`kim receive DATEI` einlesen. Nichts wurde geändert.",
        "This is a handover file, not a receipt: the colleague imports it with "
        "`kim receive FILE`. Nothing was changed.",
    ),
    hf.STAND_IN: (
        "Das ist eine Vertretungsdatei: bei der Kolleg*in mit `kim stand-in --receive DATEI` "
        "einlesen. Nichts wurde geändert.",
        "This is a stand-in file: the colleague imports it with "
        "`kim stand-in --receive FILE`. Nothing was changed.",
    ),
    hf.STAND_IN_RETURN: (
        "Das ist die Rückgabe einer Vertretung: beim zuständigen Coach mit "
        "`kim stand-in --import-return DATEI` einlesen. Nichts wurde geändert.",
        "This is the return of a stand-in: the coach in charge imports it with "
        "`kim stand-in --import-return FILE`. Nothing was changed.",
    ),
}
"""What a file of another kind is and where it belongs, when a handover or receipt was
expected (German, English)."""


def parse_kind(data: bytes, kind: str) -> hf.ParsedHandover:
    """Split a file of `kind` (handover or receipt); the other kind says where it belongs."""
    try:
        parsed = hf.parse(data)
    except hf.HandoverError as exc:
        raise refused(exc) from None
    if parsed.header.kind != kind:
        de, en = _OTHER_KIND[parsed.header.kind]
        code = f"{parsed.header.kind}_not_{kind}".replace("-", "_")
        raise HandoverRefused(code, de, en)
    return parsed


def own(read: Callable[[Session], T], s: Session) -> T:
    """One of the vault's own keys; without `kim identity` a clear refusal, not a crash."""
    try:
        return read(s)
    except cs.SyncSetupError:
        raise HandoverRefused(
            "no_identity",
            "Dieser Tresor hat noch keine Identität: zuerst `kim identity` (und die coach.pub "
            "mit den Kolleg*innen austauschen). Nichts wurde geändert.",
            "This vault has no identity yet: first `kim identity` (and exchange coach.pub with "
            "your colleagues). Nothing was changed.",
        ) from None
