"""The ``age_min`` and ``age_before`` conditions, and when a person reaches an age."""

from __future__ import annotations

import calendar
from datetime import date

from kim_tui.domain.dates import BirthPrecision, birth_span, format_date
from kim_tui.domain.eligibility.facts import ResidenceFacts
from kim_tui.domain.eligibility.outcome import Outcome, condition_result
from kim_tui.domain.eligibility.results import ConditionState
from kim_tui.domain.eligibility.schema import ConditionSpec, Rule
from kim_tui.domain.eligibility.stay_count import ONE_DAY


def age_reached_on(birth_date: date, years: int) -> date:
    """The day a person born on ``birth_date`` reaches ``years`` years of age.

    §§ 187 Abs. 2, 188 Abs. 2 BGB: the birthday itself; for 29 February in a common year,
    1 March.
    """
    year = birth_date.year + years
    if birth_date.month == 2 and birth_date.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return birth_date.replace(year=year)


def age_min(rule: Rule, spec: ConditionSpec, facts: ResidenceFacts, on: date) -> Outcome:
    """At least ``years`` old on ``on``; missing until the birthday, which is then its date."""
    years = spec.years or 0
    label = (f"mindestens {years} Jahre alt", f"at least {years} years old")
    if facts.birth_date is None:
        return Outcome(
            condition_result(
                spec, *label, ConditionState.UNKNOWN, "Geburtsdatum fehlt.", "Birth date missing."
            )
        )
    # With an unknown day or month, the latest day the person can have been born on: the
    # age counts as reached only once it surely is.
    latest_birth = birth_span(facts.birth_date, facts.birth_precision)[1]
    reached = age_reached_on(latest_birth, years)
    state = ConditionState.MET if reached <= on else ConditionState.MISSING
    unsure = facts.birth_precision != BirthPrecision.DAY
    return Outcome(
        condition_result(
            spec,
            *label,
            state,
            f"{years}. Geburtstag: "
            + ("spätestens " if unsure else "")
            + f"{format_date(reached)}"
            + (" (Geburtstag nicht genau bekannt)." if unsure else "."),
            f"{years}th birthday: "
            + ("by " if unsure else "")
            + f"{format_date(reached)}"
            + (" (birth date not exactly known)." if unsure else "."),
            earliest=reached,
            time_based=True,
        )
    )


def age_before(rule: Rule, spec: ConditionSpec, facts: ResidenceFacts, on: date) -> Outcome:
    """Younger than ``years``: met up to the day before that birthday, then missing for good."""
    years = spec.years or 0
    label = (f"jünger als {years} Jahre", f"younger than {years}")
    if facts.birth_date is None:
        return Outcome(
            condition_result(
                spec, *label, ConditionState.UNKNOWN, "Geburtsdatum fehlt.", "Birth date missing."
            )
        )
    # With an unknown day or month, the earliest day the person can have been born on: the
    # application is due before the age limit can have been reached.
    earliest_birth = birth_span(facts.birth_date, facts.birth_precision)[0]
    last = age_reached_on(earliest_birth, years) - ONE_DAY
    if on <= last:
        return Outcome(
            condition_result(
                spec,
                *label,
                ConditionState.MET,
                f"Antrag spätestens am {format_date(last)}.",
                f"Apply on {format_date(last)} at the latest.",
                latest=last,
            )
        )
    return Outcome(
        condition_result(
            spec,
            *label,
            ConditionState.MISSING,
            f"Altersgrenze am {format_date(last)} überschritten.",
            f"Age limit passed on {format_date(last)}.",
            latest=last,
        ),
        final=True,
    )
