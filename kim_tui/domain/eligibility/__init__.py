"""Rule-based hints for residence-status improvements (issue 4 § 6, domain.md § 6).

A *hint* says which conditions of a path (§ 25a, § 25b, § 104c, § 60c, § 60d, NE § 26 Abs. 3
in both variants, NE § 26 Abs. 4, NE § 9, Einbürgerung § 10 StAG) the facts of a file meet, which
are missing or unknown, and the earliest date a time condition will be met. It is never legal
advice: every hint carries `DISCLAIMER_DE` / `DISCLAIMER_EN`.

The rules are versioned data in ``kim_tui/domain/data/rules/eligibility_rules.toml`` (thresholds,
statuses whose periods count, sources, "as of" dates, application deadlines, ``verify`` flags);
this package only interprets them. Conventions:

* Months are calendar months: a duration of N months counted from ``start`` is reached on
  ``add_months(start, N)``.
* A stay is the latest uninterrupted run of periods whose status counts. Gaps up to the rule's
  ``gap_months`` (3 for § 25a / § 25b) do not interrupt but are not counted either: they push the
  date back by their length. "Neutral" statuses (e.g. Duldung light for § 25a / § 25b) behave
  like such gaps of any length.
* Ages follow §§ 187 Abs. 2, 188 Abs. 2 BGB: a person reaches age N on their N-th birthday
  (born on 29 February: on 1 March in common years); "before completing the 27th year of life"
  means no later than the day before the 27th birthday.
* Unknown facts (None) give the state ``unknown``, never ``met``.
* A rule whose application deadline (``valid_until``) lies before the evaluation day, or which
  is not yet in force (``valid_from``), is never returned.

The package: ``facts`` (what a file knows), ``schema`` and ``loader`` (the rules as data),
``conditions`` (one evaluator per condition kind), ``stay_count`` (counting a stay), ``engine``
(rules to hints) and ``results`` (the hints).
"""

from __future__ import annotations

from kim_tui.domain.eligibility.conditions import age_reached_on
from kim_tui.domain.eligibility.engine import evaluate, relevant
from kim_tui.domain.eligibility.facts import (
    CONVICTION_REFERENCE_TAGESSAETZE,
    GERMAN_LEVELS,
    ConvictionCode,
    ResidenceFacts,
    StatusPeriod,
    facts_from_records,
    infer_starts,
)
from kim_tui.domain.eligibility.loader import load_rules, parse_rules
from kim_tui.domain.eligibility.results import (
    DISCLAIMER_DE,
    DISCLAIMER_EN,
    ConditionResult,
    ConditionState,
    Hint,
    HintStatus,
)
from kim_tui.domain.eligibility.schema import ConditionSpec, Rule, RuleSet

__all__ = [
    "CONVICTION_REFERENCE_TAGESSAETZE",
    "DISCLAIMER_DE",
    "DISCLAIMER_EN",
    "GERMAN_LEVELS",
    "ConditionResult",
    "ConditionSpec",
    "ConditionState",
    "ConvictionCode",
    "Hint",
    "HintStatus",
    "ResidenceFacts",
    "Rule",
    "RuleSet",
    "StatusPeriod",
    "age_reached_on",
    "evaluate",
    "facts_from_records",
    "infer_starts",
    "load_rules",
    "parse_rules",
    "relevant",
]
