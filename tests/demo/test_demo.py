"""The synthetic demo caseload."""

from __future__ import annotations

import itertools
import time
import unicodedata
from datetime import date

import pytest

from kim_tui.demo import DEMO_PASSPHRASE, DemoCase, generate_caseload
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.geo import find_country, find_language
from kim_tui.domain.model import ConsentPurpose
from kim_tui.domain.validation import validate_intake

TODAY = date(2026, 11, 25)  # a Wednesday


@pytest.fixture(scope="module")
def cases() -> list[DemoCase]:
    return list(generate_caseload(500, 42, TODAY))


def _names(case: DemoCase) -> str:
    client = case.intake.client
    return " ".join((client.given_name, client.family_name, client.other_names))


def _has_script(text: str, script: str) -> bool:
    return any(unicodedata.name(ch, "").startswith(script) for ch in text)


def test_same_seed_gives_the_same_caseload() -> None:
    first = list(generate_caseload(50, 7, TODAY))
    second = list(generate_caseload(50, 7, TODAY))
    assert first == second
    assert len(first) == 50


def test_different_seed_gives_a_different_caseload() -> None:
    assert list(generate_caseload(20, 1, TODAY)) != list(generate_caseload(20, 2, TODAY))


def test_a_case_does_not_depend_on_the_count() -> None:
    assert list(generate_caseload(5, 3, TODAY)) == list(generate_caseload(50, 3, TODAY))[:5]


def test_negative_count_is_rejected() -> None:
    with pytest.raises(ValueError):
        generate_caseload(-1, 1, TODAY)


def test_zero_count_yields_nothing() -> None:
    assert list(generate_caseload(0, 1, TODAY)) == []


def test_generation_is_lazy() -> None:
    # CPU time of this process, not wall time: a busy machine does not make it fail.
    started = time.process_time()
    caseload = generate_caseload(10**6, 1, TODAY)
    first = next(caseload)
    assert isinstance(first, DemoCase)
    assert time.process_time() - started < 5


def test_all_intakes_are_valid(cases: list[DemoCase]) -> None:
    for case in cases:
        assert validate_intake(case.intake, TODAY) == {}, case.intake


@pytest.mark.parametrize("today", [date(2025, 3, 1), date(2026, 1, 4), date(2027, 12, 31)])
def test_intakes_are_valid_for_other_days(today: date) -> None:
    for case in generate_caseload(150, 9, today):
        assert validate_intake(case.intake, today) == {}, case.intake


def test_names_carry_diacritics_and_other_scripts(cases: list[DemoCase]) -> None:
    names = [_names(case) for case in cases]
    assert any("ş" in name or "ü" in name for name in names)
    assert any(_has_script(name, "ARABIC") for name in names)
    assert any(_has_script(name, "CYRILLIC") for name in names)
    # some Cyrillic names are recorded in Cyrillic with the Latin spelling as other name
    assert any(
        _has_script(case.intake.client.family_name, "CYRILLIC")
        and case.intake.client.other_names.isascii()
        for case in cases
    )


def test_romanian_names_use_comma_below(cases: list[DemoCase]) -> None:
    romanian = [_names(c) for c in cases if c.intake.client.nationality == "ROU"]
    assert romanian
    assert not any("ş" in n or "ţ" in n or "Ş" in n or "Ţ" in n for n in romanian)


def test_codes_exist(cases: list[DemoCase]) -> None:
    for case in cases:
        client = case.intake.client
        for code in (client.nationality, client.country_of_birth):
            if code:
                found = find_country(code)
                assert found is not None and found.code == code
        for language in client.languages:
            found_language = find_language(language)
            assert found_language is not None and found_language.code == language
        for demo_referral in case.referrals:
            referral = demo_referral.draft
            assert referral.agency in catalog("agencies")
            assert referral.legal_domain in catalog("legal_domains")
            assert referral.status in catalog("referral_statuses")
        for contact in case.contacts:
            assert contact.kind in catalog("contact_kinds")
            assert 15 <= contact.minutes <= 120
        for assessment in case.assessments:
            assert [r.area for r in assessment.ratings] == list(catalog("priority_areas").codes())
            assert all(0 <= r.level <= 3 for r in assessment.ratings)
        if case.agreement is not None:
            assert 1 <= len(case.agreement.goals) <= 3
            for goal in case.agreement.goals:
                assert goal.area in catalog("priority_areas")
                assert goal.status in catalog("goal_statuses")
                assert 1 <= len(goal.steps) <= 3
                assert all(step.owner in catalog("step_owners") for step in goal.steps)


