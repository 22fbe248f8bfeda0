"""The literal tables of the demo caseload, read from ``kim_tui/demo/data/*.toml``.

Names, residence statuses, assessment texts, goals and the phrases of case work are data, not
code: the files say what each table means. They are read once, on first use, and checked for
shape here (a broken file fails loudly with its name); `caseload.check_codes` then checks every
code against the catalogs. Table and entry order is kept exactly as written, because the
generator draws from them by position: the same seed gives the same caseload only as long as
the files stay the same.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any, TypeVar

__all__ = [
    "AreaTexts",
    "DemoTables",
    "Goal",
    "Name",
    "Origin",
    "Status",
    "tables",
]

Name = tuple[str, str]
"""(Latin spelling, native script or "")."""
Status = tuple[str, str, int]
"""(residence status code, legal basis override or "", weight)."""
Goal = tuple[str, str, tuple[tuple[str, str], ...]]
"""(title, indicator, steps as (text, owner))."""
Levels = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
"""Situation texts for need levels 3, 2 and 1."""

V = TypeVar("V")


@dataclass(frozen=True)
class Origin:
    """Where a synthetic client comes from, and the names to draw for them."""

    key: str
    weight: int
    nationalities: tuple[tuple[str, int], ...]
    male: tuple[Name, ...]
    female: tuple[Name, ...]
    family: tuple[Name, ...]
    script: str
    """``arabic``, ``cyrillic`` or ``latin``: how names are recorded."""
    female_share: float
    wife_keeps_name: bool


@dataclass(frozen=True)
class AreaTexts:
    """What an assessment says about one priority area."""

    levels: Levels
    """Situation texts for need levels 3, 2 and 1 (empty for the residence area)."""
    resources: tuple[str, ...]


@dataclass(frozen=True)
class DemoTables:
    """Every table of ``data/*.toml``, in file order."""

    origins: tuple[Origin, ...]
    statuses: Mapping[str, tuple[Status, ...]]
    """Residence statuses by nationality profile (a nationality code, or ``EU``)."""
    validity: Mapping[str, tuple[int, int]]
    """(shortest, longest) validity in days of a title; statuses not listed have no end."""
    situations: Mapping[str, AreaTexts]
    """By priority area."""
    residence_situations: Mapping[str, Levels]
    """By residence status kind (or code)."""
    goals: Mapping[str, tuple[Goal, ...]]
    """By priority area."""
    residence_goals: Mapping[str, tuple[Goal, ...]]
    """By residence situation (``young`` for tolerated clients up to 26)."""
    referrals: Mapping[str, tuple[tuple[str, str], ...]]
    """(agency, reason) by priority area."""
    outcomes: Mapping[str, tuple[str, ...]]
    """Outcome texts by referral status."""
    contact_notes: Mapping[str, tuple[str, ...]]
    """By contact kind."""
    follow_up_reasons: tuple[str, ...]
    city: str
    streets: tuple[str, ...]
    postcodes: tuple[str, ...]
    phone_blocks: tuple[str, ...]
    """Landline blocks kept free for film and TV; a number adds three digits."""


class _Shape:
    """Typed reads from one parsed file; a wrong shape raises ValueError naming the file."""

    def __init__(self, file: str) -> None:
        self.file = file
        data = resources.files("kim_tui.demo").joinpath("data", file).read_text("utf-8")
        self.root: dict[str, Any] = tomllib.loads(data)

    def fail(self, where: str, expected: str) -> ValueError:
        return ValueError(f"demo data {self.file}: {where} must be {expected}")

    def table(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "a table")
        return value

    def text(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise self.fail(where, "a string")
        return value

    def number(self, value: Any, where: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(where, "an integer")
        return value

    def items(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(where, "an array")
        return value

    def texts(self, value: Any, where: str) -> tuple[str, ...]:
        return tuple(self.text(v, where) for v in self.items(value, where))

    def pair(self, value: Any, where: str) -> tuple[str, str]:
        items = self.items(value, where)
        if len(items) != 2:
            raise self.fail(where, "[text, text]")
        return self.text(items[0], where), self.text(items[1], where)

    def pairs(self, value: Any, where: str) -> tuple[tuple[str, str], ...]:
        return tuple(self.pair(v, where) for v in self.items(value, where))

    def weighted(self, value: Any, where: str) -> tuple[str, int]:
        items = self.items(value, where)
        if len(items) != 2:
            raise self.fail(where, "[code, weight]")
        return self.text(items[0], where), self.number(items[1], where)

    def levels(self, value: Any, where: str) -> Levels:
        table = self.table(value, where)
        return (
            self.texts(table.get("level_3", []), f"{where}.level_3"),
            self.texts(table.get("level_2", []), f"{where}.level_2"),
            self.texts(table.get("level_1", []), f"{where}.level_1"),
        )


def _names(shape: _Shape, value: Any, where: str) -> tuple[Name, ...]:
    """A name is "Latin" or ["Latin", "native script"]."""
    return tuple(
        (v, "") if isinstance(v, str) else shape.pair(v, where) for v in shape.items(value, where)
    )


def _origins() -> tuple[Origin, ...]:
    shape = _Shape("origins.toml")
    origins: list[Origin] = []
    for index, raw in enumerate(shape.items(shape.root.get("origin"), "origin")):
        where = f"origin[{index}]"
        entry = shape.table(raw, where)
        share = entry.get("female_share")
        keeps = entry.get("wife_keeps_name")
        if not isinstance(share, float) or not 0 <= share <= 1:
            raise shape.fail(f"{where}.female_share", "a number between 0 and 1")
        if not isinstance(keeps, bool):
            raise shape.fail(f"{where}.wife_keeps_name", "true or false")
        origins.append(
            Origin(
                key=shape.text(entry.get("key"), f"{where}.key"),
                weight=shape.number(entry.get("weight"), f"{where}.weight"),
                nationalities=tuple(
                    shape.weighted(v, f"{where}.nationalities")
                    for v in shape.items(entry.get("nationalities"), f"{where}.nationalities")
                ),
                male=_names(shape, entry.get("male"), f"{where}.male"),
                female=_names(shape, entry.get("female"), f"{where}.female"),
                family=_names(shape, entry.get("family"), f"{where}.family"),
                script=shape.text(entry.get("script"), f"{where}.script"),
                female_share=share,
                wife_keeps_name=keeps,
            )
        )
    return tuple(origins)


def _status(shape: _Shape, value: Any, where: str) -> Status:
    items = shape.items(value, where)
    if len(items) != 3:
        raise shape.fail(where, "[code, legal basis, weight]")
    return shape.text(items[0], where), shape.text(items[1], where), shape.number(items[2], where)


def _span(shape: _Shape, value: Any, where: str) -> tuple[int, int]:
    items = shape.items(value, where)
    if len(items) != 2:
        raise shape.fail(where, "[shortest, longest]")
    return shape.number(items[0], where), shape.number(items[1], where)


def _goals(shape: _Shape, value: Any, where: str) -> dict[str, tuple[Goal, ...]]:
    result: dict[str, tuple[Goal, ...]] = {}
    for key, goals in shape.table(value, where).items():
        entries: list[Goal] = []
        for index, raw in enumerate(shape.items(goals, f"{where}.{key}")):
            at = f"{where}.{key}[{index}]"
            goal = shape.table(raw, at)
            entries.append(
                (
                    shape.text(goal.get("title"), f"{at}.title"),
                    shape.text(goal.get("indicator"), f"{at}.indicator"),
                    shape.pairs(goal.get("steps"), f"{at}.steps"),
                )
            )
        result[key] = tuple(entries)
    return result


def _frozen(table: dict[str, V]) -> Mapping[str, V]:
    """A read-only view: the tables are shared by every caller for the life of the process."""
    return MappingProxyType(table)


@functools.cache
def tables() -> DemoTables:
    """Read and check every demo data file once; later calls return the same tables."""
    residence = _Shape("residence.toml")
    situations = _Shape("situations.toml")
    goals = _Shape("goals.toml")
    phrases = _Shape("phrases.toml")
    places = _Shape("places.toml")

    def section(shape: _Shape, name: str) -> dict[str, Any]:
        return shape.table(shape.root.get(name), name)

    return DemoTables(
        origins=_origins(),
        statuses=_frozen(
            {
                profile: tuple(_status(residence, v, f"statuses.{profile}") for v in options)
                for profile, options in section(residence, "statuses").items()
            }
        ),
        validity=_frozen(
            {
                code: _span(residence, span, f"validity.{code}")
                for code, span in section(residence, "validity").items()
            }
        ),
        situations=_frozen(
            {
                area: AreaTexts(
                    situations.levels(texts, f"area.{area}"),
                    situations.texts(texts.get("resources"), f"area.{area}.resources"),
                )
                for area, texts in section(situations, "area").items()
            }
        ),
        residence_situations=_frozen(
            {
                kind: situations.levels(texts, f"residence.{kind}")
                for kind, texts in section(situations, "residence").items()
            }
        ),
        goals=_frozen(_goals(goals, goals.root.get("area"), "area")),
        residence_goals=_frozen(_goals(goals, goals.root.get("residence"), "residence")),
        referrals=_frozen(
            {
                area: phrases.pairs(options, f"referrals.{area}")
                for area, options in section(phrases, "referrals").items()
            }
        ),
        outcomes=_frozen(
            {
                status: phrases.texts(texts, f"outcomes.{status}")
                for status, texts in section(phrases, "outcomes").items()
            }
        ),
        contact_notes=_frozen(
            {
                kind: phrases.texts(texts, f"contact_notes.{kind}")
                for kind, texts in section(phrases, "contact_notes").items()
            }
        ),
        follow_up_reasons=phrases.texts(phrases.root.get("follow_up_reasons"), "follow_up_reasons"),
        city=places.text(places.root.get("city"), "city"),
        streets=places.texts(places.root.get("streets"), "streets"),
        postcodes=places.texts(places.root.get("postcodes"), "postcodes"),
        phone_blocks=places.texts(places.root.get("phone_blocks"), "phone_blocks"),
    )
