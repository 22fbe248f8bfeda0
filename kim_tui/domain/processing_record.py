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


@functools.cache
def _texts() -> dict[str, Any]:
    raw = resources.files("kim_tui.domain").joinpath("data/processing_record.toml")
    return tomllib.loads(raw.read_text("utf-8"))


def _values(regime_code: str) -> dict[str, str]:
    law = regime(regime_code)
    values = {key: citation.label("de") for key, citation in law.citations.items()}
    values["regime"] = law.de
    values["authority"] = law.authority_de
    return values


def processing_record_sections(
    regime_code: str = DEFAULT_REGIME,
) -> tuple[str, str, tuple[RecordSection, ...]]:
    """Title, introduction and sections of the record under `regime_code`."""
    texts = _texts()
    values = _values(regime_code)
    sections = tuple(
        RecordSection(
            heading=raw["heading"].format(**values),
            items=tuple(item.format(**values) for item in raw["items"]),
            verify=bool(raw.get("verify", False)),
        )
        for raw in texts["sections"]
    )
    return texts["title"], texts["intro"].format(**values), sections


def processing_record_markdown(regime_code: str = DEFAULT_REGIME) -> str:
    """The record as Markdown, ready to paste into the controller's register."""
    title, intro, sections = processing_record_sections(regime_code)
    lines = [f"# {title}", "", intro, ""]
    for section in sections:
        lines += [f"## {section.heading}", ""]
        lines += [f"- {item}" for item in section.items]
        if section.verify:
            lines += ["", "_Rechtlich noch zu prüfen (nicht am Primärtext bestätigt)._"]
        lines.append("")
    return "\n".join(lines)
