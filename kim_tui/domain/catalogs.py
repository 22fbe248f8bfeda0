"""Code lists of the domain (priority areas, residence statuses, agencies, ...) with labels.

Each catalog is a TOML file in ``kim_tui/domain/data/<name>.toml``: an array of ``[[entries]]``
tables, each with ``code`` (stable, stored in the vault), ``de`` and ``en`` labels, an optional
``aliases`` list (extra spellings `Catalog.find` accepts, e.g. "Aufenthaltsgestattung") and any
further string fields (``legal_basis``, ``kind``, ``legal_domain``, ...), kept in
`CatalogEntry.extra`. File order is display order.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal

from kim_tui.domain.text import fold

__all__ = ["CATALOG_NAMES", "Catalog", "CatalogEntry", "Lang", "catalog"]

Lang = Literal["de", "en"]

CATALOG_NAMES: tuple[str, ...] = (
    "audit_actions",
    "priority_areas",
    "target_groups",
    "legal_domains",
    "residence_statuses",
    "agencies",
    "closure_reasons",
    "genders",
    "contact_kinds",
    "step_owners",
    "goal_statuses",
    "referral_statuses",
    "access_routes",
    "consent_purposes",
    "case_stages",
    "follow_up_sources",
    "themes",
    "need_levels",
    "duplicate_reasons",
    "record_fields",
    "record_entities",
    "household_roles",
    "birth_precisions",
    "report_indicators",
)

_CODE_RE = re.compile(r"[a-z0-9][a-z0-9_]*")
_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class CatalogEntry:
    """One code of a catalog with its German and English label."""

    code: str
    de: str
    en: str
    extra: Mapping[str, str] = field(default_factory=lambda: _EMPTY, hash=False)
    """Further string fields of the entry (e.g. ``legal_basis``, ``kind``, ``legal_domain``)."""
    aliases: tuple[str, ...] = ()
    """Other spellings accepted by `Catalog.find` (never shown)."""

    def label(self, lang: Lang = "de") -> str:
        """Return the label in ``lang``."""
        return self.en if lang == "en" else self.de


@dataclass(frozen=True)
class Catalog:
    """An immutable, ordered code list."""

    name: str
    entries: tuple[CatalogEntry, ...]
    _by_code: Mapping[str, CatalogEntry] = field(init=False, repr=False, compare=False)
    _by_key: Mapping[str, CatalogEntry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_code: dict[str, CatalogEntry] = {}
        for entry in self.entries:
            if entry.code in by_code:
                raise ValueError(f"catalog {self.name!r}: duplicate code {entry.code!r}")
            by_code[entry.code] = entry
        by_key: dict[str, CatalogEntry] = {}
        # Precedence when folded spellings collide: codes, German, English labels, aliases.
        for attr in ("code", "de", "en"):
            for entry in self.entries:
                by_key.setdefault(fold(getattr(entry, attr)), entry)
        for entry in self.entries:
            for alias in entry.aliases:
                by_key.setdefault(fold(alias), entry)
        object.__setattr__(self, "_by_code", MappingProxyType(by_code))
        object.__setattr__(self, "_by_key", MappingProxyType(by_key))

    def codes(self) -> tuple[str, ...]:
        """Return all codes in display order."""
        return tuple(entry.code for entry in self.entries)

    def get(self, code: str) -> CatalogEntry | None:
        """Return the entry with exactly this code, or None."""
        return self._by_code.get(code)

    def label(self, code: str, lang: Lang = "de") -> str:
        """Return the label of ``code`` in ``lang``; an unknown code is returned as it is."""
        entry = self._by_code.get(code)
        return code if entry is None else entry.label(lang)

    def find(self, text: str) -> CatalogEntry | None:
        """Return the entry whose code, German or English label or alias matches ``text``.

        Matching ignores case, diacritics, German umlaut transliterations and surrounding
        spaces (see `kim_tui.domain.text.fold`), so "Duldung", "duldung " and "DULDUNG" all
        match. Returns None when nothing matches.
        """
        entry = self._by_code.get(text.strip())
        if entry is not None:
            return entry
        key = fold(text)
        return self._by_key.get(key) if key else None

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._by_code

    def __iter__(self) -> Iterator[CatalogEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


def _parse_entry(file: str, index: int, raw: Any) -> CatalogEntry:
    where = f"{file}: entry {index}"
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected a table, got {type(raw).__name__}")
    code = raw.get("code")
    if not isinstance(code, str) or not _CODE_RE.fullmatch(code):
        raise ValueError(f"{where}: code must be lowercase letters, digits, '_', got {code!r}")
    where = f"{file}: entry {index} ({code!r})"
    labels: dict[str, str] = {}
    for lang in ("de", "en"):
        value = raw.get(lang)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{where}: label {lang!r} must be a non-empty string")
        labels[lang] = value
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
        raise ValueError(f"{where}: aliases must be a list of non-empty strings")
    extra: dict[str, str] = {}
    for key, value in raw.items():
        if key in ("code", "de", "en", "aliases"):
            continue
        if not isinstance(value, str):
            raise ValueError(f"{where}: field {key!r} must be a string")
        extra[key] = value
    return CatalogEntry(
        code=code,
        de=labels["de"],
        en=labels["en"],
        extra=MappingProxyType(extra) if extra else _EMPTY,
        aliases=tuple(aliases),
    )


def _load(name: str, text: str) -> Catalog:
    file = f"{name}.toml"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{file}: invalid TOML: {exc}") from exc
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list) or not raw_entries:
        raise ValueError(f"{file}: expected a non-empty [[entries]] array")
    entries = tuple(_parse_entry(file, i, raw) for i, raw in enumerate(raw_entries, start=1))
    seen: set[str] = set()
    for entry in entries:
        if entry.code in seen:
            raise ValueError(f"{file}: duplicate code {entry.code!r}")
        seen.add(entry.code)
    return Catalog(name=name, entries=entries)


@functools.cache
def catalog(name: str) -> Catalog:
    """Return the catalog ``name`` (one of `CATALOG_NAMES`), loaded once and cached.

    Raises KeyError for an unknown name and ValueError when the data file is malformed
    (duplicate codes, empty labels, non-string fields), naming the file and the entry.
    """
    if name not in CATALOG_NAMES:
        raise KeyError(f"unknown catalog {name!r}; known catalogs: {', '.join(CATALOG_NAMES)}")
    resource = resources.files("kim_tui.domain").joinpath("data", f"{name}.toml")
    return _load(name, resource.read_text(encoding="utf-8"))
