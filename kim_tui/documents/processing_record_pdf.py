"""The record of processing activities as a PDF (the same text as the Markdown, DP-13)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kim_tui.documents.pdf_base import FONT, new_pdf, write_new_file
from kim_tui.domain.processing_record import processing_record_sections

__all__ = ["render_processing_record_pdf", "write_processing_record_pdf"]


def render_processing_record_pdf(regime_code: str, on: date, retention_years: int = 3) -> bytes:
    """The record under `regime_code` as PDF bytes, dated `on`."""
    title, intro, sections = processing_record_sections(regime_code, retention_years)
    pdf = new_pdf("Verzeichnis von Verarbeitungstätigkeiten", on)
    pdf.add_page()
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, "", 9.5)
    pdf.multi_cell(0, 5, intro, align="L", new_x="LMARGIN", new_y="NEXT")
    for section in sections:
        if pdf.will_page_break(25):
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font(FONT, "B", 11)
        pdf.multi_cell(0, 6, section.heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 9.5)
        for item in section.items:
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(0, 5, f"• {item}", align="L", new_x="LMARGIN", new_y="NEXT")
        if section.verify:
            pdf.set_font(FONT, "", 8)
            pdf.multi_cell(
                0,
                4.5,
                "Rechtlich noch zu prüfen (nicht am Primärtext bestätigt).",
                new_x="LMARGIN",
                new_y="NEXT",
            )
    return bytes(pdf.output())


def write_processing_record_pdf(regime_code: str, on: date, path: Path) -> None:
    """Write the record as PDF to `path` (atomic; never overwrites)."""
    write_new_file(render_processing_record_pdf(regime_code, on), path)
