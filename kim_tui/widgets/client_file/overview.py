"""Section 1 of the client file: the person and how the case came in."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_birth_date, format_date
from kim_tui.domain.geo import country_name, language_name
from kim_tui.domain.model import ClientFile, HouseholdMember
from kim_tui.i18n import language, tr
from kim_tui.widgets.client_file.base import FileSection
from kim_tui.widgets.client_file.household import HouseholdPanel
from kim_tui.widgets.literal import literal_block


def _member(member: HouseholdMember) -> str:
    born = f", {format_date(member.birth_date)}" if member.birth_date else ""
    return f"{member.name} ({member.relation}{born})"


class OverviewSection(FileSection):
    """Personal data, access route, legal domains and structural themes, as one page."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(can_focus=True):
            yield Static("", id="overview-body")
        # The linked household (issue 14 § 6) under the personal data: its own table, so Enter
        # on a member opens their file.
        yield HouseholdPanel(id="household")

    def show(self, file: ClientFile) -> None:
        """Render the overview of `file`."""
        lang = language()
        client = file.client
        themes = ", ".join(
            t[5:] if t.startswith("text:") else catalog("themes").label(t, lang)
            for t in file.themes
        )
        lines: list[tuple[str, str]] = [
            (
                tr("Geburtsdatum", "Date of birth"),
                format_birth_date(client.birth_date, client.birth_precision),
            ),
            (tr("Weitere Schreibweisen", "Other spellings"), client.other_names),
            (
                tr("Geschlecht", "Gender"),
                catalog("genders").label(client.gender, lang) if client.gender else "",
            ),
            (
                tr("Staatsangehörigkeit", "Nationality"),
                country_name(client.nationality, lang) if client.nationality else "",
            ),
            (
                tr("Geburtsland", "Country of birth"),
                country_name(client.country_of_birth, lang) if client.country_of_birth else "",
            ),
            (
                tr("Sprachen", "Languages"),
                ", ".join(language_name(code, lang) for code in client.languages),
            ),
            (
                tr("Dolmetschung", "Interpreter"),
                tr("ja", "yes") if client.interpreter_needed else tr("nein", "no"),
            ),
            (tr("Adresse", "Address"), client.address),
            (tr("Telefon", "Phone"), client.phone),
            (tr("Haushalt", "Household"), "; ".join(_member(m) for m in client.household)),
            (tr("Erstkontakt", "First contact"), format_date(file.first_contact_on)),
            (
                tr("Zugang", "Access"),
                catalog("access_routes").label(file.access_route, lang)
                + (
                    f" – {catalog('agencies').label(file.referred_by, lang)}"
                    if file.referred_by
                    else ""
                ),
            ),
            (
                tr("Rechtskreise", "Legal domains"),
                ", ".join(catalog("legal_domains").label(c, lang) for c in file.legal_domains),
            ),
            (
                tr("Zielgruppen", "Target groups"),
                ", ".join(catalog("target_groups").label(c, lang) for c in file.target_groups),
            ),
            (tr("Generative Themen (t)", "Structural themes (t)"), themes),
        ]
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column()
        for label, value in lines:
            grid.add_row(Text(label), literal_block(value))
        if file.done_follow_ups:
            grid.add_row(Text(""), Text(""))
            grid.add_row(Text(tr("Erledigte Wiedervorlagen", "Follow-ups done"), style="bold"))
        for done in file.done_follow_ups:
            # The note typed with "x" is read back here, in full and literally.
            entry = literal_block(tr(done.reason, done.reason_en or done.reason))
            if done.note:
                entry.append("\n" + tr("Notiz: ", "Note: "), style="dim")
                entry.append_text(literal_block(done.note))
            grid.add_row(Text(tr("erledigt ", "done ") + format_date(done.done_on)), entry)
        self.query_one("#overview-body", Static).update(grid)
