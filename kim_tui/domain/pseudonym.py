"""What travels to the coordinator, and in which shape (domain note § 4, DP-4). Pure Python.

Every client travels under a stable per-coach pseudonym: HMAC-SHA256 over the client id with a
secret key that never leaves the coach's vault. So the coordinator's key for a client is the same
whether or not personal data travel, and a withdrawal simply overwrites the record.

* Clients with a valid (given, not withdrawn, not deleted) consent ``share_coordinator`` travel
  with their personal master data (names, birth date, address, phone, languages, country of
  birth). Everyone else travels with codes only: birth year, gender, nationality code.
* Free text never travels, for anyone: notes, situations, resources, goal titles and
  evaluations, referral reasons and outcomes, step texts, staff names, household members. The
  coordinator's purpose is monitoring, not case work (data minimisation, Art. 5 (1) c DSGVO).
* Codes and dates of the case work always travel, so every figure of the report adds up.
* A tombstone travels as id + revision + ``del``; it carries no data.

A shaped record is a plain JSON-ready dict: ``{"t": table, "id": id, "rev": revision,
"del": bool, "data": {...}}`` with dates as ISO strings and code lists as lists.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

SHARE_PURPOSE = "share_coordinator"
PSEUDONYM_PREFIX = "p-"
_PSEUDONYM_RE = re.compile(r"p-[0-9a-f]{32}")

# Fields that travel for every row of a table (codes, dates, numbers, flags). Keys of this dict
# are the table names as used in the bundle; their order is the order of records in a bundle.
_ALWAYS: dict[str, tuple[str, ...]] = {
    "client": ("gender", "nationality", "interpreter_needed"),
    "case": (
        "client_id",
        "first_contact_on",
        "access_route",
        "referred_by",
        "legal_domains",
        "target_groups",
        "stage",
        "closed_on",
        "closure_reason",
        "themes",
    ),
    "consent": ("client_id", "case_id", "purpose", "agency", "given_on", "form", "withdrawn_on"),
    "residencerecord": ("client_id", "status", "legal_basis", "valid_from", "valid_until"),
    "assessment": ("case_id", "assessed_on"),
    "arearating": ("assessment_id", "area", "level"),
    "goalagreement": ("case_id", "agreed_on", "review_on"),
    "goal": ("agreement_id", "area", "target_on", "status"),
    "step": ("goal_id", "owner", "due_on", "done_on"),
    "referral": (
        "case_id",
        "agency",
        "legal_domain",
        "sent_on",
        "feedback_due_on",
        "status",
        "outcome_on",
        "passes_identifying_data",
    ),
    "contactnote": ("case_id", "on", "kind", "minutes", "interpreter"),
    # A handover between two coaches (issue 14): the bundle names are shorter than the
    # columns (`_HANDOVER_NAMES`); the client by its pseudonym, the colleague by fingerprint.
    "handover": ("direction", "client_id", "handed_over_on", "counterpart"),
}

_HANDOVER_NAMES = {"client_id": "client", "handed_over_on": "date"}
"""Bundle field names of the ``handover`` record's columns (the others keep their name)."""

TABLES: tuple[str, ...] = tuple(_ALWAYS)
"""The tables that travel, in bundle order (parents before children)."""

PERSONAL_CLIENT_FIELDS: tuple[str, ...] = (
    "given_name",
    "family_name",
    "other_names",
    "birth_date",
    "country_of_birth",
    "languages",
    "address",
    "phone",
)
"""Client fields that travel only with a valid consent ``share_coordinator``."""

HOUSEHOLD_FIELD = "household"
"""Optional client field: the household's pseudonym (``p-`` + 32 hex, HMAC of the household id
with the coach's pseudonym key). In the row given to `shape_record`: the household id."""
HOUSEHOLD_ROLE_FIELD = "household_role"
"""Optional client field: the member's role code (catalog ``household_roles``)."""

_CODE_LISTS = frozenset({"legal_domains", "target_groups", "themes", "languages"})
_CLIENT_REFS = frozenset({"client_id"})


def is_pseudonym(text: str) -> bool:
    """Whether ``text`` has the form of a client pseudonym: ``p-`` + 32 lowercase hex digits."""
    return _PSEUDONYM_RE.fullmatch(text) is not None


def pseudonym(key: bytes, client_id: str) -> str:
    """The stable per-coach pseudonym of a client: ``p-`` + 32 hex digits of HMAC-SHA256."""
    if len(key) < 16:
        raise ValueError("pseudonym key too short")
    digest = hmac.new(key, client_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:32]


def shares_with_coordinator(consents: Iterable[Mapping[str, Any]], on: date) -> bool:
    """True if a consent ``share_coordinator`` that expressly covers special categories is
    given by `on` and not withdrawn by then. The bundle carries the client's needs by priority
    area, health and care among them (Art. 9 DSGVO): with the name only on such a consent
    (Art. 9 Abs. 2 lit. a); otherwise the record travels pseudonymised."""
    for c in consents:
        if c.get("purpose") != SHARE_PURPOSE or c.get("deleted_at") is not None:
            continue
        if not c.get("special_categories"):
            continue
        given = c.get("given_on")
        withdrawn = c.get("withdrawn_on")
        if isinstance(given, date) and given <= on and (withdrawn is None or withdrawn > on):
            return True
    return False


