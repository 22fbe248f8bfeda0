"""The client file: header with the essentials, sections for overview, residence, consents and
history. (The case-management sections — assessment, goals, referrals, contacts — follow.)"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.geo import country_name, language_name
from kim_tui.domain.model import ClientFile, HouseholdMember
from kim_tui.i18n import language, tr
from kim_tui.widgets.literal import literal, literal_block


def _member(member: HouseholdMember) -> str:
    born = f", {format_date(member.birth_date)}" if member.birth_date else ""
    return f"{member.name} ({member.relation}{born})"


def age_on(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


class ClientFileScreen(Screen[None]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = (
        UiAction("file.overview", "1", "section('overview')", "Überblick", "Overview"),
        UiAction("file.residence", "2", "section('residence')", "Aufenthalt", "Residence"),
        UiAction("file.consents", "3", "section('consents')", "Einwilligungen", "Consents"),
        UiAction("file.history", "4", "section('history')", "Verlauf", "History"),
        UiAction(
            "file.withdraw",
            "w",
            "withdraw",
            "Widerrufen",
            "Withdraw",
            "Markierte Einwilligung ab heute widerrufen",
            "Withdraw the highlighted consent as of today",
        ),
        UiAction(
            "file.followup",
            "n",
            "new_follow_up",
            "Wiedervorlage",
            "Follow-up",
            "Neue Wiedervorlage für diese Klient*in",
            "New follow-up for this client",
        ),
        UiAction("file.back", "escape", "back", "Zurück", "Back"),
    )
    BINDINGS = bindings(ACTIONS)  # type: ignore[assignment]
    HELP = tr(
        "Die Akte einer Klient*in. Abschnitte mit 1–4.", "One client's file. Sections with 1–4."
    )

    def __init__(self, client_id: str) -> None:
        super().__init__()
        self.client_id = client_id
        self.file: ClientFile | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="file-header")
        with TabbedContent(id="sections"):
            with TabPane(tr("Überblick", "Overview"), id="overview"):
                yield Static("", id="overview-body")
            with TabPane(tr("Aufenthalt", "Residence"), id="residence"):
                yield DataTable(id="residence-table", cursor_type="row")
            with TabPane(tr("Einwilligungen", "Consents"), id="consents"):
                yield DataTable(id="consent-table", cursor_type="row")
            with TabPane(tr("Verlauf", "History"), id="history"):
                yield DataTable(id="history-table", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#residence-table", DataTable).add_columns(
            tr("Status", "Status"),
            tr("Rechtsgrundlage", "Legal basis"),
            tr("gültig ab", "valid from"),
            tr("gültig bis", "valid until"),
        )
        self.query_one("#consent-table", DataTable).add_columns(
            tr("Zweck", "Purpose"),
            tr("Stelle", "Agency"),
            tr("erteilt", "given"),
            tr("Form", "Form"),
            tr("widerrufen", "withdrawn"),
        )
        self.query_one("#history-table", DataTable).add_columns(
            tr("Zeitpunkt", "When"), tr("Aktion", "Action"), tr("Detail", "Detail")
        )
        self.reload()

    def on_screen_resume(self) -> None:
        if self.app.is_unlocked:  # type: ignore[attr-defined]
            self.reload()

    def reload(self) -> None:
        workspace = self.app.workspace  # type: ignore[attr-defined]
        self.file = file = workspace.client_file(self.client_id)
        lang = language()
        today: date = self.app.today()  # type: ignore[attr-defined]
        client = file.client
        self.title = tr("Akte", "File")
        status = file.residence[0] if file.residence else None
        header = Table.grid(padding=(0, 2))
        header.add_row(
            literal(f"{client.family_name}, {client.given_name}", style="bold"),
            Text(
                tr(
                    f"{age_on(client.birth_date, today)} Jahre",
                    f"{age_on(client.birth_date, today)} years",
                )
                if client.birth_date
                else tr("Alter unbekannt", "age unknown")
            ),
            Text(catalog("case_stages").label(file.stage.value, lang), style="bold"),
        )
        header.add_row(
            Text(
                (
                    catalog("residence_statuses").label(status.status, lang)
                    + (
                        f" {tr('bis', 'until')} {format_date(status.valid_until)}"
                        if status.valid_until
                        else ""
                    )
                )
                if status
                else tr("Aufenthalt: nicht erfasst", "Residence: not recorded")
            ),
            Text(tr("nächste Fälligkeit: ", "next due: ") + (format_date(file.next_due_on) or "–")),
            Text(
                tr("abgeschlossen ", "closed ") + format_date(file.closed_on)
                if file.closed_on
                else ""
            ),
        )
        self.query_one("#file-header", Static).update(header)
        self._overview(file)
        residence = self.query_one("#residence-table", DataTable)
        residence.clear()
        for record in file.residence:
            residence.add_row(
                Text(catalog("residence_statuses").label(record.status, lang)),
                literal(record.legal_basis),
                Text(format_date(record.valid_from)),
                Text(format_date(record.valid_until)),
            )
        consents = self.query_one("#consent-table", DataTable)
        consents.clear()
        for consent in file.consents:
            consents.add_row(
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
        history = self.query_one("#history-table", DataTable)
        history.clear()
        for entry in workspace.audit_log(case_id=file.case_id, limit=100):
            history.add_row(
                Text(entry.at.astimezone().strftime("%d.%m.%Y %H:%M")),
                Text(entry.action),
                Text(entry.detail),
            )

    def _overview(self, file: ClientFile) -> None:
        lang = language()
        client = file.client
        lines: list[tuple[str, str]] = [
            (tr("Geburtsdatum", "Date of birth"), format_date(client.birth_date)),
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
            (
                tr("Haushalt", "Household"),
                "; ".join(_member(m) for m in client.household),
            ),
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
        ]
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column()
        for label, value in lines:
            grid.add_row(Text(label), literal_block(value))
        self.query_one("#overview-body", Static).update(grid)

    def action_section(self, section: str) -> None:
        self.query_one(TabbedContent).active = section

    def action_back(self) -> None:
        self.app.pop_screen()

    @work(exclusive=True, group="file-edit")
    async def action_withdraw(self) -> None:
        from kim_tui.screens.confirm import ConfirmScreen
        from kim_tui.store.errors import VaultError

        self.action_section("consents")
        table = self.query_one("#consent-table", DataTable)
        if not table.row_count:
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        today: date = self.app.today()  # type: ignore[attr-defined]
        ok = await self.app.push_screen_wait(
            ConfirmScreen(
                tr(
                    f"Einwilligung mit Wirkung ab {format_date(today)} widerrufen? "
                    "Bisherige Verarbeitung bleibt rechtmäßig.",
                    f"Withdraw this consent as of {format_date(today)}? "
                    "Processing so far stays lawful.",
                ),
                tr("Widerrufen", "Withdraw"),
            )
        )
        if not ok:
            return
        try:
            self.app.workspace.withdraw_consent(str(row_key.value), today)  # type: ignore[attr-defined]
        except VaultError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(tr("Einwilligung widerrufen.", "Consent withdrawn."))
        self.reload()

    @work(exclusive=True, group="file-edit")
    async def action_new_follow_up(self) -> None:
        from kim_tui.screens.follow_up_form import FollowUpFormScreen
        from kim_tui.store.errors import VaultError

        if self.file is None:
            return
        name = f"{self.file.client.family_name}, {self.file.client.given_name}"
        draft = await self.app.push_screen_wait(
            FollowUpFormScreen(
                client_id=self.client_id, client_name=name, case_id=self.file.case_id
            )
        )
        if draft is None:
            return
        try:
            self.app.workspace.add_follow_up(draft)  # type: ignore[attr-defined]
        except VaultError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(tr("Wiedervorlage angelegt.", "Follow-up created."))
        self.reload()
