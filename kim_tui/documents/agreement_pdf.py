"""The goal agreement (Zielvereinbarung) as a German PDF for signature (issue 4 § 3).

The document holds exactly the agreement: client, coach, organisation, dates, goals with their
steps, the review note and signature lines; nothing else of the case. It is written with fpdf2
and the embedded DejaVu Sans fonts (``kim_tui/assets/fonts``, Bitstream Vera / DejaVu licence),
so names in Turkish, Cyrillic or Arabic script render; Arabic and other complex scripts are
shaped with HarfBuzz (uharfbuzz); the page set-up is `pdf_base.set_up`, shared with every printout.

The head names the agreed-on, last-changed and printed-on dates and the version ("Fassung": how
many times the agreement, its goals or steps were written), and done steps are marked, so two
printouts can be told apart and a signed paper matches what the vault holds.

The PDF metadata carries no personal data (title "Zielvereinbarung", no author or subject), and
the creation date is the print date (the agreement date when none is given), so the same input
gives the same bytes.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from kim_tui.documents.pdf_base import FONT as _FONT
from kim_tui.documents.pdf_base import set_up, write_new_file
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_birth_date, format_date
from kim_tui.domain.model import GoalAgreementDraft

__all__ = [
    "AgreementDocument",
    "AgreementGoal",
    "AgreementStep",
    "agreement_document",
    "render_agreement_pdf",
    "write_agreement_pdf",
]

_TITLE = "Zielvereinbarung"
_MARGIN = 20.0
_SIGNATURE_BLOCK_MM = 62.0
"""Height the closing note and the signature lines need; they are never split across pages."""


@dataclass(frozen=True)
class AgreementStep:
    text: str
    owner: str
    """Label of who does it (e.g. "Klient*in", "Coach", "Stelle")."""
    due_on: date | None = None
    done_on: date | None = None
    """When the step was done (marked "erledigt" in the PDF); None while open."""


@dataclass(frozen=True)
class AgreementGoal:
    area: str
    """Label of the priority area (Handlungsfeld)."""
    title: str
    indicator: str = ""
    """Observable indicator: how both sides see that the goal is reached."""
    target_on: date | None = None
    status: str = ""
    """Label of the goal status (offen, in Arbeit, ...)."""
    steps: tuple[AgreementStep, ...] = ()


@dataclass(frozen=True)
class AgreementDocument:
    """Everything printed on the agreement, already as display labels."""

    client_name: str
    birth_date: date | None
    coach_name: str
    organisation: str
    agreed_on: date
    review_on: date | None
    goals: tuple[AgreementGoal, ...]
    changed_on: date | None = None
    """When the agreement, a goal or a step was last written (None: not known)."""
    printed_on: date | None = None
    version: int | None = None
    """The agreement's version ("Fassung"): 1 when agreed, one more for every later change."""
    birth_precision: str = "day"


def agreement_document(
    draft: GoalAgreementDraft,
    *,
    client_name: str,
    birth_date: date | None,
    coach_name: str,
    organisation: str,
    changed_on: date | None = None,
    printed_on: date | None = None,
    version: int | None = None,
    birth_precision: str = "day",
) -> AgreementDocument:
    """Build the printable document from a stored agreement, with German catalog labels;
    `changed_on`, `printed_on` and `version` go into its head."""
    areas = catalog("priority_areas")
    statuses = catalog("goal_statuses")
    owners = catalog("step_owners")
    return AgreementDocument(
        client_name=client_name,
        birth_date=birth_date,
        birth_precision=birth_precision,
        coach_name=coach_name,
        organisation=organisation,
        agreed_on=draft.agreed_on,
        review_on=draft.review_on,
        changed_on=changed_on,
        printed_on=printed_on,
        version=version,
        goals=tuple(
            AgreementGoal(
                area=areas.label(goal.area),
                title=goal.title,
                indicator=goal.indicator,
                target_on=goal.target_on,
                status=statuses.label(goal.status),
                steps=tuple(
                    AgreementStep(
                        text=s.text, owner=owners.label(s.owner), due_on=s.due_on, done_on=s.done_on
                    )
                    for s in goal.steps
                ),
            )
            for goal in draft.goals
        ),
    )


# --------------------------------------------------------------------------- rendering


class _AgreementPDF(FPDF):
    stamp = ""
    """Version and print date, repeated on every page (a page alone still says which print)."""

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(_FONT, "", 8)
        self.set_text_color(110)
        self.cell(0, 5, f"{_TITLE}{self.stamp} – Seite {self.page_no()} von {{nb}}", align="C")
        self.set_text_color(0)


def _date_or_dash(d: date | None) -> str:
    return format_date(d) if d is not None else "–"


def _new_pdf(doc: AgreementDocument) -> _AgreementPDF:
    pdf = _AgreementPDF(orientation="P", unit="mm", format="A4")
    if doc.version is not None:
        pdf.stamp += f" – Fassung {doc.version}"
    if doc.printed_on is not None:
        pdf.stamp += f" – gedruckt am {format_date(doc.printed_on)}"
    pdf.alias_nb_pages()
    set_up(pdf, _TITLE, doc.printed_on or doc.agreed_on, margin=_MARGIN, bottom=22)
    return pdf


