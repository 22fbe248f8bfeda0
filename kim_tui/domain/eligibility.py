"""Rule-based hints for residence-status improvements (issue 4 § 6, domain.md § 6).

A *hint* says which conditions of a path (§ 25a, § 25b, § 104c, § 60c, § 60d, NE § 26 Abs. 3
in both variants, NE § 26 Abs. 4, NE § 9, Einbürgerung § 10 StAG) the facts of a file meet, which
are missing or unknown, and the earliest date a time condition will be met. It is never legal
advice: every hint carries `DISCLAIMER_DE` / `DISCLAIMER_EN`.

The rules are versioned data in ``kim_tui/domain/data/rules/eligibility_rules.toml`` (thresholds,
statuses whose periods count, sources, "as of" dates, application deadlines, ``verify`` flags);
this module only interprets them. Conventions:

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
"""

from __future__ import annotations

import calendar as _calendar
import functools
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from importlib import resources
from typing import Any, Literal, get_args

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.model import ResidenceFactsDraft, ResidenceView
from kim_tui.domain.scheduling import add_months

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
    "load_rules",
    "parse_rules",
    "relevant",
]

DISCLAIMER_DE = "Hinweis, keine Rechtsberatung – bitte mit der Ausländerbehörde prüfen."
DISCLAIMER_EN = "A hint, not legal advice – please check with the immigration office."

GERMAN_LEVELS: tuple[str, ...] = ("A1", "A2", "B1", "B2", "C1", "C2")

CONVICTION_REFERENCE_TAGESSAETZE = 50
"""What ``ResidenceFacts.conviction_over_threshold`` is coded against: a conviction above
50 Tagessätze (90 for offences only foreigners can commit), the lowest limit any rule uses.
For rules with a higher limit (§ 12a StAG: 90) or a weighing (§ 9 Abs. 2 Nr. 4) "yes" only
means "check"."""

ConvictionCode = Literal["yes", "no", "unknown"]

_RULES_FILE = "eligibility_rules.toml"
_UNKNOWN_STATUS = "unknown"


class ConditionState(StrEnum):
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
    ELIGIBLE_NOW = "eligible_now"
    """Every checkable condition is met (the ones the app cannot check are listed)."""


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class StatusPeriod:
    """One residence record: a status code from the catalog and its validity."""

    status: str
    valid_from: date
    valid_until: date | None = None
    """None: open-ended or not recorded."""

    def __post_init__(self) -> None:
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise ValueError(
                f"period {self.status!r}: valid_until {self.valid_until} before {self.valid_from}"
            )


@dataclass(frozen=True)
class ResidenceFacts:
    """What the file knows about the client for the rules; None always means "not known".

    Convictions are recorded only as a code (DSGVO Art. 10): see
    `CONVICTION_REFERENCE_TAGESSAETZE` for the threshold "yes" refers to.
    """

    current_status: str | None = None
    """Residence-status catalog code; None or ``unknown`` when not known."""
    periods: tuple[StatusPeriod, ...] = ()
    birth_date: date | None = None
    date_of_entry: date | None = None
    german_level: str | None = None
    """Highest proven level, "A1" to "C2"."""
    german_certificate_on: date | None = None
    livelihood_share: int | None = None
    """Share of the livelihood covered by own income, 0–100 percent."""
    minor_children_in_household: bool | None = None
    in_school_or_training: bool | None = None
    school_attendance_months: int | None = None
    """Months of successful school attendance in Germany."""
    school_or_vocational_degree: bool | None = None
    """A recognised school or vocational degree obtained in Germany."""
    vocational_training_contract: bool | None = None
    """A contract for (qualified) vocational training (§ 60c)."""
    employment_months_20h: int | None = None
    """Months of insurable employment with at least 20 hours a week, up to now."""
    pension_contribution_months: int | None = None
    civic_knowledge_proven: bool | None = None
    """Basic knowledge of the legal and social order (e.g. test "Leben in Deutschland")."""
    naturalisation_test_passed: bool | None = None
    """Einbürgerungstest passed (or a German school certificate)."""
    identity_clarified: bool | None = None
    conviction_over_threshold: ConvictionCode = "unknown"

    def __post_init__(self) -> None:
        if self.german_level is not None and self.german_level not in GERMAN_LEVELS:
            raise ValueError(
                f"german_level must be one of {GERMAN_LEVELS}, got {self.german_level!r}"
            )
        if self.livelihood_share is not None and not 0 <= self.livelihood_share <= 100:
            raise ValueError(f"livelihood_share must be 0–100, got {self.livelihood_share}")
        for name in (
            "school_attendance_months",
            "employment_months_20h",
            "pension_contribution_months",
        ):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} must not be negative, got {value}")
        if self.conviction_over_threshold not in ("yes", "no", "unknown"):
            raise ValueError(
                f"conviction_over_threshold must be yes/no/unknown, "
                f"got {self.conviction_over_threshold!r}"
            )

    @property
    def status(self) -> str | None:
        """The current status, None when not recorded or recorded as ``unknown``."""
        if self.current_status in (None, "", _UNKNOWN_STATUS):
            return None
        return self.current_status


