"""The rule schema: conditions, rules and rule sets as read from the TOML rule data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, get_args

ConditionKind = Literal[
    "current_status",
    "stay",
    "stay_at_cutoff",
    "age_min",
    "age_before",
    "entry_on_or_before",
    "school",
    "language",
    "livelihood",
    "pension",
    "employment",
    "conviction",
    "identity",
    "civic_knowledge",
    "naturalisation_test",
    "training_contract",
    "entry_on_or_after",
    "safe_country",
    "permit_valid",
]
KINDS: frozenset[str] = frozenset(get_args(ConditionKind))


@dataclass(frozen=True)
class ConditionSpec:
    """One condition of a rule as stored in the TOML file (see the file header for fields)."""

    kind: str
    label_de: str = ""
    label_en: str = ""
    note_de: str = ""
    note_en: str = ""
    verify: bool = False
    months: int | None = None
    months_with_minor_child: int | None = None
    years: int | None = None
    cutoff: date | None = None
    counts: tuple[str, ...] = ()
    neutral: tuple[str, ...] = ()
    gap_months: int = 0
    extra_counts: tuple[str, ...] = ()
    extra_counts_if_current: tuple[str, ...] = ()
    counts_if_recognised: tuple[str, ...] = ()
    recognition_statuses: tuple[str, ...] = ()
    satisfied_by_current: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()
    blocked: tuple[str, ...] = ()
    check: tuple[str, ...] = ()
    level: str | None = None
    oral: bool = False
    min_share: int | None = None
    waived_in_school: bool = False
    hours_per_week: int | None = None
    threshold_tagessaetze: int | None = None
    threshold_foreigner_offences: int | None = None
    weighing: bool = False
    valid_from: date | None = None
    """First day the condition applies; before it the engine leaves it out."""
    valid_until: date | None = None
    """Last day the condition applies (e.g. a transitional privilege); afterwards left out."""
    allowed_until: tuple[tuple[str, date], ...] = ()
    """current_status: statuses in ``allowed`` only up to a day (e.g. § 104c holders for § 25a
    and § 25b until 30.06.2027); afterwards the status is not admissible any more."""

    def applies_on(self, on: date) -> bool:
        """Whether the condition is part of its rule on ``on``."""
        if self.valid_from is not None and on < self.valid_from:
            return False
        return self.valid_until is None or on <= self.valid_until


@dataclass(frozen=True)
class Rule:
    """One residence path: its conditions, source, "as of" date and validity."""

    id: str
    title_de: str
    title_en: str
    legal_basis: str
    statute: str
    """The statute with paragraph and official publication (BGBl.), in German."""
    as_of: date
    """"Stand": the day this rule was last checked against its sources."""
    conditions: tuple[ConditionSpec, ...]
    guidance: str = ""
    """At most one authority or counselling page (German name, date, address)."""
    notice: bool = False
    """An information hint: its conditions only select whom it concerns (status NOTICE)."""
    notice_de: str = ""
    notice_en: str = ""
    valid_from: date | None = None
    valid_until: date | None = None
    """Last day an application is possible; afterwards the rule is never suggested."""
    valid_until_is_deadline: bool = True
    """False when ``valid_until`` only ends the rule (e.g. the end of a suspension) and is no
    deadline for the client."""
    verify: bool = False
    verify_note_de: str = ""
    verify_note_en: str = ""
    not_checked_de: tuple[str, ...] = ()
    not_checked_en: tuple[str, ...] = ()
    not_admissible_note_de: str = ""
    not_admissible_note_en: str = ""

    def in_force(self, on: date) -> bool:
        """True when applications are possible on ``on``."""
        if self.valid_from is not None and on < self.valid_from:
            return False
        return self.valid_until is None or on <= self.valid_until


@dataclass(frozen=True)
class RuleSet:
    """The rules of one version of the rule data, in file order."""

    version: str
    rules: tuple[Rule, ...] = field(default=())
    published: date | None = None
    """The date of this version of the rules ("Stand der Regeln")."""

    def get(self, rule_id: str) -> Rule | None:
        """The rule with ``rule_id``, None if there is none."""
        return next((rule for rule in self.rules if rule.id == rule_id), None)


def matches_status(code: str | None, patterns: Iterable[str]) -> bool:
    """Whether a status code matches one of the patterns (``ae_*`` matches every prefix)."""
    if code is None:
        return False
    for pattern in patterns:
        if pattern.endswith("*"):
            if code.startswith(pattern[:-1]):
                return True
        elif code == pattern:
            return True
    return False
