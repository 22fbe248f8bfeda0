"""Section 4 of the client file: referrals to agencies and their outcomes."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.model import ClientFile, ReferralView
from kim_tui.i18n import language, tr
from kim_tui.widgets.client_file.base import FileSection, highlighted_key, refilled
from kim_tui.widgets.literal import literal


class ReferralsSection(FileSection):
    """One row per referral; the screen asks which one is highlighted."""

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(title, id=id)
        self._referrals: dict[str, ReferralView] = {}

    def compose(self) -> ComposeResult:
        yield DataTable(id="referral-table", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one("#referral-table", DataTable).add_columns(
            # The legal domain (which the agency mostly implies) last: at 80 columns what
            # came back from the agency stays in view.
            tr("gesendet", "sent"),
            tr("Stelle", "Agency"),
            tr("Status", "Status"),
            tr("Rückmeldung", "Feedback"),
            tr("Ergebnis", "Outcome"),
            tr("Rechtskreis", "Legal domain"),
        )

    def show(self, file: ClientFile) -> None:
        """Render the referrals of `file`."""
        lang = language()
        self._referrals = {ref.id: ref for ref in file.referrals}
        with refilled(self.query_one("#referral-table", DataTable)) as table:
            for ref in file.referrals:
                agency = catalog("agencies").label(ref.agency, lang)
                if ref.override_reason:
                    agency += tr(" (ohne Einwilligung, begründet)", " (no consent, justified)")
                table.add_row(
                    Text(format_date(ref.sent_on)),
                    Text(agency),
                    Text(catalog("referral_statuses").label(ref.status, lang)),
                    _feedback(ref),
                    literal(ref.outcome, max_len=40),
                    Text(catalog("legal_domains").label(ref.legal_domain, lang)),
                    key=ref.id,
                )

    def highlighted(self) -> ReferralView | None:
        """The highlighted referral, or None if there is none."""
        key = highlighted_key(self.query_one("#referral-table", DataTable))
        return None if key is None else self._referrals.get(key)


def _feedback(ref: ReferralView) -> Text:
    """The day the feedback came (✓), or the day it is expected (dimmed) while it has not."""
    if ref.outcome_on is not None:
        return Text(f"✓ {format_date(ref.outcome_on)}")
    return Text(format_date(ref.feedback_due_on), style="dim")
