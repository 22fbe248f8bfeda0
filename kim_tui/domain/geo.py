"""Countries (ISO 3166-1) and languages (ISO 639-3) with German and English names.

Names come from pycountry and its gettext catalogs (domains ``iso3166-1`` and ``iso639-3``).
The German name of a country is the translation of the ISO short name, so it can be the
official inverted form ("Syrien, Arabische Republik"); lookups and search also accept the
common short forms ("Syrien", "Russland", "Turkey") and the alpha-2/alpha-3 codes.
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import pycountry

from kim_tui.domain.catalogs import Lang
from kim_tui.domain.text import fold

__all__ = [
    "KOSOVO",
    "STATELESS",
    "UNKNOWN_COUNTRY",
    "Country",
    "Language",
    "countries",
    "country_name",
    "find_country",
    "find_language",
    "language_name",
    "languages",
    "search_countries",
    "search_languages",
]


STATELESS = "XXA"
UNKNOWN_COUNTRY = "XXX"


@dataclass(frozen=True)
class Country:
    """A country (ISO 3166-1 alpha-3 code) or one of the special codes XXA, XXX, XKX."""

    code: str
    de: str
    en: str

    def label(self, lang: Lang = "de") -> str:
        """Return the name in ``lang``."""
        return self.en if lang == "en" else self.de


@dataclass(frozen=True)
class Language:
    """A language (ISO 639-3 code)."""

    code: str
    de: str
    en: str

    def label(self, lang: Lang = "de") -> str:
        """Return the name in ``lang``."""
        return self.en if lang == "en" else self.de


# Kosovo has no ISO 3166-1 code; XKX is the user-assigned code used by the EU and others. It
# sorts with the ISO countries.
KOSOVO = "XKX"

# (code, de, en, extra spellings); listed after all countries.
_SPECIAL_COUNTRIES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (STATELESS, "staatenlos", "stateless", ("Staatenlosigkeit", "ohne Staatsangehörigkeit")),
    (UNKNOWN_COUNTRY, "ungeklärt", "unknown", ("unbekannt", "ungeklärte Staatsangehörigkeit")),
)

# Everyday names that pycountry does not carry (neither as name nor as common_name).
_COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "TUR": ("Turkey", "Türkei"),
    "RUS": ("Russland", "Russia"),
    "GBR": ("Großbritannien", "Great Britain", "England", "UK"),
    "USA": ("USA", "Amerika", "America"),
    "COD": ("DR Kongo", "Kongo, Demokratische Republik", "Congo-Kinshasa", "DR Congo"),
    "COG": ("Republik Kongo", "Congo-Brazzaville"),
    "CZE": ("Tschechische Republik", "Czech Republic"),
    "MKD": ("Mazedonien", "Macedonia"),
    "NLD": ("Holland",),
    "PSE": ("Palästina", "Palestine"),
    "CIV": ("Elfenbeinküste", "Ivory Coast"),
    "CPV": ("Cape Verde",),
    "SWZ": ("Swasiland", "Swaziland"),
    "MMR": ("Birma", "Burma"),
    "VAT": ("Vatikan", "Vatican"),
    "ARE": ("Emirate", "UAE"),
}

# Everyday names of languages that the ISO names do not cover.
_LANGUAGE_ALIASES: dict[str, tuple[str, ...]] = {
    "fas": ("Farsi",),
    "kmr": ("Kurmandschi", "Kurmanci", "Kurmanji"),
    "ckb": ("Sorani",),
    "pus": ("Paschtu", "Pashto", "Paschto"),
    "ell": ("Griechisch", "Greek"),
    "tir": ("Tigrinisch",),
    "swa": ("Suaheli", "Kisuaheli"),
    "srp": ("Serbisch",),
}


class _Named(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def de(self) -> str: ...


T = TypeVar("T", bound=_Named)


@dataclass
class _Record(Generic[T]):
    item: T
    codes: tuple[str, ...]
    names: list[str | None]
    """Names used by find and search; the German display name first."""
    official: list[str | None]
    """Names used by find only (too noisy for a picker, e.g. "Königreich ...")."""
    aliases: tuple[str, ...]
    sort_key: tuple[str, str] = ("", "")


class _Index(Generic[T]):
    """Items in display order plus lookup keys; built once per kind."""

    def __init__(self, records: list[_Record[T]]) -> None:
        self.items = tuple(r.item for r in records)
        self.by_code: dict[str, T] = {}
        self.by_key: dict[str, T] = {}
        self.folded_de = tuple(r.sort_key[0] for r in records)
        searchable: list[tuple[str, ...]] = []
        name_keys: list[tuple[str, ...]] = []
        for r in records:
            for code in r.codes:
                self.by_code.setdefault(code.upper(), r.item)
            others = dict.fromkeys(n for n in r.names if n and n != r.item.de)
            keys = tuple(dict.fromkeys(k for k in (r.sort_key[0], *map(fold, others)) if k))
            alias_keys = tuple(k for k in dict.fromkeys(map(fold, r.aliases)) if k)
            name_keys.append(keys)
            searchable.append(tuple(dict.fromkeys((*keys, *alias_keys))))
        self.folded_names = tuple(searchable)
        # Precedence when folded names collide: names, then official names, then aliases.
        for r, keys in zip(records, name_keys, strict=True):
            for key in keys:
                self.by_key.setdefault(key, r.item)
        for r in records:
            for name in r.official:
                if name:
                    self.by_key.setdefault(fold(name), r.item)
        for r, keys in zip(records, searchable, strict=True):
            for key in keys:
                self.by_key.setdefault(key, r.item)

    def find(self, text: str) -> T | None:
        item = self.by_code.get(text.strip().upper())
        if item is not None:
            return item
        key = fold(text)
        return self.by_key.get(key) if key else None

    def search(self, query: str, limit: int) -> tuple[T, ...]:
        if limit <= 0:
            return ()
        key = fold(query)
        if not key:
            return self.items[:limit]
        found: dict[str, T] = {}
        for exact in (self.by_code.get(query.strip().upper()), self.by_key.get(key)):
            if exact is not None:
                found.setdefault(exact.code, exact)
        word = f" {key}"
        tiers: tuple[Callable[[int], bool], ...] = (
            lambda i: self.folded_de[i].startswith(key),
            lambda i: any(n.startswith(key) or word in f" {n}" for n in self.folded_names[i]),
            lambda i: any(key in n for n in self.folded_names[i]),
        )
        for matches in tiers:
            for i, item in enumerate(self.items):
                if item.code not in found and matches(i):
                    found[item.code] = item
                    if len(found) >= limit:
                        return tuple(found.values())
        return tuple(found.values())


def _sorted(records: list[_Record[T]]) -> list[_Record[T]]:
    for r in records:
        r.sort_key = (fold(r.item.de), r.item.de)
    return sorted(records, key=lambda r: r.sort_key)


def _translator(domain: str) -> Callable[[str], str]:
    try:
        translation = gettext.translation(domain, pycountry.LOCALES_DIR, languages=["de"])
    except OSError:  # pragma: no cover - translations ship with pycountry
        return lambda text: text
    return translation.gettext


def _alternatives(name: str) -> list[str]:
    """ "Paschtu; Afghanisch" -> ["Paschtu", "Afghanisch"] (ISO names list variants with ';')."""
    return [part.strip() for part in name.split(";") if part.strip()]


@functools.cache
def _country_index() -> _Index[Country]:
    de = _translator("iso3166-1")
    records: list[_Record[Country]] = []
    for record in pycountry.countries:
        name: str = record.name
        common: str | None = getattr(record, "common_name", None)
        official: str | None = getattr(record, "official_name", None)
        country = Country(code=record.alpha_3, de=de(name), en=name)
        records.append(
            _Record(
                item=country,
                codes=(record.alpha_3, record.alpha_2),
                names=[country.de, de(common) if common else None, name, common],
                official=[official, de(official) if official else None],
                aliases=_COUNTRY_ALIASES.get(country.code, ()),
            )
        )
    kosovo = _Record(Country(KOSOVO, "Kosovo", "Kosovo"), (KOSOVO, "XK"), ["Kosovo"], [], ())
    ordered = _sorted([*records, kosovo])
    for code, name_de, name_en, extra in _SPECIAL_COUNTRIES:
        special = Country(code, name_de, name_en)
        ordered.append(_Record(special, (code,), [name_de, name_en], [], extra))
        ordered[-1].sort_key = (fold(name_de), name_de)
    return _Index(ordered)


@functools.cache
def _language_index() -> _Index[Language]:
    de = _translator("iso639-3")
    records: list[_Record[Language]] = []
    for record in pycountry.languages:
        if record.type != "L" or record.scope not in ("I", "M"):
            continue
        name: str = record.name
        names_de = _alternatives(de(name))
        names_en = _alternatives(name)
        language = Language(code=record.alpha_3, de=names_de[0], en=names_en[0])
        codes = (
            record.alpha_3,
            getattr(record, "alpha_2", None),
            getattr(record, "bibliographic", None),
        )
        records.append(
            _Record(
                item=language,
                codes=tuple(c for c in codes if c),
                names=[*names_de, *names_en, getattr(record, "common_name", None)],
                official=[getattr(record, "inverted_name", None)],
                aliases=_LANGUAGE_ALIASES.get(language.code, ()),
            )
        )
    return _Index(_sorted(records))


def countries() -> tuple[Country, ...]:
    """Return all countries (ISO and Kosovo, XKX) sorted by German name, then stateless (XXA)
    and unknown (XXX). Sorting uses the `fold` key, so "Ägypten" sorts with A on any locale."""
    return _country_index().items


def country_name(code: str, lang: Lang = "de") -> str:
    """Return the name of the country with alpha-3 ``code`` in ``lang``; unknown -> ``code``."""
    country = _country_index().by_code.get(code.upper()) if len(code) == 3 else None
    return code if country is None else country.label(lang)


def find_country(text: str) -> Country | None:
    """Return the country matching ``text``: alpha-2 or alpha-3 code, German, English, common
    or official name, or an everyday name ("Türkei", "turkei", "TR", "TUR", "Syrien", "Syria").
    Case, diacritics and umlaut transliterations are ignored. None when nothing matches."""
    return _country_index().find(text)


def search_countries(query: str, limit: int = 20) -> tuple[Country, ...]:
    """Return up to ``limit`` countries for a searchable picker: an exact code or name first,
    then German names starting with ``query``, then any name or word starting with it, then any
    name containing it; each group in German order. An empty query lists the first countries."""
    return _country_index().search(query, limit)


def languages() -> tuple[Language, ...]:
    """Return the living individual languages and living macrolanguages (e.g. Arabic ``ara``,
    Kurdish ``kur``, Persian ``fas``) of ISO 639-3, sorted by German name."""
    return _language_index().items


def language_name(code: str, lang: Lang = "de") -> str:
    """Return the name of the language with ISO 639-3 ``code`` in ``lang``; unknown -> code."""
    language = _language_index().by_code.get(code.upper()) if len(code) == 3 else None
    return code if language is None else language.label(lang)


def find_language(text: str) -> Language | None:
    """Return the language matching ``text``: ISO 639-3, 639-1 or 639-2/B code, German or
    English name, or an everyday name ("Farsi", "Sorani"); case and diacritic insensitive."""
    return _language_index().find(text)


def search_languages(query: str, limit: int = 20) -> tuple[Language, ...]:
    """Return up to ``limit`` languages for a searchable picker, ranked like
    `search_countries`."""
    return _language_index().search(query, limit)
