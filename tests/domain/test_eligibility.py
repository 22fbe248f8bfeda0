"""Rule-based residence hints: every rule, with edges (day before / day of a duration, age limits
on the birthday, expired rule, unknown facts)."""

from __future__ import annotations

import dataclasses
import tomllib
from datetime import date, timedelta
from importlib import resources
from typing import Any

import pytest

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.eligibility import (
    DISCLAIMER_DE,
    DISCLAIMER_EN,
    ConditionState,
    Hint,
    HintStatus,
    ResidenceFacts,
    StatusPeriod,
    age_reached_on,
    evaluate,
    facts_from_records,
    load_rules,
    parse_rules,
    relevant,
)
from kim_tui.domain.model import ResidenceFactsDraft, ResidenceView
from kim_tui.domain.scheduling import add_months

MET, MISSING, UNKNOWN = ConditionState.MET, ConditionState.MISSING, ConditionState.UNKNOWN
ALL_RULES = {
    "ae_25a",
    "ae_25b",
    "ae_104c",
    "beschaeftigungsduldung",
    "ausbildungsduldung",
    "ne_26_3",
    "ne_26_3_c1",
    "ne_26_4",
    "ne_9",
    "einbuergerung_10",
    "ae_104c_uebergang",
    "familiennachzug_subsidiaer",
    "asylblg_24",
}


def good(**changes: Any) -> ResidenceFacts:
    """Facts that meet every non-time condition; tests change what they need."""
    base = ResidenceFacts(
        current_status="duldung",
        periods=(),
        birth_date=date(1990, 6, 15),
        date_of_entry=date(2015, 1, 1),
        nationality="SYR",
        german_level="C2",
        german_certificate_on=date(2020, 1, 1),
        livelihood_share=100,
        minor_children_in_household=False,
        in_school_or_training=False,
        school_attendance_months=48,
        school_or_vocational_degree=True,
        vocational_training_contract=True,
        employment_months_20h=24,
        pension_contribution_months=120,
        civic_knowledge_proven=True,
        naturalisation_test_passed=True,
        identity_clarified=True,
        conviction_over_threshold="no",
    )
    if changes.get("periods") and "date_of_entry" not in changes:
        # The entry is the start of the first paper unless a test says otherwise: papers missing
        # between entry and the first one on file are tested on their own.
        changes["date_of_entry"] = min(p.valid_from for p in changes["periods"])
    return dataclasses.replace(base, **changes)


def hint(facts: ResidenceFacts, on: date, rule_id: str) -> Hint:
    found = [h for h in evaluate(facts, on) if h.rule_id == rule_id]
    assert len(found) == 1, f"{rule_id} not returned on {on}"
    return found[0]


def cond(h: Hint, label_part: str) -> ConditionState:
    matches = [c for c in h.conditions if label_part in c.label_de]
    assert len(matches) == 1, [c.label_de for c in h.conditions]
    return matches[0].state


def since(status: str, start: date, end: date | None = None) -> StatusPeriod:
    return StatusPeriod(status, start, end)


# ---------------------------------------------------------------- rules as data


def test_rules_are_versioned_data_with_sources() -> None:
    rules = load_rules()
    assert rules.version
    assert {r.id for r in rules.rules} == ALL_RULES
    for rule in rules.rules:
        assert rule.statute and rule.legal_basis and rule.as_of
        assert rule.title_de and rule.title_en
        assert rule.conditions[0].kind == "current_status"


def test_rule_status_codes_exist_in_catalog() -> None:
    codes = set(catalog("residence_statuses").codes())
    for rule in load_rules().rules:
        for spec in rule.conditions:
            for field in (
                "counts",
                "neutral",
                "extra_counts",
                "extra_counts_if_current",
                "counts_if_recognised",
                "recognition_statuses",
                "satisfied_by_current",
                "allowed",
                "blocked",
                "check",
            ):
                for code in getattr(spec, field):
                    if code.endswith("*"):
                        assert any(c.startswith(code[:-1]) for c in codes), code
                    else:
                        assert code in codes, (rule.id, field, code)


def test_verify_flags_follow_domain_note() -> None:
    rules = {r.id: r for r in load_rules().rules}
    # domain.md § 6.2 marks § 60c and § 60d "verify: true".
    assert rules["beschaeftigungsduldung"].verify
    assert rules["ausbildungsduldung"].verify
    # § 6.3: 51 % / 75 % are authority practice, not statute.
    assert rules["ne_26_3"].verify and rules["ne_26_3_c1"].verify
    # § 25a: the 50/90 Tagessätze limit is not in the statute's wording (issue 15).
    assert rules["ae_25a"].verify
    assert rules["familiennachzug_subsidiaer"].verify is False
    for rule in rules.values():
        if rule.verify:
            assert rule.verify_note_de and rule.verify_note_en, rule.id
    h = hint(good(), date(2026, 1, 1), "beschaeftigungsduldung")
    assert h.verify and "nicht geprüft" in h.verify_note_de


