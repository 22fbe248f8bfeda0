"""Facts for the residence-path hints: entry date, German level, livelihood, school, pension
months and convictions — the latter only as a coded yes/no/unknown (DSGVO Art. 10)."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Select, Static

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.dates import date_placeholder, format_date
from kim_tui.domain.model import ResidenceFactsDraft
from kim_tui.i18n import tr
from kim_tui.screens.form import FormInvalid, FormModal, form_actions, save_hint
from kim_tui.widgets.field_error import FieldError

LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")


def _tri(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def _from_tri(value: object) -> bool | None:
    return None if value in ("unknown", Select.NULL) else value == "yes"


class FactsFormScreen(FormModal[ResidenceFactsDraft]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = form_actions("facts")
    BINDINGS = bindings(ACTIONS)

    def __init__(self, facts: ResidenceFactsDraft, today: date) -> None:
        super().__init__(classes="dialog wide")
        self.facts = facts
        self.today = today

    def compose(self) -> ComposeResult:
        f = self.facts
        tri = [
            (tr("ja", "yes"), "yes"),
            (tr("nein", "no"), "no"),
            (tr("unbekannt", "unknown"), "unknown"),
        ]

        def field(label: str, widget: Input | Select[str]) -> Vertical:
            return Vertical(Static(label, classes="field-label"), widget)

        with VerticalScroll():
            yield Static(
                tr("Angaben für Bleibeperspektive", "Facts for residence hints"), classes="title"
            )
            with Horizontal(classes="row"):
                yield field(
                    tr("Einreise am", "Entry on"),
                    Input(
                        format_date(f.entry_on),
                        id="entry_on",
                        compact=True,
                        placeholder=date_placeholder(),
                    ),
                )
                yield field(
                    tr("Deutsch-Niveau", "German level"),
                    Select(
                        [(x, x) for x in LEVELS],
                        value=f.german_level or Select.NULL,
                        id="german_level",
                        compact=True,
                        prompt=tr("unbekannt", "unknown"),
                    ),
                )
                yield field(
                    tr("Zertifikat vom", "Certificate of"),
                    Input(
                        format_date(f.german_certificate_on),
                        id="german_certificate_on",
                        compact=True,
                        placeholder=date_placeholder(),
                    ),
                )
            with Horizontal(classes="row"):
                yield field(
                    tr(
                        "Lebensunterhalt aus eigenem Einkommen (%)",
                        "Livelihood from own income (%)",
                    ),
                    Input(
                        "" if f.livelihood_share is None else str(f.livelihood_share),
                        id="livelihood_share",
                        compact=True,
                        type="integer",
                    ),
                )
                yield field(
                    tr("Rentenbeitragsmonate", "Pension contribution months"),
                    Input(
                        "" if f.pension_months is None else str(f.pension_months),
                        id="pension_months",
                        compact=True,
                        type="integer",
                    ),
                )
            with Horizontal(classes="row"):
                yield field(
                    tr("in Schule/Ausbildung", "in school/training"),
                    Select(
                        tri,
                        value=_tri(f.in_school_or_training),
                        allow_blank=False,
                        id="in_school_or_training",
                        compact=True,
                    ),
                )
                yield field(
                    tr("Monate erfolgreicher Schulbesuch", "Months of school"),
                    Input(
                        "" if f.school_months is None else str(f.school_months),
                        id="school_months",
                        compact=True,
                        type="integer",
                    ),
                )
                yield field(
                    tr("Identität geklärt", "Identity clarified"),
                    Select(
                        tri,
                        value=_tri(f.identity_clarified),
                        allow_blank=False,
                        id="identity_clarified",
                        compact=True,
                    ),
                )
            yield field(
                tr(
                    "Verurteilungen über der Schwelle der Regel (nur ja/nein/unbekannt)",
                    "Convictions above the rule's threshold (yes/no/unknown only)",
                ),
                Select(
                    tri,
                    value=f.conviction_over_threshold,
                    allow_blank=False,
                    id="conviction_over_threshold",
                    compact=True,
                ),
            )
            yield FieldError(id="form-error")
            yield save_hint()

    def on_mount(self) -> None:
        self.query_one("#entry_on", Input).focus()

    def _int(self, field: str) -> int | None:
        text = self.text(field)
        try:
            return int(text) if text else None
        except ValueError as exc:
            raise FormInvalid(str(exc)) from exc

    def build_draft(self) -> ResidenceFactsDraft:
        level = self.query_one("#german_level", Select).value
        return ResidenceFactsDraft(
            entry_on=self.optional_date("entry_on"),
            german_level=None if level is Select.NULL else str(level),
            german_certificate_on=self.optional_date("german_certificate_on"),
            livelihood_share=self._int("livelihood_share"),
            in_school_or_training=_from_tri(self.query_one("#in_school_or_training", Select).value),
            school_months=self._int("school_months"),
            pension_months=self._int("pension_months"),
            conviction_over_threshold=str(
                self.query_one("#conviction_over_threshold", Select).value
            ),
            identity_clarified=_from_tri(self.query_one("#identity_clarified", Select).value),
        )
