"""Section 8 of the client file: the audit trail of this case."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.model import AuditEntry
from kim_tui.i18n import language, tr
from kim_tui.widgets.client_file.base import FileSection, refilled

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


class HistorySection(FileSection):
    """What was done in the case and when, newest first; labels only, no personal text."""

    def compose(self) -> ComposeResult:
        yield DataTable(id="history-table", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one("#history-table", DataTable).add_columns(
            tr("Zeitpunkt", "When"),
            tr("Aktion", "Action"),
            tr("Detail", "Detail"),
        )

    def show(self, entries: Iterable[AuditEntry]) -> None:
        """Render the audit `entries` of the case."""
        actions = catalog("audit_actions")
        with refilled(self.query_one("#history-table", DataTable)) as table:
            for entry in entries:
                table.add_row(
                    Text(entry.at.astimezone().strftime("%d.%m.%Y %H:%M")),
                    Text(actions.label(entry.action.replace(".", "_"), language())),
                    Text(_audit_detail(entry.action, entry.detail)),
                )
