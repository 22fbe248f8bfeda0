"""User settings (not personal data): language, auto-lock time. Read from a small TOML file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Literal

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


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file gives the defaults, a broken one a clear error."""
    path = path or config_file()
    if not path.is_file():
        return Config()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"Konfigurationsdatei {path} ist fehlerhaft: {exc}") from None
    known = {f.name for f in fields(Config)}
    unknown = set(raw) - known
    if unknown:
        raise ValueError(f"Konfigurationsdatei {path}: unbekannte Einträge {sorted(unknown)}")
    config = Config(**raw)
    if config.language not in ("de", "en"):
        raise ValueError(f"Konfigurationsdatei {path}: language muss 'de' oder 'en' sein")
    return config


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
