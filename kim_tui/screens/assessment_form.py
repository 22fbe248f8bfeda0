"""Bestandsaufnahme: rate every priority area 0–3 from the keyboard alone.

↑/↓ choose the area, 0–3 set the need level (and move on to the next area, so a whole
assessment is twelve digits), Enter (or e) edits the situation text, r the resources; Ctrl+S
saves. The line under the table always names the highlighted area that e and r edit, and after a
digit what was rated and where the highlight went. Starts from the latest assessment's levels
when there is one, so a repeated assessment only changes what changed.
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
from kim_tui.domain.dates import date_placeholder, format_date
from kim_tui.domain.model import AreaRatingDraft, AssessmentDraft, AssessmentView
from kim_tui.i18n import language, tr
from kim_tui.screens.form import FormInvalid, FormModal, form_actions
from kim_tui.widgets.field_error import FieldError
from kim_tui.widgets.literal import literal
from kim_tui.widgets.need_level import need_level_text


def assessment_widths(terminal_width: int) -> tuple[int, int, int, int]:
    """Widths of the area, need, situation and resources columns for a terminal this wide.

    The dialog takes up to 112 cells (98 % of a narrower terminal); inside it the border, the
    padding, the cells' padding and a scrollbar. All four columns stay: at 80 columns the area
    names are cut and situation and resources share what is left."""
    inner = min(112, terminal_width * 98 // 100) - 2 - 4 - 4 * 2
    level = 13
    area = 30 if inner >= 90 else 18
    rest = max(20, inner - area - level - 2)  # 2: a scrollbar in a short terminal
    situation = rest * 3 // 5 if inner >= 90 else rest // 2 + 1
    return area, level, situation, rest - situation


def _cut(text: str) -> Text:
    return Text(text, no_wrap=True, overflow="ellipsis")


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
        "↑/↓ Handlungsfeld, 0–3 Bedarf, e Situation, r Ressourcen, Strg+S speichern. Nach einer "
        "Ziffer springt die Markierung in die nächste Zeile (so ist eine Bestandsaufnahme zwölf "
        "Ziffern); e und r bearbeiten immer die markierte Zeile. Die Zeile unter der Tabelle "
        "nennt sie („e/r bearbeiten: …“) und nach einer Ziffer, was bewertet wurde.",
        "↑/↓ area, 0–3 need, e situation, r resources, Ctrl+S save. After a digit the highlight "
        "moves to the next row (so an assessment is twelve digits); e and r always edit the "
        "highlighted row. The line under the table names it (“e/r edit: …”) and, after a digit, "
        "what was rated.",
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
        self.widths = assessment_widths(112)
        """Widths of the four columns (set for the terminal on mount)."""
        self.editing: str | None = None
        self._rated: str | None = None
        """The row a digit just rated, until the highlight it moved on is shown."""
        """`situation:<area>` or `resources:<area>` while that text is being edited."""
        self._initial_ratings = self._ratings()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(tr("Bestandsaufnahme", "Needs assessment"), classes="title")
            yield Input(
                value=format_date(self.today),
                placeholder=date_placeholder(),
                id="assessed_on",
                compact=True,
            )
            yield DataTable(id="matrix", cursor_type="row")
            yield Static("", id="current-area", classes="field-label")
            yield Static("", id="edit-label", classes="field-label")
            yield Input(id="edit-text", classes="hidden", max_length=1000, compact=True)
            yield FieldError(id="form-error")
            yield Static(
                tr(
                    "0–3 Bedarf · e Situation · r Ressourcen · Strg+S speichern · Esc Abbruch",
                    "0–3 need · e situation · r resources · Ctrl+S save · Esc cancel",
                ),
                classes="muted",
            )

    def on_mount(self) -> None:
        table = self.query_one("#matrix", DataTable)
        self.widths = assessment_widths(self.app.size.width)
        area_w, level_w, situation_w, resources_w = self.widths
        table.add_column(tr("Handlungsfeld", "Priority area"), key="area", width=area_w)
        table.add_column(tr("Bedarf", "Need"), key="level", width=level_w)
        table.add_column(tr("Situation", "Situation"), key="situation", width=situation_w)
        table.add_column(tr("Ressourcen", "Resources"), key="resources", width=resources_w)
        areas = catalog("priority_areas")
        for area in self.areas:
            table.add_row(
                _cut(areas.label(area, language())),
                need_level_text(self.levels[area]),
                literal(self.situation[area], max_len=situation_w),
                literal(self.resources[area], max_len=resources_w),
                key=area,
            )
        table.focus()
        self._show_current()

    def _area_label(self, area: str) -> str:
        return catalog("priority_areas").label(area, language())

    def _show_current(self, rated: str | None = None) -> None:
        """Name the row e and r edit; after a digit also what was rated (`rated`)."""
        line = Text()
        if rated is not None:
            line.append(f"{self._area_label(rated)}: ", style="bold")
            line.append_text(need_level_text(self.levels[rated]))
            line.append(tr(" · weiter: ", " · next: "))
        line.append(tr("e/r bearbeiten: ", "e/r edit: "))
        line.append(self._area_label(self._current_area()), style="bold reverse")
        self.query_one("#current-area", Static).update(line)

    @on(DataTable.RowHighlighted, "#matrix")
    def row_highlighted(self) -> None:
        if self.is_mounted:
            # The highlight a digit moved on says what was rated, whichever of this message and
            # the digit's own refresh comes last (their order is not fixed).
            rated, self._rated = self._rated, None
            self._show_current(rated)

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
            self._rated = area
            table.move_cursor(row=table.cursor_row + 1)
        # After the highlight moved (RowHighlighted would say only where it is now).
        self.call_after_refresh(self._show_current, area)

    def action_edit(self, what: str) -> None:
        area = self._current_area()
        self.editing = f"{what}:{area}"
        label = catalog("priority_areas").label(area, language())
        kind = (
            tr("Situation", "Situation") if what == "situation" else tr("Ressourcen", "Resources")
        )
        self.query_one("#edit-label", Static).update(
            Text(f"{kind} – {label} " + tr("(Enter übernimmt)", "(Enter keeps it)"))
        )
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
        width = self.widths[2] if what == "situation" else self.widths[3]
        self.query_one("#matrix", DataTable).update_cell(
            RowKey(area), ColumnKey(what), literal(store[area], max_len=width)
        )
        self.editing = None
        field.add_class("hidden")
        self.query_one("#edit-label", Static).update("")
        self.query_one("#matrix", DataTable).focus()

    def build_draft(self) -> AssessmentDraft:
        # Ctrl+S while a situation is still being typed keeps it, as Enter would.
        if self.editing is not None:
            self.edit_done()
        assessed_on = self.date_value("assessed_on")
        if assessed_on > self.today:
            raise FormInvalid(tr("Das Datum liegt in der Zukunft.", "The date is in the future."))
        unrated = [
            area
            for area, level in self.levels.items()
            if level is None and (self.situation[area] or self.resources[area])
        ]
        if unrated:
            # Only rated areas are saved: a text without a level would be dropped unseen.
            self.query_one("#matrix", DataTable).move_cursor(row=self.areas.index(unrated[0]))
            label = self._area_label(unrated[0])
            raise FormInvalid(
                tr(
                    f"„{label}“ hat eine Notiz, aber keinen Bedarf: bitte 0–3 wählen.",
                    f"“{label}” has a note but no need level: please choose 0–3.",
                )
            )
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
