"""Errors the store raises. Each carries a message a coach can act on (German, as shown in the UI).

The CLI prints `str(error)` and exits non-zero; the UI shows it inline. None of them ever contains
personal data: they name files and fields, never content.
"""

from __future__ import annotations


class VaultError(Exception):
    """Base class of every expected, explainable failure of the vault."""


class WrongPassphrase(VaultError):
    def __init__(self, what: str = "Passwort") -> None:
        super().__init__(f"{what} ist falsch. Der Tresor wurde nicht verändert.")


class VaultNotFound(VaultError):
    def __init__(self, path: object) -> None:
        super().__init__(
            f"Kein Tresor in {path} (keine Schlüsseldatei gefunden). Mit `kim init` anlegen."
        )


class VaultExists(VaultError):
    def __init__(self, path: object) -> None:
        super().__init__(
            f"{path} existiert bereits und ist nicht leer; es wird nichts überschrieben."
        )


class CorruptFile(VaultError):
    """A file is truncated, damaged, or not a kim file at all."""

    def __init__(self, path: object, why: str) -> None:
        super().__init__(f"Datei {path} ist beschädigt oder keine kim-Datei: {why}")


class VaultLocked(VaultError):
    def __init__(self, path: object) -> None:
        super().__init__(
            f"Der Tresor {path} ist bereits in einem anderen kim-Prozess geöffnet. "
            "Bitte dort schließen (oder sperren und beenden) und erneut versuchen."
        )


class UnsupportedVersion(VaultError):
    def __init__(self, path: object, found: object, supported: object) -> None:
        super().__init__(
            f"{path} hat Format-Version {found}; diese kim-Version kann {supported}. "
            "Bitte kim aktualisieren."
        )


class MigrationFailed(VaultError):
    """Bringing the vault's data format up to date failed (the vault is not opened)."""

    def __init__(self, path: object, found: object, target: object, kind: str) -> None:
        super().__init__(
            f"Das Datenformat von {path} ließ sich nicht von Version {found} auf {target} "
            f"aktualisieren ({kind}). Der Tresor wurde nicht geöffnet. Bitte `kim check` "
            "ausführen und die letzte Sicherung bereithalten."
        )


class PassphraseFileError(VaultError):
    def __init__(self, path: object, why: str) -> None:
        super().__init__(f"Passwortdatei {path}: {why}")


class ValidationError(VaultError):
    """Input that breaks a rule; `problems` maps a field name to a German message."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        # The messages name their field in German already; internal keys stay out of sight.
        super().__init__(" ".join(problems.values()))


class NotFound(VaultError):
    def __init__(self, what: str) -> None:
        super().__init__(f"{what} nicht gefunden.")


class ConsentRequired(VaultError):
    """A referral would pass identifying data without a matching sharing consent (DP-3)."""

    def __init__(self, agency: str) -> None:
        self.agency = agency
        super().__init__(
            f"Keine gültige Einwilligung zur Weitergabe an „{agency}“. Ohne Einwilligung nur mit "
            "Begründung (wird protokolliert) oder ohne identifizierende Daten."
        )
