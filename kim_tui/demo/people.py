"""The synthetic person of a demo case: name, birth date, languages, contact data, household.

Names are random combinations of common names of the client's origin (``data/origins.toml``),
recorded in Latin or native script the way KIM offices meet them; phone numbers come from the
landline blocks the Bundesnetzagentur keeps for film and TV.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from kim_tui.demo.draws import age_on, between, days, weighted, years_before
from kim_tui.demo.tables import Name, Origin, tables
from kim_tui.domain.model import ClientDraft, HouseholdMember

__all__ = ["EMITTED_COUNTRIES", "EMITTED_LANGUAGES", "Person", "draw_person"]

EMITTED_COUNTRIES = frozenset({"DEU", "KAZ", "RUS", "LBN"})
"""Countries of birth drawn here besides the origins' nationalities."""
EMITTED_LANGUAGES = (
    "ara", "tur", "kur", "kmr", "ckb", "ukr", "rus", "ron", "rom", "bul", "fas", "prs", "pus",
    "tir", "pol", "deu", "eng",
)  # fmt: skip
"""Every language code `_languages` can give."""


def _feminine(origin: Origin, family: Name) -> Name:
    """The feminine form of a family name where the language has one (-ova, -ska)."""
    latin, native = family
    if origin.key in ("bulgarian", "bulgarian_turkish") and latin.endswith(("ov", "ev")):
        return latin + "a", native + "а" if native else ""
    if origin.key == "polish":
        for masc, fem in (("ski", "ska"), ("cki", "cka")):
            if latin.endswith(masc):
                return latin[: -len(masc)] + fem, native
    return family


@dataclass(frozen=True)
class Person:
    """A drawn client with what the rest of their case depends on."""

    origin: Origin
    client: ClientDraft
    male: bool
    minors: int
    """Number of minor children in the household."""


def _birth_date(rng: random.Random, today: date) -> date:
    latest = min(date(2008, 12, 31), years_before(today, 18))
    earliest = max(date(1950, 1, 1), years_before(today, 100))
    if rng.random() < 0.35:  # the bump at 18-27
        age = rng.randint(18, 27)
        birth = years_before(today, age) - days(rng.randint(0, 364))
        return min(max(birth, earliest), latest)
    return between(rng, earliest, latest)


def _languages(rng: random.Random, origin: Origin, nationality: str, born: str) -> list[str]:
    key = origin.key
    if key == "arab":
        langs = ["ara"]
        if rng.random() < 0.1:
            langs.append("eng")
    elif key in ("turkish",):
        langs = ["tur"]
    elif key == "kurdish":
        sorani = nationality in ("IRQ", "IRN") and rng.random() < 0.6
        langs = ["ckb" if sorani else rng.choice(("kmr", "kmr", "kur"))]
        second = {"SYR": "ara", "IRQ": "ara", "XXA": "ara", "TUR": "tur", "IRN": "fas"}
        if rng.random() < 0.7:
            langs.append(second[nationality])
    elif key == "ukrainian":
        langs = (
            ["ukr", "rus"] if rng.random() < 0.5 else (["rus"] if rng.random() < 0.2 else ["ukr"])
        )
    elif key == "romanian":
        langs = ["ron", "rom"] if rng.random() < 0.2 else ["ron"]
    elif key == "bulgarian":
        langs = ["bul", "rom"] if rng.random() < 0.15 else ["bul"]
    elif key == "bulgarian_turkish":
        langs = ["tur", "bul"]
    elif key == "afghan":
        langs = [weighted(rng, (("prs", 60), ("pus", 30), ("fas", 10)))]
        if langs[0] == "pus" and rng.random() < 0.5:
            langs.append("prs")
    elif key == "eritrean":
        langs = ["tir"]
        if rng.random() < 0.15:
            langs.append("ara")
        if rng.random() < 0.1:
            langs.append("eng")
    elif key == "iranian":
        langs = ["fas"] + (["eng"] if rng.random() < 0.3 else [])
    elif key == "polish":
        langs = ["pol"]
    else:
        langs = ["deu"] + (["rus"] if born in ("KAZ", "RUS") else [])
    return langs


def _address(rng: random.Random) -> str:
    places = tables()
    street = rng.choice(places.streets)
    return f"{street} {rng.randint(1, 140)}, {rng.choice(places.postcodes)} {places.city}"


def _phone(rng: random.Random) -> str:
    """A number from the blocks kept free for film and TV: it never rings anywhere."""
    return f"{rng.choice(tables().phone_blocks)}{rng.randint(0, 999):03d}"


def _render_name(rng: random.Random, origin: Origin, given: Name, family: Name) -> tuple[str, ...]:
    """Return (given_name, family_name, other_names) as recorded."""
    latin = f"{given[0]} {family[0]}"
    native = f"{given[1]} {family[1]}" if given[1] and family[1] else ""
    if not native:
        return given[0], family[0], ""
    roll = rng.random()
    native_first = 0.12 if origin.script == "arabic" else 0.25
    if roll < native_first:
        return given[1], family[1], latin
    if roll < 0.75:
        return given[0], family[0], native
    return given[0], family[0], ""


