"""Vermittlung (Leistungssteuerung): a referral to an agency from the catalog."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Select, Static

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.model import ReferralDraft
from kim_tui.i18n import language, tr
from kim_tui.screens.form import FormInvalid, FormModal, form_actions, save_hint
from kim_tui.widgets.field_error import FieldError


class ReferralFormScreen(FormModal[ReferralDraft]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = form_actions("referral")
    BINDINGS = bindings(ACTIONS)

    def __init__(self, case_id: str, today: date) -> None:
        super().__init__()
        self.case_id = case_id
        self.today = today

    def compose(self) -> ComposeResult:
        lang = language()
        with Vertical():
            yield Static(tr("Neue Vermittlung", "New referral"), classes="title")
            yield Static(tr("Stelle", "Agency"), classes="field-label")
            yield Select(
                [(e.label(lang), e.code) for e in catalog("agencies")],
                id="agency",
                compact=True,
                prompt=tr("Stelle wählen", "choose an agency"),
            )
            yield Static(tr("Rechtskreis", "Legal domain"), classes="field-label")
            yield Select(
                [(e.label(lang), e.code) for e in catalog("legal_domains")],
                id="legal_domain",
                compact=True,
                prompt="–",
            )
            yield Static(tr("Anlass", "Reason"), classes="field-label")
            yield Input(id="reason", compact=True, max_length=500)
            with Horizontal(classes="row"):
                with Vertical():
                    yield Static(tr("gesendet am", "sent on"), classes="field-label")
                    yield Input(format_date(self.today), id="sent_on", compact=True)
                with Vertical():
                    yield Static(
                        tr("Rückmeldung erwartet", "feedback expected"), classes="field-label"
                    )
                    yield Input(
                        format_date(self.today + timedelta(weeks=2)),
                        id="feedback_due_on",
                        compact=True,
                    )
            yield Checkbox(
                tr(
                    "gibt identifizierende Daten weiter (Name, Geburtsdatum …)",
                    "passes identifying data (name, date of birth …)",
                ),
                value=True,
                id="identifying",
            )
            yield FieldError(id="form-error")
            yield save_hint()

    def on_mount(self) -> None:
        self.query_one("#agency", Select).focus()

    @on(Select.Changed, "#agency")
    def agency_changed(self, event: Select.Changed) -> None:
        # Suggest the agency's usual legal domain (Jobcenter → SGB II); the coach may change it.
        entry = catalog("agencies").get(str(event.value))
        domain = entry.extra.get("legal_domain") if entry else None
        target = self.query_one("#legal_domain", Select)
        if domain and domain in catalog("legal_domains") and target.value is Select.NULL:
            target.value = domain

    def build_draft(self) -> ReferralDraft:
        agency = self.query_one("#agency", Select).value
        domain = self.query_one("#legal_domain", Select).value
        if agency is Select.NULL:
            raise FormInvalid(tr("Bitte eine Stelle wählen.", "Please choose an agency."), "agency")
        if domain is Select.NULL:
            raise FormInvalid(
                tr("Bitte den Rechtskreis wählen.", "Please choose the legal domain."),
                "legal_domain",
            )
        return ReferralDraft(
            case_id=self.case_id,
            agency=str(agency),
            legal_domain=str(domain),
            reason=self.text("reason"),
            sent_on=self.date_value("sent_on", focus=True),
            feedback_due_on=self.optional_date("feedback_due_on", focus=True),
            passes_identifying_data=self.query_one("#identifying", Checkbox).value,
        )
