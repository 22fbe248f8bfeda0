"""Read back what was written: Enter on a row of the client file opens the entry in full.

The sections' tables show one cut line per entry; `EntryDetailScreen` shows every free text of
the highlighted contact, goal, step, referral or assessed area as it was typed.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.widgets import DataTable, TabbedContent

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.model import ClientFile
from kim_tui.i18n import language, tr
from kim_tui.screens.base import KimScreen
from kim_tui.widgets.client_file.base import highlighted_key

Detail = tuple[str, list[tuple[str, str]]]
"""A dialog title and its (label, text) fields."""

DETAIL_TABLES = {
    "assessment-table": "assessment",
    "goals-table": "goals",
    "referral-table": "referrals",
    "contact-table": "contacts",
}
"""The section tables whose rows open in full with Enter, and their sections."""


class DetailActions(KimScreen[None]):
    """The client file's `detail` action (declared in `client_file_keys`)."""

    file: ClientFile | None

    @on(DataTable.RowSelected)
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id in DETAIL_TABLES:
            event.stop()
            self.action_detail()

    def action_detail(self) -> None:
        """The highlighted entry of the open section, with all its text."""
        from kim_tui.screens.entry_detail import EntryDetailScreen

        if self.file is None:
            return
        section = self.query_one(TabbedContent).active
        table_id = next((t for t, s in DETAIL_TABLES.items() if s == section), None)
        key = None
        if table_id is not None:
            key = highlighted_key(self.query_one(f"#{table_id}", DataTable))
        detail = None if key is None else _detail(self.file, section, key)
        if detail is None:
            self.notify(
                tr(
                    "Bitte in Bestandsaufnahme, Zielen, Vermittlungen oder Kontakten einen "
                    "Eintrag markieren.",
                    "Highlight an entry in the assessment, goals, referrals or contacts.",
                )
            )
            return
        self.app.push_screen(EntryDetailScreen(*detail))


def _detail(file: ClientFile, section: str, key: str) -> Detail | None:
    makers: dict[str, Any] = {
        "assessment": _assessment,
        "goals": _goal_or_step,
        "referrals": _referral,
        "contacts": _contact,
    }
    result: Detail | None = makers[section](file, key)
    return result


def _label(catalog_name: str, code: str) -> str:
    return catalog(catalog_name).label(code, language())


def _contact(file: ClientFile, key: str) -> Detail | None:
    contact = next((c for c in file.contacts if c.id == key), None)
    if contact is None:
        return None
    return (
        tr(f"Kontakt vom {format_date(contact.on)}", f"Contact of {format_date(contact.on)}"),
        [
            (
                tr("Art, Dauer", "Kind, duration"),
                f"{_label('contact_kinds', contact.kind)}, {contact.minutes} "
                + tr("Minuten", "minutes"),
            ),
            (tr("Notiz", "Note"), contact.note),
        ],
    )


def _referral(file: ClientFile, key: str) -> Detail | None:
    ref = next((r for r in file.referrals if r.id == key), None)
    if ref is None:
        return None
    fields = [
        (tr("Rechtskreis", "Legal domain"), _label("legal_domains", ref.legal_domain)),
        (tr("Anlass", "Reason"), ref.reason),
        (
            tr("gesendet am / Rückmeldung erwartet", "sent on / feedback expected"),
            f"{format_date(ref.sent_on)} / {format_date(ref.feedback_due_on) or '–'}",
        ),
        (
            tr("Status", "Status"),
            _label("referral_statuses", ref.status)
            + (f" ({format_date(ref.outcome_on)})" if ref.outcome_on else ""),
        ),
        (tr("Ergebnis", "Outcome"), ref.outcome),
        (
            tr("Identifizierende Daten weitergegeben", "Identifying data passed"),
            tr("ja", "yes") if ref.passes_identifying_data else tr("nein", "no"),
        ),
    ]
    if ref.override_reason:
        fields.append(
            (
                tr("Begründung: Weitergabe ohne Einwilligung", "Reason: shared without consent"),
                ref.override_reason,
            )
        )
    return (tr("Vermittlung an ", "Referral to ") + _label("agencies", ref.agency), fields)


def _goal_or_step(file: ClientFile, key: str) -> Detail | None:
    kind, _, ident = key.partition(":")
    for goal in (g for a in file.agreements for g in a.goals):
        if kind == "goal" and goal.id == ident:
            steps = "\n".join(
                ("✓ " if s.done_on else "· ")
                + s.text
                + (f" ({format_date(s.due_on)})" if s.due_on else "")
                for s in goal.steps
            )
            return (
                tr("Ziel", "Goal"),
                [
                    (tr("Handlungsfeld", "Priority area"), _label("priority_areas", goal.area)),
                    (tr("Ziel", "Goal"), goal.title),
                    (tr("Woran erkennbar (Indikator)", "Indicator"), goal.indicator),
                    (tr("Zieldatum", "Target date"), format_date(goal.target_on)),
                    (tr("Status", "Status"), _label("goal_statuses", goal.status)),
                    (tr("Bewertung", "Evaluation"), goal.evaluation),
                    (tr("Schritte", "Steps"), steps),
                ],
            )
        step = next((s for s in goal.steps if kind == "step" and s.id == ident), None)
        if step is not None:
            return (
                tr("Schritt", "Step"),
                [
                    (tr("Ziel", "Goal"), goal.title),
                    (tr("Schritt", "Step"), step.text),
                    (tr("zuständig", "owner"), _label("step_owners", step.owner)),
                    (tr("fällig", "due"), format_date(step.due_on)),
                    (
                        tr("erledigt am", "done on"),
                        format_date(step.done_on) or tr("offen", "open"),
                    ),
                ],
            )
    return None


def _assessment(file: ClientFile, key: str) -> Detail | None:
    fields: list[tuple[str, str]] = []
    for assessment in reversed(file.assessments):
        rating = next((r for r in assessment.ratings if r.area == key), None)
        if rating is None:
            continue
        on = format_date(assessment.assessed_on)
        fields.append(
            (
                tr(
                    f"{on}: Bedarf {rating.level}, Situation",
                    f"{on}: need {rating.level}, situation",
                ),
                rating.situation,
            )
        )
        fields.append((tr(f"{on}: Ressourcen", f"{on}: resources"), rating.resources))
    if not fields:
        return None
    return (tr("Bestandsaufnahme: ", "Assessment: ") + _label("priority_areas", key), fields)
