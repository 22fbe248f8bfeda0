"""The retention rule and the article each regime names for erasure and restriction."""

from __future__ import annotations

from datetime import date

import pytest

from kim_tui.domain.regime import regime
from kim_tui.domain.retention import default_rule, retention_end


def test_default_rule_is_end_of_closure_year_plus_three_years() -> None:
    rule = default_rule()
    assert rule.years == 3 and rule.verify
    assert rule.end(date(2026, 1, 2)) == date(2029, 12, 31)
    assert rule.end(date(2026, 12, 31)) == date(2029, 12, 31)
    assert rule.label() == "Ende des Abschlussjahres + 3 Jahre"
    assert rule.with_years(0).end(date(2026, 6, 1)) == retention_end(date(2026, 6, 1), 0)
    with pytest.raises(ValueError):
        rule.with_years(31)


@pytest.mark.parametrize(
    ("code", "erasure", "restriction"),
    [
        ("dsgvo", "Art. 17 DSGVO", "Art. 18 DSGVO"),
        ("dsgvo-nrw", "Art. 17 DSGVO", "Art. 18 DSGVO"),
        ("kdg", "§ 19 KDG", "§ 20 KDG"),
        ("dsg-ekd", "§ 21 DSG-EKD", "§ 22 DSG-EKD"),
    ],
)
def test_each_regime_names_its_erasure_and_restriction(
    code: str, erasure: str, restriction: str
) -> None:
    assert regime(code).cite("erasure") == erasure
    assert regime(code).cite("restriction") == restriction


def test_dsg_nrw_special_categories_are_paragraph_16() -> None:
    assert regime("dsgvo-nrw").cite("special_categories") == "Art. 9 DSGVO i. V. m. § 16 DSG NRW"
