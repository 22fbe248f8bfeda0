"""A deterministic, synthetic KIM caseload for `kim demo` (no real people).

`generate_caseload` yields one `DemoCase` at a time: the intake (person, first case, residence,
consents) plus what a case typically accumulates afterwards (assessments, a goal agreement,
referrals, contacts and manual Wiedervorlagen). Every case draws from its own `random.Random`
seeded with ``(seed, index)``, so the output depends only on ``seed``, ``count`` and ``today``
and the caseload is never held in memory as a whole. All ids are left empty (``case_id=""``):
the seeder fills them in with `dataclasses.replace`.

The mix of origins, names, residence statuses and needs follows a typical caseload of an NRW
KIM office; it is illustrative, not statistics. The tables live in ``data/*.toml``
(`kim_tui.demo.tables`); this module puts a case together from the draws of its siblings.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date

from kim_tui.demo.assessments import area_ratings, goal_agreement, improved, need_levels
from kim_tui.demo.contacts import draw_contacts, draw_follow_ups
from kim_tui.demo.draws import between, days, weighted, years_before
from kim_tui.demo.people import EMITTED_COUNTRIES, EMITTED_LANGUAGES, draw_person
from kim_tui.demo.referrals import DemoReferral, draw_referrals
from kim_tui.demo.residence import draw_residence, legal_domains, target_groups
from kim_tui.demo.tables import tables
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.geo import find_country, find_language
from kim_tui.domain.model import (
    AssessmentDraft,
    ConsentDraft,
    ConsentForm,
    ConsentPurpose,
    ContactDraft,
    GoalAgreementDraft,
    IntakeDraft,
    ResidenceDraft,
)

__all__ = ["DemoCase", "check_codes", "generate_caseload"]


@dataclass(frozen=True)
class DemoCase:
    """One synthetic client with their first case and its history."""

    intake: IntakeDraft
    assessments: tuple[AssessmentDraft, ...]
    """Oldest first; ``case_id=""``."""
    agreement: GoalAgreementDraft | None
    referrals: tuple[DemoReferral, ...]
    contacts: tuple[ContactDraft, ...]
    """Oldest first; the first one is the Erstberatung on ``first_contact_on``."""
    follow_ups: tuple[tuple[date, str], ...]
    """Manual Wiedervorlagen: (due date, German reason)."""


_REFERRING_AGENCIES: tuple[tuple[str, int], ...] = (
    ("jobcenter", 25), ("auslaenderbehoerde", 15), ("mbe", 12), ("jmd", 8), ("sozialamt", 6),
    ("jugendamt", 6), ("ki", 8), ("asylblg_stelle", 6), ("integrationskurstraeger", 6),
    ("schule", 3), ("psz", 2), ("other", 3),
)  # fmt: skip


@functools.cache
def check_codes() -> bool:
    """Fail loudly if a catalog, the ISO data or a data file lost a code the generator emits."""
    data = tables()
    countries = {code for o in data.origins for code, _ in o.nationalities}
    countries |= EMITTED_COUNTRIES
    for code in countries:
        found = find_country(code)
        assert found is not None and found.code == code, code
    for code in EMITTED_LANGUAGES:
        language = find_language(code)
        assert language is not None and language.code == code, code
    statuses = catalog("residence_statuses")
    for options in data.statuses.values():
        for code, _, _ in options:
            assert code in statuses, code
    for code in data.validity:
        assert code in statuses, code
    agencies = catalog("agencies")
    used_agencies = {a for a, _ in _REFERRING_AGENCIES}
    used_agencies |= {a for options in data.referrals.values() for a, _ in options}
    for agency in used_agencies:
        assert agency in agencies, agency
    areas = catalog("priority_areas")
    for area in areas.codes():
        assert area in data.situations, area
    for area in (*data.goals, *data.referrals):
        assert area in areas, area
    owners = catalog("step_owners")
    for goals in (*data.goals.values(), *data.residence_goals.values()):
        for _, _, steps in goals:
            for _, owner in steps:
                assert owner in owners, owner
    for status in data.outcomes:
        assert status in catalog("referral_statuses"), status
    for kind in data.contact_notes:
        assert kind in catalog("contact_kinds"), kind
    return True


_DEMO_WITNESS = "Kollegin im Team (Demo)"
"""The witness of the demo's oral consents (synthetic, like every demo name)."""


