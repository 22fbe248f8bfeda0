"""Section 6 of the client file: residence statuses, the facts behind the hints, the hints."""

from __future__ import annotations

from datetime import date

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.household import HouseholdView
from kim_tui.domain.model import ClientFile, ResidenceView
from kim_tui.domain.residence import current_paper, residence_gaps
from kim_tui.i18n import language, tr
from kim_tui.widgets.client_file.base import FileSection, highlighted_key, refilled
from kim_tui.widgets.literal import literal


def timeline(records: list[ResidenceView], current_id: str | None) -> list[ResidenceView]:
    """The current paper first, then the others newest first by when they ended (a paper
    without an end date by its start, an undated one by the day it was recorded)."""

    def key(r: ResidenceView) -> tuple[bool, date]:
        return (r.id == current_id, r.valid_until or r.valid_from or r.recorded_on or date.min)

    return sorted(records, key=key, reverse=True)


class ResidenceSection(FileSection):
    """Status history, the recorded facts and the residence-path hints, as one page."""

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(title, id=id)
        self._records: dict[str, ResidenceView] = {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(can_focus=True):
            yield DataTable(id="residence-table", cursor_type="row")
            yield Static("", id="residence-gaps")
            yield Static("", id="facts-body")
            yield Static("", id="hints-body")

    def on_mount(self) -> None:
        self.query_one("#residence-table", DataTable).add_columns(
            # The legal basis (free text, often long) last: at 80 columns the dates and
            # whether the paper is current stay in view.
            tr("Status", "Status"),
            tr("gültig ab", "valid from"),
            tr("gültig bis", "valid until"),
            tr("Stand", "State"),
            tr("Rechtsgrundlage", "Legal basis"),
        )

    def show(self, file: ClientFile, today: date, household: HouseholdView | None = None) -> None:
        """Render the residence part of `file`; the hints are worked out as of `today` (with
        the linked `household`'s children and spouse)."""
        from kim_tui.widgets.residence_hints import render_hints

        lang = language()
        self._records = {r.id: r for r in file.residence}
        # Recorded newest first; the rule wants the order of recording, then the timeline.
        recorded = list(reversed(file.residence))
        current = current_paper(recorded, today)
        with refilled(self.query_one("#residence-table", DataTable)) as table:
            for record in timeline(recorded, current.record.id if current else None):
                state = Text("")
                if current is not None and record.id == current.record.id:
                    state = (
                        Text(tr("abgelaufen", "expired"), style="bold red")
                        if current.expired
                        else Text(tr("aktuell", "current"), style="bold")
                    )
                table.add_row(
                    Text(catalog("residence_statuses").label(record.status, lang)),
                    Text(format_date(record.valid_from)),
                    Text(format_date(record.valid_until)),
                    state,
                    literal(record.legal_basis),
                    key=record.id,
                )
        gaps = Text()
        for gap in residence_gaps(recorded):
            gaps.append(
                tr(
                    f"Lücke {format_date(gap.first_day)} – {format_date(gap.last_day)} "
                    f"({gap.days} Tage): kein Papier erfasst\n",
                    f"Gap {format_date(gap.first_day)} – {format_date(gap.last_day)} "
                    f"({gap.days} days): no paper recorded\n",
                ),
                style="bold yellow",
            )
        self.query_one("#residence-gaps", Static).update(gaps)
        facts = file.facts
        unknown = tr("unbekannt", "unknown")

        def tri(value: bool | None) -> str:
            return unknown if value is None else (tr("ja", "yes") if value else tr("nein", "no"))

        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim")
        grid.add_column()
        for label, value in (
            (tr("Einreise", "Entry"), format_date(facts.entry_on) or unknown),
            (
                tr("Deutsch", "German"),
                (facts.german_level or unknown)
                + (
                    f" ({format_date(facts.german_certificate_on)})"
                    if facts.german_certificate_on
                    else ""
                ),
            ),
            (
                tr("Lebensunterhalt eigenes Einkommen", "Own income share"),
                unknown if facts.livelihood_share is None else f"{facts.livelihood_share} %",
            ),
            (tr("Schule/Ausbildung", "School/training"), tri(facts.in_school_or_training)),
            (tr("Identität geklärt", "Identity clarified"), tri(facts.identity_clarified)),
            (
                tr("Rentenbeitragsmonate", "Pension months"),
                unknown if facts.pension_months is None else str(facts.pension_months),
            ),
            (
                tr("Verurteilung über Schwelle", "Conviction over threshold"),
                {"yes": tr("ja", "yes"), "no": tr("nein", "no")}.get(
                    facts.conviction_over_threshold, unknown
                ),
            ),
        ):
            grid.add_row(Text(label), Text(value))
        self.query_one("#facts-body", Static).update(
            Group(
                Text(
                    tr(
                        "Angaben (f ändert; s erfasst einen neuen Status)",
                        "Facts (f edits; s records a new status)",
                    ),
                    style="bold",
                ),
                grid,
            )
        )
        self.query_one("#hints-body", Static).update(render_hints(file, today, household))

    def highlighted(self) -> ResidenceView | None:
        """The highlighted residence entry (the newest when the cursor is elsewhere)."""
        key = highlighted_key(self.query_one("#residence-table", DataTable))
        return None if key is None else self._records.get(key)
