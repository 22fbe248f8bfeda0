"""The ``stay`` and ``stay_at_cutoff`` conditions: how long the counted stay lasts."""

from __future__ import annotations

from datetime import date

from kim_tui.domain.dates import format_date
from kim_tui.domain.eligibility.facts import ResidenceFacts
from kim_tui.domain.eligibility.outcome import (
    Outcome,
    condition_result,
    join_sentences,
    months_text,
    status_label_de,
    status_label_en,
)
from kim_tui.domain.eligibility.results import ConditionState
from kim_tui.domain.eligibility.schema import ConditionSpec, Rule, matches_status
from kim_tui.domain.eligibility.stay_count import (
    StayRun,
    counts_for,
    current_run,
    neutral_for,
    reached_on,
    run_from_entry,
)


def stay(rule: Rule, spec: ConditionSpec, facts: ResidenceFacts, on: date) -> Outcome:
    """The current run of counted periods lasts ``months`` (fewer with a minor child)."""
    months = spec.months or 0
    short_de, short_en = months_text(months)
    label = (f"Aufenthalt seit {short_de}", f"stay for {short_en}")
    if matches_status(facts.status, spec.satisfied_by_current):
        assert facts.status is not None
        return Outcome(
            condition_result(
                spec,
                *label,
                ConditionState.MET,
                f"Erfüllt durch {status_label_de(facts.status)}.",
                f"Met by {status_label_en(facts.status)}.",
            )
        )
    counts = counts_for(spec, facts)
    run, last_end = current_run(
        facts.periods, counts, neutral_for(spec, counts), spec.gap_months, on
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
        return Outcome(condition_result(spec, *label, ConditionState.UNKNOWN, de, en))
    since_de = f"Gezählt ab {format_date(run.start)}."
    since_en = f"Counted from {format_date(run.start)}."
    reached = reached_on(run, months, on)
    child = facts.minor_children_in_household
    effective = months
    if spec.months_with_minor_child is not None and child is True:
        effective = spec.months_with_minor_child
    from_entry = run_from_entry(run, facts)
    if from_entry is not None:
        missing = _papers_missing(spec, label, run, from_entry, effective, on, facts)
        if missing is not None:
            return missing
    child_de = child_en = ""
    if spec.months_with_minor_child is not None:
        reached_child = reached_on(run, spec.months_with_minor_child, on)
        if child is True:
            reached = reached_child
        elif child is None and reached_child > on:
            child_de = f"Mit minderjährigem Kind im Haushalt: {format_date(reached_child)}."
            child_en = f"With a minor child in the household: {format_date(reached_child)}."
        elif child is None and reached_child <= on < reached:
            return Outcome(
                condition_result(
                    spec,
                    *label,
                    ConditionState.UNKNOWN,
                    join_sentences(
                        since_de,
                        f"Mit minderjährigem Kind im Haushalt erfüllt seit"
                        f" {format_date(reached_child)}, sonst ab {format_date(reached)};"
                        " Haushalt nicht erfasst.",
                    ),
                    join_sentences(
                        since_en,
                        f"Met since {format_date(reached_child)} with a minor child in the"
                        f" household, otherwise from {format_date(reached)}; household unknown.",
                    ),
                    earliest=reached,
                    time_based=True,
                )
            )
    if reached <= on:
        return Outcome(
            condition_result(
                spec,
                *label,
                ConditionState.MET,
                join_sentences(since_de, f"Erreicht am {format_date(reached)}."),
                join_sentences(since_en, f"Reached on {format_date(reached)}."),
                earliest=reached,
                time_based=True,
            )
        )
    return Outcome(
        condition_result(
            spec,
            *label,
            ConditionState.MISSING,
            join_sentences(
                since_de,
                f"Erreicht am {format_date(reached)}, wenn der Aufenthalt so weitergeht.",
                child_de,
            ),
            join_sentences(
                since_en, f"Reached on {format_date(reached)} if the stay continues.", child_en
            ),
            earliest=reached,
            time_based=True,
        )
    )


def stay_at_cutoff(rule: Rule, spec: ConditionSpec, facts: ResidenceFacts, on: date) -> Outcome:
    """The counted stay had lasted ``months`` on the ``cutoff`` day."""
    assert spec.cutoff is not None
    months = spec.months or 0
    short_de, short_en = months_text(months)
    label = (
        f"am {format_date(spec.cutoff)} seit {short_de} im Bundesgebiet",
        f"in Germany for {short_en} on {format_date(spec.cutoff)}",
    )
    counts = counts_for(spec, facts)
    run, _ = current_run(
        facts.periods, counts, neutral_for(spec, counts), spec.gap_months, spec.cutoff
    )
    if run is None:
        return Outcome(
            condition_result(
                spec,
                *label,
                ConditionState.UNKNOWN,
                f"Keine anrechenbare Zeit am {format_date(spec.cutoff)} erfasst.",
                f"No counting period recorded on {format_date(spec.cutoff)}.",
            )
        )
    reached = reached_on(run, months, spec.cutoff)
    from_entry = run_from_entry(run, facts)
    if reached > spec.cutoff and from_entry is not None:
        missing = _papers_missing(spec, label, run, from_entry, months, spec.cutoff, facts)
        if missing is not None:
            return missing
    if reached <= spec.cutoff:
        return Outcome(
            condition_result(
                spec,
                *label,
                ConditionState.MET,
                f"Gezählt ab {format_date(run.start)}.",
                f"Counted from {format_date(run.start)}.",
                earliest=reached,
            )
        )
    return Outcome(
        condition_result(
            spec,
            *label,
            ConditionState.MISSING,
            f"Gezählt ab {format_date(run.start)}: Stichtag nicht erreicht.",
            f"Counted from {format_date(run.start)}: cut-off not met.",
        ),
        final=True,
    )


def _papers_missing(
    spec: ConditionSpec,
    label: tuple[str, str],
    run: StayRun,
    from_entry: StayRun,
    months: int,
    on: date,
    facts: ResidenceFacts,
) -> Outcome | None:
    """UNKNOWN with both dates when the papers on file reach ``months`` later than the stay
    since entry would, and the records do not meet the condition on ``on``: the file lacks the
    papers between entry and the first one on file. None when the gap changes nothing."""
    by_papers = reached_on(run, months, on)
    by_entry = reached_on(from_entry, months, on)
    if by_papers <= on or by_entry >= by_papers:
        return None
    assert facts.date_of_entry is not None
    short_de, short_en = months_text(months)
    entry, first = format_date(facts.date_of_entry), format_date(run.start)
    verb_de = "wären es" if by_entry > on else "wären es schon"
    verb_en = "would be" if by_entry > on else "would already be"
    return Outcome(
        condition_result(
            spec,
            *label,
            ConditionState.UNKNOWN,
            f"Zeit vor dem ersten erfassten Papier ({first}) fehlt – ab Einreise am {entry}"
            f" {verb_de} {short_de} am {format_date(by_entry)}, sofern diese Zeit anrechenbar"
            f" ist; nach den erfassten Papieren erst am {format_date(by_papers)}."
            " Bitte frühere Papiere nachtragen.",
            f"Time before the first paper on file ({first}) is missing – counted from entry on"
            f" {entry} it {verb_en} {short_en} on {format_date(by_entry)}, if that time counts;"
            f" by the papers on file only on {format_date(by_papers)}."
            " Please add the earlier papers.",
            earliest=by_entry,
            time_based=True,
        )
    )