def test_bad_rule_data_is_rejected() -> None:
    text = resources.files("kim_tui.domain").joinpath("data", "rules", "eligibility_rules.toml")
    data = tomllib.loads(text.read_text(encoding="utf-8"))
    broken = dict(data)
    del broken["rules_version"]
    with pytest.raises(ValueError, match="rules_version"):
        parse_rules(broken)
    rule = dict(data["rules"][0])
    rule["conditions"] = [{"kind": "stay", "counts": ["duldung"], "months": 3}]
    with pytest.raises(ValueError, match="current_status"):
        parse_rules(
            {
                "rules_version": "x",
                "rules_date": date(2026, 1, 1),
                "rules": [dict(rule, conditions=rule["conditions"])],
            }
        )
    rule["conditions"] = [{"kind": "current_status"}, {"kind": "stay", "counts": ["duldung"]}]
    with pytest.raises(ValueError, match="'months' is required"):
        parse_rules({"rules_version": "x", "rules_date": date(2026, 1, 1), "rules": [rule]})
    rule["conditions"] = [{"kind": "telepathy"}]
    with pytest.raises(ValueError, match="unknown kind"):
        parse_rules({"rules_version": "x", "rules_date": date(2026, 1, 1), "rules": [rule]})


def test_facts_validation() -> None:
    with pytest.raises(ValueError):
        ResidenceFacts(german_level="B3")
    with pytest.raises(ValueError):
        ResidenceFacts(livelihood_share=101)
    with pytest.raises(ValueError):
        ResidenceFacts(pension_contribution_months=-1)
    with pytest.raises(ValueError):
        StatusPeriod("duldung", date(2020, 2, 1), date(2020, 1, 1))


def test_every_hint_carries_disclaimer_and_version() -> None:
    hints = evaluate(good(), date(2025, 6, 1))
    assert hints
    for h in hints:
        assert h.disclaimer_de == DISCLAIMER_DE
        assert h.disclaimer_en == DISCLAIMER_EN
        assert "keine Rechtsberatung" in h.disclaimer_de
        assert h.rules_version == load_rules().version


# ---------------------------------------------------------------- unknown facts


def test_unknown_facts_are_never_met() -> None:
    hints = evaluate(ResidenceFacts(), date(2026, 1, 1))
    assert {h.rule_id for h in hints} == ALL_RULES - {"ae_104c", "asylblg_24"}
    for h in hints:
        assert h.status is HintStatus.UNCLEAR, h.rule_id
        for c in h.conditions:
            assert c.state is UNKNOWN, (h.rule_id, c.label_de)


def test_unknown_current_status_code_counts_as_unknown() -> None:
    h = hint(good(current_status="unknown"), date(2026, 1, 1), "ae_25b")
    assert h.conditions[0].state is UNKNOWN


def test_conviction_unknown_gives_unknown() -> None:
    on = date(2026, 1, 1)
    facts = good(periods=(since("duldung", date(2015, 1, 1)),), conviction_over_threshold="unknown")
    h = hint(facts, on, "ae_25b")
    assert cond(h, "Verurteilung") is UNKNOWN
    assert h.status is HintStatus.UNCLEAR


def test_conviction_yes_depends_on_rule_threshold() -> None:
    on = date(2026, 1, 1)
    tolerated = good(periods=(since("duldung", date(2015, 1, 1)),), conviction_over_threshold="yes")
    h = hint(tolerated, on, "ae_25b")
    assert cond(h, "Verurteilung") is MISSING  # 50 Tagessätze: the reference threshold
    assert h.status is HintStatus.NOT_YET
    citizen = good(
        current_status="ne_26_3",
        periods=(
            since("ae_25_2_gfk", date(2015, 1, 1), date(2018, 1, 1)),
            since("ne_26_3", date(2018, 1, 2)),
        ),
        conviction_over_threshold="yes",
    )
    h = hint(citizen, on, "einbuergerung_10")
    assert cond(h, "Verurteilung") is UNKNOWN  # § 12a StAG: 90 Tagessätze, above the reference
    assert h.status is HintStatus.UNCLEAR


# ---------------------------------------------------------------- § 25b


