"""Errors the store raises. Each carries a message a coach can act on, worded in the UI language
at the time it is raised (German unless `--lang en` or the English UI).

The CLI prints `str(error)` and exits non-zero; the UI shows it inline. None of them ever contains
personal data: they name files and fields, never content.
"""

from __future__ import annotations

import errno

from kim_tui.i18n import tr


class VaultError(Exception):
    """Base class of every expected, explainable failure of the vault."""


class WrongPassphrase(VaultError):
    def __init__(self, what: str | None = None) -> None:
        what = what or tr("Passwort", "Passphrase")
        super().__init__(
            tr(
                f"{what} ist falsch. Der Tresor wurde nicht verändert.",
                f"{what} is wrong. The vault was not changed.",
            )
        )


class VaultNotFound(VaultError):
    def __init__(self, path: object) -> None:
        super().__init__(
            tr(
                f"Kein Tresor in {path} (keine Schlüsseldatei gefunden). Mit `kim init` anlegen.",
                f"No vault in {path} (no key file found). Create one with `kim init`.",
            )
        )


class VaultExists(VaultError):
    def __init__(self, path: object) -> None:
        super().__init__(
            tr(
                f"{path} existiert bereits und ist nicht leer; es wird nichts überschrieben.",
                f"{path} already exists and is not empty; nothing is overwritten.",
            )
        )


class CorruptFile(VaultError):
    """A file is truncated, damaged, or not a kim file at all."""

    def __init__(self, path: object, why: str) -> None:
        super().__init__(
            tr(
                f"Datei {path} ist beschädigt oder keine kim-Datei: {why}",
                f"File {path} is damaged or not a kim file: {why}",
            )
        )


class VaultLocked(VaultError):
    def __init__(self, path: object) -> None:
        super().__init__(
            tr(
                f"Der Tresor {path} ist bereits in einem anderen kim-Prozess geöffnet. "
                "Bitte dort schließen (oder sperren und beenden) und erneut versuchen.",
                f"The vault {path} is already open in another kim process. "
                "Please close it there (or lock and quit) and try again.",
            )
        )


class UnsupportedVersion(VaultError):
    def __init__(self, path: object, found: object, supported: object) -> None:
        super().__init__(
            tr(
                f"{path} hat Format-Version {found}; diese kim-Version kann {supported}. "
                "Bitte kim aktualisieren.",
                f"{path} has format version {found}; this kim version handles {supported}. "
                "Please update kim.",
            )
        )


class MigrationFailed(VaultError):
    """Bringing the vault's data format up to date failed (the vault is not opened)."""

    def __init__(self, path: object, found: object, target: object, kind: str) -> None:
        super().__init__(
            tr(
                f"Das Datenformat von {path} ließ sich nicht von Version {found} auf {target} "
                f"aktualisieren ({kind}). Der Tresor wurde nicht geöffnet. Bitte `kim check` "
                "ausführen und die letzte Sicherung bereithalten.",
                f"The data format of {path} could not be updated from version {found} to "
                f"{target} ({kind}). The vault was not opened. Please run `kim check` and keep "
                "the latest backup at hand.",
            )
        )


class PassphraseFileError(VaultError):
    def __init__(self, path: object, why: str) -> None:
        super().__init__(tr(f"Passwortdatei {path}: {why}", f"Passphrase file {path}: {why}"))


