"""Reading and checking the shipped rule data (``data/rules`` of the domain package)."""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from datetime import date
from importlib import resources
from typing import Any

from kim_tui.domain.eligibility.facts import GERMAN_LEVELS
from kim_tui.domain.eligibility.schema import KINDS, ConditionSpec, Rule, RuleSet

RULES_FILE = "eligibility_rules.toml"


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
    "valid_from": "date",
    "valid_until": "date",
    "allowed_until": "until",
}

_REQUIRED: Mapping[str, tuple[str, ...]] = {
    "stay": ("months", "counts"),
    "stay_at_cutoff": ("months", "counts", "cutoff"),
    "age_min": ("years",),
    "age_before": ("years",),
    "entry_on_or_before": ("cutoff",),
    "entry_on_or_after": ("cutoff",),
    "school": ("months",),
    "language": ("level",),
    "livelihood": ("min_share",),
    "pension": ("months",),
    "employment": ("months",),
}


_RULE_FIELDS = frozenset(
    {
        "id",
        "title_de",
        "title_en",
        "legal_basis",
        "statute",
        "guidance",
        "as_of",
        "valid_from",
        "valid_until",
        "valid_until_is_deadline",
        "verify",
        "verify_note_de",
        "verify_note_en",
        "not_checked_de",
        "not_checked_en",
        "not_admissible_note_de",
        "not_admissible_note_en",
        "notice",
        "notice_de",
        "notice_en",
        "conditions",
    }
)


def _typed(where: str, key: str, kind: str, value: Any) -> Any:
    if kind == "str":
        ok = isinstance(value, str)
    elif kind == "bool":
        ok = isinstance(value, bool)
    elif kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    elif kind == "date":
        ok = isinstance(value, date)
    elif kind == "until":
        ok = isinstance(value, dict) and all(
            isinstance(k, str) and k and isinstance(v, date) for k, v in value.items()
        )
        if ok:
            return tuple(sorted(value.items()))
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
    if kind not in KINDS:
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


def _bool(where: str, raw: Mapping[str, Any], key: str, default: bool = False) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise ValueError(f"{where}: {key!r} must be true or false")
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


def parse_rules(data: Mapping[str, Any], name: str = RULES_FILE) -> RuleSet:
    """Build a `RuleSet` from the parsed TOML document; raises ValueError on bad data."""
    version = data.get("rules_version")
    if not isinstance(version, str) or not version:
        raise ValueError(f"{name}: rules_version is required")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise ValueError(f"{name}: no [[rules]]")
    published = data.get("rules_date")
    if not isinstance(published, date):
        raise ValueError(f"{name}: rules_date is required (the date of this version)")
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
        unknown = sorted(set(raw) - _RULE_FIELDS)
        if unknown:
            raise ValueError(f"{where}: unknown fields {unknown}")
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
                statute=_str(where, raw, "statute"),
                guidance=_str(where, raw, "guidance", ""),
                as_of=as_of,
                conditions=conditions,
                notice=_bool(where, raw, "notice"),
                notice_de=_str(where, raw, "notice_de", ""),
                notice_en=_str(where, raw, "notice_en", ""),
                valid_from=_opt_date(where, raw, "valid_from"),
                valid_until=_opt_date(where, raw, "valid_until"),
                valid_until_is_deadline=_bool(where, raw, "valid_until_is_deadline", default=True),
                verify=verify or any(c.verify for c in conditions),
                verify_note_de=_str(where, raw, "verify_note_de", ""),
                verify_note_en=_str(where, raw, "verify_note_en", ""),
                not_checked_de=_strs(where, raw, "not_checked_de"),
                not_checked_en=_strs(where, raw, "not_checked_en"),
                not_admissible_note_de=_str(where, raw, "not_admissible_note_de", ""),
                not_admissible_note_en=_str(where, raw, "not_admissible_note_en", ""),
            )
        )
    return RuleSet(version=version, rules=tuple(rules), published=published)


@functools.cache
def load_rules() -> RuleSet:
    """Load the shipped rules (cached)."""
    resource = resources.files("kim_tui.domain").joinpath("data", "rules", RULES_FILE)
    text = resource.read_text(encoding="utf-8")
    return parse_rules(tomllib.loads(text))
