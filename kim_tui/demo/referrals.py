"""Referrals (Vermittlungen) of a demo case: to which agency, why, and what came back.

Reasons and outcomes come from ``data/phrases.toml``; a referral passes identifying data only
with the client's consent to share with that agency, or (rarely) with a documented override.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from kim_tui.demo.draws import between, days, spread_due, weighted
from kim_tui.demo.residence import YOUNG_TOLERATED_STATUSES
from kim_tui.demo.tables import tables
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.model import ReferralDraft, ResidenceDraft

__all__ = ["DemoReferral", "draw_referrals"]

# Legal domain for agencies whose catalog entry has none.
_AGENCY_DOMAIN_FALLBACK: dict[str, str] = {
    "mbe": "aufenthg",
    "jmd": "sgb8",
    "wohnungsamt": "other",
    "gesundheitsamt": "other",
    "psz": "sgb5",
    "familienkasse": "other",
    "schuldnerberatung": "sgb2",
    "bildungstraeger": "sgb3",
    "anerkennung_iq": "other",
    "schule": "other",
    "arbeitgeber": "sgb3",
    "ki": "other",
    "rechtsberatung": "aufenthg",
    "other": "other",
}

_REFERRAL_STATUSES = (
    ("open", 38), ("accepted", 30), ("done", 17), ("rejected", 8), ("withdrawn", 7),
)  # fmt: skip


@dataclass(frozen=True)
class DemoReferral:
    """A referral as the coach recorded it, and the day its answer came (None while open)."""

    draft: ReferralDraft
    answered_on: date | None = None


def _agency_domain(agency: str) -> str:
    entry = catalog("agencies").get(agency)
    domain = entry.extra.get("legal_domain") if entry is not None else None
    return domain or _AGENCY_DOMAIN_FALLBACK.get(agency, "other")


def draw_referrals(
    rng: random.Random,
    residence: ResidenceDraft | None,
    levels: dict[str, int] | None,
    share_agency: str | None,
    start: date,
    today: date,
) -> tuple[DemoReferral, ...]:
    """One to three referrals in areas of high need, sent within 120 days of ``start``; the
    settled ones with the day their answer came (on or before the day they were expected)."""
    phrases = tables()
    if levels is not None:
        areas = [a for a, level in levels.items() if level >= 2] or list(levels)
    else:
        areas = list(phrases.referrals)
    if residence is None or residence.status in ("german", "eu_freizuegigkeit"):
        areas = [a for a in areas if a != "residence"] or ["work"]
    tolerated = residence is not None and residence.status in YOUNG_TOLERATED_STATUSES
    result: list[DemoReferral] = []
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        area = rng.choice(areas)
        agency, reason = rng.choice(phrases.referrals[area])
        if agency == "jobcenter" and tolerated:
            agency, reason = "asylblg_stelle", "Leistungen nach dem AsylbLG klären"
        sent_on = between(rng, start, min(today, start + days(120)))
        status = weighted(rng, _REFERRAL_STATUSES)
        outcome = ""
        feedback: date | None
        answered_on: date | None = None
        if status in phrases.outcomes:
            feedback = answered_on = min(today, sent_on + days(rng.randint(14, 42)))
            outcome = rng.choice(phrases.outcomes[status])
            if rng.random() < 0.3:
                feedback = None
        else:
            feedback = spread_due(rng, today, sent_on, (20, 8, 15, 57))
        consent = share_agency == agency
        override = ""
        if not consent and rng.random() < 0.05:
            override = "Mündliche Zustimmung im Termin, schriftliche Einwilligung folgt"
        draft = ReferralDraft(
            case_id="",
            agency=agency,
            legal_domain=_agency_domain(agency),
            reason=reason,
            sent_on=sent_on,
            feedback_due_on=feedback,
            status=status,
            outcome=outcome,
            passes_identifying_data=consent or bool(override),
            override_reason=override,
        )
        result.append(DemoReferral(draft, answered_on))
    return tuple(result)
