"""The record of processing activities and the TOMs as Markdown (DP-13).

The texts live in ``data/processing_record.toml``; the article names come from the vault's
regime (``data/regimes.toml``). The record describes the processing, never a person: it is
built from those two files alone and takes no vault data.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from kim_tui.domain.regime import DEFAULT_REGIME, regime

__all__ = ["RecordSection", "processing_record_markdown", "processing_record_sections"]


@dataclass(frozen=True)
class RecordSection:
    heading: str
    items: tuple[str, ...]
    verify: bool
    """True while a legal point of the section is not checked against the primary text."""
    key: str = ""
    """A name for a section other documents repeat (``purposes``, ``recipients``), or ""."""


DEFAULT_RETENTION_YEARS = 3
"""The years of the default retention rule (`data/retention.toml`) when no vault is asked."""


@functools.cache
def _texts() -> dict[str, Any]:
    raw = resources.files("kim_tui.domain").joinpath("data/processing_record.toml")
    return tomllib.loads(raw.read_text("utf-8"))


def _values(regime_code: str, retention_years: int) -> dict[str, str]:
    law = regime(regime_code)
    values = {key: citation.label("de") for key, citation in law.citations.items()}
    values["regime"] = law.de
    values["authority"] = law.authority_de
    values["retention_years"] = str(retention_years)
    return values


def processing_record_sections(
    regime_code: str = DEFAULT_REGIME, retention_years: int = DEFAULT_RETENTION_YEARS
) -> tuple[str, str, tuple[RecordSection, ...]]:
    """Title, introduction and sections of the record under `regime_code`, with the vault's
    retention rule (end of the closure year plus `retention_years` years)."""
    texts = _texts()
    values = _values(regime_code, retention_years)
    sections = tuple(
        RecordSection(
            heading=raw["heading"].format(**values),
            items=tuple(item.format(**values) for item in raw["items"]),
            verify=bool(raw.get("verify", False)),
            key=str(raw.get("key", "")),
        )
        for raw in texts["sections"]
    )
    return texts["title"], texts["intro"].format(**values), sections


def processing_record_markdown(
    regime_code: str = DEFAULT_REGIME, retention_years: int = DEFAULT_RETENTION_YEARS
) -> str:
    """The record as Markdown, ready to paste into the controller's register."""
    title, intro, sections = processing_record_sections(regime_code, retention_years)
    lines = [f"# {title}", "", intro, ""]
    for section in sections:
        lines += [f"## {section.heading}", ""]
        lines += [f"- {item}" for item in section.items]
        if section.verify:
            lines += ["", "_Rechtlich noch zu prüfen (nicht am Primärtext bestätigt)._"]
        lines.append("")
    return "\n".join(lines)
