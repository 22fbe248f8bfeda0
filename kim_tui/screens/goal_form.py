"""A goal of the Zielvereinbarung with up to three steps; for the first goal also the agreement's
date and review date. Returns a `GoalFormResult`; the file screen saves it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Select, Static

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import date_placeholder, format_date
from kim_tui.domain.model import GoalDraft, StepDraft
from kim_tui.i18n import language, tr
from kim_tui.screens.form import FormInvalid, FormModal, form_actions, save_hint
from kim_tui.widgets.field_error import FieldError

STEP_ROWS = 3


@dataclass(frozen=True)
class GoalFormResult:
    goal: GoalDraft
    agreed_on: date | None = None
    """Set when this goal starts a new agreement."""
    review_on: date | None = None


class GoalFormScreen(FormModal[GoalFormResult]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = form_actions("goal")
    BINDINGS = bindings(ACTIONS)

    def __init__(self, today: date, *, new_agreement: bool, suggested_area: str | None) -> None:
        super().__init__(classes="dialog wide")
        self.today = today
        self.new_agreement = new_agreement
        self.suggested_area = suggested_area

    def compose(self) -> ComposeResult:
        lang = language()
        areas = [(e.label(lang), e.code) for e in catalog("priority_areas")]
        owners = [(e.label(lang), e.code) for e in catalog("step_owners")]
        with VerticalScroll():
            yield Static(
                tr("Neue Zielvereinbarung", "New goal agreement")
                if self.new_agreement
                else tr("Neues Ziel", "New goal"),
                classes="title",
            )
            if self.new_agreement:
                with Horizontal(classes="row"):
                    with Vertical():
                        yield Static(tr("vereinbart am", "agreed on"), classes="field-label")
                        yield Input(format_date(self.today), id="agreed_on", compact=True)
                    with Vertical():
                        yield Static(tr("Überprüfung am", "review on"), classes="field-label")
                        yield Input(
                            format_date(self.today + timedelta(weeks=12)),
                            id="review_on",
                            compact=True,
                        )
            yield Static(tr("Handlungsfeld", "Priority area"), classes="field-label")
            yield Select(
                areas,
                id="area",
                compact=True,
                allow_blank=False,
                value=self.suggested_area or areas[0][1],
            )
            yield Static(tr("Ziel", "Goal"), classes="field-label")
            yield Input(
                id="title",
                compact=True,
                max_length=300,
                placeholder=tr(
                    "z. B. B1-Sprachkurs abschließen", "e.g. complete a B1 language course"
                ),
            )
            yield Static(
                tr("Woran erkennbar (Indikator)", "Indicator (observable)"), classes="field-label"
            )
            yield Input(
                id="indicator",
                compact=True,
                max_length=300,
                placeholder=tr("z. B. B1-Zertifikat liegt vor", "e.g. B1 certificate"),
            )
            yield Static(tr("Zieldatum", "Target date"), classes="field-label")
            yield Input(id="target_on", compact=True, placeholder=date_placeholder())
            yield Static(
                tr("Schritte (Text · zuständig · fällig)", "Steps (text · owner · due)"),
                classes="field-label",
            )
            for index in range(STEP_ROWS):
                with Horizontal(classes="row step-row"):
                    yield Input(
                        id=f"step{index}",
                        compact=True,
                        max_length=300,
                        placeholder=tr(f"Schritt {index + 1}", f"Step {index + 1}"),
                    )
                    yield Select(
                        owners, id=f"owner{index}", compact=True, allow_blank=False, value="client"
                    )
                    yield Input(id=f"due{index}", compact=True, placeholder=date_placeholder())
            yield FieldError(id="form-error")
            yield save_hint()

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    def build_draft(self) -> GoalFormResult:
        title = self.text("title")
        if not title:
            raise FormInvalid(tr("Bitte das Ziel benennen.", "Please name the goal."), "title")
        target = self.optional_date("target_on", focus=True)
        steps: list[StepDraft] = []
        for index in range(STEP_ROWS):
            text = self.text(f"step{index}")
            if not text:
                continue
            due = self.optional_date(f"due{index}", focus=True)
            owner = str(self.query_one(f"#owner{index}", Select).value)
            steps.append(StepDraft(text=text, owner=owner, due_on=due))
        agreed_on = review_on = None
        if self.new_agreement:
            if not self.text("agreed_on"):
                raise FormInvalid(
                    tr("Bitte ein Datum angeben.", "Please give a date."), "agreed_on"
                )
            agreed_on = self.optional_date("agreed_on", focus=True)
            review_on = self.optional_date("review_on", focus=True)
            if agreed_on is not None and agreed_on > self.today:
                raise FormInvalid(
                    tr(
                        "Die Vereinbarung kann nicht in der Zukunft liegen.",
                        "The agreement cannot be in the future.",
                    ),
                    "agreed_on",
                )
        goal = GoalDraft(
            area=str(self.query_one("#area", Select).value),
            title=title,
            indicator=self.text("indicator"),
            target_on=target,
            steps=tuple(steps),
        )
        return GoalFormResult(goal, agreed_on, review_on)
