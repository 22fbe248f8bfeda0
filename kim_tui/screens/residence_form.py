"""A residence paper, current or earlier (a past one with both dates); which one is current
follows the rule in `domain.residence`. The same paper twice is refused here, before saving."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Select, Static

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import date_placeholder, format_date
from kim_tui.domain.model import ResidenceDraft, ResidenceView
from kim_tui.domain.residence import same_paper
from kim_tui.domain.validation import validate_residence
from kim_tui.i18n import language, tr
from kim_tui.screens.form import FormInvalid, FormModal, form_actions, save_hint
from kim_tui.widgets.field_error import FieldError


class ResidenceFormScreen(FormModal[ResidenceDraft]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = form_actions("residence")
    BINDINGS = bindings(ACTIONS)

    def __init__(self, today: date, existing: tuple[ResidenceView, ...] = ()) -> None:
        """`existing`: the papers already recorded (a repeated one is refused)."""
        super().__init__()
        self.today = today
        self.existing = existing

    def compose(self) -> ComposeResult:
        lang = language()
        with Vertical():
            yield Static(
                tr(
                    "Aufenthaltspapier erfassen (aktuell oder früher)",
                    "Record a residence paper (current or earlier)",
                ),
                classes="title",
            )
            yield Static(tr("Status", "Status"), classes="field-label")
            yield Select(
                [(e.label(lang), e.code) for e in catalog("residence_statuses")],
                id="status",
                compact=True,
                prompt=tr("Status wählen", "choose"),
            )
            yield Static(tr("Rechtsgrundlage", "Legal basis"), classes="field-label")
            yield Input(id="legal_basis", compact=True, max_length=100)
            with Horizontal(classes="row"):
                with Vertical():
                    yield Static(tr("gültig ab", "valid from"), classes="field-label")
                    yield Input(id="valid_from", compact=True, placeholder=date_placeholder())
                with Vertical():
                    yield Static(tr("gültig bis", "valid until"), classes="field-label")
                    yield Input(id="valid_until", compact=True, placeholder=date_placeholder())
            yield FieldError(id="form-error")
            yield save_hint()

    def on_mount(self) -> None:
        self.query_one("#status", Select).focus()

    @on(Select.Changed, "#status")
    def status_changed(self, event: Select.Changed) -> None:
        entry = catalog("residence_statuses").get(str(event.value))
        field = self.query_one("#legal_basis", Input)
        if entry is not None and not field.value:
            field.value = entry.extra.get("legal_basis", "")

    def build_draft(self) -> ResidenceDraft:
        status = self.query_one("#status", Select).value
        if status is Select.NULL:
            raise FormInvalid(tr("Bitte einen Status wählen.", "Please choose a status."))
        draft = ResidenceDraft(
            str(status),
            self.text("legal_basis"),
            self.optional_date("valid_from"),
            self.optional_date("valid_until"),
        )
        problems = validate_residence(draft, self.today)
        if problems:
            raise FormInvalid(" ".join(problems.values()))
        repeated = same_paper(self.existing, draft)
        if repeated is not None:
            label = catalog("residence_statuses").label(repeated.status, language())
            dates = " – ".join(
                format_date(d) or tr("offen", "open")
                for d in (repeated.valid_from, repeated.valid_until)
            )
            raise FormInvalid(
                tr(
                    f"Dieses Papier ist schon erfasst: {label}, {dates}.",
                    f"This paper is already recorded: {label}, {dates}.",
                )
            )
        return draft
