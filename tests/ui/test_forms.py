"""The form base (`FormModal`): a form holds input once a field differs from how it opened, a
draft that cannot be built shows its reason and stays open, and a valid one is returned."""

from __future__ import annotations

from datetime import date

from textual.widgets import Input, TextArea

from kim_tui.app import KimApp
from kim_tui.domain.model import ContactDraft
from kim_tui.screens.contact_form import ContactFormScreen
from kim_tui.screens.intake import IntakeScreen
from kim_tui.screens.residence_form import ResidenceFormScreen
from kim_tui.widgets.field_error import FieldError
from tests.ui.conftest import on_screen, type_text, unlock_home, until

TODAY = date(2026, 3, 2)


async def test_a_form_holds_input_once_a_field_changed(app: KimApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        returned: list[ContactDraft | None] = []
        app.push_screen(ContactFormScreen("case", TODAY), returned.append)
        await on_screen(pilot, ContactFormScreen)
        form = app.screen
        assert isinstance(form, ContactFormScreen)
        # Preset values (today's date, "persönlich", 30 minutes) are no input of the coach.
        await until(pilot, lambda: form._initial is not None)
        assert not form.holds_input()
        form.query_one("#note", TextArea).insert("Termin beim Jobcenter")
        await pilot.pause()
        assert form.holds_input()
        form.query_one("#on", Input).value = "31.02.2026"
        await pilot.press("ctrl+s")
        # Not a date: the reason is shown, the form stays open and nothing is returned.
        assert "31.02.2026" in str(form.query_one("#form-error", FieldError).render())
        assert app.screen is form and not returned
        form.query_one("#on", Input).value = "02.03.2026"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(returned))
        draft = returned[0]
        assert draft is not None and draft.note == "Termin beim Jobcenter" and draft.on == TODAY


async def test_esc_closes_an_untouched_form_at_once(app: KimApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        returned: list[object] = []
        app.push_screen(ResidenceFormScreen(TODAY), returned.append)
        await on_screen(pilot, ResidenceFormScreen)
        await pilot.press("escape")
        await until(pilot, lambda: returned == [None])


async def test_intake_holds_input_once_a_field_changed(app: KimApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        app.push_screen(IntakeScreen())
        await on_screen(pilot, IntakeScreen)
        form = app.screen
        assert isinstance(form, IntakeScreen)
        await until(pilot, lambda: form._initial is not None)
        assert not form.holds_input()
        await type_text(pilot, "Ivanova", "family_name")
        assert form.holds_input()
