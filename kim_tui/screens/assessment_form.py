"""Bestandsaufnahme: rate every priority area 0–3 from the keyboard alone.

↑/↓ choose the area, 0–3 set the need level, Enter (or e) edits the situation text, r the
resources; Ctrl+S saves. Starts from the latest assessment's levels when there is one, so a
repeated assessment only changes what changed.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import ColumnKey, RowKey

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.model import AreaRatingDraft, AssessmentDraft, AssessmentView
from kim_tui.i18n import language, tr
from kim_tui.screens.form import FormInvalid, FormModal, form_actions
from kim_tui.widgets.field_error import FieldError
from kim_tui.widgets.literal import literal
from kim_tui.widgets.need_level import need_level_text


class AssessmentFormScreen(FormModal[AssessmentDraft]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = (
        UiAction("assess.0", "0", "level(0)", "kein Bedarf", "no need", show=False),
        UiAction("assess.1", "1", "level(1)", "gering", "low", show=False),
        UiAction("assess.2", "2", "level(2)", "mittel", "medium", show=False),
        UiAction("assess.3", "3", "level(3)", "hoch", "high", show=False),
        UiAction(
            "assess.situation",
            "e",
            "edit('situation')",
            "Situation",
            "Situation",
            "Situation des markierten Handlungsfelds bearbeiten",
            "Edit the situation of the highlighted area",
        ),
        UiAction(
            "assess.resources",
            "r",
            "edit('resources')",
            "Ressourcen",
            "Resources",
            "Ressourcen/Stärken des markierten Handlungsfelds bearbeiten",
            "Edit resources/strengths of the highlighted area",
        ),
        *form_actions("assess"),
    )
    BINDINGS = bindings(ACTIONS)
    HELP_TEXT: ClassVar[tuple[str, str]] = (
        "↑/↓ Handlungsfeld, 0–3 Bedarf, e Situation, r Ressourcen, Strg+S speichern.",
        "↑/↓ area, 0–3 need, e situation, r resources, Ctrl+S save.",
    )

    def __init__(self, case_id: str, today: date, previous: AssessmentView | None) -> None:
        super().__init__(classes="dialog wide")
        self.case_id = case_id
        self.today = today
        self.areas = catalog("priority_areas").codes()
        self.levels: dict[str, int | None] = {a: None for a in self.areas}
        self.situation: dict[str, str] = {a: "" for a in self.areas}
        self.resources: dict[str, str] = {a: "" for a in self.areas}
        if previous is not None:
            for rating in previous.ratings:
                self.levels[rating.area] = rating.level
                self.situation[rating.area] = rating.situation
                self.resources[rating.area] = rating.resources
        self.editing: str | None = None
        """`situation:<area>` or `resources:<area>` while that text is being edited."""
        self._initial_ratings = self._ratings()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(tr("Bestandsaufnahme", "Needs assessment"), classes="title")
            yield Input(
                value=format_date(self.today),
                placeholder="TT.MM.JJJJ",
                id="assessed_on",
                compact=True,
            )
            yield DataTable(id="matrix", cursor_type="row")
            yield Static("", id="edit-label", classes="field-label")
            yield Input(id="edit-text", classes="hidden", max_length=1000, compact=True)
            yield FieldError(id="form-error")
            yield Static(
                tr(
                    "0–3 Bedarf · e Situation · r Ressourcen · Strg+S speichern · Esc abbrechen",
                    "0–3 need · e situation · r resources · Ctrl+S save · Esc cancel",
                ),
                classes="muted",
            )

    def on_mount(self) -> None:
        table = self.query_one("#matrix", DataTable)
        table.add_column(tr("Handlungsfeld", "Priority area"), key="area", width=30)
        table.add_column(tr("Bedarf", "Need"), key="level", width=14)
        table.add_column(tr("Situation", "Situation"), key="situation", width=34)
        table.add_column(tr("Ressourcen", "Resources"), key="resources", width=24)
        areas = catalog("priority_areas")
        for area in self.areas:
            table.add_row(
                Text(areas.label(area, language())),
                need_level_text(self.levels[area]),
                literal(self.situation[area], max_len=34),
                literal(self.resources[area], max_len=24),
                key=area,
            )
        table.focus()

    def _current_area(self) -> str:
        table = self.query_one("#matrix", DataTable)
        return self.areas[table.cursor_row]

    def action_level(self, level: int) -> None:
        if self.editing is not None:
            return
        area = self._current_area()
        self.levels[area] = level
        table = self.query_one("#matrix", DataTable)
        table.update_cell(RowKey(area), ColumnKey("level"), need_level_text(level))
        if table.cursor_row < len(self.areas) - 1:
            table.move_cursor(row=table.cursor_row + 1)

    def action_edit(self, what: str) -> None:
        area = self._current_area()
        self.editing = f"{what}:{area}"
        label = catalog("priority_areas").label(area, language())
        kind = (
            tr("Situation", "Situation") if what == "situation" else tr("Ressourcen", "Resources")
        )
        self.query_one("#edit-label", Static).update(Text(f"{kind} – {label} (Enter übernimmt)"))
        field = self.query_one("#edit-text", Input)
        field.value = (self.situation if what == "situation" else self.resources)[area]
        field.remove_class("hidden")
        field.focus()

    @on(DataTable.RowSelected, "#matrix")
    def row_selected(self) -> None:
        self.action_edit("situation")

    @on(Input.Submitted, "#edit-text")
    def edit_done(self) -> None:
        if self.editing is None:
            return
        what, area = self.editing.split(":", 1)
        store = self.situation if what == "situation" else self.resources
        field = self.query_one("#edit-text", Input)
        store[area] = field.value.strip()
        width = 34 if what == "situation" else 24
        self.query_one("#matrix", DataTable).update_cell(
            RowKey(area), ColumnKey(what), literal(store[area], max_len=width)
        )
        self.editing = None
        field.add_class("hidden")
        self.query_one("#edit-label", Static).update("")
        self.query_one("#matrix", DataTable).focus()

    def build_draft(self) -> AssessmentDraft:
        assessed_on = self.date_value("assessed_on")
        if assessed_on > self.today:
            raise FormInvalid(tr("Das Datum liegt in der Zukunft.", "The date is in the future."))
        ratings = tuple(
            AreaRatingDraft(area, level, self.situation[area], self.resources[area])
            for area, level in self.levels.items()
            if level is not None
        )
        if not ratings:
            raise FormInvalid(
                tr(
                    "Bitte mindestens ein Handlungsfeld bewerten (0–3).",
                    "Please rate at least one area (0–3).",
                )
            )
        return AssessmentDraft(self.case_id, assessed_on, ratings)

    def holds_input(self) -> bool:
        # The ratings live in the table, not in fields: compare them with where they started.
        return super().holds_input() or self._ratings() != self._initial_ratings

    def _ratings(self) -> tuple[dict[str, int | None], dict[str, str], dict[str, str]]:
        return (dict(self.levels), dict(self.situation), dict(self.resources))

    def action_cancel(self) -> None:
        # Esc first leaves the text being edited (keeping what was typed, as Enter does: typed
        # input is never lost), and only then the form.
        if self.editing is not None:
            self.edit_done()
            return
        super().action_cancel()
