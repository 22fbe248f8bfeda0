"""The data-protection regime a vault works under (DP-1) and where each right is written.

A Caritas vault cites the KDG, a Diakonie vault the DSG-EKD, everyone else the DSGVO: consent
texts, the Art. 15 copy, the record of processing and the erasure dialog name the article of
the vault's regime. The citations live in ``data/regimes.toml`` with their sources.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal

__all__ = ["DEFAULT_REGIME", "REGIME_CODES", "Citation", "Regime", "regime", "regimes"]

DEFAULT_REGIME = "dsgvo"
"""The regime of a vault that never chose one (every vault made before regimes existed)."""

CitationKey = Literal[
    "lawfulness",
    "consent",
    "special_categories",
    "convictions",
    "access",
    "rectification",
    "erasure",
    "restriction",
    "processing_record",
    "security",
    "dpia",
]


@dataclass(frozen=True)
class Citation:
    """Where one right or duty is written under a regime, e.g. "§ 17 KDG"."""

    de: str
    en: str
    verify: bool
    """True while the citation has not been checked against the primary text."""

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.de


@dataclass(frozen=True)
class Regime:
    """One regime: its name, supervisory authority and citations."""

    code: str
    de: str
    en: str
    law_de: str
    law_en: str
    authority_de: str
    authority_en: str
    citations: Mapping[str, Citation]

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.de

    def cite(self, key: CitationKey, lang: str = "de") -> str:
        """The article or paragraph of this regime for `key`, in `lang` ("Art. 15 DSGVO")."""
        return self.citations[key].label(lang)


def _citation(raw: Mapping[str, Any]) -> Citation:
    return Citation(de=str(raw["de"]), en=str(raw["en"]), verify=bool(raw.get("verify", False)))


@functools.cache
def regimes() -> tuple[Regime, ...]:
    """Every regime, in the order a coach chooses from."""
    text = resources.files("kim_tui.domain").joinpath("data/regimes.toml").read_text("utf-8")
    out = []
    for raw in tomllib.loads(text)["regimes"]:
        out.append(
            Regime(
                code=raw["code"],
                de=raw["de"],
                en=raw["en"],
                law_de=raw["law_de"],
                law_en=raw["law_en"],
                authority_de=raw["authority_de"],
                authority_en=raw["authority_en"],
                citations=MappingProxyType(
                    {key: _citation(value) for key, value in raw["citations"].items()}
                ),
            )
        )
    return tuple(out)


REGIME_CODES: tuple[str, ...] = tuple(r.code for r in regimes())


def regime(code: str) -> Regime:
    """The regime with `code`; `KeyError` for an unknown code."""
    for candidate in regimes():
        if candidate.code == code:
            return candidate
    raise KeyError(code)