def _field(pdf: FPDF, label: str, value: str, label_width: float = 50.0) -> None:
    pdf.set_font(_FONT, "B", 10)
    pdf.cell(label_width, 6, label, new_x=XPos.RIGHT, new_y=YPos.TOP)
    pdf.set_font(_FONT, "", 10)
    pdf.multi_cell(0, 6, value or "–", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _goal(pdf: FPDF, number: int, goal: AgreementGoal) -> None:
    if pdf.will_page_break(40):
        pdf.add_page()
    pdf.ln(3)
    pdf.set_fill_color(235, 235, 235)
    pdf.set_font(_FONT, "B", 12)
    pdf.multi_cell(
        0, 7, f"Ziel {number}: {goal.title}", fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.ln(1)
    _field(pdf, "Handlungsfeld:", goal.area)
    _field(pdf, "Woran wir es merken:", goal.indicator)
    _field(pdf, "Zieldatum:", _date_or_dash(goal.target_on))
    _field(pdf, "Stand:", goal.status)
    pdf.ln(1)
    if not goal.steps:
        pdf.set_font(_FONT, "", 10)
        pdf.cell(0, 6, "Keine Schritte vereinbart.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    pdf.set_font(_FONT, "", 10)
    with pdf.table(
        col_widths=(86, 30, 24, 30),
        text_align=("LEFT", "LEFT", "LEFT", "LEFT"),
        line_height=6,
        first_row_as_headings=True,
        headings_style=FontFace(family=_FONT, emphasis="BOLD", fill_color=(245, 245, 245)),
        repeat_headings=1,
        cell_fill_color=(248, 248, 248),
        cell_fill_mode="ROWS",
    ) as table:
        heading = table.row()
        for text in ("Schritt", "Wer", "Bis", "Erledigt"):
            heading.cell(text)
        for step in goal.steps:
            row = table.row()
            row.cell(step.text)
            row.cell(step.owner)
            row.cell(_date_or_dash(step.due_on))
            row.cell(f"✓ {format_date(step.done_on)}" if step.done_on is not None else "–")


def _signatures(pdf: FPDF, doc: AgreementDocument) -> None:
    if pdf.will_page_break(_SIGNATURE_BLOCK_MM):
        pdf.add_page()
    pdf.ln(6)
    pdf.set_font(_FONT, "", 10)
    if doc.review_on is not None:
        note = (
            f"Wir überprüfen diese Vereinbarung gemeinsam am {format_date(doc.review_on)}. "
            "Dabei kann sie geändert oder ergänzt werden."
        )
    else:
        note = "Diese Vereinbarung kann jederzeit gemeinsam geändert oder ergänzt werden."
    pdf.multi_cell(0, 6, note, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(16)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    gap = 8.0
    third = (width - 2 * gap) / 3
    y = pdf.get_y()
    labels = ("Ort, Datum", "Unterschrift Klient*in", "Unterschrift Coach")
    for index, label in enumerate(labels):
        x = pdf.l_margin + index * (third + gap)
        pdf.line(x, y, x + third, y)
        pdf.set_xy(x, y + 1.5)
        pdf.set_font(_FONT, "", 9)
        pdf.cell(third, 5, label)
    pdf.set_xy(pdf.l_margin, y + 8)


def render_agreement_pdf(doc: AgreementDocument) -> bytes:
    """Return the PDF of ``doc`` as bytes (the same input always gives the same bytes)."""
    pdf = _new_pdf(doc)
    pdf.add_page()
    pdf.set_font(_FONT, "B", 18)
    pdf.cell(0, 10, _TITLE, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    _field(pdf, "Klient*in:", doc.client_name)
    _field(pdf, "Geburtsdatum:", format_birth_date(doc.birth_date, doc.birth_precision) or "–")
    _field(pdf, "Coach:", doc.coach_name)
    _field(pdf, "Organisation:", doc.organisation)
    _field(pdf, "Vereinbart am:", format_date(doc.agreed_on))
    if doc.changed_on is not None:
        _field(pdf, "Zuletzt geändert am:", format_date(doc.changed_on))
    _field(pdf, "Überprüfung am:", _date_or_dash(doc.review_on))
    if doc.version is not None:
        _field(pdf, "Fassung:", str(doc.version))
    if doc.printed_on is not None:
        _field(pdf, "Gedruckt am:", format_date(doc.printed_on))
    if not doc.goals:
        pdf.ln(4)
        pdf.set_font(_FONT, "", 10)
        pdf.cell(0, 6, "Keine Ziele vereinbart.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for number, goal in enumerate(doc.goals, start=1):
        _goal(pdf, number, goal)
    _signatures(pdf, doc)
    return bytes(pdf.output())


# --------------------------------------------------------------------------- writing


def write_agreement_pdf(doc: AgreementDocument, path: Path) -> None:
    """Write the agreement PDF to ``path`` atomically.

    The bytes go to a temporary file in the same directory, are flushed to disk and then moved
    into place, so a crash never leaves a half-written PDF. An existing ``path`` is never
    overwritten: FileExistsError. The file is readable by its owner only (it holds personal
    data).
    """
    path = Path(path)
    if path.exists():
        raise FileExistsError(errno.EEXIST, "file exists", str(path))
    write_new_file(render_agreement_pdf(doc), path)
