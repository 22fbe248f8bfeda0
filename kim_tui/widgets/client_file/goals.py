"""Section 3 of the client file: the goal agreements, their goals and steps."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.model import ClientFile, GoalView, StepView
from kim_tui.i18n import language, tr
from kim_tui.widgets.client_file.base import FileSection, highlighted_key, refilled
from kim_tui.widgets.literal import literal


class GoalsSection(FileSection):
    """Every goal with its steps below it; the screen asks which row is highlighted."""

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(title, id=id)
        self._steps: dict[str, StepView] = {}
        self._goals: dict[str, GoalView] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="goals-info", classes="muted")
        yield DataTable(id="goals-table", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one("#goals-table", DataTable).add_columns(
            tr("Ziel / Schritt", "Goal / step"),
            tr("Feld / zuständig", "Area / owner"),
            tr("fällig", "due"),
            tr("Status", "Status"),
        )

    def show(self, file: ClientFile, today: date) -> None:
        """Render the goals of `file`; steps due before `today` and still open stand out."""
        lang = language()
        info = self.query_one("#goals-info", Static)
        self._steps = {s.id: s for a in file.agreements for g in a.goals for s in g.steps}
        self._goals = {g.id: g for a in file.agreements for g in a.goals}
        with refilled(self.query_one("#goals-table", DataTable)) as table:
            if not file.agreements:
                info.update(
                    tr(
                        "Noch keine Zielvereinbarung – z legt das erste Ziel an.",
                        "No goal agreement yet – press z for the first goal.",
                    )
                )
                return
            latest = file.agreements[-1]
            info.update(
                Text(
                    tr(
                        f"Zielvereinbarung vom {format_date(latest.agreed_on)}, Überprüfung "
                        f"{format_date(latest.review_on) or '–'} · d Schritt erledigt · "
                        "u Zielstatus · p drucken",
                        f"Agreement of {format_date(latest.agreed_on)}, review "
                        f"{format_date(latest.review_on) or '–'} · d step done · u goal status · "
                        "p print",
                    )
                )
            )
            for agreement in file.agreements:
                for goal in agreement.goals:
                    table.add_row(
                        literal(goal.title, style="bold", max_len=50),
                        Text(catalog("priority_areas").label(goal.area, lang)),
                        Text(format_date(goal.target_on)),
                        Text(catalog("goal_statuses").label(goal.status, lang)),
                        key=f"goal:{goal.id}",
                    )
                    for step in goal.steps:
                        overdue = step.done_on is None and step.due_on and step.due_on < today
                        table.add_row(
                            literal(("  ✓ " if step.done_on else "  · ") + step.text, max_len=50),
                            Text(catalog("step_owners").label(step.owner, lang)),
                            Text(format_date(step.due_on), style="bold red" if overdue else ""),
                            Text(
                                tr("erledigt ", "done ") + format_date(step.done_on)
                                if step.done_on
                                else tr("offen", "open")
                            ),
                            key=f"step:{step.id}",
                        )

    def highlighted_goal_id(self) -> str | None:
        """The id of the highlighted goal; None if no row or a step is highlighted."""
        key = highlighted_key(self.query_one("#goals-table", DataTable))
        return key[5:] if key is not None and key.startswith("goal:") else None

    def highlighted_step(self) -> StepView | None:
        """The highlighted step; None if no row or a goal is highlighted."""
        key = highlighted_key(self.query_one("#goals-table", DataTable))
        return self._steps.get(key[5:]) if key is not None and key.startswith("step:") else None

    def highlighted_goal(self) -> GoalView | None:
        """The highlighted goal; None if no row or a step is highlighted."""
        goal_id = self.highlighted_goal_id()
        return None if goal_id is None else self._goals.get(goal_id)
