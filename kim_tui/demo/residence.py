"""The residence title of a demo client and what follows from it for the intake.

Statuses are drawn by nationality profile (``data/residence.toml``) and dated so that they are
current on ``today``; a quarter of the titles with an end date end within eight weeks, so
residence reminders show up. The target groups and legal domains of the intake follow from
the status kind, age and household.
"""

from __future__ import annotations

import random
from datetime import date

from kim_tui.demo.draws import add_months, age_on, between, days, weighted
from kim_tui.demo.people import Person
from kim_tui.demo.tables import Origin, tables
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.model import ResidenceDraft

__all__ = [
    "YOUNG_TOLERATED_STATUSES",
    "draw_residence",
    "legal_domains",
    "situation_kind",
    "status_field",
    "target_groups",
]

_PARA_24 = "§ 24 AufenthG"
"""Temporary protection (§ 24) has its own code, ``ae_24``."""

_NEAR_EXPIRY_DAYS = 56
"""Eight weeks: a title ending within this window already has its residence reminder due."""
_CHANCEN_FIRST = date(2023, 1, 1)
_CHANCEN_LAST_ISSUE = date(2026, 3, 31)
"""§ 104c: applications until 31.12.2025, so the last titles were issued around early 2026."""

YOUNG_TOLERATED_STATUSES = frozenset(
    {"gestattung", "duldung", "duldung_light", "ausbildungsduldung", "beschaeftigungsduldung"}
)
"""Statuses of the target group "young tolerated" (18 to 27)."""
_IMPROVABLE = frozenset(
    {"ae_104c", "ae_25b", "ae_25a", "ae_25_3", "ae_25_5", "ae_23", "fiktion", "ae_25_2_subs"}
)


def status_field(code: str, key: str) -> str:
    """A field of a residence-status catalog entry (``kind``, ``legal_basis``), or ""."""
    entry = catalog("residence_statuses").get(code)
    return "" if entry is None else entry.extra.get(key, "")


def _status_profile(origin: Origin, nationality: str) -> str:
    if origin.key in ("romanian", "bulgarian", "bulgarian_turkish"):
        return "EU"
    return nationality


def draw_residence(rng: random.Random, person: Person, today: date) -> ResidenceDraft:
    """A current residence title that fits the person's origin and age."""
    client = person.client
    assert client.birth_date is not None
    age = age_on(client.birth_date, today)
    code, basis, _ = weighted(
        rng,
        [(s, s[2]) for s in tables().statuses[_status_profile(person.origin, client.nationality)]],
    )
    if code == "ae_25a" and age > 29:
        code = "ae_25b"
    if code == "ausbildungsduldung" and age > 35:
        code = "beschaeftigungsduldung"
    basis = basis or status_field(code, "legal_basis")
    if code == "ae_104c":
        # 18 months, not extendable, issued 2023 until early 2026.
        earliest = max(_CHANCEN_FIRST, add_months(today, -18) + days(1))
        latest = min(today - days(1), _CHANCEN_LAST_ISSUE)
        if earliest <= latest:
            valid_from = between(rng, earliest, latest)
            return ResidenceDraft(code, basis, valid_from, add_months(valid_from, 18) - days(1))
        code, basis = "ae_25b", "§ 25b AufenthG"
    validity = tables().validity.get(code)
    if validity is None:
        since = between(rng, today - days(15 * 365), today - days(30))
        return ResidenceDraft(code, basis, since if code != "german" else None, None)
    duration = rng.randint(*validity)
    if rng.random() < 0.25:
        offset = rng.randint(0, min(_NEAR_EXPIRY_DAYS, duration - 2))
    else:
        offset = rng.randint(min(_NEAR_EXPIRY_DAYS + 1, duration - 2), duration - 2)
    valid_until = today + days(offset)
    return ResidenceDraft(code, basis, valid_until - days(duration - 1), valid_until)


def target_groups(
    rng: random.Random, person: Person, residence: ResidenceDraft, first_contact: date
) -> tuple[str, ...]:
    """KIM target groups (catalog order) that fit age and status at the first contact."""
    assert person.client.birth_date is not None
    age = age_on(person.client.birth_date, first_contact)
    kind = status_field(residence.status, "kind")
    groups: set[str] = set()
    if 18 <= age <= 27 and residence.status in YOUNG_TOLERATED_STATUSES:
        groups.add("young_tolerated")
    if (
        kind in ("procedure", "toleration")
        or (residence.status in _IMPROVABLE and rng.random() < 0.6)
        or (kind == "settlement" and rng.random() < 0.35)
        or (kind == "permit" and rng.random() < 0.2)
    ):
        groups.add("residence_improvement")
    if kind in ("procedure", "permit", "other") and rng.random() < 0.45:
        groups.add("catch_up")
    if (person.minors >= 2 and rng.random() < 0.55) or rng.random() < 0.1:
        groups.add("multiple_problems")
    if (age >= 60 and rng.random() < 0.6) or rng.random() < 0.04:
        groups.add("care_setting")
    if not groups:
        groups.add("catch_up")
    return tuple(c for c in catalog("target_groups").codes() if c in groups)


def legal_domains(
    rng: random.Random, person: Person, residence: ResidenceDraft, today: date
) -> tuple[str, ...]:
    """Legal domains (catalog order) the case touches, by status, age and household."""
    assert person.client.birth_date is not None
    age = age_on(person.client.birth_date, today)
    status = residence.status
    kind = status_field(status, "kind")
    domains: set[str] = set()
    if kind == "procedure" and status == "gestattung":
        domains |= {"asylg"}
    elif kind in ("procedure", "toleration"):
        domains |= {"aufenthg", "asylg"}
    elif kind in ("permit", "settlement"):
        domains.add("aufenthg")
        if rng.random() < 0.7:
            domains.add("sgb12" if age >= 67 else "sgb2")
        if kind == "settlement" and rng.random() < 0.4:
            domains.add("stag")
    elif status == "eu_freizuegigkeit":
        domains.add("sgb2" if rng.random() < 0.55 else "sgb3")
    else:
        domains.add("sgb12" if age >= 67 else "sgb2")
    if person.minors and rng.random() < 0.35:
        domains.add("sgb8")
    if age >= 60 and rng.random() < 0.35:
        domains.add("sgb11")
    if rng.random() < 0.12:
        domains.add("sgb5")
    if age <= 25 and kind in ("permit", "settlement", "citizen") and rng.random() < 0.2:
        domains.add("bafoeg")
    if rng.random() < 0.08:
        domains.add("wogg")
    if rng.random() < 0.02:
        domains.add("sgb9")
    return tuple(c for c in catalog("legal_domains").codes() if c in domains)


def situation_kind(residence: ResidenceDraft) -> str:
    """Key into the residence situations and residence goals of the tables."""
    if residence.status in ("ae_104c", "eu_freizuegigkeit", "unknown"):
        return residence.status
    if residence.status == "ae_24" or residence.legal_basis == _PARA_24:
        return "§ 24"
    if residence.status == "fiktion":  # waiting for a permit to be extended or issued
        return "permit"
    return status_field(residence.status, "kind")
