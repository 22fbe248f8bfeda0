"""What is written can be read back: Enter on an entry of the client file shows its whole text,
literally; the note typed when a follow-up is marked done is shown with it."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import DataTable

from kim_tui.app import KimApp
from kim_tui.domain.model import ContactDraft, ReferralDraft
from kim_tui.screens.client_file import ClientFileScreen
from kim_tui.screens.entry_detail import EntryDetailScreen
from tests.conftest import FIXED_TODAY
from tests.ui.conftest import Seeded, on_screen, screen_text, unlock_home, until

NOTE = "Erste Zeile mit [bold]Klammern[/bold]\nZweite Zeile: Termin beim Jobcenter bestätigt"


async def _open_file(app: KimApp, pilot: Pilot[int], client_id: str) -> ClientFileScreen:
    app.push_screen(ClientFileScreen(client_id))
    await on_screen(pilot, ClientFileScreen)
    screen = app.screen
    assert isinstance(screen, ClientFileScreen)
    return screen


async def test_enter_on_a_contact_shows_the_whole_note_literally(
    app: KimApp, seeded: Seeded
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        app.workspace.add_contact(
            ContactDraft(seeded.cases["Nguyen"], FIXED_TODAY, "phone", 15, NOTE)
        )
        await _open_file(app, pilot, seeded.clients["Nguyen"])
        await pilot.press("5")
        await pilot.press("enter")
        await on_screen(pilot, EntryDetailScreen)
        text = screen_text(app)
        # Both lines in full, the brackets as typed (no markup interpretation).
        assert "Erste Zeile mit [bold]Klammern[/bold]" in text
        assert "Zweite Zeile: Termin beim Jobcenter bestätigt" in text
        await pilot.press("escape")
        await on_screen(pilot, ClientFileScreen)


async def test_a_referral_shows_its_reason_outcome_and_override_reason(
    app: KimApp, seeded: Seeded
) -> None:
    reason = "Frist läuft heute ab, Klientin mündlich einverstanden"
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock_home(pilot)
        app.workspace.add_referral(
            ReferralDraft(
                seeded.cases["Nguyen"],
                "jobcenter",
                "sgb2",
                "Antrag auf Bürgergeld stellen",
                FIXED_TODAY,
                override_reason=reason,
            )
        )
        await _open_file(app, pilot, seeded.clients["Nguyen"])
        await pilot.press("4")
        await pilot.press("enter")
        await on_screen(pilot, EntryDetailScreen)
        text = screen_text(app)
        assert "Antrag auf Bürgergeld stellen" in text
        assert "Frist läuft heute ab" in text


async def test_goals_steps_and_assessed_areas_open_in_full(app: KimApp, seeded: Seeded) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        screen = await _open_file(app, pilot, seeded.clients["Kowalski"])
        await pilot.press("3")
        await pilot.press("enter")  # the goal
        await on_screen(pilot, EntryDetailScreen)
        assert "Arbeit finden" in screen_text(app)
        assert "Lebenslauf schreiben" in screen_text(app)
        await pilot.press("escape")
        await on_screen(pilot, ClientFileScreen)
        screen.query_one("#goals-table", DataTable).move_cursor(row=1)
        await pilot.press("enter")  # the step
        await on_screen(pilot, EntryDetailScreen)
        assert "Lebenslauf schreiben" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("2")
        await pilot.press("enter")
        await on_screen(pilot, EntryDetailScreen)
        assert "Bedarf 2" in screen_text(app)


async def test_the_done_note_is_shown_with_the_follow_up(app: KimApp, seeded: Seeded) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        (item,) = [f for f in app.workspace.follow_ups().items if f.client_name.startswith("Yıl")]
        app.workspace.complete_follow_up(item.id, "Termin auf [red]Freitag[/red] verlegt")
        await _open_file(app, pilot, seeded.clients["Yılmaz"])
        await until(pilot, lambda: "Erledigte Wiedervorlagen" in screen_text(app))
        text = screen_text(app)
        assert "Termin Ausländerbehörde" in text
        assert "Notiz: Termin auf [red]Freitag[/red] verlegt" in text
