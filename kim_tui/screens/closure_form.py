"""Abschluss: reason, date and a final evaluation of every goal."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Select, Static

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.model import ClosureDraft, GoalView
from kim_tui.i18n import language, tr
from kim_tui.screens.form import FormInvalid, FormModal, form_actions
from kim_tui.widgets.field_error import FieldError
from kim_tui.widgets.literal import literal


class ClosureFormScreen(FormModal[ClosureDraft]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = form_actions(
        "closure", save=("Abschließen", "Close case")
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, case_id: str, today: date, goals: tuple[GoalView, ...]) -> None:
        super().__init__(classes="dialog wide")
        self.case_id = case_id
        self.today = today
        self.goals = goals

    def compose(self) -> ComposeResult:
        lang = language()
        statuses = [(e.label(lang), e.code) for e in catalog("goal_statuses")]
        with VerticalScroll():
            yield Static(tr("Fall abschließen", "Close the case"), classes="title")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Static(tr("Grund", "Reason"), classes="field-label")
                    yield Select(
                        [(e.label(lang), e.code) for e in catalog("closure_reasons")],
                        id="reason",
                        compact=True,
                        prompt=tr("Grund wählen", "choose"),
                    )
                with Vertical():
                    yield Static(tr("Datum", "Date"), classes="field-label")
                    yield Input(format_date(self.today), id="closed_on", compact=True)
            if self.goals:
                yield Static(
                    tr("Abschließende Bewertung je Ziel", "Final evaluation per goal"),
                    classes="section-title",
                )
            for index, goal in enumerate(self.goals):
                yield Static(
                    Text.assemble(
                        (catalog("priority_areas").label(goal.area, lang) + ": ", "dim"),
                        literal(goal.title),
                    )
                )
                with Horizontal(classes="row"):
                    yield Select(
                        statuses,
                        value=goal.status,
                        allow_blank=False,
                        id=f"status{index}",
                        compact=True,
                    )
                    yield Input(
                        goal.evaluation,
                        id=f"evaluation{index}",
                        compact=True,
                        max_length=1000,
                        placeholder=tr("Bewertung (kurz)", "Evaluation (short)"),
                    )
            yield FieldError(id="form-error")
            yield Static(
                tr(
                    "Der Fall verlässt die Wiedervorlagen und kann wieder geöffnet werden."
                    " Strg+S abschließen · Esc abbrechen",
                    "The case leaves the follow-ups and can be reopened. Ctrl+S close · Esc cancel",
                ),
                classes="muted",
            )

    def on_mount(self) -> None:
        self.query_one("#reason", Select).focus()

    def build_draft(self) -> ClosureDraft:
        reason = self.query_one("#reason", Select).value
        if reason is Select.NULL:
            raise FormInvalid(tr("Bitte einen Grund wählen.", "Please choose a reason."))
        closed_on = self.date_value("closed_on")
        evaluations = tuple(
            (
                goal.id,
                str(self.query_one(f"#status{index}", Select).value),
                self.text(f"evaluation{index}"),
            )
            for index, goal in enumerate(self.goals)
        )
        return ClosureDraft(self.case_id, closed_on, str(reason), evaluations)
