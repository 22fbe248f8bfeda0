"""Section 7 of the client file: consents recorded, renewed and withdrawn (the whole history)."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.consents import consent_for, in_force
from kim_tui.domain.dates import format_date
from kim_tui.domain.model import ClientFile, ConsentForm, ConsentPurpose, ConsentView
from kim_tui.i18n import language, tr
from kim_tui.widgets.client_file.base import FileSection, highlighted_key, refilled
from kim_tui.widgets.literal import literal


def recipient_label(consent: ConsentView) -> str:
    """The receiving organisation: the catalog label, or the free text."""
    if consent.agency:
        return catalog("agencies").label(consent.agency, language())
    return consent.recipient


def consent_state(consent: ConsentView, today: date) -> Text:
    """Whether the consent is in force, renewed or withdrawn (with the day)."""
    if consent.withdrawn_on is not None:
        return Text(
            tr("widerrufen ", "withdrawn ") + format_date(consent.withdrawn_on), style="bold red"
        )
    if consent.superseded_on is not None:
        return Text(tr("erneuert ", "renewed ") + format_date(consent.superseded_on), style="dim")
    if in_force(consent, today):
        return Text(tr("gilt", "in force"), style="green")
    return Text(tr("ab ", "from ") + format_date(consent.given_on))


class ConsentsSection(FileSection):
    """One row per consent (history included); the screen asks which one is highlighted."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("", id="consent-status")
            yield DataTable(id="consent-table", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one("#consent-table", DataTable).add_columns(
            # What decides whether data may flow comes first (80 columns show these).
            tr("Zweck", "Purpose"),
            tr("Stelle", "Recipient"),
            tr("erteilt", "given"),
            tr("Stand", "State"),
            tr("Form", "Form"),
            tr("Umfang", "Scope"),
            tr("Art. 9", "Art. 9"),
            tr("erfasst von", "recorded by"),
        )

    def show(self, file: ClientFile, today: date | None = None) -> None:
        """Render the consents of `file` (their state as of `today`)."""
        lang = language()
        day = today or date.today()
        missing = consent_for(file.consents, ConsentPurpose.CASE_MANAGEMENT, day) is None
        self.query_one("#consent-status", Static).update(
            Text(
                tr(
                    "! Keine Einwilligung Case Management. ",
                    "! No case-management consent. ",
                )
                if missing
                else "",
                style="bold red",
            ).append(
                tr(
                    "c erfasst eine Einwilligung, C erneuert, w widerruft, i druckt die markierte.",
                    "c records a consent, C renews, w withdraws, i prints the highlighted one.",
                ),
                style="dim",
            )
        )
        with refilled(self.query_one("#consent-table", DataTable)) as table:
            for consent in file.consents:
                form = (
                    tr("mündlich", "oral") + (f" ({consent.witness})" if consent.witness else "")
                    if consent.form is ConsentForm.ORAL
                    else tr("schriftlich", "written")
                )
                table.add_row(
                    Text(catalog("consent_purposes").label(consent.purpose.value, lang)),
                    literal(recipient_label(consent), max_len=30),
                    Text(format_date(consent.given_on)),
                    consent_state(consent, day),
                    literal(form, max_len=40),
                    literal(consent.scope, max_len=40),
                    Text(tr("ja", "yes") if consent.special_categories else tr("nein", "no")),
                    literal(consent.recorded_by, max_len=30),
                    key=consent.id,
                )

    def highlighted_id(self) -> str | None:
        """The id of the highlighted consent, or None if there is none."""
        return highlighted_key(self.query_one("#consent-table", DataTable))