class ValidationError(VaultError):
    """Input that breaks a rule; `problems` maps a field name to a message in the UI language
    at the time the rule ran (`kim_tui.i18n.tr`; tests/test_messages_bilingual.py checks it)."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        # The messages name their field already; internal keys stay out of sight.
        super().__init__(" ".join(problems.values()))


class NotFound(VaultError):
    def __init__(self, what: str) -> None:
        super().__init__(tr(f"{what} nicht gefunden.", f"{what} not found."))


class ConsentRequired(VaultError):
    """A referral would pass identifying data without a matching sharing consent (DP-3)."""

    def __init__(self, agency: str) -> None:
        self.agency = agency
        super().__init__(
            tr(
                f"Keine gültige Einwilligung zur Weitergabe an „{agency}“. Ohne Einwilligung nur "
                "mit Begründung (wird protokolliert) oder ohne identifizierende Daten.",
                f"No valid consent to share with “{agency}”. Without consent only with a reason "
                "(it is logged) or without identifying data.",
            )
        )


# What the operating system said, in words a coach can act on: (what is wrong, what to do),
# each in German and English.
_OS_PROBLEMS: dict[int, tuple[tuple[str, str], tuple[str, str]]] = {
    errno.ENOSPC: (
        ("kein Platz mehr auf dem Datenträger", "no space left on the disk"),
        ("Bitte Platz schaffen und erneut versuchen.", "Please free some space and try again."),
    ),
    errno.EDQUOT: (
        ("Speicherkontingent auf dem Datenträger erschöpft", "disk quota exceeded"),
        ("Bitte Platz schaffen und erneut versuchen.", "Please free some space and try again."),
    ),
    errno.EROFS: (
        (
            "der Datenträger ist schreibgeschützt (nur lesbar eingehängt)",
            "the disk is read-only (mounted read-only)",
        ),
        ("Bitte ein beschreibbares Verzeichnis wählen.", "Please choose a writable folder."),
    ),
    errno.EACCES: (
        ("keine Berechtigung", "permission denied"),
        (
            "Bitte die Rechte prüfen oder ein anderes Verzeichnis wählen.",
            "Please check the permissions or choose another folder.",
        ),
    ),
    errno.EPERM: (
        ("keine Berechtigung", "permission denied"),
        (
            "Bitte die Rechte prüfen oder ein anderes Verzeichnis wählen.",
            "Please check the permissions or choose another folder.",
        ),
    ),
    errno.EISDIR: (
        ("ist ein Verzeichnis, keine Datei", "is a folder, not a file"),
        (
            "Hier gehört eine Datei hin; bitte den Pfad prüfen.",
            "A file belongs here; please check the path.",
        ),
    ),
    errno.ENOTDIR: (
        ("ein Teil des Pfads ist kein Verzeichnis", "part of the path is not a folder"),
        ("Bitte den Pfad prüfen.", "Please check the path."),
    ),
    errno.ENAMETOOLONG: (
        ("der Name ist zu lang", "the name is too long"),
        ("Bitte einen kürzeren Namen oder Pfad wählen.", "Please choose a shorter name or path."),
    ),
    errno.ENOENT: (
        ("gibt es nicht", "does not exist"),
        (
            "Bitte den Pfad prüfen (Ordner vorher anlegen).",
            "Please check the path (create the folder first).",
        ),
    ),
    errno.EEXIST: (
        ("existiert bereits", "already exists"),
        (
            "Es wird nichts überschrieben; bitte ein neues Ziel wählen.",
            "Nothing is overwritten; please choose a new target.",
        ),
    ),
    errno.EIO: (
        ("Lese- oder Schreibfehler des Datenträgers", "the disk failed to read or write"),
        (
            "Bitte den Datenträger prüfen und erneut versuchen.",
            "Please check the disk and try again.",
        ),
    ),
    errno.ELOOP: (
        ("zu viele symbolische Verweise", "too many symbolic links"),
        ("Bitte den Pfad prüfen.", "Please check the path."),
    ),
}


class StorageError(VaultError):
    """The operating system refused to read or write a file (disk full, read-only, no
    permission, a directory where a file belongs, a name too long …). Says which file and what
    to do; the message holds the path and the problem, never file content."""

    def __init__(self, path: object, code: int | None, detail: str = "") -> None:
        self.path = path
        self.errno = code
        problem = _OS_PROBLEMS.get(code or -1)
        if problem is None:
            why = detail or tr("Zugriff fehlgeschlagen", "access failed")
            todo = tr("Bitte den Pfad prüfen.", "Please check the path.")
        else:
            why, todo = tr(*problem[0]), tr(*problem[1])
        super().__init__(f"{path}: {why}. {todo}")

    @staticmethod
    def from_os_error(exc: OSError, fallback_path: object = None) -> StorageError:
        """The `StorageError` for an `OSError`, naming the file it names (or `fallback_path`)."""
        path = exc.filename if exc.filename is not None else fallback_path
        return StorageError(
            path if path is not None else tr("Datei", "file"), exc.errno, exc.strerror or ""
        )


class HandoverRefused(VaultError):
    """A handover, a handover file or a receipt is refused; nothing was changed. `reason` is a
    stable code; the message is German, `english` the same in English, and `str()` gives the
    one of the UI language at the time it is shown."""

    def __init__(self, reason: str, de: str, en: str) -> None:
        self.reason = reason
        self.english = en
        super().__init__(de)

    def __str__(self) -> str:
        return tr(str(self.args[0]), self.english)
