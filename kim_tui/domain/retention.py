"""When a closed case's data are due for erasure (DP-6): the retention rule of a vault.

The rule is "end of the closure year + N years" (default N from ``data/retention.toml``); the
vault may choose another N. Pure: the service stores N and applies it.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from datetime import date
from importlib import resources

__all__ = ["RetentionRule", "default_rule", "retention_end"]


@dataclass(frozen=True)
class RetentionRule:
    """End of the closure year plus `years` years."""

    years: int
    min_years: int
    max_years: int
    de_template: str
    en_template: str
    source_de: str
    source_en: str
    verify: bool

    def label(self, lang: str = "de") -> str:
        """The rule in words, e.g. "Ende des Abschlussjahres + 3 Jahre"."""
        template = self.en_template if lang == "en" else self.de_template
        return template.format(years=self.years)

    def source(self, lang: str = "de", erasure: str = "Art. 17 DSGVO") -> str:
        """Where the rule comes from, citing `erasure`, the erasure article of the vault's
        data-protection regime (DSGVO, KDG or DSG-EKD)."""
        template = self.source_en if lang == "en" else self.source_de
        return template.format(erasure=erasure)

    def end(self, closed_on: date) -> date:
        """The retention end of a case closed on `closed_on`."""
        return retention_end(closed_on, self.years)

    def with_years(self, years: int) -> RetentionRule:
        """The same rule with another number of years; ValueError outside the allowed range."""
        if not self.min_years <= years <= self.max_years:
            raise ValueError(years)
        return RetentionRule(
            years,
            self.min_years,
            self.max_years,
            self.de_template,
            self.en_template,
            self.source_de,
            self.source_en,
            self.verify,
        )


def retention_end(closed_on: date, years: int) -> date:
    """31 December of the closure year plus `years` years."""
    return date(closed_on.year + years, 12, 31)


@functools.cache
def default_rule() -> RetentionRule:
    """The rule a vault uses until the coach changes the number of years."""
    text = resources.files("kim_tui.domain").joinpath("data/retention.toml").read_text("utf-8")
    raw = tomllib.loads(text)["retention"]
    return RetentionRule(
        years=int(raw["default_years"]),
        min_years=int(raw["min_years"]),
        max_years=int(raw["max_years"]),
        de_template=str(raw["de"]),
        en_template=str(raw["en"]),
        source_de=str(raw["source_de"]),
        source_en=str(raw["source_en"]),
        verify=bool(raw.get("verify", False)),
    )
