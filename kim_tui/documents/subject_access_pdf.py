"""The Art. 15 copy as a PDF a person can read, and as JSON (DP-7).

Both files are written from the one document `kim_tui.domain.subject_access.subject_access_copy`
builds, so they hold the same content. The PDF is German; names in any script are embedded with
DejaVu Sans and shaped with HarfBuzz (see `pdf_base`), so an Arabic or Persian name is joined and
right to left, Cyrillic and Turkish letters print as typed.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from fpdf.fonts import FontFace

from kim_tui.documents.pdf_base import FONT, KimPDF, new_pdf, write_new_file
from kim_tui.domain.dates import format_birth_date, format_date

__all__ = ["render_subject_access_pdf", "subject_access_json", "write_subject_access_files"]

_TITLE = "Auskunft über gespeicherte Daten"

SECTIONS: tuple[tuple[str, str], ...] = (
    ("client", "Stammdaten"),
    ("file", "Zur Akte"),
    ("residence_facts", "Angaben zur Bleibeperspektive"),
    ("consents", "Einwilligungen"),
    ("residence_history", "Aufenthaltsstatus (Verlauf)"),
    ("cases", "Fall"),
    ("follow_ups", "Wiedervorlagen"),
    ("corrections", "Verlauf der Berichtigungen"),
    ("disclosures", "Weitergaben an Dritte (Empfänger)"),
    ("information", "Zwecke, Empfänger, Speicherdauer und Ihre Rechte"),
)
"""Top-level sections of the copy in print order, with their German headings."""

LABELS: dict[str, str] = {
    "given_name": "Vorname",
    "family_name": "Familienname",
    "other_names": "Weitere Namen",
    "birth_date": "Geburtsdatum",
    "birth_date_known": "Vom Geburtsdatum bekannt",
    "gender": "Geschlecht",
    "nationality": "Staatsangehörigkeit",
    "country_of_birth": "Geburtsland",
    "languages": "Sprachen",
    "interpreter_needed": "Dolmetschung nötig",
    "address": "Anschrift",
    "phone": "Telefon",
    "household": "Haushalt",
    "name": "Name",
    "relation": "Beziehung",
    "entry_on": "Einreise",
    "german_level": "Deutschniveau",
    "german_certificate_on": "Sprachzertifikat vom",
    "livelihood_share": "Anteil eigener Lebensunterhalt (%)",
    "in_school_or_training": "In Schule oder Ausbildung",
    "school_months": "Schulbesuch (Monate)",
    "pension_months": "Rentenbeiträge (Monate)",
    "conviction_over_threshold": "Verurteilung über Schwelle",
    "purpose": "Zweck",
    "recipient": "Empfänger",
    "given_on": "Erteilt am",
    "form": "Form",
    "withdrawn_on": "Widerrufen am",
    "status": "Status",
    "legal_basis": "Rechtsgrundlage",
    "valid_from": "Gültig ab",
    "valid_until": "Gültig bis",
    "first_contact_on": "Erstkontakt",
    "access_route": "Zugangsweg",
    "referred_by": "Vermittelt durch",
    "legal_domains": "Rechtskreise",
    "target_groups": "Zielgruppen",
    "stage": "Phase",
    "closed_on": "Abgeschlossen am",
    "closure_reason": "Abschlussgrund",
    "themes": "Themen",
    "assessments": "Bestandsaufnahmen",
    "assessed_on": "Datum",
    "assessed_by": "Erhoben von",
    "ratings": "Bewertungen",
    "area": "Handlungsfeld",
    "level": "Bedarf (Stufe)",
    "situation": "Situation",
    "resources": "Ressourcen",
    "goal_agreements": "Zielvereinbarungen",
    "agreed_on": "Vereinbart am",
    "review_on": "Überprüfung am",
    "goals": "Ziele",
    "title": "Ziel",
    "indicator": "Woran wir es merken",
    "target_on": "Zieldatum",
    "evaluation": "Auswertung",
    "steps": "Schritte",
    "text": "Schritt",
    "owner": "Wer",
    "due_on": "Fällig am",
    "done_on": "Erledigt am",
    "referrals": "Vermittlungen",
    "legal_domain": "Rechtskreis",
    "reason": "Anlass",
    "change": "Änderung",
    "detail": "Einzelheiten",
    "at": "Zeitpunkt",
    "sent_on": "Vermittelt am",
    "feedback_due_on": "Rückmeldung erwartet",
    "outcome": "Ergebnis",
    "outcome_on": "Ergebnis am",
    "passes_identifying_data": "Mit Namen weitergegeben",
    "override_reason": "Begründung ohne Einwilligung",
    "contacts": "Kontakte",
    "on": "Datum",
    "kind": "Art",
    "minutes": "Minuten",
    "interpreter": "Mit Dolmetschung",
    "note": "Notiz",
    "original_due_on": "Ursprünglich fällig",
    "source": "Herkunft",
    "done_note": "Notiz zur Erledigung",
    "content": "Was",
    "basis": "Grundlage",
    "restricted_on": "Verarbeitung eingeschränkt seit",
    "household_link": "Verknüpfter Haushalt",
    "role": "Rolle",
    "other_files": "Weitere Akten im Haushalt",
    "scope": "Umfang",
    "special_categories": "Umfasst besondere Kategorien (z. B. Gesundheit)",
    "witness": "Zeug*in (mündliche Einwilligung)",
    "phase_set_by_hand": "Phase von Hand gesetzt",
    "purposes": "Zwecke",
    "recipients": "Empfänger (Kategorien)",
    "storage": "Speicherdauer",
    "rights": "Ihre Rechte",
    "automated_decisions": "Automatisierte Entscheidungen",
}

_KINDS = {
    "referral": "Vermittlung",
    "handover": "Übergabe",
    "stand_in": "Vertretung",
    "bundle": "Wochenpaket",
}


def subject_access_json(copy: dict[str, Any]) -> bytes:
    """The copy as UTF-8 JSON (indented, names as typed: no \\u escapes)."""
    return (json.dumps(copy, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


_KNOWN = {
    "day": "Tag, Monat und Jahr",
    "month": "nur Monat und Jahr (Tag unbekannt, 00)",
    "year": "nur das Jahr (Tag und Monat unbekannt, 00.00.)",
}
"""What is known of the birth date, as the copy says it."""


def _birth(client: dict[str, Any]) -> str:
    """The birth date as the papers write it (00.00.1990 when only the year is known)."""
    if not client.get("birth_date"):
        return "–"
    born = date.fromisoformat(client["birth_date"])
    return format_birth_date(born, client.get("birth_date_known", "day"))


def _value(key: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, dict):
        return "; ".join(f"{LABELS.get(k, k)}: {_value(k, v)}" for k, v in value.items())
    if isinstance(value, list):
        # Sentences (rights, purposes) one after the other; codes and names as a list.
        joiner = " " if all(str(v).endswith(".") for v in value) else ", "
        return joiner.join(_value(key, v) for v in value)
    text = str(value)
    if key == "kind" and text in _KINDS:
        return _KINDS[text]
    if key == "birth_date_known":
        return _KNOWN.get(text, text)
    if len(text) >= 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit():
        try:
            return format_date(date.fromisoformat(text[:10])) + text[10:].replace("T", " ")
        except ValueError:
            return text
    return text


def _line(pdf: KimPDF, indent: float, label: str, value: str) -> None:
    pdf.set_x(pdf.l_margin + indent)
    pdf.set_font(FONT, "B", 9)
    pdf.cell(64, 5, label)
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(0, 5, value, align="L", new_x="LMARGIN", new_y="NEXT")


def _object(pdf: KimPDF, obj: dict[str, Any], indent: float) -> None:
    for key, value in obj.items():
        label = LABELS.get(key, key)
        if isinstance(value, list) and value and isinstance(value[0], dict):
            pdf.set_x(pdf.l_margin + indent)
            pdf.set_font(FONT, "B", 9.5)
            pdf.cell(0, 6, f"{label} ({len(value)})", new_x="LMARGIN", new_y="NEXT")
            if _is_flat(value):
                _table(pdf, value, indent + 5)
                continue
            for number, item in enumerate(value, start=1):
                _item(pdf, item, indent + 5, number)
        elif key == "birth_date" and "birth_date_known" in obj:
            _line(pdf, indent, label, _birth(obj))  # as written: 00.00.1990
        else:
            _line(pdf, indent, label, _value(key, value))


def _is_flat(items: list[dict[str, Any]]) -> bool:
    """Small records of plain values (ratings, steps, household) read best as a table."""
    return len(items[0]) <= 4 and all(
        not isinstance(v, dict | list) for item in items for v in item.values()
    )


def _table(pdf: KimPDF, items: list[dict[str, Any]], indent: float) -> None:
    keys = list(items[0])
    pdf.set_font(FONT, "", 8.5)
    pdf.set_x(pdf.l_margin + indent)
    width = pdf.w - pdf.r_margin - pdf.l_margin - indent
    with pdf.table(
        width=width,
        align="RIGHT",
        line_height=4.6,
        text_align="LEFT",
        first_row_as_headings=True,
        headings_style=FontFace(family=FONT, emphasis="BOLD", fill_color=(240, 240, 240)),
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        heading = table.row()
        for key in keys:
            heading.cell(LABELS.get(key, key))
        for item in items:
            row = table.row()
            for key in keys:
                row.cell(_value(key, item[key]))
    pdf.ln(1)


def _item(pdf: KimPDF, item: dict[str, Any], indent: float, number: int) -> None:
    if pdf.will_page_break(20):
        pdf.add_page()
    pdf.set_draw_color(200)
    y = pdf.get_y() + 1
    pdf.line(pdf.l_margin + indent, y, pdf.w - pdf.r_margin, y)
    pdf.set_y(y + 1)
    pdf.set_x(pdf.l_margin + indent)
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(100)
    pdf.cell(0, 4, f"Nr. {number}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)
    _object(pdf, item, indent)


def render_subject_access_pdf(copy: dict[str, Any]) -> bytes:
    """The copy as a German PDF (the same copy always gives the same bytes)."""
    generated = date.fromisoformat(copy["generated_on"])
    law = copy["regime"]
    pdf = new_pdf(_TITLE, generated)
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 8, f"{_TITLE} nach {law['access_right']}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9.5)
    client = copy["client"]
    name = f"{client['given_name']} {client['family_name']}".strip()
    intro = (
        f"Für: {name}, geboren am {_birth(client)}. "
        f"Erstellt am {format_date(generated)}"
        + (
            f" von {copy['controller']['organisation']}"
            if copy["controller"]["organisation"]
            else ""
        )
        + f". Rechtsrahmen: {law['name']}. Zuständige Aufsicht: {law['authority']}. "
        "Diese Kopie enthält alle Daten, die in der Fallbegleitung über Sie gespeichert sind; "
        "dieselben Angaben liegen als maschinenlesbare JSON-Datei bei."
    )
    pdf.multi_cell(0, 5, intro, align="L", new_x="LMARGIN", new_y="NEXT")
    for key, heading in SECTIONS:
        value = copy[key]
        if pdf.will_page_break(25):
            pdf.add_page()
        pdf.ln(4)
        pdf.set_fill_color(235, 235, 235)
        pdf.set_font(FONT, "B", 12)
        pdf.cell(0, 7, heading, fill=True, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        if isinstance(value, dict):
            _object(pdf, value, 0)
        elif not value:
            pdf.set_font(FONT, "", 9)
            pdf.cell(0, 5, "Keine Einträge.", new_x="LMARGIN", new_y="NEXT")
        else:
            for number, item in enumerate(value, start=1):
                _item(pdf, item, 0, number)
    return bytes(pdf.output())


def write_subject_access_files(copy: dict[str, Any], pdf_path: Path, json_path: Path) -> None:
    """Write the PDF and the JSON file (atomically, never overwriting an existing file)."""
    pdf_bytes = render_subject_access_pdf(copy)
    write_new_file(pdf_bytes, pdf_path)
    write_new_file(subject_access_json(copy), json_path)
