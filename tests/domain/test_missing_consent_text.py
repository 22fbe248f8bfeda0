"""The sentence that names a missing consent names the agency in each language."""

from __future__ import annotations

from kim_tui.domain.consents import missing_consent_text
from kim_tui.domain.model import ConsentPurpose


def test_the_agency_is_named_in_each_language() -> None:
    de, en = missing_consent_text(ConsentPurpose.SHARE_AGENCY, "auslaenderbehoerde")
    assert de == "Es fehlt die Einwilligung „Weitergabe an eine Stelle“ für „Ausländerbehörde“."
    assert "for “immigration office” is missing" in en
    assert "Ausländerbehörde" not in en


def test_without_an_agency_only_the_purpose_is_named() -> None:
    de, en = missing_consent_text(ConsentPurpose.CASE_MANAGEMENT)
    assert de == "Es fehlt die Einwilligung „Case Management“."
    assert en.endswith("” is missing.") and "for" not in en
