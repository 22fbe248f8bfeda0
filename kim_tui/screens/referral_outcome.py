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
from kim_tui.domain.dates import format_date, parse_date
from kim_tui.domain.model import ReferralView
from kim_tui.i18n import language, tr
from kim_tui.screens.base import KimModal
from kim_tui.widgets.field_error import FieldError
from kim_tui.widgets.literal import literal


@dataclass(frozen=True)
class ReferralOutcome:
    status: str
    outcome: str
    outcome_on: date | None


class ReferralOutcomeScreen(KimModal[ReferralOutcome | None]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = (
        UiAction("outcome.save", "ctrl+s", "save", "Speichern", "Save", priority=True),
        UiAction("outcome.cancel", "escape", "cancel", "Abbrechen", "Cancel"),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, referral: ReferralView, today: date) -> None:
        super().__init__(classes="dialog")
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
            yield Static(
                tr("Strg+S speichern · Esc abbrechen", "Ctrl+S save · Esc cancel"), classes="muted"
            )

    def on_mount(self) -> None:
        self.query_one("#status", Select).focus()

    def action_save(self) -> None:
        text = self.query_one("#outcome_on", Input).value.strip()
        try:
            on = parse_date(text) if text else None
        except ValueError as exc:
            error = self.query_one("#form-error", FieldError)
            error.show(str(exc))
            return
        self.dismiss(
            ReferralOutcome(
                status=str(self.query_one("#status", Select).value),
                outcome=self.query_one("#outcome", Input).value.strip(),
                outcome_on=on,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