def test_25b_six_years_day_before_and_day() -> None:
    start = date(2019, 3, 15)
    facts = good(
        periods=(since("gestattung", start, date(2020, 5, 31)), since("duldung", date(2020, 6, 1)))
    )
    reached = add_months(start, 72)
    assert reached == date(2025, 3, 15)
    before = hint(facts, reached - timedelta(days=1), "ae_25b")
    assert before.status is HintStatus.POSSIBLE_LATER
    assert before.earliest_date == reached
    stay = before.conditions[1]
    assert stay.state is MISSING and stay.time_based and stay.earliest_date == reached
    assert "15.03.2025" in stay.detail_de
    on_day = hint(facts, reached, "ae_25b")
    assert on_day.status is HintStatus.ELIGIBLE_NOW
    assert on_day.conditions[1].state is MET


def test_25b_four_years_with_minor_child() -> None:
    start = date(2021, 1, 31)
    facts = good(periods=(since("duldung", start),), minor_children_in_household=True)
    reached = add_months(start, 48)
    assert reached == date(2025, 1, 31)
    assert hint(facts, reached - timedelta(days=1), "ae_25b").status is HintStatus.POSSIBLE_LATER
    assert hint(facts, reached, "ae_25b").status is HintStatus.ELIGIBLE_NOW
    # Without a child the same stay needs 72 months.
    no_child = dataclasses.replace(facts, minor_children_in_household=False)
    h = hint(no_child, reached, "ae_25b")
    assert h.status is HintStatus.POSSIBLE_LATER and h.earliest_date == date(2027, 1, 31)
    # Unknown household: 48 months reached, 72 not -> unknown, never met.
    unknown_child = dataclasses.replace(facts, minor_children_in_household=None)
    h = hint(unknown_child, reached, "ae_25b")
    assert h.conditions[1].state is UNKNOWN
    assert h.status is HintStatus.UNCLEAR
    assert hint(unknown_child, date(2027, 1, 31), "ae_25b").status is HintStatus.ELIGIBLE_NOW


def test_25b_gap_up_to_three_months_bridges_but_does_not_count() -> None:
    # Duldung ends 31.03.2020, next starts 01.06.2020: a 61-day gap, within 3 months.
    periods = (
        since("duldung", date(2019, 1, 1), date(2020, 3, 31)),
        since("duldung", date(2020, 6, 1)),
    )
    h = hint(good(periods=periods), date(2024, 1, 1), "ae_25b")
    stay = h.conditions[1]
    assert "01.01.2019" in stay.detail_de  # run starts at the first period
    assert stay.earliest_date == date(2025, 1, 1) + timedelta(days=61)
    # A gap over 3 months interrupts: counting restarts.
    periods = (
        since("duldung", date(2019, 1, 1), date(2020, 3, 31)),
        since("duldung", date(2020, 7, 2)),
    )
    stay = hint(good(periods=periods), date(2024, 1, 1), "ae_25b").conditions[1]
    assert stay.earliest_date == date(2026, 7, 2)


def test_25b_duldung_light_neither_counts_nor_interrupts() -> None:
    periods = (
        since("gestattung", date(2018, 1, 1), date(2019, 12, 31)),
        since("duldung_light", date(2020, 1, 1), date(2020, 12, 31)),
        since("duldung", date(2021, 1, 1)),
    )
    stay = hint(good(periods=periods), date(2024, 1, 1), "ae_25b").conditions[1]
    assert stay.earliest_date == date(2024, 1, 1) + timedelta(days=366)  # 2020 is a leap year
    # A § 104c holder: Duldung-light time counts (zbs-auf.info 7.15).
    periods_104c = (*periods[:2], since("duldung", date(2021, 1, 1), date(2023, 5, 31)))
    facts = good(
        current_status="ae_104c", periods=(*periods_104c, since("ae_104c", date(2023, 6, 1)))
    )
    stay = hint(facts, date(2024, 1, 1), "ae_25b").conditions[1]
    assert stay.earliest_date == date(2024, 1, 1)


def test_25b_current_status() -> None:
    on = date(2026, 1, 1)
    periods = (since("duldung", date(2015, 1, 1)),)
    assert hint(good(current_status="duldung_light", periods=periods), on, "ae_25b").status is (
        HintStatus.NOT_YET
    )
    for status in ("ae_25b", "ne_9", "gestattung", "german"):
        h = hint(good(current_status=status, periods=periods), on, "ae_25b")
        assert h.status is HintStatus.NOT_APPLICABLE, status
    assert relevant([hint(good(current_status="ne_9"), on, "ae_25b")]) == ()


def test_25b_language_and_livelihood() -> None:
    on = date(2026, 1, 1)
    periods = (since("duldung", date(2015, 1, 1)),)
    assert hint(good(periods=periods, german_level="A1"), on, "ae_25b").status is HintStatus.NOT_YET
    assert hint(good(periods=periods, german_level="A2"), on, "ae_25b").status is (
        HintStatus.ELIGIBLE_NOW
    )
    assert hint(good(periods=periods, livelihood_share=50), on, "ae_25b").status is (
        HintStatus.NOT_YET
    )
    assert hint(good(periods=periods, livelihood_share=51), on, "ae_25b").status is (
        HintStatus.ELIGIBLE_NOW
    )
    assert hint(good(periods=periods, livelihood_share=None), on, "ae_25b").status is (
        HintStatus.UNCLEAR
    )


