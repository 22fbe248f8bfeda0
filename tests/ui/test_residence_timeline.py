"""The Aufenthalt section as a timeline: an earlier paper is accepted, the current one stays
marked and keeps its reminder, gaps show, and the same paper twice is refused in the form."""

from __future__ import annotations

from textual.widgets import Static

from kim_tui.domain.model import FollowUpSource
from kim_tui.screens.residence_form import ResidenceFormScreen
from tests.ui.conftest import Seeded, on_screen, type_text, unlock_home
from tests.ui.test_case_file import choose, open_from_home, saved, static_text, table_rows


async def add_paper(pilot, status: str, start: str, until: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("s")
    await on_screen(pilot, ResidenceFormScreen)
    await choose(pilot, "status", status)
    await type_text(pilot, start, "valid_from")
    await type_text(pilot, until, "valid_until")
    await pilot.press("ctrl+s")


async def test_earlier_papers_gaps_and_a_repeated_paper(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        ws = app.workspace
        screen = await open_from_home(pilot, "müller")
        await pilot.press("6")
        await add_paper(pilot, "Gest", "01.03.2019", "31.12.2020")
        await saved(pilot, "Aufenthaltsstatus gespeichert.")
        rows = table_rows(screen, "residence-table")
        assert rows[0] == "Duldung |  | 30.06.2027 | aktuell | § 60a AufenthG"
        assert rows[1].startswith("Gestattung | 01.03.2019 | 31.12.2020 |  | ")
        reminders = [
            f.reason for f in ws.follow_ups().items if f.source is FollowUpSource.RESIDENCE
        ]
        assert reminders == ["Ablauf 30.06.2027: Duldung"]
        await add_paper(pilot, "Duldung", "01.06.2021", "31.05.2022")
        await saved(pilot, "Aufenthaltsstatus gespeichert.")
        gaps = static_text(screen.query_one("#residence-gaps", Static))
        assert "Lücke 01.01.2021 – 31.05.2021 (151 Tage): kein Papier erfasst" in gaps
        # The same paper again: refused in the form, with what is already there.
        await add_paper(pilot, "Duldung", "01.06.2021", "31.05.2022")
        form = app.screen
        assert isinstance(form, ResidenceFormScreen)
        error = static_text(form.query_one("#form-error", Static))
        assert "Dieses Papier ist schon erfasst: Duldung, 01.06.2021 – 31.05.2022." in error
        assert len(ws.client_file(screen.client_id).residence) == 3


async def test_at_80_columns_the_dates_and_the_state_are_in_view(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    """The legal basis (free text, here a long one) comes last: on a small terminal the coach
    still sees until when the paper is valid and whether it is the current one."""
    from datetime import date

    from kim_tui.domain.model import ResidenceDraft
    from tests.ui.conftest import screen_text

    async with app.run_test(size=(80, 24)) as pilot:
        await unlock_home(pilot)
        app.workspace.add_residence_record(
            seeded.clients["Müller"],
            ResidenceDraft(
                "ae_25_2_gfk",
                "§ 25 Abs. 2 S. 1 Alt. 1 AufenthG (Flüchtlingseigenschaft, Bescheid BAMF)",
                date(2026, 11, 1),
                date(2029, 10, 31),
            ),
        )
        await open_from_home(pilot, "müller")
        await pilot.press("6")
        rows = [line for line in screen_text(app).splitlines() if "aktuell" in line]
        assert len(rows) == 1 and "01.11.2026" in rows[0] and "31.10.2029" in rows[0]
