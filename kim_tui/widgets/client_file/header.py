"""The header above the client file's sections."""

from __future__ import annotations

from datetime import date

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.consents import consent_for
from kim_tui.domain.dates import age_span, format_date
from kim_tui.domain.model import ClientFile, ConsentPurpose
from kim_tui.domain.residence import current_paper
from kim_tui.i18n import language, tr
from kim_tui.widgets.literal import literal


class FileHeader(Static):
    """Name, age, stage; residence status and expiry, next due date, closure."""

    def show(self, file: ClientFile, today: date, stand_in_until: date | None = None) -> None:
        """Render the header for `file` as of `today` (`stand_in_until`: this vault only stands
        in for the client until that day)."""
        lang = language()
        client = file.client
        # The file lists papers newest-recorded first; the rule wants them oldest first.
        current = current_paper(reversed(file.residence), today)
        status = current.record if current is not None else None
        ages = age_span(client.birth_date, client.birth_precision, today)
        header = Table.grid(padding=(0, 2))
        header.add_row(
            literal(f"{client.family_name}, {client.given_name}", style="bold", max_len=40),
            Text(_age(ages)),
            Text(
                catalog("case_stages").label(file.stage.value, lang)
                + (tr(" ✎ von Hand", " ✎ by hand") if file.stage_by_hand else ""),
                style="bold",
            ),
        )
        expiry = ""
        if status and status.valid_until:
            expiry = f" {tr('bis', 'until')} {format_date(status.valid_until)}"
        if current is not None and current.expired:
            expiry += tr(" (abgelaufen)", " (expired)")
        header.add_row(
            Text(
                catalog("residence_statuses").label(status.status, lang) + expiry
                if status
                else tr("Aufenthalt: nicht erfasst", "Residence: not recorded"),
                style="bold red"
                if status and status.valid_until and (status.valid_until - today).days < 56
                else "",
            ),
            Text(tr("nächste Fälligkeit: ", "next due: ") + (format_date(file.next_due_on) or "–")),
            Text(
                tr("abgeschlossen am ", "closed on ")
                + format_date(file.closed_on)
                + f" ({catalog('closure_reasons').label(file.closure_reason or '', lang)})"
                if file.closed_on
                else "",
                style="bold",
            ),
        )
        notes = Text()
        if consent_for(file.consents, ConsentPurpose.CASE_MANAGEMENT, today) is None:
            # A line of its own: in the grid it would squeeze the columns at 80 cells.
            notes.append(
                tr(
                    "! Keine Einwilligung Case Management – c erfasst sie",
                    "! No case-management consent – c records it",
                ),
                style="bold red",
            )
        if file.restricted_on is not None:
            notes.append("\n" if notes else "")
            notes.append(
                tr(
                    f"Verarbeitung eingeschränkt seit {format_date(file.restricted_on)} – Akte "
                    "schreibgeschützt, Bearbeiten gesperrt (E hebt auf)",
                    f"Processing restricted since {format_date(file.restricted_on)} – file is "
                    "read-only, editing blocked (E lifts it)",
                ),
                style="bold yellow",
            )
        if stand_in_until is not None:
            notes.append("\n" if notes else "")
            notes.append(
                tr(
                    f"⇄ Vertretung bis {format_date(stand_in_until)} – nur Kontakte und "
                    "Wiedervorlagen erfassen",
                    f"⇄ Standing in until {format_date(stand_in_until)} – contacts and "
                    "follow-ups only",
                ),
                style="bold magenta",
            )
        if file.retention_end is not None:
            notes.append("   " if notes else "")
            notes.append(tr("aufbewahren bis ", "keep until ") + format_date(file.retention_end))
        self.update(Group(header, notes) if notes else header)


def _age(ages: tuple[int, int] | None) -> str:
    """ "34 Jahre"; "17 oder 18 Jahre" when the unknown day or month of the birth date decides."""
    if ages is None:
        return tr("Alter unbekannt", "age unknown")
    youngest, oldest = ages
    if youngest == oldest:
        return tr(f"{youngest} Jahre", f"{youngest} years")
    return tr(f"{youngest} oder {oldest} Jahre", f"{youngest} or {oldest} years")
