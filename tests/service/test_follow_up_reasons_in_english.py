"""A derived follow-up's reason reads as words in both languages wherever the client file shows
it: the erasure due after retention, a follow-up marked done, a household member's next one.
(They were stored as a code and shown raw, or stored in German only.)"""

from __future__ import annotations

from datetime import date, timedelta

from kim_tui.domain.model import ClosureDraft, FollowUpSource, ReferralDraft
from kim_tui.service.workspace import Workspace
from tests.builders import intake_client
from tests.conftest import FIXED_TODAY


def test_erasure_due_reads_english_too(workspace: Workspace) -> None:
    _client, case = intake_client(workspace, "Amira", "Haddad", date(1991, 7, 3))
    workspace.close_case(ClosureDraft(case, date(2026, 11, 20), "moved_away"))
    (due,) = [f for f in workspace.follow_ups().items if f.source is FollowUpSource.RETENTION]
    assert due.reason == "Löschung fällig: Aufbewahrung endete am 31.12.2029"
    assert due.reason_en == "Erasure due: retention ended on 31.12.2029"


def test_done_and_household_follow_ups_show_words_not_codes(workspace: Workspace) -> None:
    client, case = intake_client(workspace, "Amira", "Haddad", date(1991, 7, 3))
    partner, _ = intake_client(workspace, "Samir", "Haddad", date(1989, 2, 1))
    workspace.link_household_member(partner, client, "spouse")
    feedback = ReferralDraft(
        case,
        "jobcenter",
        "sgb2",
        "Arbeit",
        FIXED_TODAY,
        feedback_due_on=FIXED_TODAY + timedelta(days=3),
        passes_identifying_data=False,
    )
    workspace.add_referral(feedback)

    household = workspace.household(partner)
    assert household is not None
    (member,) = [m for m in household.members if m.client_id == client]
    assert member.next_due_reason == "Rückmeldung erwartet: Jobcenter"
    assert member.next_due_reason_en.startswith("Feedback expected: ")

    (item,) = [f for f in workspace.follow_ups().items if f.case_id == case]
    workspace.complete_follow_up(item.id, "erledigt am Telefon")
    (done,) = workspace.client_file(client, audited=False).done_follow_ups
    assert done.reason == "Rückmeldung erwartet: Jobcenter"
    assert done.reason_en.startswith("Feedback expected: ")
    assert done.note == "erledigt am Telefon"