def test_past_dates_are_never_in_the_future(cases: list[DemoCase]) -> None:
    for case in cases:
        first = case.intake.first_contact_on
        assert first <= TODAY
        assert (TODAY - first).days < 3 * 366
        assert all(c.given_on == first for c in case.intake.consents)
        assert [c.on for c in case.contacts] == sorted(c.on for c in case.contacts)
        assert case.contacts[0].on == first
        assert all(first <= c.on <= TODAY for c in case.contacts)
        assert 1 <= len(case.contacts) <= 8
        dates = [a.assessed_on for a in case.assessments]
        assert dates == sorted(dates)
        assert all(first <= d <= TODAY for d in dates)
        if case.agreement is not None:
            assert case.assessments
            assert first <= case.agreement.agreed_on <= TODAY
            for goal in case.agreement.goals:
                for step in goal.steps:
                    assert step.due_on is None or step.due_on >= case.agreement.agreed_on
                    assert step.done_on is None or step.done_on <= TODAY
        for referral in (r.draft for r in case.referrals):
            assert first <= referral.sent_on <= TODAY
            if referral.feedback_due_on is not None:
                assert referral.feedback_due_on >= referral.sent_on
        for due, reason in case.follow_ups:
            assert due >= first and reason


def test_residence_is_current(cases: list[DemoCase]) -> None:
    soon = 0
    for case in cases:
        residence = case.intake.residence
        if residence is None:
            continue
        if residence.valid_from is not None:
            assert residence.valid_from < TODAY
        if residence.valid_until is not None:
            assert residence.valid_until >= TODAY
            soon += (residence.valid_until - TODAY).days <= 56
        if residence.status in ("german", "eu_freizuegigkeit", "ne_9", "ne_26_3"):
            assert residence.valid_until is None
        if residence.status == "ae_104c":
            assert residence.valid_from is not None and residence.valid_until is not None
            assert (residence.valid_until - residence.valid_from).days <= 18 * 31
    assert soon > 0


def test_statuses_fit_the_origin(cases: list[DemoCase]) -> None:
    by_nationality: dict[str, set[str]] = {}
    for case in cases:
        if case.intake.residence is not None:
            nationality = case.intake.client.nationality
            by_nationality.setdefault(nationality, set()).add(case.intake.residence.status)
    assert by_nationality["ROU"] == {"eu_freizuegigkeit"}
    assert by_nationality["UKR"] <= {"ae_24", "ae_other", "fiktion", "ae_16g"}
    assert "ae_24" in by_nationality["UKR"]


def test_target_groups_match_age_and_status(cases: list[DemoCase]) -> None:
    for case in cases:
        if "young_tolerated" in case.intake.target_groups:
            birth = case.intake.client.birth_date
            assert birth is not None and case.intake.residence is not None
            first = case.intake.first_contact_on
            age = first.year - birth.year - ((first.month, first.day) < (birth.month, birth.day))
            assert 18 <= age <= 27
            assert case.intake.residence.status in (
                "gestattung",
                "duldung",
                "duldung_light",
                "ausbildungsduldung",
                "beschaeftigungsduldung",
            )
        assert case.intake.target_groups


def test_shares_are_roughly_as_planned(cases: list[DemoCase]) -> None:
    n = len(cases)
    assessed = sum(bool(c.assessments) for c in cases) / n
    twice = sum(len(c.assessments) == 2 for c in cases) / n
    agreed = sum(c.agreement is not None for c in cases) / n
    referred = sum(bool(c.referrals) for c in cases) / n
    coordinator = sum(
        any(x.purpose is ConsentPurpose.SHARE_COORDINATOR for x in c.intake.consents) for c in cases
    )
    assert 0.65 < assessed < 0.85
    assert 0.2 < twice < 0.5
    assert 0.4 < agreed < 0.65
    assert 0.35 < referred < 0.55
    assert 0.5 < coordinator / n < 0.7


