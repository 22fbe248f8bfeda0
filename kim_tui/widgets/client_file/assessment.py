"""Section 2 of the client file: first and latest needs assessment side by side."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from kim_tui.domain.assessment import Trend, compare
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.model import ClientFile
from kim_tui.i18n import language, tr
from kim_tui.widgets.client_file.base import FileSection, refilled
from kim_tui.widgets.literal import literal
from kim_tui.widgets.need_level import need_level_text

TREND_TEXT = {
    Trend.IMPROVED: ("▼ besser", "▼ better", "green"),
    Trend.WORSE: ("▲ schlechter", "▲ worse", "bold red"),
    Trend.SAME: ("= gleich", "= same", "dim"),
    Trend.NEW: ("neu", "new", ""),
    Trend.DROPPED: ("nicht mehr bewertet", "not rated", "dim"),
}


class AssessmentSection(FileSection):
    """Need level per area in the first and the latest assessment, with the change."""

    def compose(self) -> ComposeResult:
        yield Static("", id="assessment-info", classes="muted")
        yield DataTable(id="assessment-table", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one("#assessment-table", DataTable).add_columns(
            tr("Handlungsfeld", "Area"),
            tr("erste", "first"),
            tr("letzte", "latest"),
            tr("Veränderung", "Change"),
            tr("Situation (letzte)", "Situation (latest)"),
        )

    def show(self, file: ClientFile) -> None:
        """Render the assessments of `file`."""
        lang = language()
        info = self.query_one("#assessment-info", Static)
        with refilled(self.query_one("#assessment-table", DataTable)) as table:
            if not file.assessments:
                info.update(
                    tr(
                        "Noch keine Bestandsaufnahme – b startet eine.",
                        "No assessment yet – press b to start one.",
                    )
                )
                return
            first, latest = file.assessments[0], file.assessments[-1]
            count = len(file.assessments)
            first_on, latest_on = format_date(first.assessed_on), format_date(latest.assessed_on)
            info.update(
                Text(
                    tr(
                        f"{count} Bestandsaufnahme(n): erste {first_on}, letzte {latest_on}. "
                        "Bedarf 0 = keiner … 3 = hoch.",
                        f"{count} assessment(s): first {first_on}, latest {latest_on}. "
                        "Need 0 = none … 3 = high.",
                    )
                )
            )
            situations = {r.area: r.situation for r in latest.ratings}
            for row in compare(first, latest):
                de, en, style = TREND_TEXT[row.trend]
                table.add_row(
                    Text(catalog("priority_areas").label(row.area, lang)),
                    need_level_text(row.first),
                    need_level_text(row.latest),
                    Text(tr(de, en) if len(file.assessments) > 1 else "", style=style),
                    literal(situations.get(row.area, ""), max_len=50),
                    key=row.area,
                )
