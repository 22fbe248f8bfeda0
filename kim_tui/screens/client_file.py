"""The client file: the case-management method on one person.

Header with name, age, residence status and expiry, stage, next due date; sections (keys 1–8)
Überblick, Bestandsaufnahme, Ziele, Vermittlungen, Kontakte, Aufenthalt, Einwilligungen,
Verlauf. Every form is a modal that returns a draft; this screen saves it through the service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static, TabbedContent, TabPane

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.assessment import Trend, compare
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.geo import country_name, language_name
from kim_tui.domain.model import ClientFile, HouseholdMember
from kim_tui.i18n import language, tr
from kim_tui.screens.assessment_form import level_text
from kim_tui.widgets.key_line import KeyLine
from kim_tui.widgets.literal import literal, literal_block

SECTIONS = (
    "overview",
    "assessment",
    "goals",
    "referrals",
    "contacts",
    "residence",
    "consents",
    "history",
)
TREND_TEXT = {
    Trend.IMPROVED: ("▼ besser", "▼ better", "green"),
    Trend.WORSE: ("▲ schlechter", "▲ worse", "bold red"),
    Trend.SAME: ("= gleich", "= same", "dim"),
    Trend.NEW: ("neu", "new", ""),
    Trend.DROPPED: ("nicht mehr bewertet", "not rated", "dim"),
}


_AUDIT_DETAIL_CATALOG = {
    "referral.add": "legal_domains",
    "referral.consent_override": "agencies",
    "referral.outcome": "referral_statuses",
    "contact.add": "contact_kinds",
    "case.close": "closure_reasons",
    "consent.give": "consent_purposes",
    "goal.add": "priority_areas",
    "goal.status": "goal_statuses",
    "residence.add": "residence_statuses",
}


def _audit_detail(action: str, detail: str) -> str:
    """Audit details are codes (never personal content); show their labels."""
    name = _AUDIT_DETAIL_CATALOG.get(action)
    if name and detail:
        return catalog(name).label(detail, language())
    if action == "followup.snooze" and detail:
        return tr("auf ", "to ") + format_date(date.fromisoformat(detail))
    return detail


def _member(member: HouseholdMember) -> str:
    born = f", {format_date(member.birth_date)}" if member.birth_date else ""
    return f"{member.name} ({member.relation}{born})"


def age_on(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _section(key: str, de: str, en: str, number: int) -> UiAction:
    return UiAction(
        f"file.{key}",
        str(number),
        f"section('{key}')",
        de,
        en,
        f"Abschnitt {de}",
        f"Section {en}",
        show=False,
    )


class ClientFileScreen(Screen[None]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = (
        _section("overview", "Überblick", "Overview", 1),
        _section("assessment", "Bestandsaufnahme", "Assessment", 2),
        _section("goals", "Ziele", "Goals", 3),
        _section("referrals", "Vermittlungen", "Referrals", 4),
        _section("contacts", "Kontakte", "Contacts", 5),
        _section("residence", "Aufenthalt", "Residence", 6),
        _section("consents", "Einwilligungen", "Consents", 7),
        _section("history", "Verlauf", "History", 8),
        UiAction(
            "file.contact",
            "k",
            "contact",
            "Kontakt",
            "Contact",
            "Kontakt erfassen (von überall in der Akte)",
            "Record a contact",
        ),
        UiAction(
            "file.assess",
            "b",
            "assess",
            "Bestandsaufn.",
            "Assess",
            "Neue Bestandsaufnahme (startet mit den letzten Werten)",
            "New needs assessment (starts from the latest levels)",
        ),
        UiAction(
            "file.goal",
            "z",
            "goal",
            "Ziel",
            "Goal",
            "Neues Ziel (und bei Bedarf neue Zielvereinbarung)",
            "New goal (and a new agreement if there is none)",
        ),
        UiAction(
            "file.step_done",
            "d",
            "step_done",
            "Schritt erledigt",
            "Step done",
            "Markierten Schritt erledigt / wieder offen",
            "Toggle the highlighted step",
            show=False,
        ),
        UiAction(
            "file.goal_status",
            "u",
            "goal_status",
            "Zielstatus",
            "Goal status",
            "Status des markierten Ziels ändern",
            "Change the highlighted goal's status",
            show=False,
        ),
        UiAction(
            "file.print",
            "p",
            "print_agreement",
            "Drucken",
            "Print",
            "Zielvereinbarung als PDF zur Unterschrift",
            "Goal agreement as a PDF",
        ),
        UiAction(
            "file.referral",
            "v",
            "referral",
            "Vermittlung",
            "Referral",
            "Neue Vermittlung an eine Stelle",
            "New referral to an agency",
        ),
        UiAction(
            "file.outcome",
            "r",
            "outcome",
            "Rückmeldung",
            "Outcome",
            "Ergebnis der markierten Vermittlung erfassen",
            "Record a referral's outcome",
            show=False,
        ),
        UiAction(
            "file.residence_add",
            "s",
            "residence_add",
            "Status",
            "Status",
            "Neuen Aufenthaltsstatus erfassen (der bisherige bleibt im Verlauf)",
            "Record a new residence status (the old one stays in the history)",
            show=False,
        ),
        UiAction(
            "file.facts",
            "f",
            "facts",
            "Angaben",
            "Facts",
            "Angaben für Bleibeperspektive (Einreise, Sprache, Einkommen …)",
            "Facts for residence hints (entry, language, income …)",
            show=False,
        ),
        UiAction(
            "file.themes",
            "t",
            "themes",
            "Thema",
            "Theme",
            "Generatives Thema für die Koordinierung markieren",
            "Flag a structural theme for the coordinator",
            show=False,
        ),
        UiAction(
            "file.withdraw",
            "w",
            "withdraw",
            "Widerrufen",
            "Withdraw",
            "Markierte Einwilligung ab heute widerrufen",
            "Withdraw the highlighted consent as of today",
            show=False,
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
        UiAction(
            "file.close",
            "a",
            "close_or_reopen",
            "Abschluss",
            "Close",
            "Fall abschließen oder wieder öffnen",
            "Close or reopen the case",
        ),
        UiAction("file.back", "escape", "back", "Zurück", "Back"),
    )
    BINDINGS = bindings(ACTIONS)  # type: ignore[assignment]
    HELP = tr(
        "Die Akte einer Klient*in. Abschnitte mit 1–8; k erfasst einen Kontakt von überall.",
        "One client's file. Sections with 1–8; k records a contact from anywhere.",
    )

    def __init__(self, client_id: str) -> None:
        super().__init__()
        self.client_id = client_id
        self.file: ClientFile | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="file-header")
        with TabbedContent(id="sections"):
            with (
                TabPane(tr("1 Überblick", "1 Overview"), id="overview"),
                VerticalScroll(can_focus=True),
            ):
                yield Static("", id="overview-body")
            with TabPane(tr("2 Bestandsaufnahme", "2 Assessment"), id="assessment"):
                yield Static("", id="assessment-info", classes="muted")
                yield DataTable(id="assessment-table", cursor_type="row")
            with TabPane(tr("3 Ziele", "3 Goals"), id="goals"):
                yield Static("", id="goals-info", classes="muted")
                yield DataTable(id="goals-table", cursor_type="row")
            with TabPane(tr("4 Vermittlungen", "4 Referrals"), id="referrals"):
                yield DataTable(id="referral-table", cursor_type="row")
            with TabPane(tr("5 Kontakte", "5 Contacts"), id="contacts"):
                yield DataTable(id="contact-table", cursor_type="row")
            with (
                TabPane(tr("6 Aufenthalt", "6 Residence"), id="residence"),
                VerticalScroll(can_focus=True),
            ):
                yield DataTable(id="residence-table", cursor_type="row")
                yield Static("", id="facts-body")
                yield Static("", id="hints-body")
            with TabPane(tr("7 Einwilligungen", "7 Consents"), id="consents"):
                yield DataTable(id="consent-table", cursor_type="row")
            with TabPane(tr("8 Verlauf", "8 History"), id="history"):
                yield DataTable(id="history-table", cursor_type="row")
        yield KeyLine()

    def on_mount(self) -> None:
        columns = {
            "#assessment-table": [
                tr("Handlungsfeld", "Area"),
                tr("erste", "first"),
                tr("letzte", "latest"),
                tr("Veränderung", "Change"),
                tr("Situation (letzte)", "Situation (latest)"),
            ],
            "#goals-table": [
                tr("Ziel / Schritt", "Goal / step"),
                tr("Feld / zuständig", "Area / owner"),
                tr("fällig", "due"),
                tr("Status", "Status"),
            ],
            "#referral-table": [
                tr("gesendet", "sent"),
                tr("Stelle", "Agency"),
                tr("Rechtskreis", "Legal domain"),
                tr("Status", "Status"),
                tr("Rückmeldung", "Feedback"),
                tr("Ergebnis", "Outcome"),
            ],
            "#contact-table": [
                tr("Datum", "Date"),
                tr("Art", "Kind"),
                tr("Min.", "Min."),
                tr("Notiz", "Note"),
            ],
            "#residence-table": [
                tr("Status", "Status"),
                tr("Rechtsgrundlage", "Legal basis"),
                tr("gültig ab", "valid from"),
                tr("gültig bis", "valid until"),
            ],
            "#consent-table": [
                tr("Zweck", "Purpose"),
                tr("Stelle", "Agency"),
                tr("erteilt", "given"),
                tr("Form", "Form"),
                tr("widerrufen", "withdrawn"),
            ],
            "#history-table": [
                tr("Zeitpunkt", "When"),
                tr("Aktion", "Action"),
                tr("Detail", "Detail"),
            ],
        }
        for selector, names in columns.items():
            self.query_one(selector, DataTable).add_columns(*names)
        self.reload()

    def on_screen_resume(self) -> None:
        if self.app.is_unlocked:  # type: ignore[attr-defined]
            self.reload()

    @property
    def today(self) -> date:
        return self.app.today()  # type: ignore[attr-defined,no-any-return]

    # -- rendering ---------------------------------------------------------------------------

    def reload(self) -> None:
        # Keep every table's cursor row: after "d" or "r" the coach goes on where they were.
        rows = {t.id: t.cursor_row for t in self.query(DataTable) if t.row_count}
        self._fill_all()
        for table in self.query(DataTable):
            if table.id in rows and table.row_count:
                table.move_cursor(row=min(rows[table.id], table.row_count - 1))

    def _fill_all(self) -> None:
        workspace = self.app.workspace  # type: ignore[attr-defined]
        self.file = file = workspace.client_file(self.client_id)
        self.title = tr("Akte", "File")
        self._header(file)
        self._overview(file)
        self._assessment(file)
        self._goals(file)
        self._referrals(file)
        self._contacts(file)
        self._residence(file)
        self._consents(file)
        history = self.query_one("#history-table", DataTable)
        history.clear()
        actions = catalog("audit_actions")
        for entry in workspace.audit_log(case_id=file.case_id, limit=200):
            history.add_row(
                Text(entry.at.astimezone().strftime("%d.%m.%Y %H:%M")),
                Text(actions.label(entry.action.replace(".", "_"), language())),
                Text(_audit_detail(entry.action, entry.detail)),
            )

    def _header(self, file: ClientFile) -> None:
        lang = language()
        client = file.client
        status = file.residence[0] if file.residence else None
        age = age_on(client.birth_date, self.today)
        header = Table.grid(padding=(0, 2))
        header.add_row(
            literal(f"{client.family_name}, {client.given_name}", style="bold", max_len=40),
            Text(
                tr(f"{age} Jahre", f"{age} years")
                if age is not None
                else tr("Alter unbekannt", "age unknown")
            ),
            Text(catalog("case_stages").label(file.stage.value, lang), style="bold"),
        )
        expiry = ""
        if status and status.valid_until:
            expiry = f" {tr('bis', 'until')} {format_date(status.valid_until)}"
        header.add_row(
            Text(
                catalog("residence_statuses").label(status.status, lang) + expiry
                if status
                else tr("Aufenthalt: nicht erfasst", "Residence: not recorded"),
                style="bold red"
                if status and status.valid_until and (status.valid_until - self.today).days < 56
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
        self.query_one("#file-header", Static).update(header)

    def _overview(self, file: ClientFile) -> None:
        lang = language()
        client = file.client
        themes = ", ".join(
            t[5:] if t.startswith("text:") else catalog("themes").label(t, lang)
            for t in file.themes
        )
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
        self.query_one("#overview-body", Static).update(grid)

    def _assessment(self, file: ClientFile) -> None:
        lang = language()
        table = self.query_one("#assessment-table", DataTable)
        table.clear()
        info = self.query_one("#assessment-info", Static)
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
                level_text(row.first),
                level_text(row.latest),
                Text(tr(de, en) if len(file.assessments) > 1 else "", style=style),
                literal(situations.get(row.area, ""), max_len=50),
                key=row.area,
            )

    def _goals(self, file: ClientFile) -> None:
        lang = language()
        table = self.query_one("#goals-table", DataTable)
        table.clear()
        info = self.query_one("#goals-info", Static)
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
                    f"{format_date(latest.review_on) or '–'} · d Schritt erledigt · u Zielstatus · "
                    "p drucken",
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
                    overdue = step.done_on is None and step.due_on and step.due_on < self.today
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

    def _referrals(self, file: ClientFile) -> None:
        lang = language()
        table = self.query_one("#referral-table", DataTable)
        table.clear()
        for ref in file.referrals:
            agency = catalog("agencies").label(ref.agency, lang)
            if ref.override_reason:
                agency += tr(" (ohne Einwilligung, begründet)", " (no consent, justified)")
            table.add_row(
                Text(format_date(ref.sent_on)),
                Text(agency),
                Text(catalog("legal_domains").label(ref.legal_domain, lang)),
                Text(catalog("referral_statuses").label(ref.status, lang)),
                Text(format_date(ref.feedback_due_on)),
                literal(ref.outcome, max_len=40),
                key=ref.id,
            )

    def _contacts(self, file: ClientFile) -> None:
        lang = language()
        table = self.query_one("#contact-table", DataTable)
        table.clear()
        for contact in file.contacts:
            table.add_row(
                Text(format_date(contact.on)),
                Text(catalog("contact_kinds").label(contact.kind, lang)),
                Text(str(contact.minutes)),
                literal(contact.note, max_len=70),
                key=contact.id,
            )

    def _residence(self, file: ClientFile) -> None:
        lang = language()
        table = self.query_one("#residence-table", DataTable)
        table.clear()
        for record in file.residence:
            table.add_row(
                Text(catalog("residence_statuses").label(record.status, lang)),
                literal(record.legal_basis),
                Text(format_date(record.valid_from)),
                Text(format_date(record.valid_until)),
            )
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
        self.query_one("#hints-body", Static).update(self._hints(file))

    def _hints(self, file: ClientFile) -> Group:
        from kim_tui.widgets.residence_hints import render_hints

        return render_hints(file, self.today)

    def _consents(self, file: ClientFile) -> None:
        lang = language()
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

    # -- navigation --------------------------------------------------------------------------

    def action_section(self, section: str) -> None:
        self.query_one(TabbedContent).active = section
        pane = self.query_one(f"#{section}")
        # Text sections scroll as a whole (↓, Bild↓); list sections focus their table.
        scrolls = pane.query(VerticalScroll)
        tables = pane.query(DataTable)
        if scrolls:
            scrolls.first().focus()
        elif tables:
            tables.first().focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def _highlighted(self, table_id: str) -> str | None:
        table = self.query_one(f"#{table_id}", DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return None if row_key.value is None else str(row_key.value)

    def _save(self, operation: Callable[[Any], object], done: str) -> object | None:
        """Run one service call; show its error instead of crashing; refresh the file."""
        from kim_tui.store.errors import VaultError

        try:
            result = operation(self.app.workspace)  # type: ignore[attr-defined]
        except VaultError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return None
        self.notify(done)
        self.reload()
        return result if result is not None else True

    # -- actions -----------------------------------------------------------------------------

    @work(exclusive=True, group="file-edit")
    async def action_contact(self) -> None:
        from kim_tui.screens.contact_form import ContactFormScreen

        if self.file is None:
            return
        draft = await self.app.push_screen_wait(ContactFormScreen(self.file.case_id, self.today))
        if draft is not None:
            self._save(lambda ws: ws.add_contact(draft), tr("Kontakt erfasst.", "Contact saved."))

    @work(exclusive=True, group="file-edit")
    async def action_assess(self) -> None:
        from kim_tui.screens.assessment_form import AssessmentFormScreen

        if self.file is None:
            return
        previous = self.file.assessments[-1] if self.file.assessments else None
        draft = await self.app.push_screen_wait(
            AssessmentFormScreen(self.file.case_id, self.today, previous)
        )
        if draft is not None and self._save(
            lambda ws: ws.add_assessment(draft),
            tr("Bestandsaufnahme gespeichert.", "Assessment saved."),
        ):
            self.action_section("assessment")

    @work(exclusive=True, group="file-edit")
    async def action_goal(self) -> None:
        from kim_tui.domain.model import GoalAgreementDraft
        from kim_tui.screens.goal_form import GoalFormScreen

        if self.file is None:
            return
        new_agreement = not self.file.agreements
        suggested = None
        if self.file.assessments:
            ratings = sorted(self.file.assessments[-1].ratings, key=lambda r: -r.level)
            suggested = ratings[0].area if ratings else None
        result = await self.app.push_screen_wait(
            GoalFormScreen(self.today, new_agreement=new_agreement, suggested_area=suggested)
        )
        if result is None:
            return
        if new_agreement:
            assert result.agreed_on is not None
            draft = GoalAgreementDraft(
                self.file.case_id, result.agreed_on, result.review_on, (result.goal,)
            )
            saved = self._save(
                lambda ws: ws.add_goal_agreement(draft),
                tr("Zielvereinbarung angelegt.", "Goal agreement created."),
            )
        else:
            agreement_id = self.file.agreements[-1].id
            saved = self._save(
                lambda ws: ws.add_goal(agreement_id, result.goal),
                tr("Ziel angelegt.", "Goal added."),
            )
        if saved:
            self.action_section("goals")

    def action_step_done(self) -> None:
        key = self._highlighted("goals-table")
        if self.file is None or key is None or not key.startswith("step:"):
            self.notify(
                tr(
                    "Bitte im Abschnitt Ziele einen Schritt markieren.",
                    "Highlight a step in the goals section.",
                )
            )
            return
        step_id = key[5:]
        step = next(
            s for a in self.file.agreements for g in a.goals for s in g.steps if s.id == step_id
        )
        done_on = None if step.done_on else self.today
        self._save(
            lambda ws: ws.set_step_done(step_id, done_on),
            tr("Schritt aktualisiert.", "Step updated."),
        )

    @work(exclusive=True, group="file-edit")
    async def action_goal_status(self) -> None:
        from kim_tui.screens.choice import ChoiceScreen

        key = self._highlighted("goals-table")
        if key is None or not key.startswith("goal:"):
            self.notify(
                tr(
                    "Bitte im Abschnitt Ziele ein Ziel markieren.",
                    "Highlight a goal in the goals section.",
                )
            )
            return
        lang = language()
        status = await self.app.push_screen_wait(
            ChoiceScreen(
                tr("Zielstatus", "Goal status"),
                [(e.code, e.label(lang)) for e in catalog("goal_statuses")],
            )
        )
        if status is not None:
            self._save(
                lambda ws: ws.set_goal_status(key[5:], status),
                tr("Zielstatus geändert.", "Goal status changed."),
            )

    @work(exclusive=True, group="file-edit")
    async def action_referral(self) -> None:
        from kim_tui.screens.referral_form import ReferralFormScreen
        from kim_tui.screens.text_prompt import TextPromptScreen
        from kim_tui.store.errors import ConsentRequired, VaultError

        if self.file is None:
            return
        draft = await self.app.push_screen_wait(ReferralFormScreen(self.file.case_id, self.today))
        if draft is None:
            return
        workspace = self.app.workspace  # type: ignore[attr-defined]
        saved = tr("Vermittlung gespeichert.", "Referral saved.")
        try:
            workspace.add_referral(draft)
        except ConsentRequired as exc:
            reason = await self.app.push_screen_wait(
                TextPromptScreen(
                    tr("Keine Einwilligung zur Weitergabe", "No consent to share"),
                    str(exc)
                    + "\n"
                    + tr(
                        "Begründung für die Weitergabe ohne Einwilligung (wird im Verlauf "
                        "protokolliert). Esc bricht ab.",
                        "Reason for passing data without consent (recorded in the history). "
                        "Esc cancels.",
                    ),
                )
            )
            if not reason:
                self.notify(
                    tr("Vermittlung nicht gespeichert.", "Referral not saved."), severity="warning"
                )
                return
            overridden = replace(draft, override_reason=reason)
            if not self._save(lambda ws: ws.add_referral(overridden), saved):
                return
        except VaultError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        else:
            self.notify(saved)
            self.reload()
        self.action_section("referrals")

    @work(exclusive=True, group="file-edit")
    async def action_outcome(self) -> None:
        from kim_tui.screens.referral_outcome import ReferralOutcomeScreen

        key = self._highlighted("referral-table")
        if self.file is None or key is None:
            self.notify(
                tr(
                    "Bitte im Abschnitt Vermittlungen eine markieren.",
                    "Highlight a referral first.",
                )
            )
            return
        referral = next(r for r in self.file.referrals if r.id == key)
        outcome = await self.app.push_screen_wait(ReferralOutcomeScreen(referral, self.today))
        if outcome is not None:
            self._save(
                lambda ws: ws.record_referral_outcome(
                    key, outcome.status, outcome.outcome, outcome.outcome_on
                ),
                tr("Rückmeldung gespeichert.", "Outcome saved."),
            )

    @work(exclusive=True, group="file-edit")
    async def action_residence_add(self) -> None:
        from kim_tui.screens.residence_form import ResidenceFormScreen

        draft = await self.app.push_screen_wait(ResidenceFormScreen(self.today))
        if draft is not None and self._save(
            lambda ws: ws.add_residence_record(self.client_id, draft),
            tr("Aufenthaltsstatus gespeichert.", "Residence status saved."),
        ):
            self.action_section("residence")

    @work(exclusive=True, group="file-edit")
    async def action_facts(self) -> None:
        from kim_tui.screens.facts_form import FactsFormScreen

        if self.file is None:
            return
        facts = await self.app.push_screen_wait(FactsFormScreen(self.file.facts, self.today))
        if facts is not None:
            self._save(
                lambda ws: ws.set_residence_facts(self.client_id, facts),
                tr("Angaben gespeichert.", "Facts saved."),
            )
            self.action_section("residence")

    @work(exclusive=True, group="file-edit")
    async def action_themes(self) -> None:
        from kim_tui.screens.themes_form import ThemesFormScreen

        if self.file is None:
            return
        themes = await self.app.push_screen_wait(ThemesFormScreen(self.file.themes))
        if themes is not None:
            case_id = self.file.case_id
            self._save(
                lambda ws: ws.set_themes(case_id, themes),
                tr("Themen gespeichert.", "Themes saved."),
            )

    @work(exclusive=True, group="file-edit")
    async def action_close_or_reopen(self) -> None:
        from kim_tui.screens.closure_form import ClosureFormScreen
        from kim_tui.screens.confirm import ConfirmScreen

        if self.file is None:
            return
        case_id = self.file.case_id
        if self.file.closed_on is not None:
            if await self.app.push_screen_wait(
                ConfirmScreen(
                    tr(
                        "Fall wieder öffnen? Offene Wiedervorlagen kommen zurück.",
                        "Reopen the case? Open follow-ups come back.",
                    ),
                    tr("Wieder öffnen", "Reopen"),
                )
            ):
                self._save(
                    lambda ws: ws.reopen_case(case_id),
                    tr("Fall wieder geöffnet.", "Case reopened."),
                )
            return
        goals = tuple(g for a in self.file.agreements for g in a.goals)
        draft = await self.app.push_screen_wait(ClosureFormScreen(case_id, self.today, goals))
        if draft is not None:
            self._save(lambda ws: ws.close_case(draft), tr("Fall abgeschlossen.", "Case closed."))

    @work(exclusive=True, group="file-edit")
    async def action_withdraw(self) -> None:
        from kim_tui.screens.confirm import ConfirmScreen

        self.action_section("consents")
        consent_id = self._highlighted("consent-table")
        if consent_id is None:
            return
        today = self.today
        if await self.app.push_screen_wait(
            ConfirmScreen(
                tr(
                    f"Einwilligung mit Wirkung ab {format_date(today)} widerrufen? "
                    "Bisherige Verarbeitung bleibt rechtmäßig.",
                    f"Withdraw this consent as of {format_date(today)}? "
                    "Processing so far stays lawful.",
                ),
                tr("Widerrufen", "Withdraw"),
            )
        ):
            self._save(
                lambda ws: ws.withdraw_consent(consent_id, today),
                tr("Einwilligung widerrufen.", "Consent withdrawn."),
            )

    @work(exclusive=True, group="file-edit")
    async def action_new_follow_up(self) -> None:
        from kim_tui.screens.follow_up_form import FollowUpFormScreen

        if self.file is None:
            return
        name = f"{self.file.client.family_name}, {self.file.client.given_name}"
        draft = await self.app.push_screen_wait(
            FollowUpFormScreen(
                client_id=self.client_id, client_name=name, case_id=self.file.case_id
            )
        )
        if draft is not None:
            self._save(
                lambda ws: ws.add_follow_up(draft),
                tr("Wiedervorlage angelegt.", "Follow-up created."),
            )

    @work(exclusive=True, group="file-edit")
    async def action_print_agreement(self) -> None:
        from kim_tui.screens.text_prompt import TextPromptScreen

        if self.file is None or not self.file.agreements:
            self.notify(tr("Noch keine Zielvereinbarung.", "No goal agreement yet."))
            return
        client = self.file.client
        suggestion = f"~/Zielvereinbarung-{client.family_name}-{self.today.isoformat()}.pdf"
        path = await self.app.push_screen_wait(
            TextPromptScreen(
                tr("Zielvereinbarung drucken", "Print goal agreement"),
                tr(
                    "Dateipfad für das PDF (es wird nichts überschrieben):",
                    "Path for the PDF (nothing is overwritten):",
                ),
                value=suggestion,
            )
        )
        if not path:
            return
        agreement_id = self.file.agreements[-1].id
        config = self.app.config  # type: ignore[attr-defined]
        result = self._save(
            lambda ws: ws.print_goal_agreement(
                agreement_id, path, coach=config.coach_name, organisation=config.organisation
            ),
            tr("PDF geschrieben.", "PDF written."),
        )
        if isinstance(result, str):
            self.notify(Text(result).plain, timeout=8)