def infer_starts(records: Iterable[ResidenceView], entry_on: date | None) -> list[ResidenceView]:
    """Fill in a missing "valid from" (intake records the current status without one), given the
    records in the order they were recorded, oldest first: the first starts at the date of
    entry, a later one the day after its predecessor ended. What cannot be inferred stays
    undated (and so is not counted)."""
    records = list(records)
    out: list[ResidenceView] = []
    for index, record in enumerate(records):
        if record.valid_from is None:
            start: date | None = None
            if index == 0:
                start = entry_on
            elif out[-1].valid_until is not None:
                start = out[-1].valid_until + timedelta(days=1)
            if start is not None and (record.valid_until is None or start <= record.valid_until):
                record = replace(record, valid_from=start)
        out.append(record)
    return out


def facts_from_records(
    *,
    birth_date: date | None,
    residence: Iterable[ResidenceView],
    draft: ResidenceFactsDraft | None,
    minor_children_in_household: bool | None = None,
) -> ResidenceFacts:
    """Build the rule input from what the store keeps for a client.

    Residence records without ``valid_from`` cannot be counted and are left out of the periods;
    the current status is the record with the latest ``valid_from``. Facts the store does not
    keep stay None (= unknown).
    """
    records = list(residence)
    dated = sorted(
        (r for r in records if r.valid_from is not None), key=lambda r: r.valid_from or date.min
    )
    periods = tuple(
        StatusPeriod(r.status, r.valid_from, r.valid_until)
        for r in dated
        if r.valid_from is not None and (r.valid_until is None or r.valid_until >= r.valid_from)
    )
    latest = dated[-1] if dated else (records[-1] if records else None)
    d = draft if draft is not None else ResidenceFactsDraft()
    conviction: ConvictionCode = "unknown"
    if d.conviction_over_threshold == "yes":
        conviction = "yes"
    elif d.conviction_over_threshold == "no":
        conviction = "no"
    return ResidenceFacts(
        current_status=latest.status if latest is not None else None,
        periods=periods,
        birth_date=birth_date,
        date_of_entry=d.entry_on,
        german_level=d.german_level if d.german_level in GERMAN_LEVELS else None,
        german_certificate_on=d.german_certificate_on,
        livelihood_share=d.livelihood_share,
        minor_children_in_household=minor_children_in_household,
        in_school_or_training=d.in_school_or_training,
        school_attendance_months=d.school_months,
        pension_contribution_months=d.pension_months,
        identity_clarified=d.identity_clarified,
        conviction_over_threshold=conviction,
    )


# --------------------------------------------------------------------------- results


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
    source: str
    source_date: str
    as_of: date
    """When the rule data was last checked against its sources."""
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
    disclaimer_de: str = DISCLAIMER_DE
    disclaimer_en: str = DISCLAIMER_EN

    def title(self, lang: str = "de") -> str:
        return self.title_en if lang == "en" else self.title_de


# --------------------------------------------------------------------------- rules as data

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
]
_KINDS: frozenset[str] = frozenset(get_args(ConditionKind))


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


@dataclass(frozen=True)
class Rule:
    id: str
    title_de: str
    title_en: str
    legal_basis: str
    source: str
    source_date: str
    as_of: date
    conditions: tuple[ConditionSpec, ...]
    valid_from: date | None = None
    valid_until: date | None = None
    """Last day an application is possible; afterwards the rule is never suggested."""
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
    version: str
    rules: tuple[Rule, ...] = field(default=())

    def get(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)


_SPEC_FIELDS: Mapping[str, str] = {
    "label_de": "str",
    "label_en": "str",
    "note_de": "str",
    "note_en": "str",
    "verify": "bool",
    "months": "int",
    "months_with_minor_child": "int",
    "years": "int",
    "cutoff": "date",
    "counts": "codes",
    "neutral": "codes",
    "gap_months": "int",
    "extra_counts": "codes",
    "extra_counts_if_current": "codes",
    "counts_if_recognised": "codes",
    "recognition_statuses": "codes",
    "satisfied_by_current": "codes",
    "allowed": "codes",
    "blocked": "codes",
    "check": "codes",
    "level": "str",
    "oral": "bool",
    "min_share": "int",
    "waived_in_school": "bool",
    "hours_per_week": "int",
    "threshold_tagessaetze": "int",
    "threshold_foreigner_offences": "int",
    "weighing": "bool",
}

_REQUIRED: Mapping[str, tuple[str, ...]] = {
    "stay": ("months", "counts"),
    "stay_at_cutoff": ("months", "counts", "cutoff"),
    "age_min": ("years",),
    "age_before": ("years",),
    "entry_on_or_before": ("cutoff",),
    "school": ("months",),
    "language": ("level",),
    "livelihood": ("min_share",),
    "pension": ("months",),
    "employment": ("months",),
}


def _typed(where: str, key: str, kind: str, value: Any) -> Any:
    if kind == "str":
        ok = isinstance(value, str)
    elif kind == "bool":
        ok = isinstance(value, bool)
    elif kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    elif kind == "date":
        ok = isinstance(value, date)
    else:
        ok = isinstance(value, list) and all(isinstance(v, str) and v for v in value)
        if ok:
            return tuple(value)
    if not ok:
        raise ValueError(f"{where}: {key!r} has the wrong type ({kind} expected): {value!r}")
    return value


