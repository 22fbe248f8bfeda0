"""What a rule says about a file: per-condition results and the hint as a whole."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

DISCLAIMER_DE = "Hinweis, keine Rechtsberatung – bitte mit der Ausländerbehörde prüfen."
DISCLAIMER_EN = "A hint, not legal advice – please check with the immigration office."


class ConditionState(StrEnum):
    """Whether one condition is met, missing, or cannot be judged from the facts."""

    MET = "met"
    MISSING = "missing"
    UNKNOWN = "unknown"


class HintStatus(StrEnum):
    """Overall result of one rule, in order of precedence."""

    NOT_APPLICABLE = "not_applicable"
    """The current status does not fit, or a condition can never be met any more (age limit
    passed, cut-off date missed, time conditions reached only after the deadline)."""
    NOT_YET = "not_yet"
    """A condition other than the passing of time is missing."""
    UNCLEAR = "unclear"
    """Nothing is missing except time, but some facts are unknown."""
    POSSIBLE_LATER = "possible_later"
    """Only time conditions are missing; `Hint.earliest_date` says when they are met."""
    NOTICE = "notice"
    """An information hint (e.g. a suspension that concerns the current status)."""
    ELIGIBLE_NOW = "eligible_now"
    """Every checkable condition is met (the ones the app cannot check are listed)."""


@dataclass(frozen=True)
class ConditionResult:
    """One condition of a rule applied to the facts."""

    label_de: str
    label_en: str
    state: ConditionState
    detail_de: str = ""
    earliest_date: date | None = None
    """For time conditions: the day the condition is (or was) met, assuming the stay goes on."""
    detail_en: str = ""
    latest_date: date | None = None
    """For an upper age limit: the last day the condition can still be met."""
    time_based: bool = False
    """Only the passing of time is needed (when missing, `earliest_date` is set)."""
    verify: bool = False
    """The threshold of this condition is not verified in a primary text."""

    def label(self, lang: str = "de") -> str:
        return self.label_en if lang == "en" else self.label_de

    def detail(self, lang: str = "de") -> str:
        return self.detail_en if lang == "en" else self.detail_de


@dataclass(frozen=True)
class Hint:
    """The result of one rule for one file on one day."""

    rule_id: str
    title_de: str
    title_en: str
    legal_basis: str
    statute: str
    """The statute with paragraph and official publication, in German."""
    as_of: date
    """"Stand": when the rule was last checked against its sources."""
    verify: bool
    """Some threshold of this rule is not confirmed in a primary text (see `verify_note_de`)."""
    status: HintStatus
    conditions: tuple[ConditionResult, ...]
    earliest_date: date | None = None
    """When every time condition is met (for POSSIBLE_LATER and UNCLEAR), else None."""
    deadline: date | None = None
    """The last day to apply (application deadline of the rule or an upper age limit)."""
    verify_note_de: str = ""
    verify_note_en: str = ""
    not_checked_de: tuple[str, ...] = ()
    """Requirements the app cannot judge (integration prognosis, FDGO, passport, ...)."""
    not_checked_en: tuple[str, ...] = ()
    rules_version: str = ""
    rules_date: date | None = None
    guidance: str = ""
    """At most one authority or counselling page."""
    notice_de: str = ""
    notice_en: str = ""
    disclaimer_de: str = DISCLAIMER_DE
    disclaimer_en: str = DISCLAIMER_EN

    def title(self, lang: str = "de") -> str:
        return self.title_en if lang == "en" else self.title_de

    @property
    def sources(self) -> str:
        """The statute and, if any, the one guidance page, as shown to a coach."""
        return f"{self.statute}; {self.guidance}" if self.guidance else self.statute
