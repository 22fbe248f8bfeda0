"""User settings (not personal data): language, auto-lock time. Read from a small TOML file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Literal

from kim_tui.i18n import tr
from kim_tui.locations import config_file


@dataclass(frozen=True)
class Config:
    language: Literal["de", "en"] = "de"
    """UI language; German by default, English switchable."""
    idle_lock_minutes: float = 10.0
    """Lock the vault after this many minutes without a key press (0 disables)."""
    coach_name: str = ""
    """Shown on printed agreements; not personal data of a client."""
    organisation: str = ""
    """The coach's organisation (Caritas, DRK, Diakonie, ZAQ, KI)."""


MAX_TEXT_SETTING = 200
"""Longest coach name or organisation in the settings (they are printed on one line)."""
MAX_CONFIG_BYTES = 64 * 1024


class ConfigError(ValueError):
    """The settings file cannot be used; the message names the file and what is wrong."""

    def __init__(self, path: Path, why: str) -> None:
        self.path = path
        super().__init__(
            tr(
                f"Konfigurationsdatei {path}: {why}. Bitte die Datei korrigieren oder löschen "
                "(dann gelten die Standardwerte).",
                f"Settings file {path}: {why}. Please correct or delete the file "
                "(the defaults then apply).",
            )
        )


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file gives the defaults, a broken one a `ConfigError`
    naming the file (never a traceback): bad TOML or encoding, unknown keys, wrong types, values
    out of range, a file far too large or nested far too deep."""
    path = path or config_file()
    if not path.is_file():
        return Config()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            path,
            tr(f"nicht lesbar ({exc.strerror or exc})", f"not readable ({exc.strerror or exc})"),
        ) from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(path, tr("zu groß", "too large"))
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(path, tr("nicht UTF-8-kodiert", "not UTF-8 encoded")) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            path, tr(f"kein gültiges TOML ({exc})", f"not valid TOML ({exc})")
        ) from None
    except (ValueError, RecursionError):  # overlong numbers, nesting thousands deep
        raise ConfigError(path, tr("kein gültiges TOML", "not valid TOML")) from None
    known = {f.name for f in fields(Config)}
    unknown = set(raw) - known
    if unknown:
        raise ConfigError(
            path, tr(f"unbekannte Einträge {sorted(unknown)}", f"unknown entries {sorted(unknown)}")
        )
    if raw.get("language", "de") not in ("de", "en"):
        raise ConfigError(
            path, tr("language muss 'de' oder 'en' sein", "language must be 'de' or 'en'")
        )
    minutes = raw.get("idle_lock_minutes", 10.0)
    if type(minutes) not in (int, float) or not 0 <= minutes <= 24 * 60:
        raise ConfigError(
            path,
            tr(
                "idle_lock_minutes muss eine Zahl von 0 bis 1440 sein",
                "idle_lock_minutes must be a number from 0 to 1440",
            ),
        )
    for key in ("coach_name", "organisation"):
        value = raw.get(key, "")
        if not isinstance(value, str) or len(value) > MAX_TEXT_SETTING:
            raise ConfigError(
                path,
                tr(
                    f"{key} muss Text mit höchstens {MAX_TEXT_SETTING} Zeichen sein",
                    f"{key} must be text of at most {MAX_TEXT_SETTING} characters",
                ),
            )
    return Config(**{**raw, "idle_lock_minutes": float(minutes)})


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write the settings as TOML (only our own simple keys, so no TOML writer is needed)."""
    path = path or config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    for f in fields(Config):
        value = getattr(config, f.name)
        if isinstance(value, str):
            escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            lines.append(f'{f.name} = "{escaped}"')
        else:
            lines.append(f"{f.name} = {value}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
