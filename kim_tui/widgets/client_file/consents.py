"""Section 7 of the client file: consents given and withdrawn."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.model import ClientFile
from kim_tui.i18n import language, tr
from kim_tui.widgets.client_file.base import FileSection, highlighted_key, refilled


class ConsentsSection(FileSection):
    """One row per consent; the screen asks which one is highlighted."""

    def compose(self) -> ComposeResult:
        yield DataTable(id="consent-table", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one("#consent-table", DataTable).add_columns(
            tr("Zweck", "Purpose"),
            tr("Stelle", "Agency"),
            tr("erteilt", "given"),
            tr("Form", "Form"),
            tr("widerrufen", "withdrawn"),
        )

    def show(self, file: ClientFile) -> None:
        """Render the consents of `file`."""
        lang = language()
        with refilled(self.query_one("#consent-table", DataTable)) as table:
            for consent in file.consents:
                table.add_row(
                    Text(catalog("consent_purposes").label(consent.purpose.value, lang)),
                    Text(catalog("agencies").label(consent.agency, lang) if consent.agency else ""),
                    Text(format_date(consent.given_on)),
                    Text(
                        tr("schriftlich", "written")
                        if consent.form == "written"
                        else tr("mündlich", "oral")
                    ),
                    Text(format_date(consent.withdrawn_on), style="bold red"),
                    key=consent.id,
                )

    def highlighted_id(self) -> str | None:
        """The id of the highlighted consent, or None if there is none."""
        return highlighted_key(self.query_one("#consent-table", DataTable))
