"""Assessments (Bestandsaufnahmen) and the goal agreement of a demo case.

The first assessment rates every priority area by what fits the person (age, languages,
household, residence status); a later one mostly shows progress. Situation texts and goals come
from ``data/situations.toml`` and ``data/goals.toml``.
"""

from __future__ import annotations

import random
from datetime import date

from kim_tui.demo.draws import age_on, days, spread_due, weighted
from kim_tui.demo.people import Person
from kim_tui.demo.residence import situation_kind, status_field
from kim_tui.demo.tables import Goal, tables
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.model import (
    AreaRatingDraft,
    GoalAgreementDraft,
    GoalDraft,
    ResidenceDraft,
    StepDraft,
)

__all__ = ["area_ratings", "goal_agreement", "improved", "need_levels"]

_GOAL_STATUS_OPEN = (("open", 35), ("in_progress", 55), ("achieved", 10))
_GOAL_STATUS_PAST = (("achieved", 40), ("not_achieved", 15), ("in_progress", 35), ("dropped", 10))


def need_levels(
    rng: random.Random, person: Person, residence: ResidenceDraft, today: date
) -> dict[str, int]:
    """A need level 0-3 for every priority area (catalog order) that fits the person."""
    client = person.client
    assert client.birth_date is not None
    age = age_on(client.birth_date, today)
    kind = status_field(residence.status, "kind")
    levels: dict[str, int] = {}
    for area in catalog("priority_areas").codes():
        levels[area] = weighted(rng, ((0, 30), (1, 30), (2, 25), (3, 15)))
    levels["residence"] = {
        "procedure": rng.choice((2, 3)),
        "toleration": 3,
        "permit": rng.choice((1, 2, 2, 3)) if residence.status != "ae_104c" else 3,
        "settlement": rng.choice((0, 1, 1, 2)),
        "citizen": 0,
    }.get(kind, rng.choice((0, 0, 1)))
    if "deu" in client.languages:
        levels["language"] = rng.choice((0, 0, 1))
    elif client.interpreter_needed:
        levels["language"] = rng.choice((2, 3, 3))
    levels["family"] = rng.choice((1, 2, 2, 3)) if person.minors else rng.choice((0, 0, 1))
    levels["care"] = rng.choice((1, 2, 3)) if age >= 60 else rng.choice((0, 0, 0, 1))
    if age >= 60:
        levels["vocational"] = 0
        levels["education"] = min(levels["education"], 1)
    return levels


def area_ratings(
    rng: random.Random, levels: dict[str, int], residence: ResidenceDraft, rich: bool
) -> tuple[AreaRatingDraft, ...]:
    """The ratings of an assessment; a ``rich`` (first) one has more notes and resources."""
    situations = tables().situations
    residence_situations = tables().residence_situations
    kind = situation_kind(residence)
    ratings: list[AreaRatingDraft] = []
    for area, level in levels.items():
        high, medium, low = situations[area].levels
        resources = situations[area].resources
        if area == "residence":
            high, medium, low = residence_situations.get(kind, ((), (), ()))
            if not high:
                level = levels[area] = 0
        situation = ""
        if level >= 1 and high:
            situation = rng.choice({3: high, 2: medium, 1: low}[level])
        elif rich and rng.random() < 0.3:
            situation = "Kein Handlungsbedarf"
        resource = rng.choice(resources) if rng.random() < (0.5 if rich else 0.3) else ""
        ratings.append(AreaRatingDraft(area, level, situation, resource))
    return tuple(ratings)


def improved(rng: random.Random, levels: dict[str, int]) -> dict[str, int]:
    """The levels of a later assessment: mostly lower, sometimes higher."""
    result: dict[str, int] = {}
    for area, level in levels.items():
        if rng.random() < 0.1:
            result[area] = min(3, level + 1)
        else:
            result[area] = max(0, level - rng.choice((0, 0, 1, 1, 1, 2)))
    return result


def _residence_goals(person: Person, residence: ResidenceDraft, today: date) -> tuple[Goal, ...]:
    assert person.client.birth_date is not None
    goals = tables().residence_goals
    kind = situation_kind(residence)
    if kind in ("ae_104c", "toleration"):
        if age_on(person.client.birth_date, today) <= 26:
            return goals["young"]
        return goals["toleration"]
    return goals.get(kind, goals["permit"])


def goal_agreement(
    rng: random.Random,
    person: Person,
    residence: ResidenceDraft | None,
    levels: dict[str, int],
    assessed_on: date,
    today: date,
) -> GoalAgreementDraft | None:
    """Goals for up to three areas of high need, or None when no area needs one."""
    agreed_on = min(assessed_on + days(rng.randint(0, 21)), today)
    areas = [a for a, level in levels.items() if level >= 2]
    kind = status_field(residence.status, "kind") if residence is not None else ""
    if kind not in ("procedure", "toleration", "permit", "settlement"):
        areas = [a for a in areas if a != "residence"]
    if not areas:
        return None
    rng.shuffle(areas)
    household_size = len(person.client.household) + 1
    goals: list[GoalDraft] = []
    for area in areas[: rng.choice((1, 1, 2, 2, 3))]:
        options = (
            _residence_goals(person, residence, today)
            if area == "residence" and residence is not None
            else tables().goals[area]
        )
        title, indicator, step_texts = rng.choice(options)
        title = title.format(rooms=max(2, min(5, (household_size + 1) // 2 + 1)))
        target_on = agreed_on + days(rng.randint(90, 365))
        status = weighted(rng, _GOAL_STATUS_PAST if target_on < today else _GOAL_STATUS_OPEN)
        steps: list[StepDraft] = []
        for text, owner in step_texts[: rng.randint(1, len(step_texts))]:
            due = spread_due(rng, today, agreed_on, (15, 8, 12, 65))
            done_on: date | None = None
            if status in ("achieved", "not_achieved", "dropped") or (
                due < today and status == "in_progress" and rng.random() < 0.5
            ):
                done_on = min(today, max(agreed_on, due + days(rng.randint(-10, 5))))
            steps.append(StepDraft(text, owner, due, done_on))
        goals.append(GoalDraft(area, title, indicator, target_on, status, tuple(steps)))
    review_on = spread_due(rng, today, agreed_on, (15, 5, 12, 68))
    return GoalAgreementDraft("", agreed_on, review_on, tuple(goals))
