"""Correct a consent entered wrongly: its purpose, the agency it allows sharing with, the date
and the form it was given in. (A new consent or a withdrawal is recorded, not corrected.)"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Select, Static

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.model import ConsentDraft, ConsentForm, ConsentPurpose, ConsentView
from kim_tui.i18n import language, tr
from kim_tui.screens.form import FormInvalid, FormModal, form_actions, save_hint
from kim_tui.widgets.field_error import FieldError


class ConsentCorrectionScreen(FormModal[ConsentDraft]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = form_actions("consentfix")
    BINDINGS = bindings(ACTIONS)

    def __init__(self, consent: ConsentView, today: date) -> None:
        super().__init__()
        self.consent = consent
        self.today = today

    def compose(self) -> ComposeResult:
        lang = language()
        consent = self.consent
        with Vertical():
            yield Static(tr("Einwilligung korrigieren", "Correct a consent"), classes="title")
            yield Static(tr("Zweck", "Purpose"), classes="field-label")
            yield Select(
                [(e.label(lang), e.code) for e in catalog("consent_purposes")],
                value=consent.purpose.value,
                allow_blank=False,
                id="purpose",
                compact=True,
            )
            yield Static(
                tr(
                    "Stelle (nur für Weitergabe an eine Stelle)",
                    "Agency (sharing with an agency only)",
                ),
                classes="field-label",
            )
            yield Select(
                [(e.label(lang), e.code) for e in catalog("agencies")],
                value=consent.agency or Select.NULL,
                id="agency",
                compact=True,
                prompt=tr("keine", "none"),
            )
            with Horizontal(classes="row"):
                with Vertical():
                    yield Static(tr("erteilt am", "given on"), classes="field-label")
                    yield Input(format_date(consent.given_on), id="given_on", compact=True)
                with Vertical():
                    yield Static(tr("Form", "Form"), classes="field-label")
                    yield Select(
                        [
                            (tr("schriftlich", "written"), "written"),
                            (tr("mündlich", "oral"), "oral"),
                        ],
                        value=consent.form.value,
                        allow_blank=False,
                        id="form",
                        compact=True,
                    )
            yield FieldError(id="form-error")
            yield save_hint()

    def build_draft(self) -> ConsentDraft:
        purpose = ConsentPurpose(str(self.query_one("#purpose", Select).value))
        agency = self.query_one("#agency", Select).value
        given_on = self.date_value("given_on", focus=True)
        if given_on > self.today:
            raise FormInvalid(
                tr("Das Datum liegt in der Zukunft.", "The date is in the future."), "given_on"
            )
        if purpose is ConsentPurpose.SHARE_AGENCY and agency is Select.NULL:
            raise FormInvalid(tr("Bitte die Stelle wählen.", "Please choose the agency."), "agency")
        return ConsentDraft(
            purpose=purpose,
            given_on=given_on,
            form=ConsentForm(str(self.query_one("#form", Select).value)),
            agency=str(agency) if purpose is ConsentPurpose.SHARE_AGENCY else None,
        )