def _household(
    rng: random.Random,
    origin: Origin,
    male: bool,
    given: str,
    birth: date,
    family: Name,
    today: date,
) -> tuple[tuple[HouseholdMember, ...], int]:
    """Household members and the number of minors; ``family`` is the masculine base form."""
    age = age_on(birth, today)
    members: list[HouseholdMember] = []
    spouse_prob = 0.5 if age >= 24 else 0.15
    if origin.key == "ukrainian" and not male:
        spouse_prob = 0.2  # many husbands stayed in Ukraine
    husband_family, husband_given = family, given if male else ""
    if rng.random() < spouse_prob:
        partner = rng.choice(origin.female if male else origin.male)[0]
        own_family = rng.choice(origin.family) if origin.wife_keeps_name else family
        if male:
            members.append(
                HouseholdMember(
                    f"{partner} {_feminine(origin, own_family)[0]}",
                    "Ehefrau",
                    between(
                        rng,
                        birth - days(3 * 365),
                        min(birth + days(8 * 365), years_before(today, 18)),
                    ),
                )
            )
        else:
            husband_family, husband_given = own_family, partner
            members.append(
                HouseholdMember(
                    f"{partner} {own_family[0]}",
                    "Ehemann",
                    between(
                        rng,
                        birth - days(8 * 365),
                        min(birth + days(3 * 365), years_before(today, 18)),
                    ),
                )
            )
    if not male and not husband_given and origin.wife_keeps_name:
        husband_family = rng.choice(origin.family)
    if origin.key == "eritrean":  # a child's second name is the father's given name
        husband_family = (husband_given or rng.choice(origin.male)[0], "")
    minors = 0
    used = {given, *(m.name.split(" ")[0] for m in members)}
    births: list[date] = []
    if age >= 20 and rng.random() < (0.75 if members else 0.25):
        count = weighted(rng, ((1, 30), (2, 35), (3, 20), (4, 10), (5, 5)))
        for _ in range(count):
            born = between(
                rng, birth + days(18 * 365), min(birth + days(44 * 365), today - days(30))
            )
            if born > today - days(30) or age_on(born, today) >= 30:
                continue  # grown-up children rarely live with the client
            if any(abs((born - other).days) < 300 for other in births):
                continue
            births.append(born)
            son = rng.random() < 0.5
            child_given = rng.choice(origin.male if son else origin.female)[0]
            if child_given in used:
                continue
            used.add(child_given)
            surname = husband_family if son else _feminine(origin, husband_family)
            members.append(
                HouseholdMember(f"{child_given} {surname[0]}", "Sohn" if son else "Tochter", born)
            )
            if age_on(born, today) < 18:
                minors += 1
    if age <= 26 and rng.random() < 0.12:
        mother_family = rng.choice(origin.family) if origin.wife_keeps_name else family
        members.append(
            HouseholdMember(
                f"{rng.choice(origin.female)[0]} {_feminine(origin, mother_family)[0]}",
                "Mutter",
                between(rng, birth - days(45 * 365), birth - days(18 * 365)),
            )
        )
    if age >= 60 and not members and rng.random() < 0.3:
        members.append(
            HouseholdMember(
                f"{rng.choice(origin.male)[0]} {family[0]}",
                "Enkel",
                between(rng, years_before(today, 16), years_before(today, 6)),
            )
        )
    return tuple(members), minors


def draw_person(rng: random.Random, today: date) -> Person:
    """A new synthetic client of a random origin, as of ``today``."""
    origin = weighted(rng, [(o, o.weight) for o in tables().origins])
    nationality = weighted(rng, origin.nationalities)
    born = nationality
    if nationality == "XXA":
        born = weighted(rng, (("SYR", 60), ("LBN", 30), ("IRQ", 10)))
    elif origin.key == "german":
        born = weighted(rng, (("DEU", 50), ("KAZ", 30), ("RUS", 20)))
    roll = rng.random()
    gender = "x" if roll < 0.01 else ("d" if roll < 0.015 else "")
    male = rng.random() >= origin.female_share
    gender = gender or ("m" if male else "f")
    given = rng.choice(origin.male if male else origin.female)
    base_family = rng.choice(origin.family)
    family = base_family if male else _feminine(origin, base_family)
    given_name, family_name, other_names = _render_name(rng, origin, given, family)
    if not other_names and not male and not origin.wife_keeps_name and rng.random() < 0.25:
        other_names = f"geb. {_feminine(origin, rng.choice(origin.family))[0]}"
    birth = _birth_date(rng, today)
    household, minors = _household(rng, origin, male, given[0], birth, base_family, today)
    langs = _languages(rng, origin, nationality, born)
    if "deu" not in langs and rng.random() < 0.25:
        langs.append("deu")
    client = ClientDraft(
        given_name=given_name,
        family_name=family_name,
        birth_date=birth,
        other_names=other_names,
        gender=gender,
        nationality=nationality,
        country_of_birth=born if rng.random() < 0.9 else "",
        languages=tuple(langs),
        interpreter_needed="deu" not in langs and rng.random() < 0.55,
        address=_address(rng) if rng.random() < 0.85 else "",
        phone=_phone(rng) if rng.random() < 0.8 else "",
        household=household,
    )
    return Person(origin, client, male, minors)
