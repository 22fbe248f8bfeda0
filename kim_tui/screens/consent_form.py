"""Record a consent (or renew one): purpose, recipient, scope, special categories, written or
oral before a witness, date and who recorded it. Nothing is preset as given: the coach fills
in what the client agreed to."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, Input, Select, Static

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.consents import validate_consent
from kim_tui.domain.dates import format_date
from kim_tui.domain.model import ConsentDraft, ConsentForm, ConsentPurpose, ConsentView
from kim_tui.i18n import language, tr
from kim_tui.screens.form import FormInvalid, FormModal, form_actions, save_hint
from kim_tui.widgets.field_error import FieldError
from kim_tui.widgets.state_checkbox import StateCheckbox

_FIELD_OF_PROBLEM = {
    "purpose": "purpose",
    "given_on": "given_on",
    "agency": "agency",
    "recipient": "recipient",
    "scope": "scope",
    "witness": "witness",
}


class ConsentFormScreen(FormModal[ConsentDraft]):
    """A new consent; with `renewing`, the renewal of that one (same purpose, its fields as the
    starting point)."""

    ACTIONS: ClassVar[tuple[UiAction, ...]] = form_actions("consent")
    BINDINGS = bindings(ACTIONS)

    def __init__(
        self,
        today: date,
        coach: str = "",
        *,
        purpose: ConsentPurpose | None = None,
        agency: str | None = None,
        renewing: ConsentView | None = None,
        reason: str = "",
    ) -> None:
        """`purpose`/`agency` preset what an action found missing (`reason` says so)."""
        super().__init__(classes="dialog wide")
        self.today = today
        self.coach = coach
        self.renewing = renewing
        self.purpose = renewing.purpose if renewing is not None else purpose
        self.agency = renewing.agency if renewing is not None else agency
        self.reason = reason

    def compose(self) -> ComposeResult:
        lang = language()
        old = self.renewing
        title = (
            tr("Einwilligung erneuern", "Renew consent")
            if old is not None
            else tr("Einwilligung erfassen", "Record consent")
        )

        def field(label: str, widget: Input | Select[str]) -> Vertical:
            return Vertical(Static(label, classes="field-label"), widget)

        with VerticalScroll():
            yield Static(title, classes="title")
            if self.reason:
                yield Static(self.reason, classes="notice", markup=False)
            with Horizontal(classes="row"):
                yield field(
                    tr("Zweck", "Purpose"),
                    Select(
                        [(e.label(lang), e.code) for e in catalog("consent_purposes")],
                        value=self.purpose.value if self.purpose else Select.NULL,
                        id="purpose",
                        compact=True,
                        prompt=tr("Zweck wählen", "choose"),
                        disabled=old is not None,
                    ),
                )
                yield field(
                    tr("Stelle (Katalog)", "Agency (catalog)"),
                    Select(
                        [(e.label(lang), e.code) for e in catalog("agencies")],
                        value=self.agency or Select.NULL,
                        id="agency",
                        compact=True,
                        prompt="–",
                    ),
                )
            with Horizontal(classes="row"):
                yield field(
                    tr("oder Stelle als Text", "or agency as text"),
                    Input(
                        old.recipient if old else "", id="recipient", compact=True, max_length=200
                    ),
                )
            with Horizontal(classes="row"):
                yield field(
                    tr("Umfang: welche Daten, wofür", "Scope: which data, what for"),
                    Input(old.scope if old else "", id="scope", compact=True),
                )
            yield StateCheckbox(
                tr(
                    "umfasst besondere Kategorien (Art. 9 DSGVO, z. B. Gesundheit)",
                    "covers special categories (Art. 9 GDPR, e.g. health)",
                ),
                value=old.special_categories if old else False,
                id="special_categories",
                compact=True,
            )
            with Horizontal(classes="row"):
                yield field(
                    tr("Form", "Form"),
                    Select(
                        [
                            (tr("schriftlich", "written"), "written"),
                            (tr("mündlich", "oral"), "oral"),
                        ],
                        value="written",
                        allow_blank=False,
                        id="form",
                        compact=True,
                    ),
                )
                yield field(
                    tr("Zeug*in (bei mündlich)", "Witness (if oral)"),
                    Input(id="witness", compact=True, max_length=200),
                )
            with Horizontal(classes="row"):
                yield field(
                    tr("erteilt am", "given on"),
                    Input(format_date(self.today), id="given_on", compact=True),
                )
                yield field(
                    tr("erfasst von", "recorded by"),
                    Input(self.coach, id="recorded_by", compact=True, max_length=200),
                )
            yield FieldError(id="form-error")
            yield save_hint()

    def on_mount(self) -> None:
        super().on_mount()
        first = "#agency" if self.purpose is not None else "#purpose"
        self.query_one(first).focus()

    def discard_question(self) -> str | None:
        if not self.holds_input():
            return None
        return tr("Eingaben zur Einwilligung verwerfen?", "Discard the consent you typed?")

    def build_draft(self) -> ConsentDraft:
        purpose = self.query_one("#purpose", Select).value
        if purpose is Select.NULL:
            raise FormInvalid(
                tr("Bitte den Zweck wählen.", "Please choose the purpose."), "purpose"
            )
        agency = self.query_one("#agency", Select).value
        draft = ConsentDraft(
            purpose=ConsentPurpose(str(purpose)),
            given_on=self.date_value("given_on", focus=True),
            form=ConsentForm(str(self.query_one("#form", Select).value)),
            agency=None if agency is Select.NULL else str(agency),
            recipient=self.text("recipient"),
            scope=self.text("scope"),
            special_categories=self.query_one("#special_categories", Checkbox).value,
            witness=self.text("witness"),
            recorded_by=self.text("recorded_by"),
        )
        problems = validate_consent(draft, self.today)
        if problems:
            first = next(iter(problems))
            # The domain words its rules in the UI's language already.
            raise FormInvalid(" ".join(problems.values()), _FIELD_OF_PROBLEM.get(first))
        return draft