def test_stale_periods_give_unknown_stay() -> None:
    periods = (since("duldung", date(2015, 1, 1), date(2025, 6, 30)),)
    stay = hint(good(periods=periods), date(2026, 1, 1), "ae_25b").conditions[1]
    assert stay.state is UNKNOWN and "30.06.2025" in stay.detail_de


# ---------------------------------------------------------------- § 25a


def young(birth: date, **changes: Any) -> ResidenceFacts:
    defaults: dict[str, Any] = {
        "birth_date": birth,
        "periods": (
            since("gestattung", date(2018, 1, 1), date(2020, 12, 31)),
            since("duldung", date(2021, 1, 1)),
        ),
        "in_school_or_training": True,
        "livelihood_share": 0,
    }
    return good(**(defaults | changes))


def test_25a_age_limit_day_before_27th_birthday() -> None:
    birth = date(1999, 8, 20)
    facts = young(birth)
    last = date(2026, 8, 19)  # 26 years and 364 days
    h = hint(facts, last, "ae_25a")
    assert h.status is HintStatus.ELIGIBLE_NOW
    assert h.deadline == last
    age = [c for c in h.conditions if c.latest_date is not None][0]
    assert age.state is MET and age.latest_date == last
    h = hint(facts, date(2026, 8, 20), "ae_25a")  # the 27th birthday
    assert h.status is HintStatus.NOT_APPLICABLE
    assert cond(h, "27. Lebensjahres") is MISSING


def test_25a_minimum_age_14_on_birthday() -> None:
    birth = date(2011, 9, 1)
    facts = young(birth)
    h = hint(facts, date(2025, 8, 31), "ae_25a")
    assert h.status is HintStatus.POSSIBLE_LATER and h.earliest_date == date(2025, 9, 1)
    assert hint(facts, date(2025, 9, 1), "ae_25a").status is HintStatus.ELIGIBLE_NOW


def test_age_on_29_february() -> None:
    assert age_reached_on(date(2000, 2, 29), 27) == date(2027, 3, 1)
    assert age_reached_on(date(2000, 2, 29), 28) == date(2028, 2, 29)
    facts = young(date(2000, 2, 29))
    assert hint(facts, date(2027, 2, 28), "ae_25a").status is HintStatus.ELIGIBLE_NOW
    assert hint(facts, date(2027, 3, 1), "ae_25a").status is HintStatus.NOT_APPLICABLE


def test_25a_time_reached_only_after_age_limit_is_not_applicable() -> None:
    # Duldung only since 01.01.2026 (12 months -> 01.01.2027), but the 27th birthday is 01.06.2026.
    facts = young(
        date(1999, 6, 1),
        periods=(
            since("gestattung", date(2018, 1, 1), date(2025, 12, 31)),
            since("duldung", date(2026, 1, 1)),
        ),
    )
    h = hint(facts, date(2026, 2, 1), "ae_25a")
    assert h.status is HintStatus.NOT_APPLICABLE
    assert h.earliest_date == date(2027, 1, 1) and h.deadline == date(2026, 5, 31)


def test_25a_duldung_twelve_months_and_104c_alternative() -> None:
    periods = (
        since("gestattung", date(2018, 1, 1), date(2024, 3, 9)),
        since("duldung", date(2024, 3, 10)),
    )
    facts = young(date(2005, 1, 1), periods=periods)
    h = hint(facts, date(2025, 3, 9), "ae_25a")
    assert cond(h, "12 Monaten") is MISSING
    assert h.status is HintStatus.POSSIBLE_LATER and h.earliest_date == date(2025, 3, 10)
    assert hint(facts, date(2025, 3, 10), "ae_25a").status is HintStatus.ELIGIBLE_NOW
    holder = dataclasses.replace(facts, current_status="ae_104c")
    assert cond(hint(holder, date(2025, 3, 9), "ae_25a"), "12 Monaten") is MET


def test_25a_three_years_stay_day_before_and_day() -> None:
    facts = young(date(2005, 1, 1), periods=(since("duldung", date(2022, 5, 31)),))
    reached = date(2025, 5, 31)
    assert hint(facts, reached - timedelta(days=1), "ae_25a").status is HintStatus.POSSIBLE_LATER
    assert hint(facts, reached, "ae_25a").status is HintStatus.ELIGIBLE_NOW


