"""What a client's linked household adds to a residence-path hint: which members' files the
hint read, so the coach sees why § 25b counts 4 years and what § 60d finds at the spouse."""

from __future__ import annotations

from datetime import date

from rich.text import Text

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.eligibility import Hint, load_rules
from kim_tui.domain.household import HouseholdView, age_on, children_of, is_minor
from kim_tui.i18n import language, tr

SPOUSE_RULES = frozenset({"beschaeftigungsduldung"})
"""Rules whose conditions extend to the spouse or partner (§ 60d Abs. 1 AufenthG: the spouse
living in the household needs a toleration, clarified identity and no relevant conviction):
their hint shows what the spouse's own file says instead of asking again."""


def _counts_minor_child(rule_id: str) -> bool:
    rule = load_rules().get(rule_id)
    return rule is not None and any(c.months_with_minor_child is not None for c in rule.conditions)


def _tri(value: bool | None) -> str:
    if value is None:
        return tr("unbekannt", "unknown")
    return tr("ja", "yes") if value else tr("nein", "no")


def household_lines(hint: Hint, household: HouseholdView | None, today: date) -> list[Text]:
    """Lines under `hint` naming the linked members it used (none without a household)."""
    if household is None:
        return []
    lang = language()
    lines: list[Text] = []
    if _counts_minor_child(hint.rule_id):
        children = children_of(household)
        minors = [c for c in children if is_minor(c.birth_date, today)]
        if minors:
            names = ", ".join(f"{c.display_name} ({age_on(c.birth_date, today)})" for c in minors)
            lines.append(
                Text(
                    tr(
                        f"  Haushalt: minderjähriges Kind verknüpft – {names}",
                        f"  Household: minor child linked – {names}",
                    ),
                    style="cyan",
                )
            )
        else:
            lines.append(
                Text(
                    tr(
                        "  Haushalt: kein minderjähriges Kind verknüpft",
                        "  Household: no minor child linked",
                    ),
                    style="dim",
                )
            )
    if hint.rule_id in SPOUSE_RULES:
        for spouse in household.spouse_facts:
            status = (
                catalog("residence_statuses").label(spouse.residence_status, lang)
                if spouse.residence_status
                else tr("kein Status erfasst", "no status recorded")
            )
            conviction = {"yes": tr("ja", "yes"), "no": tr("nein", "no")}.get(
                spouse.conviction_over_threshold, tr("unbekannt", "unknown")
            )
            lines.append(
                Text(
                    tr(
                        f"  Ehepartner*in im Haushalt: {spouse.display_name} – Status: {status}; "
                        f"Identität geklärt: {_tri(spouse.identity_clarified)}; "
                        f"Verurteilung über Schwelle: {conviction}",
                        f"  Spouse in the household: {spouse.display_name} – status: {status}; "
                        f"identity clarified: {_tri(spouse.identity_clarified)}; "
                        f"conviction over threshold: {conviction}",
                    ),
                    style="cyan",
                )
            )
    return lines
