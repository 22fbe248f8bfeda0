"""A coach's working day, keyboard only: what went wrong when it was tried in a real terminal.

Each test names the steps a coach took and what they must see (or must not lose).
"""

from __future__ import annotations

from textual.widgets import DataTable

from kim_tui.screens.assessment_form import AssessmentFormScreen
from kim_tui.widgets.field_error import FieldError
from tests.ui.conftest import Seeded, on_screen, type_text, unlock_home
from tests.ui.test_case_file import SIZE, open_from_caseload, saved, static_text

# -- needs assessment: a typed situation is never dropped ----------------------------------------


async def test_situation_typed_then_ctrl_s_is_saved(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    """b, 2 on the first area, e, type a situation and press Ctrl+S at once (no Enter first):
    the situation is saved with the rating."""
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        await open_from_caseload(pilot, "nguyen")
        await pilot.press("b")
        await on_screen(pilot, AssessmentFormScreen)
        form = app.screen
        await pilot.press("2", "up", "e")
        await type_text(pilot, "Duldung läuft ab")
        await pilot.press("ctrl+s")
        await saved(pilot, "Bestandsaufnahme gespeichert.")
        (assessment,) = app.workspace.assessments(seeded.cases["Nguyen"])
        (rating,) = assessment.ratings
        assert (rating.area, rating.level, rating.situation) == ("residence", 2, "Duldung läuft ab")
        assert form is not app.screen


async def test_situation_without_a_need_level_is_not_dropped(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    """A situation typed for an area that has no need level yet: Ctrl+S does not save the
    assessment without it; it says which area needs a level and the text is still there."""
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        await open_from_caseload(pilot, "nguyen")
        await pilot.press("b")
        await on_screen(pilot, AssessmentFormScreen)
        form = app.screen
        # residence 3; language gets only a situation
        await pilot.press("3", "e")
        await type_text(pilot, "Sucht einen B1-Kurs")
        await pilot.press("enter", "ctrl+s")
        await pilot.pause()
        assert app.screen is form
        error = static_text(form.query_one(FieldError))
        assert "Spracherwerb" in error and "0–3" in error
        assert form.query_one("#matrix", DataTable).cursor_row == 1
        assert not app.workspace.assessments(seeded.cases["Nguyen"])
        # The coach gives the level; now both are saved.
        await pilot.press("1", "ctrl+s")
        await saved(pilot, "Bestandsaufnahme gespeichert.")
        (assessment,) = app.workspace.assessments(seeded.cases["Nguyen"])
        levels = {r.area: (r.level, r.situation) for r in assessment.ratings}
        assert levels == {"residence": (3, ""), "language": (1, "Sucht einen B1-Kurs")}
