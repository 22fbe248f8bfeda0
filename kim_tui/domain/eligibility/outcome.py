"""Building blocks shared by the condition evaluators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.eligibility.results import ConditionResult, ConditionState
from kim_tui.domain.eligibility.schema import ConditionSpec


def status_label_de(code: str) -> str:
    """The German catalog label of a residence-status code."""
    return catalog("residence_statuses").label(code, "de")


def status_label_en(code: str) -> str:
    """The English catalog label of a residence-status code."""
    return catalog("residence_statuses").label(code, "en")


def join_sentences(*parts: str) -> str:
    """Join the non-empty sentences with a space."""
    return " ".join(part for part in parts if part)


@dataclass(frozen=True)
class Outcome:
    """A condition result plus what it means for the whole rule."""

    result: ConditionResult
    inadmissible: bool = False
    """The current status does not fit the rule."""
    final: bool = False
    """Missing for good (cannot be met any more)."""


def condition_result(
    spec: ConditionSpec,
    label_de: str,
    label_en: str,
    state: ConditionState,
    detail_de: str = "",
    detail_en: str = "",
    *,
    earliest: date | None = None,
    latest: date | None = None,
    time_based: bool = False,
    with_note: bool = True,
) -> ConditionResult:
    """A `ConditionResult` with the label and note from the rule data where it has them."""
    return ConditionResult(
        label_de=spec.label_de or label_de,
        label_en=spec.label_en or label_en,
        state=state,
        detail_de=join_sentences(detail_de, spec.note_de if with_note else ""),
        earliest_date=earliest,
        detail_en=join_sentences(detail_en, spec.note_en if with_note else ""),
        latest_date=latest,
        time_based=time_based,
        verify=spec.verify,
    )


def months_text(months: int) -> tuple[str, str]:
    """German and English "N Jahre" for whole years, else "N Monate"."""
    if months % 12 == 0:
        years = months // 12
        return (
            f"{years} Jahr{'e' if years != 1 else ''}",
            f"{years} year{'s' if years != 1 else ''}",
        )
    return (
        f"{months} Monat{'e' if months != 1 else ''}",
        f"{months} month{'s' if months != 1 else ''}",
    )
