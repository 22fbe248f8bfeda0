"""Issue 15 §§ 2, 3: the law changes since 2025 and hints a coach can read.

Every new rule has a positive and a negative case with the facts a coach records; the sources
shown are German statute citations plus at most one guidance page; nothing shown to a coach
refers to files of this project or uses ISO dates.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from rich.console import Console

from kim_tui.domain.catalogs import CATALOG_NAMES, catalog
from kim_tui.domain.eligibility import (
    ConditionState,
    Hint,
    HintStatus,
    ResidenceFacts,
    StatusPeriod,
    evaluate,
    load_rules,
)
from kim_tui.domain.eligibility.safe_countries import load_safe_countries
from kim_tui.domain.model import (
    CaseStage,
    ClientDraft,
    ClientFile,
    HouseholdMember,
    ResidenceFactsDraft,
    ResidenceView,
)
from kim_tui.i18n import Lang, language, set_language
from kim_tui.widgets.residence_hints import render_hints
from tests.domain.coach_facts import coach_facts

DEC_2026 = date(2026, 12, 2)


def hint(facts: ResidenceFacts, rule_id: str, on: date = DEC_2026) -> Hint:
    found = [h for h in evaluate(facts, on) if h.rule_id == rule_id]
    assert len(found) == 1, rule_id
    return found[0]


# ---------------------------------------------------------------- § 104c transition


def holder_104c(until: date) -> ResidenceFacts:
    return coach_facts(
        current_status="ae_104c",
        periods=(
            StatusPeriod("duldung", date(2015, 3, 1), date(2025, 9, 30)),
            StatusPeriod("ae_104c", date(2025, 10, 1), until),
        ),
        date_of_entry=date(2015, 3, 1),
    )


def test_104c_holder_is_told_to_apply_before_expiry() -> None:
    h = hint(holder_104c(date(2027, 3, 31)), "ae_104c_uebergang")
    assert h.status is HintStatus.NOTICE
    assert h.deadline == date(2027, 3, 31)  # the permit expires before 30.06.2027
    assert "Fiktionswirkung" in h.notice_de and "30.06.2027" in h.notice_de
    assert h.verify  # the BGBl. reference is not verified


def test_104c_deadline_is_30_june_2027_at_the_latest() -> None:
    h = hint(holder_104c(date(2027, 12, 31)), "ae_104c_uebergang")
    assert h.deadline == date(2027, 6, 30)


def test_104c_transition_not_for_other_statuses_nor_after_expiry() -> None:
    tolerated = coach_facts(
        current_status="duldung", periods=(StatusPeriod("duldung", date(2015, 3, 1)),)
    )
    assert hint(tolerated, "ae_104c_uebergang").status is HintStatus.NOT_APPLICABLE
    expired = hint(holder_104c(date(2026, 6, 30)), "ae_104c_uebergang")
    assert expired.status is HintStatus.NOT_APPLICABLE
    # From 01.07.2027 the transition is over: the rule is not returned at all.
    assert all(
        h.rule_id != "ae_104c_uebergang"
        for h in evaluate(holder_104c(date(2027, 12, 31)), date(2027, 7, 1))
    )


def test_104c_route_to_25b_ends_on_30_june_2027() -> None:
    """The condition carries its own validity: § 104c holders are admissible for § 25b (and
    § 25a) only until 30.06.2027 (§ 25b Abs. 7/8 fall away on 01.07.2027)."""
    facts = holder_104c(date(2028, 3, 31))
    before = hint(facts, "ae_25b", date(2027, 6, 30))
    assert before.conditions[0].state is ConditionState.MET
    after = hint(facts, "ae_25b", date(2027, 7, 1))
    assert after.status is HintStatus.NOT_APPLICABLE
    assert "nur bis 30.06.2027" in after.conditions[0].detail_de
    young = dataclasses.replace(facts, birth_date=date(2003, 1, 1), in_school_or_training=True)
    assert hint(young, "ae_25a", date(2027, 7, 1)).status is HintStatus.NOT_APPLICABLE


# ---------------------------------------------------------------- family reunification


def subsidiary(**changes: Any) -> ResidenceFacts:
    return coach_facts(
        current_status="ae_25_2_subs",
        periods=(StatusPeriod("ae_25_2_subs", date(2024, 2, 1), date(2027, 1, 31)),),
        date_of_entry=date(2023, 9, 1),
        **changes,
    )


def test_family_reunification_suspension_shown_to_subsidiary_protection_holders() -> None:
    h = hint(subsidiary(), "familiennachzug_subsidiaer")
    assert h.status is HintStatus.NOTICE
    assert "23.07.2027" in h.notice_de and "§§ 22, 23" in h.notice_de
    assert h.deadline is None  # the end of the suspension is no deadline for the client
    assert "BGBl. 2025 I Nr. 173" in h.statute


def test_family_reunification_notice_not_for_refugees_nor_after_23_july_2027() -> None:
    refugee = coach_facts(
        current_status="ae_25_2_gfk", periods=(StatusPeriod("ae_25_2_gfk", date(2024, 2, 1)),)
    )
    assert hint(refugee, "familiennachzug_subsidiaer").status is HintStatus.NOT_APPLICABLE
    assert all(
        h.rule_id != "familiennachzug_subsidiaer" for h in evaluate(subsidiary(), date(2027, 7, 24))
    )


# ---------------------------------------------------------------- safe countries of origin


def tolerated_worker(nationality: str | None) -> ResidenceFacts:
    return coach_facts(
        current_status="duldung",
        periods=(StatusPeriod("duldung", date(2019, 1, 1)),),
        date_of_entry=date(2019, 1, 1),
        nationality=nationality,
    )


@pytest.mark.parametrize("rule_id", ["beschaeftigungsduldung", "ausbildungsduldung"])
def test_safe_country_nationals_get_a_work_ban_warning(rule_id: str) -> None:
    h = hint(tolerated_worker("SRB"), rule_id)
    (warning,) = [c for c in h.conditions if "sicheren Herkunftsstaats" in c.label_de]
    assert warning.state is ConditionState.UNKNOWN
    assert "Serbien" in warning.detail_de and "§ 60a Abs. 6" in warning.detail_de
    assert h.status is HintStatus.UNCLEAR


@pytest.mark.parametrize("rule_id", ["beschaeftigungsduldung", "ausbildungsduldung"])
def test_other_nationals_get_no_work_ban_warning(rule_id: str) -> None:
    h = hint(tolerated_worker("AFG"), rule_id)
    (warning,) = [c for c in h.conditions if "sicheren Herkunftsstaats" in c.label_de]
    assert warning.state is ConditionState.MET
    assert h.status is HintStatus.ELIGIBLE_NOW
    unknown = hint(tolerated_worker(None), rule_id)
    assert unknown.status is HintStatus.UNCLEAR


def test_safe_country_list_has_source_and_date() -> None:
    listed = load_safe_countries()
    assert "§ 29a AsylG" in listed.source and "§ 29b AsylG" in listed.source
    assert listed.as_of == date(2026, 12, 2)
    assert {c.code for c in listed.countries} == {
        "ALB", "BIH", "GEO", "GHA", "XKX", "MDA", "MNE", "MKD", "SEN", "SRB"
    }  # fmt: skip


# ---------------------------------------------------------------- § 24 → AsylbLG


def temporary_protection(entry: date) -> ResidenceFacts:
    return coach_facts(
        current_status="ae_24",
        periods=(StatusPeriod("ae_24", entry, date(2027, 3, 4)),),
        date_of_entry=entry,
        nationality="UKR",
    )


def test_temporary_protection_from_april_2025_refers_income_to_asylblg_office() -> None:
    h = hint(temporary_protection(date(2025, 4, 1)), "asylblg_24")
    assert h.status is HintStatus.NOTICE
    assert "AsylbLG" in h.notice_de and "nicht an das Jobcenter" in h.notice_de
    assert h.verify and "verkündet" in h.verify_note_de


def test_temporary_protection_before_april_2025_stays_with_the_job_centre() -> None:
    h = hint(temporary_protection(date(2025, 3, 31)), "asylblg_24")
    assert h.status is HintStatus.NOT_APPLICABLE
    other = coach_facts(
        current_status="ae_25_3",
        periods=(StatusPeriod("ae_25_3", date(2025, 5, 1)),),
        date_of_entry=date(2025, 5, 1),
    )
    assert hint(other, "asylblg_24").status is HintStatus.NOT_APPLICABLE


# ---------------------------------------------------------------- § 25a Tagessätze


def test_25a_tagessaetze_limit_is_marked_verify_and_part_of_the_prognosis() -> None:
    rule = load_rules().get("ae_25a")
    assert rule is not None and rule.verify
    (spec,) = [c for c in rule.conditions if c.kind == "conviction"]
    assert spec.verify and "Integrationsprognose" in spec.label_de


# ---------------------------------------------------------------- § 3: hints a coach can read

FORBIDDEN = re.compile(
    r"domain\.md|\.toml|\.py\b|README|docs/|issue \d|as amended|undated|\[\?\]|\bS2\b"
    r"|\b\d{4}-\d{2}-\d{2}\b|Rechtsdatenbank|AOK|kiehl|deubner|buzer",
    re.IGNORECASE,
)


def _rule_strings() -> Iterator[tuple[str, str]]:
    for rule in load_rules().rules:
        for name in (
            "title_de", "title_en", "legal_basis", "statute", "guidance", "verify_note_de",
            "verify_note_en", "not_admissible_note_de", "not_admissible_note_en", "notice_de",
            "notice_en",
        ):  # fmt: skip
            yield f"{rule.id}.{name}", getattr(rule, name)
        for text in (*rule.not_checked_de, *rule.not_checked_en):
            yield f"{rule.id}.not_checked", text
        for spec in rule.conditions:
            for name in ("label_de", "label_en", "note_de", "note_en"):
                yield f"{rule.id}.{spec.kind}.{name}", getattr(spec, name)


def _catalog_strings() -> Iterator[tuple[str, str]]:
    for name in CATALOG_NAMES:
        for entry in catalog(name).entries:
            yield f"{name}.{entry.code}", entry.de
            yield f"{name}.{entry.code}", entry.en
            for key, value in entry.extra.items():
                yield f"{name}.{entry.code}.{key}", value


def _client_file(status: str, since: date, entry: date, nationality: str) -> ClientFile:
    return ClientFile(
        client_id="c1",
        case_id="k1",
        client=ClientDraft(
            given_name="Test",
            family_name="Person",
            birth_date=date(1990, 6, 15),
            nationality=nationality,
            household=(HouseholdMember("Kind", "Kind", date(2018, 1, 1)),),
        ),
        first_contact_on=date(2026, 1, 1),
        access_route="",
        referred_by=None,
        legal_domains=(),
        target_groups=(),
        stage=CaseStage.INTAKE,
        next_due_on=None,
        residence=(ResidenceView("r1", status, "", since, date(2027, 5, 31)),),
        consents=(),
        facts=ResidenceFactsDraft(entry_on=entry, german_level="A2", livelihood_share=60),
    )


def _hint_output(lang: Lang) -> Iterator[tuple[str, str]]:
    before = language()
    set_language(lang)
    try:
        for status, nationality in (
            ("duldung", "SRB"),
            ("ae_104c", "IRQ"),
            ("ae_25_2_subs", "SYR"),
            ("ae_25_2_gfk", "ERI"),
            ("ae_24", "UKR"),
        ):
            file = _client_file(status, date(2025, 10, 3), date(2021, 8, 15), nationality)
            console = Console(width=200, record=True)
            console.print(render_hints(file, DEC_2026))
            yield f"hints {status} {lang}", console.export_text()
    finally:
        set_language(before)


def test_nothing_shown_to_a_coach_refers_to_project_files_or_iso_dates() -> None:
    shown = [*_rule_strings(), *_catalog_strings(), *_hint_output("de"), *_hint_output("en")]
    shown.append(("safe_countries.source", load_safe_countries().source))
    offending = [(where, m.group(0)) for where, text in shown if (m := FORBIDDEN.search(text))]
    assert offending == []


def test_every_rule_cites_the_statute_and_at_most_one_guidance_page() -> None:
    for rule in load_rules().rules:
        assert "§" in rule.statute or "Gesetz" in rule.statute, rule.id
        assert rule.statute.count("http") == 0, rule.id
        assert rule.guidance.count("http") <= 1, rule.id
        assert ";" not in rule.guidance, rule.id  # one page, not a list
        assert rule.as_of == date(2026, 12, 2), rule.id


def test_hints_view_shows_rules_version_date_and_stand_per_rule() -> None:
    (_, text), *_ = _hint_output("de")
    rules = load_rules()
    assert f"Regelwerk {rules.version}, Stand 02.12.2026" in text
    assert "Stand der Regel: 02.12.2026" in text
    assert "Quelle: § " in text
    # The case: entered 15.08.2021, Duldung on file from 03.10.2025.
    assert "Zeit vor dem ersten erfassten Papier" in text


# ---------------------------------------------------------------- every rule: + and − case


def _tolerated(**changes: Any) -> ResidenceFacts:
    base: dict[str, Any] = {
        "current_status": "duldung",
        "periods": (StatusPeriod("duldung", date(2018, 1, 1)),),
        "date_of_entry": date(2018, 1, 1),
    }
    return coach_facts(**(base | changes))


def _permit(status: str, since: date, **changes: Any) -> ResidenceFacts:
    base: dict[str, Any] = {
        "current_status": status,
        "periods": (
            StatusPeriod("gestattung", since, since.replace(year=since.year + 1)),
            StatusPeriod(status, since.replace(year=since.year + 1) + timedelta(days=1)),
        ),
        "date_of_entry": since,
        "german_level": "C1",
    }
    return coach_facts(**(base | changes))


YOUNG = {
    "birth_date": date(2005, 3, 1),
    "in_school_or_training": True,
    "school_attendance_months": 40,
}
# rule: (positive facts, day, expected status), (negative facts, day, expected status)
CASES: dict[
    str, tuple[tuple[ResidenceFacts, date, HintStatus], tuple[ResidenceFacts, date, HintStatus]]
] = {
    "ae_25a": (
        (_tolerated(**YOUNG), DEC_2026, HintStatus.ELIGIBLE_NOW),
        (
            _tolerated(**(YOUNG | {"birth_date": date(1995, 3, 1)})),
            DEC_2026,
            HintStatus.NOT_APPLICABLE,
        ),
    ),
    "ae_25b": (
        (_tolerated(german_level="A2"), DEC_2026, HintStatus.ELIGIBLE_NOW),
        (_tolerated(german_level="A1"), DEC_2026, HintStatus.NOT_YET),
    ),
    "ae_104c": (
        (
            _tolerated(
                periods=(StatusPeriod("duldung", date(2016, 1, 1)),), date_of_entry=date(2016, 1, 1)
            ),
            date(2025, 6, 1),
            HintStatus.ELIGIBLE_NOW,
        ),
        (_tolerated(), date(2025, 6, 1), HintStatus.NOT_APPLICABLE),
    ),
    "ae_104c_uebergang": (
        (holder_104c(date(2027, 3, 31)), DEC_2026, HintStatus.NOTICE),
        (_tolerated(), DEC_2026, HintStatus.NOT_APPLICABLE),
    ),
    "beschaeftigungsduldung": (
        (_tolerated(), DEC_2026, HintStatus.ELIGIBLE_NOW),
        (_tolerated(employment_months_20h=6), DEC_2026, HintStatus.NOT_YET),
    ),
    "ausbildungsduldung": (
        (_tolerated(), DEC_2026, HintStatus.ELIGIBLE_NOW),
        (_tolerated(vocational_training_contract=False), DEC_2026, HintStatus.NOT_YET),
    ),
    "ne_26_3": (
        (_permit("ae_25_2_gfk", date(2019, 1, 1)), DEC_2026, HintStatus.ELIGIBLE_NOW),
        (_permit("ae_25_2_subs", date(2019, 1, 1)), DEC_2026, HintStatus.NOT_APPLICABLE),
    ),
    "ne_26_3_c1": (
        (_permit("ae_25_2_gfk", date(2022, 1, 1)), DEC_2026, HintStatus.ELIGIBLE_NOW),
        (_permit("ae_25_2_gfk", date(2022, 1, 1), german_level="B2"), DEC_2026, HintStatus.NOT_YET),
    ),
    "ne_26_4": (
        (_permit("ae_25_2_subs", date(2019, 1, 1)), DEC_2026, HintStatus.ELIGIBLE_NOW),
        (
            _permit("ae_25_2_subs", date(2019, 1, 1), pension_contribution_months=30),
            DEC_2026,
            HintStatus.NOT_YET,
        ),
    ),
    "ne_9": (
        (
            _permit(
                "ae_other", date(2019, 1, 1), periods=(StatusPeriod("ae_other", date(2019, 1, 1)),)
            ),
            DEC_2026,
            HintStatus.ELIGIBLE_NOW,
        ),
        (_permit("ae_25_3", date(2019, 1, 1)), DEC_2026, HintStatus.NOT_APPLICABLE),
    ),
    "einbuergerung_10": (
        (_permit("ae_25_2_gfk", date(2019, 1, 1)), DEC_2026, HintStatus.ELIGIBLE_NOW),
        (_permit("ae_25_3", date(2019, 1, 1)), DEC_2026, HintStatus.NOT_APPLICABLE),
    ),
    "familiennachzug_subsidiaer": (
        (subsidiary(), DEC_2026, HintStatus.NOTICE),
        (_permit("ae_25_2_gfk", date(2019, 1, 1)), DEC_2026, HintStatus.NOT_APPLICABLE),
    ),
    "asylblg_24": (
        (temporary_protection(date(2025, 6, 1)), DEC_2026, HintStatus.NOTICE),
        (temporary_protection(date(2024, 6, 1)), DEC_2026, HintStatus.NOT_APPLICABLE),
    ),
}


def test_every_rule_has_a_positive_and_a_negative_case() -> None:
    assert set(CASES) == {rule.id for rule in load_rules().rules}


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_positive_and_negative_case(rule_id: str) -> None:
    (good_facts, good_day, good_status), (bad_facts, bad_day, bad_status) = CASES[rule_id]
    assert hint(good_facts, rule_id, good_day).status is good_status
    assert hint(bad_facts, rule_id, bad_day).status is bad_status