def _parse_condition(where: str, raw: Any) -> ConditionSpec:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected a table")
    kind = raw.get("kind")
    if kind not in _KINDS:
        raise ValueError(f"{where}: unknown kind {kind!r}")
    where = f"{where} ({kind})"
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "kind":
            continue
        field_kind = _SPEC_FIELDS.get(key)
        if field_kind is None:
            raise ValueError(f"{where}: unknown field {key!r}")
        values[key] = _typed(where, key, field_kind, value)
    for key in _REQUIRED.get(kind, ()):
        if key not in values:
            raise ValueError(f"{where}: {key!r} is required")
    if kind == "language" and values["level"] not in GERMAN_LEVELS:
        raise ValueError(f"{where}: level must be one of {GERMAN_LEVELS}")
    if kind == "livelihood" and values["min_share"] > 100:
        raise ValueError(f"{where}: min_share must be at most 100")
    return ConditionSpec(kind=kind, **values)


def _str(where: str, raw: Mapping[str, Any], key: str, default: str | None = None) -> str:
    value = raw.get(key, default)
    if not isinstance(value, str):
        raise ValueError(f"{where}: {key!r} must be a string")
    return value


def _strs(where: str, raw: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"{where}: {key!r} must be a list of strings")
    return tuple(value)


def _opt_date(where: str, raw: Mapping[str, Any], key: str) -> date | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, date):
        raise ValueError(f"{where}: {key!r} must be a date")
    return value


def parse_rules(data: Mapping[str, Any], name: str = _RULES_FILE) -> RuleSet:
    """Build a `RuleSet` from the parsed TOML document; raises ValueError on bad data."""
    version = data.get("rules_version")
    if not isinstance(version, str) or not version:
        raise ValueError(f"{name}: rules_version is required")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise ValueError(f"{name}: no [[rules]]")
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_rules):
        where = f"{name}: rule {index}"
        if not isinstance(raw, dict):
            raise ValueError(f"{where}: expected a table")
        rule_id = _str(where, raw, "id")
        where = f"{name}: rule {rule_id!r}"
        if rule_id in seen:
            raise ValueError(f"{where}: duplicate id")
        seen.add(rule_id)
        as_of = raw.get("as_of")
        if not isinstance(as_of, date):
            raise ValueError(f"{where}: as_of must be a date")
        verify = raw.get("verify", False)
        if not isinstance(verify, bool):
            raise ValueError(f"{where}: verify must be true or false")
        raw_conditions = raw.get("conditions")
        if not isinstance(raw_conditions, list) or not raw_conditions:
            raise ValueError(f"{where}: no [[rules.conditions]]")
        conditions = tuple(
            _parse_condition(f"{where}: condition {i}", c) for i, c in enumerate(raw_conditions)
        )
        if conditions[0].kind != "current_status":
            raise ValueError(f"{where}: the first condition must be current_status")
        rules.append(
            Rule(
                id=rule_id,
                title_de=_str(where, raw, "title_de"),
                title_en=_str(where, raw, "title_en"),
                legal_basis=_str(where, raw, "legal_basis"),
                source=_str(where, raw, "source"),
                source_date=_str(where, raw, "source_date", ""),
                as_of=as_of,
                conditions=conditions,
                valid_from=_opt_date(where, raw, "valid_from"),
                valid_until=_opt_date(where, raw, "valid_until"),
                verify=verify or any(c.verify for c in conditions),
                verify_note_de=_str(where, raw, "verify_note_de", ""),
                verify_note_en=_str(where, raw, "verify_note_en", ""),
                not_checked_de=_strs(where, raw, "not_checked_de"),
                not_checked_en=_strs(where, raw, "not_checked_en"),
                not_admissible_note_de=_str(where, raw, "not_admissible_note_de", ""),
                not_admissible_note_en=_str(where, raw, "not_admissible_note_en", ""),
            )
        )
    return RuleSet(version=version, rules=tuple(rules))


@functools.cache
def load_rules() -> RuleSet:
    """Load the shipped rules (cached)."""
    resource = resources.files("kim_tui.domain").joinpath("data", "rules", _RULES_FILE)
    text = resource.read_text(encoding="utf-8")
    return parse_rules(tomllib.loads(text))


# --------------------------------------------------------------------------- helpers


def _matches(code: str | None, patterns: Iterable[str]) -> bool:
    if code is None:
        return False
    for pattern in patterns:
        if pattern.endswith("*"):
            if code.startswith(pattern[:-1]):
                return True
        elif code == pattern:
            return True
    return False


def _status_label(code: str) -> str:
    return catalog("residence_statuses").label(code, "de")


def _status_label_en(code: str) -> str:
    return catalog("residence_statuses").label(code, "en")


def age_reached_on(birth_date: date, years: int) -> date:
    """The day a person born on ``birth_date`` reaches ``years`` years of age.

    §§ 187 Abs. 2, 188 Abs. 2 BGB: the birthday itself; for 29 February in a common year,
    1 March.
    """
    year = birth_date.year + years
    if birth_date.month == 2 and birth_date.day == 29 and not _calendar.isleap(year):
        return date(year, 3, 1)
    return birth_date.replace(year=year)


def _join(*parts: str) -> str:
    return " ".join(part for part in parts if part)