def test_25a_school_and_livelihood() -> None:
    on = date(2025, 6, 1)
    # 30 of 36 months, still at school: a time condition.
    facts = young(date(2005, 1, 1), school_or_vocational_degree=False, school_attendance_months=30)
    h = hint(facts, on, "ae_25a")
    assert h.status is HintStatus.POSSIBLE_LATER and h.earliest_date == date(2025, 12, 1)
    # Left school without a degree: not a matter of time.
    left = dataclasses.replace(facts, in_school_or_training=False, livelihood_share=100)
    assert hint(left, on, "ae_25a").status is HintStatus.NOT_YET
    # Unknown schooling is unknown, not met.
    unknown = dataclasses.replace(
        facts, school_or_vocational_degree=None, school_attendance_months=None
    )
    assert hint(unknown, on, "ae_25a").status is HintStatus.UNCLEAR
    # Livelihood: waived at school, required otherwise.
    out_of_school = young(date(2005, 1, 1), in_school_or_training=False, livelihood_share=40)
    assert cond(hint(out_of_school, on, "ae_25a"), "Lebensunterhalt") is MISSING
    assert cond(hint(young(date(2005, 1, 1)), on, "ae_25a"), "Lebensunterhalt") is MET


def test_25a_excluded_statuses() -> None:
    on = date(2025, 6, 1)
    assert hint(young(date(2005, 1, 1), current_status="gestattung"), on, "ae_25a").status is (
        HintStatus.NOT_APPLICABLE
    )
    assert hint(young(date(2005, 1, 1), current_status="duldung_light"), on, "ae_25a").status is (
        HintStatus.NOT_YET
    )


# ---------------------------------------------------------------- § 104c (expired)


def chance_facts(start: date) -> ResidenceFacts:
    return good(
        periods=(since("gestattung", start, date(2019, 12, 31)), since("duldung", date(2020, 1, 1)))
    )


def test_104c_returned_until_deadline_never_after() -> None:
    facts = chance_facts(date(2017, 1, 1))
    h = hint(facts, date(2025, 12, 31), "ae_104c")
    assert h.status is HintStatus.ELIGIBLE_NOW and h.deadline == date(2025, 12, 31)
    assert "ae_104c" not in {x.rule_id for x in evaluate(facts, date(2026, 1, 1))}
    assert "ae_104c" not in {x.rule_id for x in evaluate(ResidenceFacts(), date(2030, 1, 1))}


def test_104c_five_years_on_cutoff_day() -> None:
    on = date(2025, 6, 1)
    assert hint(chance_facts(date(2017, 10, 31)), on, "ae_104c").status is HintStatus.ELIGIBLE_NOW
    h = hint(chance_facts(date(2017, 11, 1)), on, "ae_104c")
    assert h.status is HintStatus.NOT_APPLICABLE  # the cut-off 31.10.2022 cannot move


# ---------------------------------------------------------------- § 60d, § 60c


def test_60d_entry_cutoff_and_duldung_months() -> None:
    periods = (
        since("gestattung", date(2022, 12, 31), date(2024, 2, 28)),
        since("duldung", date(2024, 2, 29)),
    )
    facts = good(periods=periods, date_of_entry=date(2022, 12, 31))
    h = hint(facts, date(2025, 2, 27), "beschaeftigungsduldung")
    assert h.status is HintStatus.POSSIBLE_LATER and h.earliest_date == date(2025, 2, 28)
    assert hint(facts, date(2025, 2, 28), "beschaeftigungsduldung").status is (
        HintStatus.ELIGIBLE_NOW
    )
    late = dataclasses.replace(facts, date_of_entry=date(2023, 1, 1))
    assert hint(late, date(2025, 3, 1), "beschaeftigungsduldung").status is (
        HintStatus.NOT_APPLICABLE
    )
    no_entry = dataclasses.replace(facts, date_of_entry=None)
    assert hint(no_entry, date(2025, 3, 1), "beschaeftigungsduldung").status is HintStatus.UNCLEAR


def test_60d_employment_livelihood_identity() -> None:
    facts = good(periods=(since("duldung", date(2020, 1, 1)),))
    on = date(2026, 1, 1)
    assert hint(facts, on, "beschaeftigungsduldung").status is HintStatus.ELIGIBLE_NOW
    for change in (
        {"employment_months_20h": 11},
        {"livelihood_share": 99},
        {"identity_clarified": False},
        {"german_level": "A1"},
    ):
        h = hint(dataclasses.replace(facts, **change), on, "beschaeftigungsduldung")
        assert h.status is HintStatus.NOT_YET, change
    h = hint(dataclasses.replace(facts, employment_months_20h=None), on, "beschaeftigungsduldung")
    assert h.status is HintStatus.UNCLEAR
    holder = dataclasses.replace(facts, current_status="beschaeftigungsduldung")
    assert hint(holder, on, "beschaeftigungsduldung").status is HintStatus.NOT_APPLICABLE


