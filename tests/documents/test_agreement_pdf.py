"""The goal-agreement PDF: read back with pypdf; names in three scripts, goals, steps, dates;
nothing else of the case inside; neutral metadata; never overwrites."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from kim_tui.documents.agreement_pdf import (
    AgreementDocument,
    AgreementGoal,
    AgreementStep,
    agreement_document,
    render_agreement_pdf,
    write_agreement_pdf,
)
from kim_tui.domain.model import ContactDraft, GoalAgreementDraft, GoalDraft, StepDraft

CLIENT = "Şükrü Yıldız"
PARTNER_NAMES = ("Олена Коваленко", "فاطمة الزهراء")
CONTACT_NOTE = "Vertraulich: Streit mit dem Vermieter wegen Schimmel"


def document(client_name: str = CLIENT) -> AgreementDocument:
    return AgreementDocument(
        client_name=client_name,
        birth_date=date(1994, 4, 9),
        coach_name="Jana Schulte",
        organisation="KIM Kreis Lippe",
        agreed_on=date(2026, 11, 24),
        review_on=date(2027, 2, 26),
        goals=(
            AgreementGoal(
                area="Spracherwerb",
                title="Deutschprüfung B1 bestehen",
                indicator="Zertifikat B1 liegt vor",
                target_on=date(2027, 6, 30),
                status="in Arbeit",
                steps=(
                    AgreementStep("Anmeldung zum Integrationskurs", "Klient*in", date(2026, 12, 4)),
                    AgreementStep("Kinderbetreuung für Kurszeiten klären", "Coach", None),
                ),
            ),
            AgreementGoal(
                area="Wohnen",
                title="Wohnberechtigungsschein beantragen",
                indicator="Antrag ist eingereicht",
                target_on=date(2027, 1, 15),
                status="offen",
                steps=(AgreementStep("Einkommensnachweise sammeln", "Stelle", date(2027, 1, 8)),),
            ),
        ),
    )


def text_of(path: Path) -> str:
    reader = PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_contains_agreement(tmp_path: Path) -> None:
    # A note from elsewhere in the case exists, but is never passed to the document.
    contact = ContactDraft(
        case_id="c1", on=date(2026, 11, 20), kind="phone", minutes=10, note=CONTACT_NOTE
    )
    assert contact.note == CONTACT_NOTE
    name = f"{CLIENT} / {PARTNER_NAMES[0]} / {PARTNER_NAMES[1]}"
    path = tmp_path / "zielvereinbarung.pdf"
    write_agreement_pdf(document(name), path)
    assert path.read_bytes().startswith(b"%PDF-")
    text = text_of(path)
    assert "Zielvereinbarung" in text
    for expected in (
        CLIENT,
        *PARTNER_NAMES,
        "Jana Schulte",
        "KIM Kreis Lippe",
        "Deutschprüfung B1 bestehen",
        "Wohnberechtigungsschein beantragen",
        "Zertifikat B1 liegt vor",
        "Anmeldung zum Integrationskurs",
        "Kinderbetreuung für Kurszeiten klären",
        "Einkommensnachweise sammeln",
        "Spracherwerb",
        "in Arbeit",
        "09.04.1994",
        "24.11.2026",
        "26.02.2027",
        "04.12.2026",
        "30.06.2027",
        "15.01.2027",
        "08.01.2027",
        "Ort, Datum",
        "Unterschrift Klient*in",
        "Unterschrift Coach",
    ):
        assert expected in text, expected
    assert "geändert" in text  # the review note
    assert CONTACT_NOTE not in text
    assert "Schimmel" not in text
    assert "2026-11-24" not in text  # dates only as TT.MM.JJJJ


def test_metadata_has_no_personal_data(tmp_path: Path) -> None:
    path = tmp_path / "za.pdf"
    write_agreement_pdf(document(), path)
    meta = PdfReader(path).metadata
    assert meta is not None
    assert meta.title == "Zielvereinbarung"
    values = " ".join(str(v) for v in meta.values())
    for personal in (CLIENT, "Şükrü", "Yıldız", "Jana Schulte", "Lippe", "1994"):
        assert personal not in values
    assert meta.author is None and meta.subject is None
    raw = path.read_bytes()
    assert b"Lippe" not in raw  # text is in font-encoded streams; no plain personal strings


def test_output_is_deterministic() -> None:
    assert render_agreement_pdf(document()) == render_agreement_pdf(document())


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "za.pdf"
    path.write_bytes(b"previous")
    with pytest.raises(FileExistsError):
        write_agreement_pdf(document(), path)
    assert path.read_bytes() == b"previous"
    write_agreement_pdf(document(), tmp_path / "new.pdf")
    with pytest.raises(FileExistsError):
        write_agreement_pdf(document(), tmp_path / "new.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.pdf", "za.pdf"]  # no temp files


def test_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "za.pdf"
    write_agreement_pdf(document(), path)
    if os.name == "posix":
        assert path.stat().st_mode & 0o077 == 0


def test_missing_directory_fails_cleanly(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_agreement_pdf(document(), tmp_path / "nope" / "za.pdf")


def test_long_agreement_spans_pages(tmp_path: Path) -> None:
    steps = tuple(
        AgreementStep(f"Schritt Nummer {i}", "Coach", date(2027, 1, 1)) for i in range(40)
    )
    doc = AgreementDocument(
        client_name=CLIENT,
        birth_date=None,
        coach_name="Jana Schulte",
        organisation="KIM",
        agreed_on=date(2026, 11, 24),
        review_on=None,
        goals=(AgreementGoal(area="Arbeit", title="Arbeit finden", steps=steps),),
    )
    path = tmp_path / "long.pdf"
    write_agreement_pdf(doc, path)
    reader = PdfReader(path)
    assert len(reader.pages) >= 2
    text = text_of(path)
    assert "Schritt Nummer 0" in text and "Schritt Nummer 39" in text
    assert "Unterschrift Coach" in reader.pages[-1].extract_text()
    assert "jederzeit" in text  # no review date: the agreement can be changed at any time


def test_document_from_draft_uses_catalog_labels() -> None:
    draft = GoalAgreementDraft(
        case_id="c1",
        agreed_on=date(2026, 11, 24),
        review_on=date(2027, 2, 26),
        goals=(
            GoalDraft(
                area="language",
                title="B1",
                status="in_progress",
                steps=(StepDraft(text="Kurs", owner="client", due_on=date(2026, 12, 4)),),
            ),
        ),
    )
    doc = agreement_document(
        draft, client_name=CLIENT, birth_date=None, coach_name="J. S.", organisation="KIM"
    )
    goal = doc.goals[0]
    assert (goal.area, goal.status, goal.steps[0].owner) == (
        "Spracherwerb",
        "in Arbeit",
        "Klient*in",
    )
