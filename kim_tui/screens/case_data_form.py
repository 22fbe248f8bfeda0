"""Correct how a case came in (Falldaten): first contact, access route and referring agency,
legal domains and target groups. Opens with the current values; each changed field keeps its
old value in the Verlauf."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Select, SelectionList, Static

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.case_data import CaseDataDraft
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import date_placeholder, format_date
from kim_tui.domain.model import ClientFile
from kim_tui.domain.validation import validate_case_data
from kim_tui.i18n import language, tr
from kim_tui.screens.form import FormInvalid, FormModal, form_actions, save_hint
from kim_tui.widgets.field_error import FieldError


class CaseDataFormScreen(FormModal[CaseDataDraft]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = form_actions("casedata")
    BINDINGS = bindings(ACTIONS)
    HELP_TEXT = (
        "Falldaten korrigieren: Erstkontakt (TT.MM.JJJJ), Zugang, bei Vermittlung die Stelle, "
        "Rechtskreise und Zielgruppen (Leertaste wählt). Jede Änderung steht mit altem und "
        "neuem Wert im Verlauf (8).",
        "Correct the case data: first contact (DD.MM.YYYY), access route, the referring agency "
        "for a referred case, legal domains and target groups (Space selects). Every change is "
        "kept with its old and new value in the history (8).",
    )

    def __init__(self, file: ClientFile, today: date) -> None:
        super().__init__(classes="dialog wide")
        self.file = file
        self.today = today

    def compose(self) -> ComposeResult:
        lang = language()
        f = self.file
        with VerticalScroll(classes="form"):
            yield Static(tr("Falldaten korrigieren", "Correct the case data"), classes="title")
            with Horizontal(classes="row"):
                yield _field(
                    tr("Erstkontakt *", "First contact *"),
                    Input(
                        format_date(f.first_contact_on),
                        id="first_contact_on",
                        compact=True,
                        placeholder=date_placeholder(),
                    ),
                )
                yield _field(
                    tr("Zugang", "Access"),
                    Select(
                        [(e.label(lang), e.code) for e in catalog("access_routes")],
                        value=f.access_route,
                        allow_blank=False,
                        id="access_route",
                        compact=True,
                    ),
                )
                yield _field(
                    tr("vermittelt durch", "referred by"),
                    Select(
                        [(e.label(lang), e.code) for e in catalog("agencies")],
                        value=f.referred_by or Select.NULL,
                        id="referred_by",
                        compact=True,
                        prompt="–",
                    ),
                )
            # Under the first row, not at the foot: at 80x24 the lists below fill the dialog,
            # and the reason must be seen next to the date it usually is about.
            yield FieldError(id="form-error")
            with Horizontal(classes="row"):
                yield _field(
                    tr("Rechtskreise", "Legal domains"),
                    SelectionList[str](
                        *[
                            (e.label(lang), e.code, e.code in f.legal_domains)
                            for e in catalog("legal_domains")
                        ],
                        id="legal_domains",
                    ),
                )
                yield _field(
                    tr("Zielgruppen", "Target groups"),
                    SelectionList[str](
                        *[
                            (e.label(lang), e.code, e.code in f.target_groups)
                            for e in catalog("target_groups")
                        ],
                        id="target_groups",
                    ),
                )
            yield save_hint()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#first_contact_on", Input).focus()

    def build_draft(self) -> CaseDataDraft:
        first_contact = self.date_value("first_contact_on", focus=True)
        route = self.query_one("#access_route", Select).value
        agency = self.query_one("#referred_by", Select).value
        draft = CaseDataDraft(
            first_contact_on=first_contact,
            access_route=str(route),
            referred_by=None if agency is Select.NULL else str(agency),
            legal_domains=tuple(self.query_one("#legal_domains", SelectionList).selected),
            target_groups=tuple(self.query_one("#target_groups", SelectionList).selected),
        )
        problems = validate_case_data(
            draft, self.today, self.file.client.birth_date, self.file.closed_on
        )
        if problems:
            field, message = next(iter(problems.items()))
            raise FormInvalid(message, field if self.query(f"#{field}") else None)
        return draft

    def unsaved_question(self) -> str | None:
        return tr("Änderungen an den Falldaten verwerfen?", "Discard the changes to the case data?")


def _field(label: str, widget: Input | Select[str] | SelectionList[str]) -> Vertical:
    return Vertical(Static(label, classes="field-label"), widget)
