"""The parts of the client file: its header and one widget per section (tabs 1–8)."""

from kim_tui.widgets.client_file.assessment import AssessmentSection
from kim_tui.widgets.client_file.base import FileSection
from kim_tui.widgets.client_file.consents import ConsentsSection
from kim_tui.widgets.client_file.contacts import ContactsSection
from kim_tui.widgets.client_file.goals import GoalsSection
from kim_tui.widgets.client_file.header import FileHeader
from kim_tui.widgets.client_file.history import HistorySection
from kim_tui.widgets.client_file.overview import OverviewSection
from kim_tui.widgets.client_file.referrals import ReferralsSection
from kim_tui.widgets.client_file.residence import ResidenceSection

__all__ = [
    "AssessmentSection",
    "ConsentsSection",
    "ContactsSection",
    "FileHeader",
    "FileSection",
    "GoalsSection",
    "HistorySection",
    "OverviewSection",
    "ReferralsSection",
    "ResidenceSection",
]