def test_share_agency_consents_name_an_agency(cases: list[DemoCase]) -> None:
    for case in cases:
        for consent in case.intake.consents:
            if consent.purpose is ConsentPurpose.SHARE_AGENCY:
                assert consent.agency in catalog("agencies")


def test_small_demo_has_overdue_and_due_today_follow_ups() -> None:
    caseload = list(generate_caseload(5, 123, TODAY))
    dues = [due for case in caseload for due, _ in case.follow_ups]
    assert any(due < TODAY for due in dues)
    assert TODAY in dues


def test_due_dates_are_spread(cases: list[DemoCase]) -> None:
    steps = [
        step.due_on
        for case in cases
        if case.agreement is not None
        for goal in case.agreement.goals
        for step in goal.steps
        if step.due_on is not None and step.done_on is None
    ]
    feedback = [
        r.draft.feedback_due_on for c in cases for r in c.referrals if r.draft.feedback_due_on
    ]
    for dues in (steps, feedback):
        assert any(d < TODAY for d in dues)
        assert any(d == TODAY for d in dues)
        assert any(0 < (d - TODAY).days < 7 for d in dues)
        assert any((d - TODAY).days >= 7 for d in dues)


def test_household_members_are_plausible(cases: list[DemoCase]) -> None:
    with_household = [c for c in cases if c.intake.client.household]
    assert 0.2 < len(with_household) / len(cases) < 0.7
    minors = 0
    for case in with_household:
        for member in case.intake.client.household:
            assert member.name and member.relation and member.birth_date is not None
            assert member.birth_date <= TODAY
            minors += (TODAY - member.birth_date).days < 18 * 365
    assert minors > 0


def test_passphrase_is_shown_text() -> None:
    assert DEMO_PASSPHRASE == "kim-demo-passwort"


def test_first_cases_are_cheap() -> None:
    started = time.process_time()  # CPU time: independent of the machine's other load
    for _ in itertools.islice(generate_caseload(10**6, 5, TODAY), 1000):
        pass
    assert time.process_time() - started < 10


def test_settled_referrals_say_when_their_answer_came(cases: list[DemoCase]) -> None:
    """A demo referral that was accepted, refused or withdrawn carries the day the agency
    answered, never before it was sent nor after today; an open or accepted one has none."""
    settled = [r for case in cases for r in case.referrals if r.answered_on is not None]
    assert len(settled) > 50
    for case in cases:
        for referral in case.referrals:
            has_outcome = referral.draft.status in ("done", "rejected", "withdrawn")
            assert (referral.answered_on is not None) is has_outcome
            if referral.answered_on is not None:
                assert referral.draft.sent_on <= referral.answered_on <= TODAY


def test_a_seeded_demo_shows_when_answers_came(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Seeded like a coach records it: the referral first, then what came back and when (the
    file's feedback column shows ✓ with that day, not the day it was expected)."""
    from kim_tui.service.demo_seed import seed_demo
    from kim_tui.service.workspace import Workspace
    from tests.builders import new_vault

    vault, _recovery = new_vault(tmp_path / "vault")
    workspace = Workspace(vault, today=lambda: TODAY)
    try:
        seed_demo(workspace, count=20, seed=5)
        expected = [
            r for case in generate_caseload(20, 5, TODAY) for r in case.referrals if r.answered_on
        ]
        page = workspace.caseload(include_closed=True, limit=100)
        files = [workspace.client_file(c.client_id) for c in page.items]
        answered = sorted(
            (r.sent_on, r.outcome_on) for f in files for r in f.referrals if r.outcome_on
        )
        assert expected and answered == sorted((r.draft.sent_on, r.answered_on) for r in expected)
    finally:
        workspace.close()
        vault.close()