def test_60c_three_months_duldung_and_contract() -> None:
    facts = good(periods=(since("duldung", date(2025, 11, 30)),))
    assert hint(facts, date(2026, 2, 27), "ausbildungsduldung").status is (
        HintStatus.POSSIBLE_LATER
    )
    h = hint(facts, date(2026, 2, 28), "ausbildungsduldung")  # 30.11. + 3 months, clamped
    assert h.status is HintStatus.ELIGIBLE_NOW
    no_contract = dataclasses.replace(facts, vocational_training_contract=None)
    assert hint(no_contract, date(2026, 3, 1), "ausbildungsduldung").status is HintStatus.UNCLEAR
    asylum = good(current_status="gestattung", periods=(since("gestattung", date(2024, 1, 1)),))
    h = hint(asylum, date(2026, 3, 1), "ausbildungsduldung")
    assert h.conditions[0].state is UNKNOWN and h.status is HintStatus.UNCLEAR


# ---------------------------------------------------------------- NE § 26 Abs. 3


def refugee(**changes: Any) -> ResidenceFacts:
    base = good(
        current_status="ae_25_2_gfk",
        periods=(
            since("gestattung", date(2021, 4, 1), date(2022, 3, 31)),
            since("ae_25_2_gfk", date(2022, 4, 1), date(2025, 3, 31)),
            since("ae_25_2_gfk", date(2025, 4, 1)),
        ),
        german_level="A2",
        livelihood_share=51,
    )
    return dataclasses.replace(base, **changes)


def test_ne_26_3_five_years_asylum_procedure_counts() -> None:
    facts = refugee()
    h = hint(facts, date(2026, 3, 31), "ne_26_3")
    assert h.status is HintStatus.POSSIBLE_LATER and h.earliest_date == date(2026, 4, 1)
    assert hint(facts, date(2026, 4, 1), "ne_26_3").status is HintStatus.ELIGIBLE_NOW
    assert hint(refugee(livelihood_share=50), date(2026, 4, 1), "ne_26_3").status is (
        HintStatus.NOT_YET
    )
    assert hint(refugee(german_level="A1"), date(2026, 4, 1), "ne_26_3").status is (
        HintStatus.NOT_YET
    )


def test_ne_26_3_three_year_variant_c1_and_75_percent() -> None:
    facts = refugee(german_level="C1", livelihood_share=75)
    h = hint(facts, date(2024, 3, 31), "ne_26_3_c1")
    assert h.status is HintStatus.POSSIBLE_LATER and h.earliest_date == date(2024, 4, 1)
    h = hint(facts, date(2024, 4, 1), "ne_26_3_c1")
    assert h.status is HintStatus.ELIGIBLE_NOW and h.verify
    assert hint(facts, date(2024, 4, 1), "ne_26_3").status is HintStatus.POSSIBLE_LATER
    for change in ({"german_level": "B2"}, {"livelihood_share": 74}):
        h = hint(dataclasses.replace(facts, **change), date(2024, 4, 1), "ne_26_3_c1")
        assert h.status is HintStatus.NOT_YET, change


def test_ne_26_3_not_for_other_statuses() -> None:
    on = date(2026, 4, 1)
    for status in ("ae_25_2_subs", "ne_26_3", "duldung"):
        h = hint(refugee(current_status=status), on, "ne_26_3")
        assert h.status is HintStatus.NOT_APPLICABLE, status


# ---------------------------------------------------------------- NE § 26 Abs. 4, NE § 9


def test_ne_26_4_five_years_and_pension_months() -> None:
    periods = (since("ae_25_3", date(2020, 8, 31)),)
    facts = good(
        current_status="ae_25_3", periods=periods, german_level="B1", pension_contribution_months=60
    )
    assert hint(facts, date(2025, 8, 30), "ne_26_4").status is HintStatus.POSSIBLE_LATER
    assert hint(facts, date(2025, 8, 31), "ne_26_4").status is HintStatus.ELIGIBLE_NOW
    h = hint(
        dataclasses.replace(facts, pension_contribution_months=59), date(2026, 1, 1), "ne_26_4"
    )
    assert h.status is HintStatus.NOT_YET and cond(h, "Rentenbeiträge") is MISSING
    h = hint(
        dataclasses.replace(facts, pension_contribution_months=None), date(2026, 1, 1), "ne_26_4"
    )
    assert cond(h, "Rentenbeiträge") is UNKNOWN
    assert hint(
        dataclasses.replace(facts, german_level="A2"), date(2026, 1, 1), "ne_26_4"
    ).status is (HintStatus.NOT_YET)
    temp = good(current_status="ae_24", periods=(since("ae_24", date(2022, 3, 10)),))
    assert hint(temp, date(2027, 3, 10), "ne_26_4").status is HintStatus.ELIGIBLE_NOW
    assert hint(good(current_status="ne_26_4"), date(2026, 1, 1), "ne_26_4").status is (
        HintStatus.NOT_APPLICABLE
    )


