"""Correct one step of a goal: its text, who does it and when it is due."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Select, Static

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import date_placeholder, format_date
from kim_tui.domain.model import StepDraft, StepView
from kim_tui.i18n import language, tr
from kim_tui.screens.form import FormInvalid, FormModal, form_actions, save_hint
from kim_tui.widgets.field_error import FieldError


class StepFormScreen(FormModal[StepDraft]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = form_actions("step")
    BINDINGS = bindings(ACTIONS)

    def __init__(self, step: StepView) -> None:
        super().__init__()
        self.step = step

    def compose(self) -> ComposeResult:
        lang = language()
        with Vertical():
            yield Static(tr("Schritt korrigieren", "Correct a step"), classes="title")
            yield Static(tr("Schritt", "Step"), classes="field-label")
            yield Input(self.step.text, id="text", compact=True, max_length=300)
            with Horizontal(classes="row"):
                with Vertical():
                    yield Static(tr("zuständig", "owner"), classes="field-label")
                    yield Select(
                        [(e.label(lang), e.code) for e in catalog("step_owners")],
                        value=self.step.owner,
                        allow_blank=False,
                        id="owner",
                        compact=True,
                    )
                with Vertical():
                    yield Static(tr("fällig", "due"), classes="field-label")
                    yield Input(
                        format_date(self.step.due_on),
                        id="due_on",
                        compact=True,
                        placeholder=date_placeholder(),
                    )
            yield FieldError(id="form-error")
            yield save_hint()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#text", Input).focus()

    def build_draft(self) -> StepDraft:
        text = self.text("text")
        if not text:
            raise FormInvalid(tr("Bitte den Schritt benennen.", "Please name the step."), "text")
        return StepDraft(
            text=text,
            owner=str(self.query_one("#owner", Select).value),
            due_on=self.optional_date("due_on", focus=True),
            done_on=self.step.done_on,
        )
