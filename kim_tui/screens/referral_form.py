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
from kim_tui.domain.eligibility import Hint
from kim_tui.domain.model import ReferralDraft
from kim_tui.i18n import language, tr
from kim_tui.screens.form import FormInvalid, FormModal, form_actions, save_hint
from kim_tui.widgets.field_error import FieldError
from kim_tui.widgets.residence_hints import ASYLBLG_LEGAL_DOMAIN, asylblg_notice_text
from kim_tui.widgets.state_checkbox import StateCheckbox


def income_domain(code: object) -> bool:
    """Whether a legal domain is one of livelihood benefits (``area = "income"``)."""
    entry = catalog("legal_domains").get(str(code))
    return entry is not None and entry.extra.get("area") == "income"


class ReferralFormScreen(FormModal[ReferralDraft]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = form_actions("referral")
    BINDINGS = bindings(ACTIONS)

    def __init__(
        self,
        case_id: str,
        today: date,
        asylblg: Hint | None = None,
        *,
        draft: ReferralDraft | None = None,
    ) -> None:
        """``asylblg``: the AsylbLG notice hint when it concerns the client (§ 24 permit, entry
        from 01.04.2025); the form then shows it for income referrals and suggests the AsylbLG
        legal domain, without blocking the coach. ``draft``: what the coach entered before
        (back from the consent-override question), shown again as it was."""
        super().__init__()
        self.case_id = case_id
        self.today = today
        self.asylblg = asylblg
        self.draft = draft
        self.restored_input = draft is not None

    def compose(self) -> ComposeResult:
        lang = language()
        draft = self.draft
        due = self.today + timedelta(weeks=2) if draft is None else draft.feedback_due_on
        with Vertical():
            yield Static(tr("Neue Vermittlung", "New referral"), classes="title")
            yield Static(tr("Stelle", "Agency"), classes="field-label")
            yield Select(
                [(e.label(lang), e.code) for e in catalog("agencies")],
                id="agency",
                compact=True,
                prompt=tr("Stelle wählen", "choose an agency"),
                value=draft.agency if draft else Select.NULL,
            )
            yield Static(tr("Rechtskreis", "Legal domain"), classes="field-label")
            yield Select(
                [(e.label(lang), e.code) for e in catalog("legal_domains")],
                id="legal_domain",
                compact=True,
                prompt="–",
                value=draft.legal_domain if draft else Select.NULL,
            )
            if self.asylblg is not None:
                de, en = asylblg_notice_text(self.asylblg)
                notice = Static(tr(de, en), id="asylblg-notice", classes="notice")
                notice.display = False
                yield notice
            yield Static(tr("Anlass", "Reason"), classes="field-label")
            yield Input(draft.reason if draft else "", id="reason", compact=True, max_length=500)
            with Horizontal(classes="row"):
                with Vertical():
                    yield Static(tr("gesendet am", "sent on"), classes="field-label")
                    sent_on = draft.sent_on if draft else self.today
                    yield Input(format_date(sent_on), id="sent_on", compact=True)
                with Vertical():
                    yield Static(
                        tr("Rückmeldung erwartet", "feedback expected"), classes="field-label"
                    )
                    yield Input(
                        format_date(due),
                        id="feedback_due_on",
                        compact=True,
                    )
            yield StateCheckbox(
                tr(
                    "gibt identifizierende Daten weiter (Name, Geburtsdatum …)",
                    "passes identifying data (name, date of birth …)",
                ),
                value=draft.passes_identifying_data if draft else True,
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
        if self.asylblg is not None and income_domain(domain):
            # § 24, entry from 01.04.2025: income matters go to the AsylbLG office.
            domain = ASYLBLG_LEGAL_DOMAIN
        if domain and domain in catalog("legal_domains") and target.value is Select.NULL:
            target.value = domain
        self._show_asylblg()

    @on(Select.Changed, "#legal_domain")
    def legal_domain_changed(self) -> None:
        self._show_asylblg()

    def _show_asylblg(self) -> None:
        """The AsylbLG notice shows while the referral concerns income (agency or domain)."""
        if self.asylblg is None:
            return
        agency = catalog("agencies").get(str(self.query_one("#agency", Select).value))
        domain = self.query_one("#legal_domain", Select).value
        income = income_domain(domain) or (
            agency is not None and income_domain(agency.extra.get("legal_domain"))
        )
        self.query_one("#asylblg-notice", Static).display = income

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
