"""Section 8 of the client file: the Verlauf — what was done in the case and when, with every
correction in words ("Adresse geändert: Alte Str. 1 → Neue Str. 2"), every deletion with its
reason, the note of a follow-up marked done and the reason for sharing data without consent.
Read events ("Akte geöffnet") are hidden unless the coach asks for them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.model import AuditEntry, ClientFile, RecordChangeView
from kim_tui.domain.record_history import describe
from kim_tui.i18n import language, tr
from kim_tui.widgets.client_file.base import FileSection, refilled
from kim_tui.widgets.literal import literal

_AUDIT_DETAIL_CATALOG = {
    "referral.add": "legal_domains",
    "referral.consent_override": "agencies",
    "referral.outcome": "referral_statuses",
    "referral.correct": "legal_domains",
    "contact.add": "contact_kinds",
    "contact.correct": "contact_kinds",
    "case.close": "closure_reasons",
    "consent.give": "consent_purposes",
    "consent.correct": "consent_purposes",
    "goal.add": "priority_areas",
    "goal.correct": "priority_areas",
    "goal.status": "goal_statuses",
    "residence.add": "residence_statuses",
    "residence.correct": "residence_statuses",
    "entry.delete": "record_entities",
}

READ_ACTIONS = frozenset({"client.open"})
"""Audit events of reading only: hidden from the Verlauf unless asked for."""


def _audit_detail(action: str, detail: str) -> str:
    """Audit details are codes (never personal content); show their labels."""
    name = _AUDIT_DETAIL_CATALOG.get(action)
    if name and detail:
        return catalog(name).label(detail, language())
    if action == "followup.snooze" and detail:
        return tr("auf ", "to ") + format_date(date.fromisoformat(detail))
    return detail


def _when(at: datetime) -> Text:
    return Text(at.astimezone().strftime("%d.%m.%Y %H:%M"))


class HistorySection(FileSection):
    """What was done in the case and when, newest first, with the corrections in words."""

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(title, id=id)
        self.show_reads = False
        self._last: tuple[tuple[AuditEntry, ...], tuple[RecordChangeView, ...], ClientFile] | None
        self._last = None

    def compose(self) -> ComposeResult:
        yield Static("", id="history-info", classes="muted")
        yield DataTable(id="history-table", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one("#history-table", DataTable).add_columns(
            tr("Zeitpunkt", "When"),
            tr("Aktion", "Action"),
            tr("Detail", "Detail"),
        )

    def toggle_reads(self) -> None:
        """Show or hide the read events ("Akte geöffnet")."""
        self.show_reads = not self.show_reads
        if self._last is not None:
            self.show(*self._last)

    def show(
        self,
        entries: Iterable[AuditEntry],
        changes: Iterable[RecordChangeView] = (),
        file: ClientFile | None = None,
    ) -> None:
        """Render the audit `entries` of the case with the `changes` of the client's record
        (grouped under the write they belong to) and, from `file`, the reasons for referrals
        made without consent."""
        entries, changes = tuple(entries), tuple(changes)
        if file is not None:
            self._last = (entries, changes, file)
        lang = language()
        actions = catalog("audit_actions")
        overrides = {r.id: r.override_reason for r in file.referrals} if file else {}
        by_revision: dict[int, list[RecordChangeView]] = {}
        for change in changes:
            by_revision.setdefault(change.revision, []).append(change)
        shown = {e.revision for e in entries if e.revision is not None}
        # A correction whose event is not among the entries (older than the list, or of
        # another case) still shows, as its own line.
        lines: list[tuple[datetime, AuditEntry | None, list[RecordChangeView]]] = [
            (e.at, e, by_revision.get(e.revision, []) if e.revision is not None else [])
            for e in entries
            if self.show_reads or e.action not in READ_ACTIONS
        ]
        lines += [
            (group[0].at, None, group) for rev, group in by_revision.items() if rev not in shown
        ]
        lines.sort(key=lambda line: line[0], reverse=True)
        hidden = sum(1 for e in entries if e.action in READ_ACTIONS)
        self.query_one("#history-info", Static).update(
            tr(
                f"g blendet Lesezugriffe ein ({hidden})"
                if not self.show_reads
                else "g blendet Lesezugriffe aus",
                f"g shows read events ({hidden})" if not self.show_reads else "g hides read events",
            )
        )
        with refilled(self.query_one("#history-table", DataTable)) as table:
            for at, entry, group in lines:
                if entry is not None:
                    table.add_row(
                        _when(at),
                        Text(actions.label(entry.action.replace(".", "_"), lang)),
                        Text(_audit_detail(entry.action, entry.detail)),
                    )
                    override = overrides.get(entry.entity_id or "")
                    if entry.action == "referral.consent_override" and override:
                        table.add_row(
                            Text(""),
                            Text(tr("↳ Begründung", "↳ Reason")),
                            literal(override, max_len=120),
                        )
                for change in group:
                    text = describe(change, lang)
                    table.add_row(
                        Text("") if entry is not None else _when(at),
                        literal("↳ " + text.headline, max_len=60),
                        literal(text.detail, max_len=120),
                    )