@dataclass(frozen=True)
class _Outcome:
    result: ConditionResult
    inadmissible: bool = False
    """The current status does not fit the rule."""
    final: bool = False
    """Missing for good (cannot be met any more)."""


def _result(
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
    return ConditionResult(
        label_de=spec.label_de or label_de,
        label_en=spec.label_en or label_en,
        state=state,
        detail_de=_join(detail_de, spec.note_de if with_note else ""),
        earliest_date=earliest,
        detail_en=_join(detail_en, spec.note_en if with_note else ""),
        latest_date=latest,
        time_based=time_based,
        verify=spec.verify,
    )


# --------------------------------------------------------------------------- stay counting

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class _Run:
    start: date
    counted: tuple[tuple[date, date | None], ...]
    """Merged intervals (inclusive) whose time counts, inside the run."""
    end: date | None
    """Last day of the run (None: open-ended)."""


def _merge(intervals: Iterable[tuple[date, date | None]]) -> list[tuple[date, date | None]]:
    """Merge overlapping or adjacent inclusive intervals (None = open end)."""
    merged: list[tuple[date, date | None]] = []
    for start, end in sorted(intervals, key=lambda iv: iv[0]):
        if merged:
            last_start, last_end = merged[-1]
            if last_end is None or start <= last_end + _DAY:
                new_end = None if last_end is None or end is None else max(last_end, end)
                merged[-1] = (last_start, new_end)
                continue
        merged.append((start, end))
    return merged


def _current_run(
    periods: Sequence[StatusPeriod],
    counts: Sequence[str],
    neutral: Sequence[str],
    gap_months: int,
    on: date,
) -> tuple[_Run | None, date | None]:
    """The run of counted/neutral periods still going on at ``on``.

    Returns (run, None), or (None, last_end) when the latest run ended before ``on`` (beyond the
    gap tolerance), or (None, None) when no period counts at all.
    """
    counted: list[tuple[date, date | None]] = []
    bridging: list[tuple[date, date | None]] = []
    for period in periods:
        if period.valid_from > on:
            continue
        interval = (period.valid_from, period.valid_until)
        if _matches(period.status, neutral):
            bridging.append(interval)
        elif _matches(period.status, counts):
            counted.append(interval)
            bridging.append(interval)
    if not counted:
        return None, None
    blocks = _merge(bridging)
    # Chain blocks whose gaps stay within the tolerance; keep the last chain.
    chain_start, chain_end = blocks[0]
    for start, end in blocks[1:]:
        assert chain_end is not None  # an open block swallows everything after it
        if start <= add_months(chain_end, gap_months) + _DAY:
            chain_end = end
        else:
            chain_start, chain_end = start, end
    if chain_end is not None and add_months(chain_end, gap_months) < on:
        return None, chain_end
    inside = [
        (max(start, chain_start), end)
        for start, end in _merge(counted)
        if end is None or end >= chain_start
    ]
    if not inside:
        return None, None
    return _Run(start=chain_start, counted=tuple(inside), end=chain_end), None


def _counted_days(run: _Run, until: date) -> int:
    """Days in [run.start, until) covered by counted intervals."""
    total = 0
    for start, end in run.counted:
        stop = until if end is None else min(until, end + _DAY)
        if stop > start:
            total += (stop - start).days
    return total


def _reached_on(run: _Run, months: int, on: date) -> date:
    """The day ``months`` of counted time are complete, assuming the stay continues after
    ``on`` without gaps. Uncounted days (gaps, neutral periods) before that day push it back."""
    base = add_months(run.start, months)
    target = base
    for _ in range(1000):
        horizon = min(target, on)
        uncounted = (horizon - run.start).days - _counted_days(run, horizon)
        candidate = base + timedelta(days=max(uncounted, 0))
        if candidate == target:
            return target
        target = candidate
    return target  # pragma: no cover - converges after at most one step per gap


def _counts_for(spec: ConditionSpec, facts: ResidenceFacts) -> tuple[str, ...]:
    counts = list(spec.counts)
    if spec.extra_counts and _matches(facts.status, spec.extra_counts_if_current):
        counts.extend(spec.extra_counts)
    if spec.counts_if_recognised:
        held = {p.status for p in facts.periods}
        if facts.status is not None:
            held.add(facts.status)
        if any(_matches(code, spec.recognition_statuses) for code in held):
            counts.extend(spec.counts_if_recognised)
    return tuple(counts)


def _neutral_for(spec: ConditionSpec, counts: Sequence[str]) -> tuple[str, ...]:
    return tuple(code for code in spec.neutral if code not in counts)


# --------------------------------------------------------------------------- conditions


def _months_text(months: int) -> tuple[str, str]:
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


def _current_status(rule: Rule, spec: ConditionSpec, facts: ResidenceFacts) -> _Outcome:
    label = ("aktueller Aufenthaltsstatus passt", "current residence status fits")
    status = facts.status
    if status is None:
        return _Outcome(
            _result(
                spec,
                *label,
                ConditionState.UNKNOWN,
                "Aktueller Status nicht erfasst.",
                "Current status not recorded.",
            )
        )
    name_de, name_en = _status_label(status), _status_label_en(status)
    if _matches(status, spec.allowed):
        return _Outcome(
            _result(spec, *label, ConditionState.MET, f"{name_de}.", f"{name_en}.", with_note=False)
        )
    if _matches(status, spec.blocked):
        return _Outcome(_result(spec, *label, ConditionState.MISSING, f"{name_de}.", f"{name_en}."))
    if _matches(status, spec.check):
        return _Outcome(_result(spec, *label, ConditionState.UNKNOWN, f"{name_de}.", f"{name_en}."))
    result = ConditionResult(
        label_de=spec.label_de or label[0],
        label_en=spec.label_en or label[1],
        state=ConditionState.MISSING,
        detail_de=_join(f"{name_de}: hierfür nicht vorgesehen.", rule.not_admissible_note_de),
        detail_en=_join(f"{name_en}: not eligible for this.", rule.not_admissible_note_en),
        verify=spec.verify,
    )
    return _Outcome(result, inadmissible=True)


def _stay(spec: ConditionSpec, facts: ResidenceFacts, on: date) -> _Outcome:
    months = spec.months or 0
    short_de, short_en = _months_text(months)
    label = (f"Aufenthalt seit {short_de}", f"stay for {short_en}")
    if _matches(facts.status, spec.satisfied_by_current):
        assert facts.status is not None
        return _Outcome(
            _result(
                spec,
                *label,
                ConditionState.MET,
                f"Erfüllt durch {_status_label(facts.status)}.",
                f"Met by {_status_label_en(facts.status)}.",
            )
        )
    counts = _counts_for(spec, facts)
    run, last_end = _current_run(
        facts.periods, counts, _neutral_for(spec, counts), spec.gap_months, on
    )
    if run is None:
        if last_end is not None:
            de = (
                f"Letzte anrechenbare Zeit endete am {format_date(last_end)};"
                " aktuelle Papiere erfassen."
            )
            en = (
                f"Last counting period ended on {format_date(last_end)}; record the current papers."
            )
        else:
            de, en = (
                "Keine anrechenbaren Aufenthaltszeiten erfasst.",
                "No counting periods recorded.",
            )
        return _Outcome(_result(spec, *label, ConditionState.UNKNOWN, de, en))
    since_de = f"Gezählt ab {format_date(run.start)}."
    since_en = f"Counted from {format_date(run.start)}."
    reached = _reached_on(run, months, on)
    child_de = child_en = ""
    if spec.months_with_minor_child is not None:
        reached_child = _reached_on(run, spec.months_with_minor_child, on)
        child = facts.minor_children_in_household
        if child is True:
            reached = reached_child
        elif child is None and reached_child > on:
            child_de = f"Mit minderjährigem Kind im Haushalt: {format_date(reached_child)}."
            child_en = f"With a minor child in the household: {format_date(reached_child)}."
        elif child is None and reached_child <= on < reached:
            return _Outcome(
                _result(
                    spec,
                    *label,
                    ConditionState.UNKNOWN,
                    _join(
                        since_de,
                        f"Mit minderjährigem Kind im Haushalt erfüllt seit"
                        f" {format_date(reached_child)}, sonst ab {format_date(reached)};"
                        " Haushalt nicht erfasst.",
                    ),
                    _join(
                        since_en,
                        f"Met since {format_date(reached_child)} with a minor child in the"
                        f" household, otherwise from {format_date(reached)}; household unknown.",
                    ),
                    earliest=reached,
                    time_based=True,
                )
            )
    if reached <= on:
        return _Outcome(
            _result(
                spec,
                *label,
                ConditionState.MET,
                _join(since_de, f"Erreicht am {format_date(reached)}."),
                _join(since_en, f"Reached on {format_date(reached)}."),
                earliest=reached,
                time_based=True,
            )
        )
    return _Outcome(
        _result(
            spec,
            *label,
            ConditionState.MISSING,
            _join(
                since_de,
                f"Erreicht am {format_date(reached)}, wenn der Aufenthalt so weitergeht.",
                child_de,
            ),
            _join(since_en, f"Reached on {format_date(reached)} if the stay continues.", child_en),
            earliest=reached,
            time_based=True,
        )
    )


def _stay_at_cutoff(spec: ConditionSpec, facts: ResidenceFacts) -> _Outcome:
    assert spec.cutoff is not None
    months = spec.months or 0
    short_de, short_en = _months_text(months)
    label = (
        f"am {format_date(spec.cutoff)} seit {short_de} im Bundesgebiet",
        f"in Germany for {short_en} on {format_date(spec.cutoff)}",
    )
    counts = _counts_for(spec, facts)
    run, _ = _current_run(
        facts.periods, counts, _neutral_for(spec, counts), spec.gap_months, spec.cutoff
    )
    if run is None:
        return _Outcome(
            _result(
                spec,
                *label,
                ConditionState.UNKNOWN,
                f"Keine anrechenbare Zeit am {format_date(spec.cutoff)} erfasst.",
                f"No counting period recorded on {format_date(spec.cutoff)}.",
            )
        )
    reached = _reached_on(run, months, spec.cutoff)
    if reached <= spec.cutoff:
        return _Outcome(
            _result(
                spec,
                *label,
                ConditionState.MET,
                f"Gezählt ab {format_date(run.start)}.",
                f"Counted from {format_date(run.start)}.",
                earliest=reached,
            )
        )
    return _Outcome(
        _result(
            spec,
            *label,
            ConditionState.MISSING,
            f"Gezählt ab {format_date(run.start)}: Stichtag nicht erreicht.",
            f"Counted from {format_date(run.start)}: cut-off not met.",
        ),
        final=True,
    )


def _age_min(spec: ConditionSpec, facts: ResidenceFacts, on: date) -> _Outcome:
    years = spec.years or 0
    label = (f"mindestens {years} Jahre alt", f"at least {years} years old")
    if facts.birth_date is None:
        return _Outcome(
            _result(
                spec, *label, ConditionState.UNKNOWN, "Geburtsdatum fehlt.", "Birth date missing."
            )
        )
    reached = age_reached_on(facts.birth_date, years)
    state = ConditionState.MET if reached <= on else ConditionState.MISSING
    return _Outcome(
        _result(
            spec,
            *label,
            state,
            f"{years}. Geburtstag: {format_date(reached)}.",
            f"{years}th birthday: {format_date(reached)}.",
            earliest=reached,
            time_based=True,
        )
    )


def _age_before(spec: ConditionSpec, facts: ResidenceFacts, on: date) -> _Outcome:
    years = spec.years or 0
    label = (f"jünger als {years} Jahre", f"younger than {years}")
    if facts.birth_date is None:
        return _Outcome(
            _result(
                spec, *label, ConditionState.UNKNOWN, "Geburtsdatum fehlt.", "Birth date missing."
            )
        )
    last = age_reached_on(facts.birth_date, years) - _DAY
    if on <= last:
        return _Outcome(
            _result(
                spec,
                *label,
                ConditionState.MET,
                f"Antrag spätestens am {format_date(last)}.",
                f"Apply on {format_date(last)} at the latest.",
                latest=last,
            )
        )
    return _Outcome(
        _result(
            spec,
            *label,
            ConditionState.MISSING,
            f"Altersgrenze am {format_date(last)} überschritten.",
            f"Age limit passed on {format_date(last)}.",
            latest=last,
        ),
        final=True,
    )


def _entry(spec: ConditionSpec, facts: ResidenceFacts) -> _Outcome:
    assert spec.cutoff is not None
    label = (
        f"Einreise bis {format_date(spec.cutoff)}",
        f"entry by {format_date(spec.cutoff)}",
    )
    if facts.date_of_entry is None:
        return _Outcome(
            _result(
                spec,
                *label,
                ConditionState.UNKNOWN,
                "Einreisedatum fehlt.",
                "Date of entry missing.",
            )
        )
    entered_de = f"Einreise am {format_date(facts.date_of_entry)}."
    entered_en = f"Entered on {format_date(facts.date_of_entry)}."
    if facts.date_of_entry <= spec.cutoff:
        return _Outcome(_result(spec, *label, ConditionState.MET, entered_de, entered_en))
    return _Outcome(
        _result(spec, *label, ConditionState.MISSING, entered_de, entered_en), final=True
    )


def _school(spec: ConditionSpec, facts: ResidenceFacts, on: date) -> _Outcome:
    months = spec.months or 0
    short_de, short_en = _months_text(months)
    label = (
        f"{short_de} erfolgreicher Schulbesuch oder anerkannter Abschluss",
        f"{short_en} of successful schooling or a recognised degree",
    )
    if facts.school_or_vocational_degree is True:
        return _Outcome(
            _result(
                spec,
                *label,
                ConditionState.MET,
                "Anerkannter Schul- oder Berufsabschluss.",
                "Recognised school or vocational degree.",
            )
        )
    done = facts.school_attendance_months
    if done is not None and done >= months:
        return _Outcome(
            _result(
                spec,
                *label,
                ConditionState.MET,
                f"{done} Monate Schulbesuch.",
                f"{done} months at school.",
            )
        )
    if done is None:
        return _Outcome(
            _result(
                spec,
                *label,
                ConditionState.UNKNOWN,
                "Schulbesuch nicht erfasst.",
                "School attendance not recorded.",
            )
        )
    if facts.in_school_or_training is True:
        reached = add_months(on, months - done)
        return _Outcome(
            _result(
                spec,
                *label,
                ConditionState.MISSING,
                f"{done} von {months} Monaten; bei weiterem Schulbesuch erreicht am"
                f" {format_date(reached)}.",
                f"{done} of {months} months; reached on {format_date(reached)}"
                " if school continues.",
                earliest=reached,
                time_based=True,
            )
        )
    state = (
        ConditionState.UNKNOWN
        if facts.school_or_vocational_degree is None
        else ConditionState.MISSING
    )
    return _Outcome(
        _result(
            spec,
            *label,
            state,
            f"{done} von {months} Monaten; kein laufender Schulbesuch erfasst.",
            f"{done} of {months} months; no current schooling recorded.",
        )
    )


def _language(spec: ConditionSpec, facts: ResidenceFacts) -> _Outcome:
    level = spec.level or "A1"
    oral_de, oral_en = ("mündlich ", "oral ") if spec.oral else ("", "")
    label = (f"Deutschkenntnisse {oral_de}{level}", f"{oral_en}German {level}")
    if facts.german_level is None:
        return _Outcome(
            _result(
                spec,
                *label,
                ConditionState.UNKNOWN,
                "Sprachniveau nicht erfasst.",
                "Level not recorded.",
            )
        )
    cert_de = (
        f" (Nachweis vom {format_date(facts.german_certificate_on)})"
        if facts.german_certificate_on
        else ""
    )
    cert_en = (
        f" (certificate of {format_date(facts.german_certificate_on)})"
        if facts.german_certificate_on
        else ""
    )
    ok = GERMAN_LEVELS.index(facts.german_level) >= GERMAN_LEVELS.index(level)
    return _Outcome(
        _result(
            spec,
            *label,
            ConditionState.MET if ok else ConditionState.MISSING,
            f"Erfasst: {facts.german_level}{cert_de}.",
            f"Recorded: {facts.german_level}{cert_en}.",
        )
    )


def _livelihood(spec: ConditionSpec, facts: ResidenceFacts) -> _Outcome:
    share = spec.min_share or 0
    if share >= 100:
        label = ("Lebensunterhalt gesichert", "livelihood secured")
    else:
        label = (
            f"Lebensunterhalt zu mindestens {share} % gesichert",
            f"livelihood at least {share} % secured",
        )
    if spec.waived_in_school and facts.in_school_or_training is True:
        return _Outcome(
            _result(
                spec,
                *label,
                ConditionState.MET,
                "Entfällt: Schule, Ausbildung oder Studium.",
                "Waived: school, training or study.",
                with_note=False,
            )
        )
    if facts.livelihood_share is None:
        return _Outcome(
            _result(
                spec,
                *label,
                ConditionState.UNKNOWN,
                "Anteil aus eigenem Einkommen nicht erfasst.",
                "Share from own income not recorded.",
            )
        )
    ok = facts.livelihood_share >= share
    return _Outcome(
        _result(
            spec,
            *label,
            ConditionState.MET if ok else ConditionState.MISSING,
            f"Erfasst: {facts.livelihood_share} % aus eigenem Einkommen.",
            f"Recorded: {facts.livelihood_share} % from own income.",
        )
    )


def _count_fact(
    spec: ConditionSpec,
    value: int | None,
    label: tuple[str, str],
    unit: tuple[str, str],
) -> _Outcome:
    months = spec.months or 0
    if value is None:
        return _Outcome(
            _result(spec, *label, ConditionState.UNKNOWN, "Nicht erfasst.", "Not recorded.")
        )
    if value >= months:
        return _Outcome(
            _result(spec, *label, ConditionState.MET, f"{value} {unit[0]}.", f"{value} {unit[1]}.")
        )
    return _Outcome(
        _result(
            spec,
            *label,
            ConditionState.MISSING,
            f"{value} {unit[0]}, es fehlen {months - value}.",
            f"{value} {unit[1]}, {months - value} to go.",
        )
    )


def _conviction(spec: ConditionSpec, facts: ResidenceFacts) -> _Outcome:
    if spec.weighing:
        label = (
            "keine Verurteilung, die der Erteilung entgegensteht (Einzelfallabwägung)",
            "no conviction standing in the way (case-by-case weighing)",
        )
    else:
        limit = spec.threshold_tagessaetze or 0
        extra_de = (
            f" ({spec.threshold_foreigner_offences} bei Straftaten, die nur Ausländer*innen"
            " begehen können)"
            if spec.threshold_foreigner_offences
            else ""
        )
        extra_en = (
            f" ({spec.threshold_foreigner_offences} for offences only foreigners can commit)"
            if spec.threshold_foreigner_offences
            else ""
        )
        label = (
            f"keine Verurteilung über {limit} Tagessätze{extra_de}",
            f"no conviction above {limit} daily rates{extra_en}",
        )
    code = facts.conviction_over_threshold
    if code == "no":
        return _Outcome(
            _result(spec, *label, ConditionState.MET, "Erfasst: nein.", "Recorded: no.")
        )
    if code == "unknown":
        return _Outcome(
            _result(spec, *label, ConditionState.UNKNOWN, "Nicht erfasst.", "Not recorded.")
        )
    if spec.weighing or (spec.threshold_tagessaetze or 0) > CONVICTION_REFERENCE_TAGESSAETZE:
        return _Outcome(
            _result(
                spec,
                *label,
                ConditionState.UNKNOWN,
                f"Erfasst: über {CONVICTION_REFERENCE_TAGESSAETZE} Tagessätze –"
                " hier im Einzelfall prüfen.",
                f"Recorded: above {CONVICTION_REFERENCE_TAGESSAETZE} daily rates –"
                " check the case here.",
            )
        )
    return _Outcome(_result(spec, *label, ConditionState.MISSING, "Erfasst: ja.", "Recorded: yes."))


_FLAG_LABELS: Mapping[str, tuple[str, str, str]] = {
    "identity": ("identity_clarified", "Identität geklärt", "identity clarified"),
    "civic_knowledge": (
        "civic_knowledge_proven",
        "Grundkenntnisse der Rechts- und Gesellschaftsordnung",
        "basic knowledge of the legal and social order",
    ),
    "naturalisation_test": (
        "naturalisation_test_passed",
        "Einbürgerungstest (oder deutscher Schulabschluss)",
        "naturalisation test (or German school certificate)",
    ),
    "training_contract": (
        "vocational_training_contract",
        "Ausbildungsvertrag (qualifizierte Berufsausbildung)",
        "training contract (qualified vocational training)",
    ),
}


def _flag(spec: ConditionSpec, facts: ResidenceFacts) -> _Outcome:
    attr, label_de, label_en = _FLAG_LABELS[spec.kind]
    value: bool | None = getattr(facts, attr)
    if value is None:
        return _Outcome(
            _result(
                spec, label_de, label_en, ConditionState.UNKNOWN, "Nicht erfasst.", "Not recorded."
            )
        )
    if value:
        return _Outcome(_result(spec, label_de, label_en, ConditionState.MET, "Ja.", "Yes."))
    return _Outcome(_result(spec, label_de, label_en, ConditionState.MISSING, "Nein.", "No."))


def _condition(rule: Rule, spec: ConditionSpec, facts: ResidenceFacts, on: date) -> _Outcome:
    kind = spec.kind
    if kind == "current_status":
        return _current_status(rule, spec, facts)
    if kind == "stay":
        return _stay(spec, facts, on)
    if kind == "stay_at_cutoff":
        return _stay_at_cutoff(spec, facts)
    if kind == "age_min":
        return _age_min(spec, facts, on)
    if kind == "age_before":
        return _age_before(spec, facts, on)
    if kind == "entry_on_or_before":
        return _entry(spec, facts)
    if kind == "school":
        return _school(spec, facts, on)
    if kind == "language":
        return _language(spec, facts)
    if kind == "livelihood":
        return _livelihood(spec, facts)
    if kind == "pension":
        months = spec.months or 0
        return _count_fact(
            spec,
            facts.pension_contribution_months,
            (f"{months} Monate Rentenbeiträge", f"{months} months of pension contributions"),
            ("Monate", "months"),
        )
    if kind == "employment":
        months, hours = spec.months or 0, spec.hours_per_week or 0
        return _count_fact(
            spec,
            facts.employment_months_20h,
            (
                f"{months} Monate sozialversicherungspflichtig beschäftigt (≥ {hours} Std./Woche)",
                f"{months} months of insurable employment (≥ {hours} h/week)",
            ),
            ("Monate", "months"),
        )
    if kind == "conviction":
        return _conviction(spec, facts)
    return _flag(spec, facts)


# --------------------------------------------------------------------------- evaluation


def _overall(
    rule: Rule, outcomes: Sequence[_Outcome], on: date
) -> tuple[HintStatus, date | None, date | None]:
    results = [o.result for o in outcomes]
    latest = [r.latest_date for r in results if r.latest_date is not None]
    if rule.valid_until is not None:
        latest.append(rule.valid_until)
    deadline = min(latest) if latest else None
    pending = [
        r.earliest_date
        for r in results
        if r.time_based
        and r.earliest_date is not None
        and r.earliest_date > on
        and r.state is not ConditionState.MET
    ]
    earliest = max(pending) if pending else None
    if any(o.inadmissible or o.final for o in outcomes):
        return HintStatus.NOT_APPLICABLE, None, deadline
    if earliest is not None and deadline is not None and earliest > deadline:
        return HintStatus.NOT_APPLICABLE, earliest, deadline
    if any(r.state is ConditionState.MISSING and not r.time_based for r in results):
        return HintStatus.NOT_YET, earliest, deadline
    if any(r.state is ConditionState.UNKNOWN for r in results):
        return HintStatus.UNCLEAR, earliest, deadline
    if any(r.state is ConditionState.MISSING for r in results):
        return HintStatus.POSSIBLE_LATER, earliest, deadline
    return HintStatus.ELIGIBLE_NOW, None, deadline


def _hint(rule: Rule, facts: ResidenceFacts, on: date, version: str) -> Hint:
    outcomes = [_condition(rule, spec, facts, on) for spec in rule.conditions]
    status, earliest, deadline = _overall(rule, outcomes, on)
    return Hint(
        rule_id=rule.id,
        title_de=rule.title_de,
        title_en=rule.title_en,
        legal_basis=rule.legal_basis,
        source=rule.source,
        source_date=rule.source_date,
        as_of=rule.as_of,
        verify=rule.verify,
        status=status,
        conditions=tuple(o.result for o in outcomes),
        earliest_date=earliest,
        deadline=deadline,
        verify_note_de=rule.verify_note_de,
        verify_note_en=rule.verify_note_en,
        not_checked_de=rule.not_checked_de,
        not_checked_en=rule.not_checked_en,
        rules_version=version,
    )


def evaluate(facts: ResidenceFacts, on: date, rules: RuleSet | None = None) -> tuple[Hint, ...]:
    """Apply every rule in force on ``on`` to ``facts``, in file order.

    Rules whose application deadline has passed (or that are not in force yet) are left out.
    Hints with status NOT_APPLICABLE are included; see `relevant` to drop them.
    """
    rule_set = rules if rules is not None else load_rules()
    return tuple(
        _hint(rule, facts, on, rule_set.version) for rule in rule_set.rules if rule.in_force(on)
    )


def relevant(hints: Iterable[Hint]) -> tuple[Hint, ...]:
    """The hints worth showing: everything except NOT_APPLICABLE."""
    return tuple(h for h in hints if h.status is not HintStatus.NOT_APPLICABLE)