def _case(rng: random.Random, today: date, carrier: bool) -> DemoCase:
    person = draw_person(rng, today)
    client = person.client
    assert client.birth_date is not None
    sixteenth_birthday = years_before(client.birth_date, -16)
    earliest = max(today - days(3 * 365 - 1), sixteenth_birthday)
    latest = today - days(30) if carrier else today
    first_contact = between(rng, earliest, max(earliest, latest))
    residence = draw_residence(rng, person, today) if rng.random() < 0.97 else None
    route = weighted(rng, (("self", 45), ("referred", 40), ("outreach", 15)))
    referred_by = weighted(rng, _REFERRING_AGENCIES) if route == "referred" else None
    form = ConsentForm.WRITTEN if rng.random() < 0.8 else ConsentForm.ORAL
    # An oral consent names its witness; a fixed one draws nothing, so the seeds stay stable.
    witness = _DEMO_WITNESS if form is ConsentForm.ORAL else ""
    consents: list[ConsentDraft] = []
    if carrier or rng.random() < 0.95:
        consents.append(
            ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, first_contact, form, witness=witness)
        )
    if rng.random() < 0.6:
        consents.append(
            ConsentDraft(ConsentPurpose.SHARE_COORDINATOR, first_contact, form, witness=witness)
        )
    share_agency: str | None = None
    if rng.random() < 0.25:
        settled = residence is None or residence.status in ("german", "eu_freizuegigkeit")
        share_agency = referred_by or rng.choice(
            ("jobcenter", "jugendamt", "integrationskurstraeger")
            if settled
            else ("jobcenter", "auslaenderbehoerde", "jugendamt", "integrationskurstraeger")
        )
        consents.append(
            ConsentDraft(
                ConsentPurpose.SHARE_AGENCY, first_contact, form, share_agency, witness=witness
            )
        )
    status_for_rules = residence or ResidenceDraft("unknown")
    intake = IntakeDraft(
        client=client,
        first_contact_on=first_contact,
        access_route=route,
        referred_by=referred_by,
        legal_domains=legal_domains(rng, person, status_for_rules, first_contact),
        target_groups=target_groups(rng, person, status_for_rules, first_contact),
        residence=residence,
        consents=tuple(consents),
    )

    assessments: list[AssessmentDraft] = []
    agreement: GoalAgreementDraft | None = None
    levels: dict[str, int] | None = None
    if rng.random() < 0.75:
        assessed_on = min(today, first_contact + days(rng.randint(0, 42)))
        levels = need_levels(rng, person, status_for_rules, today)
        assessments.append(
            AssessmentDraft("", assessed_on, area_ratings(rng, levels, status_for_rules, True))
        )
        if rng.random() < 0.73:
            agreement = goal_agreement(rng, person, residence, levels, assessed_on, today)
        second_on = assessed_on + days(rng.randint(90, 300))
        if second_on <= today and rng.random() < 0.6:
            later = improved(rng, levels)
            assessments.append(
                AssessmentDraft("", second_on, area_ratings(rng, later, status_for_rules, False))
            )
    referrals: tuple[DemoReferral, ...] = ()
    if rng.random() < 0.45:
        start = agreement.agreed_on if agreement is not None else first_contact
        referrals = draw_referrals(rng, residence, levels, share_agency, start, today)
    return DemoCase(
        intake=intake,
        assessments=tuple(assessments),
        agreement=agreement,
        referrals=referrals,
        contacts=draw_contacts(rng, client, first_contact, today),
        follow_ups=draw_follow_ups(rng, first_contact, today, carrier),
    )


def generate_caseload(count: int, seed: int, today: date) -> Iterator[DemoCase]:
    """Yield ``count`` synthetic cases, one at a time.

    The same ``count``, ``seed`` and ``today`` always give the same cases (case ``i`` depends
    only on ``seed``, ``i`` and ``today``). Everything dated lies on or before ``today`` where
    it has to be in the past (first contact, assessments, contacts, referrals sent); due dates
    are spread over overdue, today, this week and later. The first case always carries one
    overdue and one due-today manual Wiedervorlage, so even a tiny demo shows both groups.
    """
    if count < 0:
        raise ValueError("count must be 0 or greater")
    check_codes()
    return _iterate(count, seed, today)


def _iterate(count: int, seed: int, today: date) -> Iterator[DemoCase]:
    for index in range(count):
        rng = random.Random(f"kim-demo:{seed}:{index}")
        case = _case(rng, today, carrier=index == 0)
        yield _year_only(case) if index % _YEAR_ONLY_EVERY == _YEAR_ONLY_AT else case


_YEAR_ONLY_EVERY, _YEAR_ONLY_AT = 15, 7
_YEAR_ONLY_FROM = frozenset({"AFG", "SYR", "IRQ", "ERI", "SOM"})
"""Every 15th case from a country whose papers often know only the year of birth is written
as 00.00.JJJJ, as such papers do (no draw of its own: the other cases stay as they were)."""


def _year_only(case: DemoCase) -> DemoCase:
    client = case.intake.client
    if client.birth_date is None or client.nationality not in _YEAR_ONLY_FROM:
        return case
    born = replace(client, birth_date=date(client.birth_date.year, 1, 1), birth_precision="year")
    return replace(case, intake=replace(case.intake, client=born))
