"""The consent form (DP-2): German beside a translation, read back with pypdf; every shipped
translation loads, has every block and says it is not yet reviewed; RTL languages are marked."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from kim_tui.documents.consent_form_pdf import (
    GERMAN,
    ConsentFormDocument,
    consent_form_languages,
    consent_form_text,
    render_consent_form_pdf,
    second_language_for,
    write_consent_form_pdf,
)


def _text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


BASE = ConsentFormDocument(
    client_name="Mohammed Rezaei",
    birth_date=date(1990, 5, 3),
    organisation="Caritas Köln",
    purpose="share_agency",
    recipient="Jobcenter Köln",
    printed_on=date(2026, 11, 24),
)


def _doc(**changes: Any) -> ConsentFormDocument:
    return replace(BASE, **changes)


def test_the_six_translations_ship_and_none_is_reviewed_yet() -> None:
    assert set(consent_form_languages()) == {"ara", "eng", "fas", "rus", "tur", "ukr"}
    german = consent_form_text(GERMAN)
    for code in consent_form_languages():
        text = consent_form_text(code)
        assert text.reviewed is False, code
        assert set(text.headings) == set(german.headings), code
        assert set(text.texts) == set(german.texts), code
        assert set(text.purposes) == set(german.purposes), code
        assert set(text.special_categories) == set(german.special_categories), code
        assert set(text.signatures) == set(german.signatures), code
    assert consent_form_text("ara").rtl and consent_form_text("fas").rtl
    assert not consent_form_text("tur").rtl


def test_the_second_language_is_the_first_of_the_clients_with_a_translation() -> None:
    assert second_language_for(("deu", "kur", "fas", "ara")) == "fas"
    assert second_language_for(("deu", "kur")) is None
    assert second_language_for(("prs",)) == "fas"  # Dari speakers read the Persian text


def test_german_and_arabic_side_by_side_name_purpose_recipient_and_refusal() -> None:
    text = _text(
        render_consent_form_pdf(
            _doc(
                client_name="محمد رضایی",
                second_language="ara",
                special_categories=("health",),
                regime_code="kdg",
            )
        )
    )
    assert "Einwilligung und Schweigepflichtentbindung" in text
    assert "موافقة وإعفاء من واجب السرية" in text  # the Arabic title
    assert "محمد رضایی" in text
    assert "Jobcenter Köln" in text
    assert "Gesundheit" in text and "الصحة" in text  # special category named in both
    assert "Wenn Sie nicht einwilligen" in text
    assert "widerrufen" in text
    assert "§ 8 KDG" in text and "§ 11 KDG" in text  # the regime's articles
    assert "noch nicht von einer beeidigten Übersetzer*in geprüft" in text
    assert "لم يراجع هذه الترجمة مترجم معتمد" in text
    assert "Unterschrift Klient*in" in text


def test_without_special_categories_the_form_says_none_are_passed_on() -> None:
    text = _text(render_consent_form_pdf(_doc(second_language="tur")))
    assert "werden nicht weitergegeben" in text
    assert "Özel nitelikli veriler" in text
    assert "Art. 7 DSGVO" in text


def test_german_only_when_there_is_no_translation_and_metadata_is_neutral() -> None:
    data = render_consent_form_pdf(_doc())
    reader = PdfReader(BytesIO(data))
    assert reader.metadata is not None and reader.metadata.title == "Einwilligung"
    assert "Rezaei" not in str(dict(reader.metadata))
    assert "beeidigten" not in _text(data)  # no translation, no translator note


def test_write_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "form.pdf"
    write_consent_form_pdf(_doc(second_language="ukr"), target)
    assert "Згода" in _text(target.read_bytes())
    with pytest.raises(FileExistsError):
        write_consent_form_pdf(_doc(), target)
