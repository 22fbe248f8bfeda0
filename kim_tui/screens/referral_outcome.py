"""Results come back: a referral's status, outcome and date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Select, Static

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.model import ReferralView
from kim_tui.i18n import language, tr
from kim_tui.screens.form import FormModal, form_actions, save_hint
from kim_tui.widgets.field_error import FieldError
from kim_tui.widgets.literal import literal


@dataclass(frozen=True)
class ReferralOutcome:
    status: str
    outcome: str
    outcome_on: date | None


class ReferralOutcomeScreen(FormModal[ReferralOutcome]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = form_actions("outcome")
    BINDINGS = bindings(ACTIONS)

    def __init__(self, referral: ReferralView, today: date) -> None:
        super().__init__()
        self.referral = referral
        self.today = today

    def compose(self) -> ComposeResult:
        lang = language()
        with Vertical():
            yield Static(tr("Rückmeldung zur Vermittlung", "Referral feedback"), classes="title")
            agency = catalog("agencies").label(self.referral.agency, lang)
            reason = self.referral.reason
            yield Static(literal(f"{agency} – {reason}" if reason else agency))
            yield Static(tr("Status", "Status"), classes="field-label")
            yield Select(
                [(e.label(lang), e.code) for e in catalog("referral_statuses")],
                value=self.referral.status,
                allow_blank=False,
                id="status",
                compact=True,
            )
            yield Static(tr("Ergebnis", "Outcome"), classes="field-label")
            yield Input(self.referral.outcome, id="outcome", compact=True, max_length=1000)
            yield Static(tr("am", "on"), classes="field-label")
            yield Input(
                format_date(self.referral.outcome_on or self.today), id="outcome_on", compact=True
            )
            yield FieldError(id="form-error")
            yield save_hint()

    def on_mount(self) -> None:
        self.query_one("#status", Select).focus()

    def build_draft(self) -> ReferralOutcome:
        return ReferralOutcome(
            status=str(self.query_one("#status", Select).value),
            outcome=self.text("outcome"),
            outcome_on=self.optional_date("outcome_on"),
        )
