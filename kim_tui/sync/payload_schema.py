"""The strict schema of a bundle's payload: every value a coach's bundle may carry.

A well-signed bundle is still untrusted input: a coach's laptop can run a modified kim, and an
older version may have written values this one cannot use. The importer checks every record
against this schema before anything is merged; the first violation rejects the whole bundle
with one line naming the table, the record and the field. The report applies the same check to
rows already stored (`problem`), so a row an earlier version let in is left out with a warning
instead of breaking every report. ``docs/bundle-format.md`` § 6 lists the same rules.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.geo import find_country, find_language
from kim_tui.i18n import tr

MAX_RECORDS = 1_000_000
"""Records per bundle: a caseload's whole history is far below; a flood is refused unread."""
MAX_TEXT = 200
"""Longest given or family name (as the app's validation); other texts up to `MAX_NOTE_LENGTH`."""
MAX_FREE_TEXT = 1_000_000
"""Longest other names, address, phone or legal basis: the app sets no limit of its own on
these, so only a bound against a flood (the payload's size cap is the other)."""
MAX_CODE_LIST = 50
"""Longest code list (legal domains, target groups, themes, languages)."""
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)
"""The window every date must lie in: birth dates to the longest residence permit."""
MAX_REVISION = 2**53
"""Revisions stay exact in every JSON reader (IEEE double)."""
MAX_MINUTES = 24 * 60

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_PSEUDONYM = re.compile(r"p-[0-9a-f]{32}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HEX64 = re.compile(r"[0-9a-f]{64}")


class SchemaError(ValueError):
    """One violation: which field of a record broke which rule (UI language, for the result
    line)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(tr(f"Feld {field}: {problem}", f"field {field}: {problem}"))
        self.field = field
        self.problem = problem


Check = Callable[[Any], None]


def _fail(problem: str) -> SchemaError:
    return SchemaError("", problem)


_GOOD_DAYS: set[str] = set()
"""Dates already found valid: at most the 73,414 days of the window, and a bundle repeats the
same few hundred days in thousands of records."""


def _iso_date(value: Any) -> None:
    if value.__class__ is str and value in _GOOD_DAYS:  # a list or dict cannot be looked up
        return
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise _fail(tr("kein Datum JJJJ-MM-TT", "not a date YYYY-MM-DD"))
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise _fail(tr(f"kein Kalenderdatum ({value})", f"not a calendar date ({value})")) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise _fail(tr(f"Datum {value} außerhalb 1900–2100", f"date {value} outside 1900–2100"))
    _GOOD_DAYS.add(value)


def _optional(check: Check) -> Check:
    def run(value: Any) -> None:
        if value is not None:
            check(value)

    return run


def _boolean(value: Any) -> None:
    if type(value) is not bool:
        raise _fail(tr("kein Wahrheitswert", "not a boolean"))


def _integer(low: int, high: int) -> Check:
    def run(value: Any) -> None:
        if type(value) is not int:
            raise _fail(tr("keine ganze Zahl", "not an integer"))
        if not low <= value <= high:
            raise _fail(tr(f"{value} außerhalb {low}–{high}", f"{value} outside {low}–{high}"))

    return run


@functools.cache
def _codes(catalog_name: str) -> frozenset[str]:
    # Read on first use, not at import: the catalogs are data files.
    return frozenset(catalog(catalog_name).codes())


def _code(catalog_name: str, *extra: str) -> Check:
    def run(value: Any) -> None:
        if value.__class__ is str and value in _codes(catalog_name):
            return  # the usual case, decided by one set lookup
        if not isinstance(value, str) or len(value) > 64:
            raise _fail(tr("kein Code", "not a code"))
        if value not in catalog(catalog_name) and value not in extra:
            raise _fail(tr(f"unbekannter Code {value[:40]!r}", f"unknown code {value[:40]!r}"))

    return run


@functools.lru_cache(maxsize=4096)
def _known_country(value: str) -> bool:
    # Cached by value: the geo look-up folds and searches names, and a bundle names the same
    # few countries thousands of times. Only strings of up to 3 characters reach it.
    found = find_country(value)
    return found is not None and found.code == value


@functools.lru_cache(maxsize=4096)
def _known_language(value: str) -> bool:
    found = find_language(value)
    return found is not None and found.code == value


def _country(value: Any) -> None:
    if not isinstance(value, str) or len(value) > 3:
        raise _fail(tr("kein Ländercode", "not a country code"))
    if value and not _known_country(value):
        raise _fail(tr(f"unbekannter Ländercode {value!r}", f"unknown country code {value!r}"))


def _language(value: Any) -> None:
    if not isinstance(value, str) or len(value) > 3 or not _known_language(value):
        raise _fail(tr("unbekannter Sprachcode", "unknown language code"))


def _gender(value: Any) -> None:
    if value != "":
        _known_gender(value)


def _code_list(item: Check) -> Check:
    def run(value: Any) -> None:
        if not isinstance(value, list):
            raise _fail(tr("keine Liste", "not a list"))
        if len(value) > MAX_CODE_LIST:
            raise _fail(
                tr(f"mehr als {MAX_CODE_LIST} Einträge", f"more than {MAX_CODE_LIST} entries")
            )
        if len(set(map(str, value))) != len(value):
            raise _fail(tr("doppelter Eintrag", "duplicate entry"))
        for entry in value:
            item(entry)

    return run


def _text(limit: int) -> Check:
    # Only what the coach's own app refuses is refused here (more than it stores): a value the
    # vault holds must travel, or that vault's every later bundle would bounce. Control
    # characters reach no terminal raw: the coordinator shows every text escaped.
    def run(value: Any) -> None:
        if not isinstance(value, str):
            raise _fail(tr("kein Text", "not a text"))
        if len(value) > limit:
            raise _fail(tr(f"länger als {limit} Zeichen", f"longer than {limit} characters"))

    return run


def _uuid(value: Any) -> None:
    if not isinstance(value, str) or not _UUID.fullmatch(value):
        raise _fail(tr("keine gültige ID", "not a valid id"))


def _pseudonym(value: Any) -> None:
    if not isinstance(value, str) or not _PSEUDONYM.fullmatch(value):
        raise _fail(tr("kein Pseudonym p-…", "not a pseudonym p-…"))


def _consent_form(value: Any) -> None:
    if value not in ("written", "oral"):
        raise _fail(tr("weder schriftlich noch mündlich", "neither written nor oral"))


def _direction(value: Any) -> None:
    if value not in ("out", "in"):
        raise _fail(tr("weder out noch in", "neither out nor in"))


def _fingerprint(value: Any) -> None:
    if not isinstance(value, str) or not _HEX64.fullmatch(value):
        raise _fail(tr("kein Fingerabdruck (64 Hex-Ziffern)", "not a fingerprint (64 hex digits)"))


_known_gender = _code("genders")

_PERSONAL: dict[str, Check] = {
    "given_name": _text(MAX_TEXT),
    "family_name": _text(MAX_TEXT),
    "other_names": _text(MAX_FREE_TEXT),
    "birth_date": _optional(_iso_date),
    "country_of_birth": _country,
    "languages": _code_list(_language),
    "address": _text(MAX_FREE_TEXT),
    "phone": _text(MAX_FREE_TEXT),
}

_FIELDS: dict[str, dict[str, Check]] = {
    "client": {
        "gender": _gender,
        "nationality": _country,
        "interpreter_needed": _boolean,
        "birth_year": _optional(_integer(FIRST_DAY.year, LAST_DAY.year)),
        "personal": _boolean,
    },
    "case": {
        "client_id": _pseudonym,
        "first_contact_on": _iso_date,
        "access_route": _code("access_routes"),
        "referred_by": _optional(_code("agencies")),
        "legal_domains": _code_list(_code("legal_domains")),
        "target_groups": _code_list(_code("target_groups")),
        "stage": _code("case_stages"),
        "closed_on": _optional(_iso_date),
        "closure_reason": _optional(_code("closure_reasons")),
        "themes": _code_list(_code("themes", "other")),
    },
    "consent": {
        "client_id": _pseudonym,
        "case_id": _uuid,
        "purpose": _code("consent_purposes"),
        "agency": _optional(_code("agencies")),
        "given_on": _iso_date,
        "form": _consent_form,
        "withdrawn_on": _optional(_iso_date),
    },
    "residencerecord": {
        "client_id": _pseudonym,
        "status": _code("residence_statuses"),
        "legal_basis": _text(MAX_FREE_TEXT),
        "valid_from": _optional(_iso_date),
        "valid_until": _optional(_iso_date),
    },
    "assessment": {"case_id": _uuid, "assessed_on": _iso_date},
    "arearating": {
        "assessment_id": _uuid,
        "area": _code("priority_areas"),
        "level": _integer(0, 3),
    },
    "goalagreement": {
        "case_id": _uuid,
        "agreed_on": _iso_date,
        "review_on": _optional(_iso_date),
    },
    "goal": {
        "agreement_id": _uuid,
        "area": _code("priority_areas"),
        "target_on": _optional(_iso_date),
        "status": _code("goal_statuses"),
    },
    "step": {
        "goal_id": _uuid,
        "owner": _code("step_owners"),
        "due_on": _optional(_iso_date),
        "done_on": _optional(_iso_date),
    },
    "referral": {
        "case_id": _uuid,
        "agency": _code("agencies"),
        "legal_domain": _code("legal_domains"),
        "sent_on": _iso_date,
        "feedback_due_on": _optional(_iso_date),
        "status": _code("referral_statuses"),
        "outcome_on": _optional(_iso_date),
        "passes_identifying_data": _boolean,
    },
    "contactnote": {
        "case_id": _uuid,
        "on": _iso_date,
        "kind": _code("contact_kinds"),
        "minutes": _integer(0, MAX_MINUTES),
        "interpreter": _boolean,
    },
    "handover": {
        "direction": _direction,
        "client": _pseudonym,
        "date": _iso_date,
        "counterpart": _fingerprint,
    },
}

TABLES: tuple[str, ...] = tuple(_FIELDS)

_OPTIONAL: dict[str, dict[str, Check]] = {
    # The household link (issue 14 § 6): both or neither; a pseudonym like the client's own.
    "client": {"household": _pseudonym, "household_role": _code("household_roles")},
}
"""Fields a record may carry or leave out (older bundles have none of them)."""


ERASURE_MARKER: dict[str, Any] = {"erased": True, "personal": False}
"""The whole ``data`` of a client record that says the coach erased this client (Art. 17)."""


_Plan = tuple[frozenset[str], bool, tuple[tuple[str, Check], ...]]


def _plans() -> dict[str, tuple[_Plan, ...]]:
    """Per table, every complete set of fields a valid ``data`` can have (with and without the
    optional fields; a client with and without personal fields), each with its checks in the
    order `check_data` runs them."""
    plans: dict[str, list[_Plan]] = {}
    for table, base in _FIELDS.items():
        for personal in (False, True) if table == "client" else (False,):
            fields = {**base, **(_PERSONAL if personal else {})}
            for optional in ({}, _OPTIONAL.get(table, {})):
                checks = {**fields, **optional}
                plan = (frozenset(checks), personal, tuple(checks.items()))
                if plan not in plans.setdefault(table, []):
                    plans[table].append(plan)
    return {table: tuple(variants) for table, variants in plans.items()}


_PLANS = _plans()


def check_data(table: str, data: Mapping[str, Any]) -> None:
    """Check one record's ``data`` object; `SchemaError` names the first field that breaks."""
    # The usual record has exactly the fields of one plan: no unknown, missing or half-given
    # optional field is possible, so only the values are checked (in the same order as below,
    # so the same first problem is named). Anything else takes the full path.
    personal = table == "client" and data.get("personal") is True
    for keys, with_personal, checks in _PLANS.get(table, ()):
        if with_personal is personal and data.keys() == keys:
            for name, check in checks:
                try:
                    check(data[name])
                except SchemaError as exc:
                    raise SchemaError(name, exc.problem) from None
            return
    if table == "client" and "erased" in data:
        # The marker alone (in a bundle), or a stored client the coordinator keeps erased:
        # its codes without any personal field.
        if data.get("erased") is not True or data.get("personal") is not False:
            raise SchemaError("erased", tr("Löschvermerk ungültig", "invalid erasure marker"))
        if dict(data) == ERASURE_MARKER:
            return
        data = {k: v for k, v in data.items() if k != "erased"}
    fields = dict(_FIELDS[table])
    if table == "client" and data.get("personal") is True:
        fields.update(_PERSONAL)
    optional = {k: v for k, v in _OPTIONAL.get(table, {}).items() if k in data}
    if len(optional) not in (0, len(_OPTIONAL.get(table, {}))):
        missing = sorted(set(_OPTIONAL[table]) - set(optional))[0]
        raise SchemaError(missing, tr("fehlt", "missing"))
    fields.update(optional)
    unknown = sorted(set(data) - set(fields))
    if unknown:
        allowed_if_personal = table == "client" and set(unknown) <= set(_PERSONAL)
        problem = (
            tr("personenbezogen, aber nicht freigegeben", "personal, but not released")
            if allowed_if_personal
            else tr("unbekannt", "unknown")
        )
        raise SchemaError(unknown[0][:40], problem)
    for name, check in fields.items():
        if name not in data:
            raise SchemaError(name, tr("fehlt", "missing"))
        try:
            check(data[name])
        except SchemaError as exc:
            raise SchemaError(name, exc.problem) from None


@dataclass(frozen=True)
class Violation:
    """Where a payload broke the schema: record position, table, id (if well-formed), field."""

    index: int
    table: str
    record_id: str
    field: str
    problem: str

    def line(self) -> str:
        """The one line of the rejection reason, in the UI language."""
        where = tr(f"Datensatz {self.index + 1}", f"record {self.index + 1}")
        if self.table:
            where += f" ({self.table}"
            where += f" {self.record_id[:12]})" if self.record_id else ")"
        field = tr(f", Feld {self.field}", f", field {self.field}") if self.field else ""
        return f"{where}{field}: {self.problem}"


_RECORD_KEYS = frozenset({"t", "id", "rev", "del", "data"})


def _id_ok(table: str, value: Any) -> bool:
    pattern = _PSEUDONYM if table == "client" else _UUID
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def check_record(index: int, record: Any) -> Violation | None:
    """The first problem of one record of the payload, or None if it keeps every rule."""
    if not isinstance(record, dict) or record.keys() != _RECORD_KEYS:
        return Violation(
            index,
            "",
            "",
            "",
            tr(
                "hat nicht die Form {t, id, rev, del, data}",
                "does not have the form {t, id, rev, del, data}",
            ),
        )
    table = record["t"]
    if table.__class__ is not str or table not in _FIELDS:  # a list here is not hashable
        return Violation(index, "", "", "t", tr("unbekannte Tabelle", "unknown table"))
    if not _id_ok(table, record["id"]):
        expected = tr("Pseudonym p-…", "pseudonym p-…") if table == "client" else "UUID"
        return Violation(
            index,
            table,
            "",
            "id",
            tr(
                f"keine gültige ID (erwartet: {expected})", f"not a valid id (expected: {expected})"
            ),
        )
    rid = record["id"]
    rev = record["rev"]
    if type(rev) is not int or not 0 < rev <= MAX_REVISION:
        return Violation(
            index, table, rid, "rev", tr("keine gültige Revision", "not a valid revision")
        )
    if type(record["del"]) is not bool:
        return Violation(index, table, rid, "del", tr("kein Wahrheitswert", "not a boolean"))
    data = record["data"]
    if not isinstance(data, dict):
        return Violation(index, table, rid, "data", tr("kein Objekt", "not an object"))
    if record["del"]:
        # The one tombstone with data: a client merged into another names the survivor
        # (bundle format § 6), by pseudonym and nothing else.
        if table == "client" and set(data) == {"merged_into"}:
            survivor = data["merged_into"]
            if not isinstance(survivor, str) or not _PSEUDONYM.fullmatch(survivor):
                return Violation(
                    index,
                    table,
                    rid,
                    "merged_into",
                    tr("kein Pseudonym p-…", "not a pseudonym p-…"),
                )
            if survivor == rid:
                return Violation(
                    index,
                    table,
                    rid,
                    "merged_into",
                    tr("zeigt auf sich selbst", "points to itself"),
                )
            return None
        if data:
            return Violation(
                index, table, rid, "data", tr("Löschvermerk mit Daten", "tombstone with data")
            )
        return None
    try:
        check_data(table, data)
    except SchemaError as exc:
        return Violation(index, table, rid, exc.field, exc.problem)
    return None


def check_records(records: Any) -> Violation | None:
    """The first problem of a payload's record list: shape, count, each record, duplicates."""
    if not isinstance(records, list):
        return Violation(0, "", "", "records", tr("keine Liste", "not a list"))
    if len(records) > MAX_RECORDS:
        return Violation(
            0,
            "",
            "",
            "records",
            tr(f"mehr als {MAX_RECORDS} Datensätze", f"more than {MAX_RECORDS} records"),
        )
    seen: set[tuple[str, str]] = set()
    for index, record in enumerate(records):
        problem = check_record(index, record)
        if problem is not None:
            return problem
        key = (record["t"], record["id"])
        if key in seen:
            return Violation(
                index,
                key[0],
                key[1],
                "id",
                tr("kommt im Paket doppelt vor", "occurs twice in the bundle"),
            )
        seen.add(key)
    return None


def no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """The `object_pairs_hook` of a strict reader: a key given twice is an error."""
    out = dict(pairs)  # in C; a key given twice makes the dict shorter than the pairs
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key[:40]!r}")
            seen.add(key)
    return out


def no_constant(name: str) -> Any:
    """The `parse_constant` of a strict reader: NaN and Infinity are errors."""
    raise ValueError(f"{name} is not a JSON number")


def loads_strict(text: str) -> Any:
    """`json.loads` that refuses duplicate keys and NaN/Infinity (both are legal in Python's
    reader but make two readers disagree, or break every sum of a report)."""
    return json.loads(text, object_pairs_hook=no_duplicate_keys, parse_constant=no_constant)


__all__ = [
    "MAX_RECORDS",
    "TABLES",
    "SchemaError",
    "Violation",
    "check_data",
    "check_record",
    "check_records",
    "loads_strict",
]
