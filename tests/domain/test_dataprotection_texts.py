"""The regime decides the articles named in the Art. 15 copy and the processing record; the
record's texts are complete for every regime (no placeholder left, legal doubts marked)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from kim_tui.domain.model import ClientDraft, ResidenceFactsDraft
from kim_tui.domain.processing_record import (
    processing_record_markdown,
    processing_record_sections,
)
from kim_tui.domain.regime import REGIME_CODES
from kim_tui.domain.subject_access import SubjectAccessInput, subject_access_copy

ACCESS = {
    "dsgvo": "Art. 15 DSGVO",
    "dsgvo-nrw": "Art. 15 DSGVO",
    "kdg": "§ 17 KDG",
    "dsg-ekd": "§ 19 DSG-EKD",
}


@dataclass(frozen=True)
class _Change:
    """Stands in for the history service's change view."""

    at: datetime
    field: str
    before: str
    after: str


def _input() -> SubjectAccessInput:
    return SubjectAccessInput(
        client=ClientDraft("Gökçe", "Çetin", date(1955, 7, 7), languages=("tur",)),
        facts=ResidenceFactsDraft(),
        consents=(),
        residence=(),
        cases=(),
        follow_ups=(),
        disclosures=(),
    )


@pytest.mark.parametrize("code", REGIME_CODES)
def test_the_copy_cites_the_access_right_of_the_regime(code: str) -> None:
    copy = subject_access_copy(_input(), generated_on=date(2026, 11, 24), regime_code=code)
    assert copy["regime"]["access_right"] == ACCESS[code]
    assert copy["client"]["languages"] == ["Türkisch"]
    assert copy["residence_facts"]["conviction_over_threshold"] == "unbekannt"


def test_corrections_are_rendered_field_by_field() -> None:
    change = _Change(datetime(2026, 10, 2, 9, 30), "Anschrift", "Ringstr. 9", "Hauptstr. 1")
    copy = subject_access_copy(_input(), generated_on=date(2026, 11, 24), corrections=[change])
    assert copy["corrections"] == [
        {
            "at": "2026-10-02T09:30:00",
            "field": "Anschrift",
            "before": "Ringstr. 9",
            "after": "Hauptstr. 1",
        }
    ]


@pytest.mark.parametrize("code", REGIME_CODES)
def test_the_processing_record_is_complete_under_every_regime(code: str) -> None:
    text = processing_record_markdown(code)
    assert "{" not in text and "}" not in text
    _title, _intro, sections = processing_record_sections(code)
    headings = " ".join(s.heading for s in sections)
    for topic in (
        "Zwecke",
        "Rechtsgrundlagen",
        "betroffener Personen",
        "Empfänger",
        "Löschfristen",
        "Technische und organisatorische",
        "Folgenabschätzung",
    ):
        assert topic in headings, topic
    assert any(s.verify for s in sections)  # legal bases are marked as still to be checked
    if code == "kdg":
        assert "§ 31 KDG" in text and "§ 11 KDG" in text and "DSGVO" not in text