def test_ne_26_4_duldung_before_title_does_not_count() -> None:
    periods = (
        since("duldung", date(2015, 1, 1), date(2022, 6, 30)),
        since("ae_25b", date(2022, 7, 1)),
    )
    h = hint(good(current_status="ae_25b", periods=periods), date(2026, 1, 1), "ne_26_4")
    assert h.earliest_date == date(2027, 7, 1)


def test_ne_9_five_years_and_humanitarian_excluded() -> None:
    facts = good(current_status="ae_other", periods=(since("ae_other", date(2021, 1, 15)),))
    assert hint(facts, date(2026, 1, 14), "ne_9").status is HintStatus.POSSIBLE_LATER
    assert hint(facts, date(2026, 1, 15), "ne_9").status is HintStatus.ELIGIBLE_NOW
    assert hint(
        dataclasses.replace(facts, livelihood_share=90), date(2026, 2, 1), "ne_9"
    ).status is (HintStatus.NOT_YET)
    h = hint(good(current_status="ae_25_3"), date(2026, 1, 1), "ne_9")
    assert h.status is HintStatus.NOT_APPLICABLE and "§ 26" in h.conditions[0].detail_de
    # § 16g training time is not counted (counts half; flagged in the detail).
    trainee = good(
        current_status="ae_other",
        periods=(
            since("ae_16g", date(2019, 1, 1), date(2021, 12, 31)),
            since("ae_other", date(2022, 1, 1)),
        ),
    )
    stay = hint(trainee, date(2026, 1, 1), "ne_9").conditions[1]
    assert stay.state is MISSING and "Hälfte" in stay.detail_de


# ---------------------------------------------------------------- Einbürgerung § 10 StAG


def test_naturalisation_five_years_day_before_and_day() -> None:
    periods = (
        since("ae_25_2_subs", date(2021, 5, 1), date(2024, 4, 30)),
        since("ne_26_4", date(2024, 5, 1)),
    )
    facts = good(current_status="ne_26_4", periods=periods, german_level="B1")
    h = hint(facts, date(2026, 4, 30), "einbuergerung_10")
    assert h.status is HintStatus.POSSIBLE_LATER and h.earliest_date == date(2026, 5, 1)
    assert hint(facts, date(2026, 5, 1), "einbuergerung_10").status is HintStatus.ELIGIBLE_NOW
    for change in (
        {"german_level": "A2"},
        {"naturalisation_test_passed": False},
        {"identity_clarified": False},
        {"livelihood_share": 80},
    ):
        h = hint(dataclasses.replace(facts, **change), date(2026, 5, 1), "einbuergerung_10")
        assert h.status is HintStatus.NOT_YET, change


@pytest.mark.parametrize(
    "status",
    ["ae_25_3", "ae_25_4", "ae_25_5", "ae_104c", "ae_24", "duldung", "gestattung", "german"],
)
def test_naturalisation_excluded_titles(status: str) -> None:
    periods = (since("ae_25_3", date(2015, 1, 1)),)
    h = hint(good(current_status=status, periods=periods), date(2026, 1, 1), "einbuergerung_10")
    assert h.status is HintStatus.NOT_APPLICABLE
    assert h.conditions[0].state is MISSING


def test_naturalisation_other_permit_needs_check() -> None:
    periods = (since("ae_other", date(2015, 1, 1)),)
    h = hint(good(current_status="ae_other", periods=periods), date(2026, 1, 1), "einbuergerung_10")
    assert h.status is HintStatus.UNCLEAR and h.conditions[0].state is UNKNOWN


def test_naturalisation_asylum_procedure_counts_only_after_recognition() -> None:
    recognised = (
        since("gestattung", date(2020, 1, 1), date(2021, 6, 30)),
        since("ae_25_2_gfk", date(2021, 7, 1)),
    )
    assert not [
        h for h in evaluate(ResidenceFacts(), date(2024, 6, 26)) if h.rule_id == "einbuergerung_10"
    ]
    h = hint(
        good(current_status="ae_25_2_gfk", periods=recognised), date(2025, 1, 1), "einbuergerung_10"
    )
    assert h.status is HintStatus.ELIGIBLE_NOW
    assert cond(h, "5 Jahre") is MET
    # Rejected, later a § 25 Abs. 3 title, then a settlement permit: the Gestattung does not count.
    not_recognised = (
        since("gestattung", date(2020, 1, 1), date(2021, 6, 30)),
        since("ae_25_3", date(2021, 7, 1), date(2025, 6, 30)),
        since("ne_26_4", date(2025, 7, 1)),
    )
    facts = good(current_status="ne_26_4", periods=not_recognised)
    h = hint(facts, date(2026, 6, 30), "einbuergerung_10")
    assert cond(h, "5 Jahre") is MISSING
    assert h.conditions[1].earliest_date == date(2026, 7, 1)
    assert cond(hint(facts, date(2026, 7, 1), "einbuergerung_10"), "5 Jahre") is MET


