"""What an Art. 15 copy tells besides the data (Art. 15 Abs. 1 lit. a-h DSGVO): purposes,
recipients, how long the data are kept, the person's rights, where the data come from, and that
no automated decision is made. Texts from ``data/texts/subject_access_information.toml`` and
the record of processing (``data/processing_record.toml``); article names from the regime."""

from __future__ import annotations

import functools
import tomllib
from datetime import date
from importlib import resources
from typing import Any

from kim_tui.domain.dates import format_date
from kim_tui.domain.processing_record import processing_record_sections
from kim_tui.domain.regime import regime

__all__ = ["subject_access_information"]


@functools.cache
def _texts() -> dict[str, Any]:
    raw = resources.files("kim_tui.domain").joinpath("data/texts/subject_access_information.toml")
    return tomllib.loads(raw.read_text("utf-8"))


def subject_access_information(
    regime_code: str, retention_years: int, retention_end: date | None
) -> dict[str, Any]:
    """The information block of the copy (German, as the copy): `retention_end` is the day
    after which this person's data are erased, None while a case is open."""
    texts = _texts()
    law = regime(regime_code)
    values = {key: citation.label("de") for key, citation in law.citations.items()}
    values["authority"] = law.authority_de
    _title, _intro, sections = processing_record_sections(regime_code, retention_years)
    by_key = {s.key: s.items for s in sections if s.key}
    storage = (
        texts["storage_open"].format(years=retention_years)
        if retention_end is None
        else texts["storage_closed"].format(years=retention_years, end=format_date(retention_end))
    )
    return {
        "purposes": list(by_key["purposes"]),
        "recipients": list(by_key["recipients"]),
        "storage": storage,
        "rights": [item.format(**values) for item in texts["rights"]],
        "source": texts["source"],
        "automated_decisions": texts["automated_decisions"],
    }
