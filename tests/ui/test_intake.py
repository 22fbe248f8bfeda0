"""A full Erstberatung from the keyboard: inline validation, save, client file, duplicate check."""

from __future__ import annotations

from datetime import date

from textual.widgets import Checkbox, Input, OptionList, Select, Static

from kim_tui.domain.model import ConsentPurpose
from kim_tui.screens.caseload import CaseloadScreen
from kim_tui.screens.client_file import ClientFileScreen
from kim_tui.screens.duplicates import DuplicateScreen
from kim_tui.screens.follow_ups import FollowUpsScreen
from kim_tui.screens.intake import IntakeScreen
from tests.ui.conftest import (
    Seeded,
    notifications,
    on_screen,
    screen_text,
    type_text,
    unlock_home,
    until,
)


def _error(app, field_id: str) -> Static:  # type: ignore[no-untyped-def]
    return app.screen.query_one(f"#err-{field_id}", Static)


async def _open_intake(pilot) -> IntakeScreen:  # type: ignore[no-untyped-def]
    await unlock_home(pilot)
    await pilot.press("f4")
    await on_screen(pilot, IntakeScreen)
    return pilot.app.screen


async def test_full_intake_with_a_validation_error_then_saved(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _open_intake(pilot)
        assert form.query_one("#given_name", Input).has_focus
        await pilot.press(*"Ömer")
        await pilot.press("tab")
        assert form.query_one("#family_name", Input).has_focus
        await type_text(pilot, "Al-Hassan")
        await pilot.press("tab")
        await pilot.press(*"عمر الحسن")
        await pilot.press("tab")
        assert form.query_one("#birth_date", Input).has_focus
        await type_text(pilot, "01.01.2030")
        # Inline, as soon as the date is complete, under the birth date field.
        assert _error(app, "birth_date").display
        assert "liegt in der Zukunft" in str(_error(app, "birth_date").render())
        await type_text(pilot, "Syrien", "nationality")
        await type_text(pilot, "Arabisch, Kurdisch", "languages")
        form.query_one("#interpreter", Checkbox).focus()
        await pilot.press("space")
        # Residence status by keyboard: open the list, pick the first status.
        status = form.query_one("#residence_status", Select)
        status.focus()
        await pilot.press("enter", "down", "enter")
        assert status.value == "gestattung"
        await type_text(pilot, "30.06.2027", "residence_valid_until")
        # Nothing is ticked in advance: each consent is ticked on purpose.
        assert not form.query_one("#cm_given", Checkbox).value
        form.query_one("#cm_given", Checkbox).focus()
        await pilot.press("space")
        form.query_one("#coord_given", Checkbox).focus()
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await pilot.pause()
        # Nothing saved; the message stays under the field, the summary counts it.
        assert isinstance(app.screen, IntakeScreen)
        assert app.workspace.caseload().total == 6
        assert "liegt in der Zukunft" in str(_error(app, "birth_date").render())
        # One problem only: a future birth date is not also "after the first contact".
        assert "1 Angabe(n) prüfen" in str(form.query_one("#form-summary", Static).render())
        assert form.query_one("#birth_date", Input).has_focus
        # Fix the date: the message goes away at once.
        form.query_one("#birth_date", Input).value = ""
        await type_text(pilot, "03.04.1990")
        assert not _error(app, "birth_date").display
        await pilot.press("ctrl+s")
        await on_screen(pilot, ClientFileScreen)
        assert "Klient*in angelegt." in notifications(app)
        client_id = app.screen.client_id
        text = screen_text(app)
        assert "Al-Hassan, Ömer" in text
        assert "Syrien" in text and "Arabisch, Kurdisch" in text
        file = app.workspace.client_file(client_id)
        assert file.client.given_name == "Ömer"
        assert file.client.family_name == "Al-Hassan"
        assert file.client.other_names == "عمر الحسن"
        assert file.client.birth_date == date(1990, 4, 3)
        assert file.client.nationality == "SYR"
        assert file.client.languages == ("ara", "kur")
        assert file.client.interpreter_needed
        assert file.residence[0].status == "gestattung"
        assert file.residence[0].valid_until == date(2027, 6, 30)
        assert {c.purpose for c in file.consents} == {
            ConsentPurpose.CASE_MANAGEMENT,
            ConsentPurpose.SHARE_COORDINATOR,
        }
        assert all(c.given_on == date(2026, 11, 24) for c in file.consents)
        # Found again by typing without diacritics.
        await pilot.press("f3")
        await on_screen(pilot, CaseloadScreen)
        await pilot.press("slash")
        await type_text(pilot, "omer al hassan")
        await until(pilot, lambda: app.screen.total == 1)
        assert app.screen.page.items[0].client_id == client_id


async def test_expired_valid_until_is_refused_inline(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _open_intake(pilot)
        await pilot.press(*"Lan", "tab")
        await type_text(pilot, "Tran")
        form.query_one("#residence_status", Select).value = "duldung"
        await type_text(pilot, "01.11.2026", "residence_valid_until")
        assert "liegt vor heute" in str(_error(app, "residence_valid_until").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, IntakeScreen)
        assert app.workspace.caseload("tran").total == 0


async def _mueller_intake(pilot) -> IntakeScreen:  # type: ignore[no-untyped-def]
    form = await _open_intake(pilot)
    await pilot.press(*"Hans", "tab")
    await type_text(pilot, "Mueller")
    await type_text(pilot, "15.03.1980", "birth_date")
    await pilot.press("ctrl+s")
    await on_screen(pilot, DuplicateScreen)
    return form


def _hans(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.display_name for r in app.workspace.caseload("hans muller").items]


async def test_duplicate_warning_then_create_anyway(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await _mueller_intake(pilot)
        options = app.screen.query_one("#candidates", OptionList)
        assert options.option_count == 1
        text = screen_text(app)
        assert "Mögliche Dublette" in text
        assert "Müller, Hans" in text and "15.03.1980" in text
        await pilot.press("a")
        await on_screen(pilot, ClientFileScreen)
        assert sorted(_hans(app)) == ["Mueller, Hans", "Müller, Hans"]
        assert app.workspace.client_file(app.screen.client_id).client.family_name == "Mueller"


async def test_duplicate_warning_escape_goes_back_to_the_form(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _mueller_intake(pilot)
        await pilot.press("escape")
        await on_screen(pilot, IntakeScreen)
        assert app.screen is form
        assert form.query_one("#family_name", Input).value == "Mueller"
        assert _hans(app) == ["Müller, Hans"]
        # Second try: open the existing record instead.
        await pilot.press("ctrl+s")
        await on_screen(pilot, DuplicateScreen)
        await pilot.press("o")
        await on_screen(pilot, ClientFileScreen)
        assert app.screen.client_id == seeded.clients["Müller"]
        assert _hans(app) == ["Müller, Hans"]
        await pilot.press("escape")
        await on_screen(pilot, FollowUpsScreen)


async def test_escape_on_a_filled_form_asks_before_discarding(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test() as pilot:
        form = await _open_intake(pilot)
        await pilot.press(*"Test")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not form  # the confirm dialog
        await pilot.press("escape")  # no: keep the input
        await on_screen(pilot, IntakeScreen)
        assert form.query_one("#given_name", Input).value == "Test"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#discard")
        await on_screen(pilot, FollowUpsScreen)
        assert app.workspace.caseload().total == 6


async def test_a_name_typed_while_the_form_is_still_building_is_not_lost(app) -> None:  # type: ignore[no-untyped-def]
    # F4 takes keys from the first paint on, while the lower part of the form still mounts:
    # what was typed then counts as input (Esc asks), it is not taken as the empty form.
    import asyncio

    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        app.action_intake()
        for _ in range(5000):
            found = app.screen.query("#given_name") if isinstance(app.screen, IntakeScreen) else []
            if found:
                break
            await asyncio.sleep(0)
        form = app.screen
        assert isinstance(form, IntakeScreen)
        form.query_one("#given_name", Input).value = "Amal"
        await until(pilot, lambda: form._initial is not None)
        assert form.query_one("#given_name", Input).has_focus
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not form  # the save / discard / keep question
        await pilot.press("escape")
        await on_screen(pilot, IntakeScreen)
        assert form.query_one("#given_name", Input).value == "Amal"


async def test_a_birth_date_known_only_by_its_year_is_kept_as_written(app) -> None:  # type: ignore[no-untyped-def]
    """00.00.2008 from the papers: the file shows it so (not 01.01.2008), the header the two
    ages it can be, and the correction form offers it again as written."""
    from kim_tui.screens.choice import ChoiceScreen
    from kim_tui.screens.client_form import MasterDataFormScreen

    async with app.run_test(size=(120, 40)) as pilot:
        form = await _open_intake(pilot)
        await type_text(pilot, "Parwana", "given_name")
        await type_text(pilot, "Jafari", "family_name")
        await type_text(pilot, "00.00.2008", "birth_date")
        form.query_one("#cm_given", Checkbox).focus()
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await on_screen(pilot, ClientFileScreen)
        client = app.workspace.client_file(app.screen.client_id).client
        assert (client.birth_date, client.birth_precision) == (date(2008, 1, 1), "year")
        text = screen_text(app)
        assert "00.00.2008" in text and "01.01.2008" not in text
        assert "17 oder 18 Jahre" in text  # on 24.11.2026
        await pilot.press("1", "e")
        await on_screen(pilot, ChoiceScreen)
        await pilot.press("enter")
        await on_screen(pilot, MasterDataFormScreen)
        assert app.screen.query_one("#birth_date", Input).value == "00.00.2008"
