"""Safe countries of origin as data (``data/rules/safe_countries.toml``), with source and date.

§ 29a AsylG (Anlage II) and, since 01.02.2026, the ordinance under § 29b AsylG name them; the
§ 60c/§ 60d hints warn that a work ban under § 60a Abs. 6 may apply to their nationals.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from datetime import date
from importlib import resources

SAFE_COUNTRIES_FILE = "safe_countries.toml"


@dataclass(frozen=True)
class SafeCountry:
    """One safe country of origin: ISO 3166-1 alpha-3 code and German name."""

    code: str
    name_de: str
    name_en: str


@dataclass(frozen=True)
class SafeCountries:
    """The list with the legal sources it follows and the day it was checked."""

    countries: tuple[SafeCountry, ...]
    source: str
    as_of: date

    def get(self, code: str | None) -> SafeCountry | None:
        """The entry for a nationality code, None when it is not on the list."""
        return next((c for c in self.countries if c.code == code), None)


@functools.cache
def load_safe_countries() -> SafeCountries:
    """Load the shipped list (cached); raises ValueError on bad data."""
    resource = resources.files("kim_tui.domain").joinpath("data", "rules", SAFE_COUNTRIES_FILE)
    data = tomllib.loads(resource.read_text(encoding="utf-8"))
    source, as_of, raw = data.get("source"), data.get("as_of"), data.get("countries")
    if not isinstance(source, str) or not source:
        raise ValueError(f"{SAFE_COUNTRIES_FILE}: source is required")
    if not isinstance(as_of, date):
        raise ValueError(f"{SAFE_COUNTRIES_FILE}: as_of must be a date")
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"{SAFE_COUNTRIES_FILE}: no [[countries]]")
    countries = []
    for entry in raw:
        code, de, en = entry.get("code"), entry.get("de"), entry.get("en")
        if not (isinstance(code, str) and len(code) == 3 and code.isupper()):
            raise ValueError(f"{SAFE_COUNTRIES_FILE}: bad code {code!r}")
        if not (isinstance(de, str) and de and isinstance(en, str) and en):
            raise ValueError(f"{SAFE_COUNTRIES_FILE}: {code}: de and en are required")
        countries.append(SafeCountry(code, de, en))
    return SafeCountries(countries=tuple(countries), source=source, as_of=as_of)