def test_naturalisation_duldung_interrupts_lawful_stay() -> None:
    periods = (
        since("ae_25_5", date(2012, 1, 1), date(2019, 12, 31)),
        since("duldung", date(2020, 1, 1), date(2021, 12, 31)),
        since("ae_25b", date(2022, 1, 1)),
    )
    h = hint(good(current_status="ae_25b", periods=periods), date(2026, 1, 1), "einbuergerung_10")
    assert h.status is HintStatus.POSSIBLE_LATER and h.earliest_date == date(2027, 1, 1)


def test_facts_from_store_records() -> None:
    records = (
        ResidenceView("r2", "duldung", "§ 60a AufenthG", date(2021, 1, 1), date(2026, 6, 30)),
        ResidenceView("r1", "gestattung", "§ 55 AsylG", date(2018, 1, 1), date(2020, 12, 31)),
        ResidenceView("r0", "unknown", "", None, None),
    )
    draft = ResidenceFactsDraft(
        entry_on=date(2017, 12, 20),
        german_level="A2",
        livelihood_share=60,
        school_months=12,
        pension_months=30,
        conviction_over_threshold="no",
        identity_clarified=True,
    )
    facts = facts_from_records(birth_date=date(1990, 1, 1), residence=records, draft=draft)
    assert facts.current_status == "duldung"
    assert [p.status for p in facts.periods] == ["gestattung", "duldung"]
    assert facts.date_of_entry == date(2017, 12, 20)
    assert facts.school_attendance_months == 12 and facts.pension_contribution_months == 30
    assert facts.minor_children_in_household is None and facts.civic_knowledge_proven is None
    h = hint(facts, date(2026, 1, 1), "ae_25b")
    assert h.status is HintStatus.UNCLEAR  # civic knowledge unknown
    empty = facts_from_records(birth_date=None, residence=(), draft=None)
    assert empty == ResidenceFacts()


def test_an_undated_intake_status_counts_from_the_date_of_entry() -> None:
    from kim_tui.domain.eligibility import infer_starts

    draft = ResidenceFactsDraft(entry_on=date(2018, 3, 1))
    records = (ResidenceView("r1", "duldung", "§ 60a AufenthG", None, date(2027, 1, 31)),)
    facts = facts_from_records(
        birth_date=date(1990, 1, 1),
        residence=infer_starts(records, draft.entry_on),
        draft=draft,
    )
    assert facts.current_status == "duldung"
    assert facts.periods and facts.periods[0].valid_from == date(2018, 3, 1)


def test_a_later_undated_status_starts_the_day_after_the_previous_one_ended() -> None:
    from kim_tui.domain.eligibility import infer_starts

    records = (
        ResidenceView("r1", "duldung", "", date(2018, 3, 1), date(2024, 5, 31)),
        ResidenceView("r2", "ae_25b", "", None, date(2027, 5, 31)),
    )
    facts = facts_from_records(
        birth_date=date(1990, 1, 1), residence=infer_starts(records, None), draft=None
    )
    assert facts.current_status == "ae_25b"
    assert [p.valid_from for p in facts.periods] == [date(2018, 3, 1), date(2024, 6, 1)]


def test_an_age_limit_is_judged_on_the_safe_side_of_an_unknown_birthday() -> None:
    """Born 00.00.2011 (only the year known): 14 surely only from 31.12.2025, so § 25a is
    possible later until then; and the application must be in before the 27th birthday can
    have come, 31.12.2037 at the latest."""
    facts = young(date(2011, 1, 1), birth_precision="year")
    h = hint(facts, date(2025, 6, 1), "ae_25a")
    assert h.status is HintStatus.POSSIBLE_LATER and h.earliest_date == date(2025, 12, 31)
    assert hint(facts, date(2025, 12, 31), "ae_25a").status is HintStatus.ELIGIBLE_NOW
    h = hint(facts, date(2037, 12, 31), "ae_25a")
    assert h.status is HintStatus.ELIGIBLE_NOW and h.deadline == date(2037, 12, 31)
    assert hint(facts, date(2038, 1, 1), "ae_25a").status is HintStatus.NOT_APPLICABLE
    # Known to the day, the same hints follow the day itself.
    exact = young(date(2011, 1, 1))
    assert hint(exact, date(2025, 6, 1), "ae_25a").status is HintStatus.ELIGIBLE_NOW
