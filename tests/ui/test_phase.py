"""The phase set by hand from the client file (issue 11 § 4): h, pick a phase, give a reason
(a too-short one keeps the dialog and its text), the header marks it; h again clears it."""

from __future__ import annotations

from textual.widgets import Input

from kim_tui.app import KimApp
from kim_tui.domain.model import CaseStage
from kim_tui.screens.choice import ChoiceScreen
from kim_tui.screens.client_file import ClientFileScreen
from kim_tui.screens.client_file_phase import PhaseReasonScreen
from kim_tui.widgets.client_file import FileHeader
from tests.ui.conftest import Seeded, on_screen, screen_text, type_text, unlock_home
from tests.ui.test_case_file import open_from_caseload, saved, static_text

SIZE = (120, 40)


async def test_set_the_phase_by_hand_and_clear_it(app: KimApp, seeded: Seeded) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        screen = await open_from_caseload(pilot, "kowalski")
        header = screen.query_one(FileHeader)
        assert "Zielvereinbarung" in static_text(header)

        await pilot.press("h")
        await on_screen(pilot, ChoiceScreen)
        # intake, assessment, goal agreement, linking, monitoring (closed is not offered)
        assert "Abgeschlossen" not in screen_text(app)
        await pilot.press("down", "down", "down", "down", "enter")
        await on_screen(pilot, PhaseReasonScreen)
        await type_text(pilot, "kurz")
        await pilot.press("enter")
        assert isinstance(app.screen, PhaseReasonScreen)
        shown = " ".join(screen_text(app).split())
        assert "mindestens 10" in shown and "(bisher 4)" in shown
        assert app.screen.query_one("#answer", Input).value == "kurz"  # nothing lost
        await type_text(pilot, " – Begleitung läuft über die Schule")
        await pilot.press("enter")
        await saved(pilot, "Phase von Hand gesetzt: Monitoring.")
        assert "Monitoring ✎ von Hand" in static_text(screen.query_one(FileHeader))
        case_id = seeded.cases["Kowalski"]
        file = app.workspace.client_file(seeded.clients["Kowalski"])
        assert (file.stage, file.stage_by_hand) == (CaseStage.MONITORING, True)
        actions = [e.action for e in app.workspace.audit_log(case_id, limit=5)]
        assert "case.phase_set" in actions

        await pilot.press("h")
        await on_screen(pilot, ChoiceScreen)
        assert "Begleitung läuft über die Schule" in screen_text(app)  # reason shown
        await pilot.press("enter")  # first option: derive again
        await saved(pilot, "Die Phase wird wieder aus den Einträgen abgeleitet.")
        assert isinstance(app.screen, ClientFileScreen)
        header_text = static_text(screen.query_one(FileHeader))
        assert "Zielvereinbarung" in header_text and "von Hand" not in header_text
