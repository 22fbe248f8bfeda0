"""Section 5 of the client file: the contact log."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.model import ClientFile, ContactView
from kim_tui.i18n import language, tr
from kim_tui.widgets.client_file.base import FileSection, highlighted_key, refilled
from kim_tui.widgets.literal import literal


class ContactsSection(FileSection):
    """One row per recorded contact, newest first."""

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(title, id=id)
        self._contacts: dict[str, ContactView] = {}

    def compose(self) -> ComposeResult:
        yield DataTable(id="contact-table", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one("#contact-table", DataTable).add_columns(
            tr("Datum", "Date"),
            tr("Art", "Kind"),
            tr("Min.", "Min."),
            tr("Notiz", "Note"),
        )

    def show(self, file: ClientFile) -> None:
        """Render the contacts of `file`."""
        lang = language()
        self._contacts = {c.id: c for c in file.contacts}
        with refilled(self.query_one("#contact-table", DataTable)) as table:
            for contact in file.contacts:
                table.add_row(
                    Text(format_date(contact.on)),
                    Text(catalog("contact_kinds").label(contact.kind, lang)),
                    Text(str(contact.minutes)),
                    literal(contact.note, max_len=70),
                    key=contact.id,
                )

    def highlighted(self) -> ContactView | None:
        """The highlighted contact, or None if there is none."""
        key = highlighted_key(self.query_one("#contact-table", DataTable))
        return None if key is None else self._contacts.get(key)