def age_band(birth_year: int | None, on: date) -> str:
    """Age band at `on` from a birth year (the year is all the coordinator may know)."""
    if birth_year is None:
        return "unbekannt"
    age = on.year - birth_year
    for upper, label in ((17, "0-17"), (26, "18-26"), (39, "27-39"), (54, "40-54"), (66, "55-66")):
        if age <= upper:
            return label
    return "67+"


def _themes(value: Any) -> list[str]:
    """Structural themes travel as catalog codes only: the case stores a JSON list whose
    free-text entries ("text:…") may name a person, so each becomes the code ``other``."""
    try:
        items = json.loads(value) if isinstance(value, str) and value else []
    except ValueError:
        items = []
    if not isinstance(items, list):
        return []
    codes = {"other" if str(t).startswith("text:") else str(t) for t in items}
    return sorted(c for c in codes if c and c.replace("_", "").isalnum())


def _json_value(name: str, value: Any) -> Any:
    if name == "themes":
        return _themes(value)
    if name in _CODE_LISTS:
        return sorted(str(value).split()) if value else []
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def shape_record(
    table: str,
    row: Mapping[str, Any],
    *,
    key: bytes,
    personal: bool = False,
    revision: int | None = None,
) -> dict[str, Any]:
    """Shape one row for the bundle: drop what must not travel, pseudonymise client ids.

    `row` maps column names to values (dates as `date`); `personal` says whether the client of a
    ``client`` row has a valid sharing consent (ignored for other tables, which never carry
    personal fields); `revision` overrides the row's own (a consent change re-sends the client).
    """
    if table not in _ALWAYS:
        raise ValueError(f"table {table!r} does not travel")
    rid = str(row["id"])
    out_id = pseudonym(key, rid) if table == "client" else rid
    rev = int(row["revision"] if revision is None else revision)
    if row.get("deleted_at") is not None:
        # A client merged into another (issue 11 § 5) says which one, by its pseudonym, so
        # the coordinator can follow it; every other tombstone is empty.
        survivor = row.get("merged_into") if table == "client" else None
        tomb = {"merged_into": pseudonym(key, str(survivor))} if survivor else {}
        return {"t": table, "id": out_id, "rev": rev, "del": True, "data": tomb}
    data: dict[str, Any] = {}
    for name in _ALWAYS[table]:
        value = row.get(name)
        if name in _CLIENT_REFS and value is not None:
            value = pseudonym(key, str(value))
        data[_HANDOVER_NAMES.get(name, name) if table == "handover" else name] = _json_value(
            name, value
        )
    if table == "client":
        birth = row.get("birth_date")
        data["birth_year"] = birth.year if isinstance(birth, date) else None
        data["personal"] = personal
        # The household link (issue 14 § 6) travels pseudonymised like the client: the same
        # key makes the same household one pseudonym in every member's record.
        household = row.get(HOUSEHOLD_FIELD)
        if household:
            data[HOUSEHOLD_FIELD] = pseudonym(key, str(household))
            data[HOUSEHOLD_ROLE_FIELD] = str(row.get(HOUSEHOLD_ROLE_FIELD) or "other")
        if personal:
            for name in PERSONAL_CLIENT_FIELDS:
                data[name] = _json_value(name, row.get(name))
    return {"t": table, "id": out_id, "rev": rev, "del": False, "data": data}


ERASED_FIELD = "erased"
"""Client data field of an erasure marker: ``{"erased": true, "personal": false}``."""


def erasure_record(key: bytes, client_id: str, revision: int) -> dict[str, Any]:
    """The client record that tells the coordinator the coach erased this client: no fields
    but the marker, so the coordinator drops the identifying data it holds and keeps the
    pseudonymous codes (gender, nationality, birth year) and the case records for the counts."""
    return {
        "t": "client",
        "id": pseudonym(key, client_id),
        "rev": int(revision),
        "del": False,
        "data": {ERASED_FIELD: True, "personal": False},
    }


def erased_client_document(stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """What the coordinator keeps of an erased client: the stored codes without any personal
    field, marked erased (also when a restored older vault sends the client again)."""
    kept = {
        k: v
        for k, v in (stored or {}).items()
        if k not in PERSONAL_CLIENT_FIELDS and k not in (ERASED_FIELD, "personal")
    }
    kept["personal"] = False
    kept[ERASED_FIELD] = True
    return kept


def record_sort_key(record: Mapping[str, Any]) -> tuple[int, str]:
    """Bundle order: by table (parents first), then id — deterministic output."""
    return (TABLES.index(str(record["t"])), str(record["id"]))


__all__ = [
    "ERASED_FIELD",
    "PERSONAL_CLIENT_FIELDS",
    "erased_client_document",
    "erasure_record",
    "SHARE_PURPOSE",
    "TABLES",
    "age_band",
    "is_pseudonym",
    "pseudonym",
    "record_sort_key",
    "shape_record",
    "shares_with_coordinator",
]
