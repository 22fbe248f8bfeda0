"""The gaps of issue 11 closed in the client file: case data corrected from the overview, any
assessment corrected (chosen in a list), F1 inside a form, goals ask for the consent."""

from __future__ import annotations

from datetime import date

from textual.widgets import Input, SelectionList

from kim_tui.screens.case_data_form import CaseDataFormScreen
from kim_tui.screens.choice import ChoiceScreen
from kim_tui.screens.client_file import ClientFileScreen
from kim_tui.screens.unsaved_input import UnsavedInputScreen
from tests.ui.conftest import Seeded, on_screen, screen_text, type_text, unlock_home, until
from tests.ui.test_case_file import open_from_home, saved, table_rows

D = date


async def _open_case_data_form(pilot, name: str) -> tuple[ClientFileScreen, CaseDataFormScreen]:  # type: ignore[no-untyped-def]
    screen = await open_from_home(pilot, name)
    await pilot.press("1", "e")
    await on_screen(pilot, ChoiceScreen)
    assert "Falldaten (Erstkontakt, Zugang" in screen_text(pilot.app)
    await pilot.press("down", "enter")
    await on_screen(pilot, CaseDataFormScreen)
    return screen, pilot.app.screen


async def test_case_data_corrected_from_the_overview(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    client_id = seeded.clients["Müller"]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        screen, form = await _open_case_data_form(pilot, "müller")
        # The form opens with the case as it is.
        assert form.query_one("#first_contact_on", Input).value == "01.10.2026"
        groups = form.query_one("#target_groups", SelectionList)
        assert tuple(groups.selected) == ("residence_improvement",)
        await type_text(pilot, "28.09.2026", "first_contact_on")
        form.query_one("#first_contact_on", Input).value = "28.09.2026"
        form.query_one("#legal_domains", SelectionList).select("aufenthg")
        groups.select("catch_up")
        await pilot.press("ctrl+s")
        await saved(pilot, "Korrektur gespeichert.")
        file = app.workspace.client_file(client_id)
        assert file.first_contact_on == D(2026, 9, 28)
        assert file.legal_domains == ("aufenthg",)
        assert set(file.target_groups) == {"residence_improvement", "catch_up"}
        assert "28.09.2026" in screen_text(app)

        await pilot.press("8")
        rows = table_rows(screen, "history-table")
        assert rows[0].endswith("| Falldaten korrigiert | ")
        assert " | ↳ Erstkontakt geändert | 01.10.2026 → 28.09.2026" in rows


async def test_case_data_form_refuses_a_future_first_contact_and_keeps_input(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock_home(pilot)
        _screen, form = await _open_case_data_form(pilot, "nguyen")
        form.query_one("#first_contact_on", Input).value = "01.01.2030"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Zukunft" in screen_text(app))
        assert app.screen is form
        # Esc on the changed form asks before anything is thrown away.
        await pilot.press("escape")
        await on_screen(pilot, UnsavedInputScreen)
        assert "Falldaten verwerfen?" in screen_text(app)
        await pilot.press("escape")  # keep editing
        await on_screen(pilot, CaseDataFormScreen)
        assert form.query_one("#first_contact_on", Input).value == "01.01.2030"


async def test_an_earlier_assessment_is_corrected_chosen_in_a_list(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    from kim_tui.domain.model import AreaRatingDraft, AssessmentDraft
    from kim_tui.screens.assessment_form import AssessmentFormScreen
    from kim_tui.screens.reason_prompt import DeleteReasonScreen

    case_id, client_id = seeded.cases["Kowalski"], seeded.clients["Kowalski"]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        ws = app.workspace
        ws.add_assessment(AssessmentDraft(case_id, D(2026, 11, 20), (AreaRatingDraft("work", 1),)))
        screen = await open_from_home(pilot, "kowalski")
        await pilot.press("2", "e")
        await on_screen(pilot, ChoiceScreen)
        text = screen_text(app)
        assert "20.11.2026 – 1 Handlungsfeld(er) (letzte)" in text
        assert "03.11.2026 – 1 Handlungsfeld(er) (erste)" in text
        await pilot.press("down", "enter")  # the earlier one
        await on_screen(pilot, AssessmentFormScreen)
        assert "Bestandsaufnahme vom 03.11.2026 korrigieren" in screen_text(app)
        form = app.screen
        form.query_one("#assessed_on", Input).value = "02.11.2026"
        await pilot.press("ctrl+s")
        await saved(pilot, "Korrektur gespeichert.")
        first, latest = ws.assessments(case_id)
        assert (first.assessed_on, latest.assessed_on) == (D(2026, 11, 2), D(2026, 11, 20))
        changes = [c for c in ws.record_history(client_id) if c.entity == "assessment"]
        assert [(c.old_value, c.new_value) for c in changes] == [("2026-11-03", "2026-11-02")]

        # Deleting asks which one too; Esc in the list deletes nothing.
        await pilot.press("l")
        await on_screen(pilot, ChoiceScreen)
        assert "Welche Bestandsaufnahme löschen?" in screen_text(app)
        await pilot.press("escape")
        await on_screen(pilot, ClientFileScreen)
        await pilot.press("l")
        await on_screen(pilot, ChoiceScreen)
        await pilot.press("down", "enter")
        await on_screen(pilot, DeleteReasonScreen)
        assert "Bestandsaufnahme vom 02.11.2026" in screen_text(app)
        await pilot.press("escape")
        assert len(ws.assessments(case_id)) == 2
        del screen


async def test_f1_in_a_form_opens_its_help_and_keeps_the_input(app) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import TextArea

    from kim_tui.screens.contact_form import ContactFormScreen
    from kim_tui.screens.help import HelpScreen
    from tests.conftest import FIXED_TODAY

    async with app.run_test(size=(80, 24)) as pilot:
        await unlock_home(pilot)
        form = ContactFormScreen("c1", FIXED_TODAY)
        app.push_screen(form)
        await on_screen(pilot, ContactFormScreen)
        assert "F1 Hilfe" in screen_text(app)  # the form's key hint names it
        form.query_one("#note", TextArea).focus()
        form.query_one("#note", TextArea).text = "Anruf wegen Termin"
        await pilot.press("f1")  # with the cursor in a text field
        await on_screen(pilot, HelpScreen)
        text = screen_text(app)
        assert "Hilfe – Tasten" in text and "Strg+S" in text and "Speichern" in text
        await pilot.press("f1")  # F1 again closes the help
        await on_screen(pilot, ContactFormScreen)
        assert app.screen is form
        assert form.query_one("#note", TextArea).text == "Anruf wegen Termin"
        # "?" in a text field is typed, not help.
        await pilot.press("question_mark")
        assert app.screen is form
        assert form.query_one("#note", TextArea).text.count("?") == 1


async def test_help_above_a_form_offers_only_keys_that_work_there(app) -> None:  # type: ignore[no-untyped-def]
    from kim_tui.screens.contact_form import ContactFormScreen
    from kim_tui.screens.help import HelpScreen
    from tests.conftest import FIXED_TODAY
    from tests.ui.conftest import row_texts

    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        app.push_screen(ContactFormScreen("c1", FIXED_TODAY))
        await on_screen(pilot, ContactFormScreen)
        await pilot.press("f1")
        await on_screen(pilot, HelpScreen)
        from textual.widgets import DataTable

        keys = [row.split(" | ")[0] for row in row_texts(app.screen.query_one(DataTable))]
        assert {"Strg+S", "Esc", "F1 / ?", "Strg+L", "Strg+Q"} <= set(keys)
        # F2–F5 do nothing inside a dialog, so its help does not offer them.
        assert not {"F2", "F3", "F4", "F5"} & set(keys)


async def test_a_refused_withdrawal_is_said_in_english(ui_vault, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    from kim_tui.app import make_app
    from kim_tui.config import Config
    from kim_tui.i18n import set_language
    from kim_tui.screens.confirm import ConfirmScreen
    from tests.conftest import FIXED_TODAY
    from tests.ui.conftest import notifications

    app = make_app(ui_vault, language="en", config=Config(), today=lambda: FIXED_TODAY)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await unlock_home(pilot)
            (consent,) = app.workspace.client_file(seeded.clients["Nguyen"]).consents
            app.workspace.withdraw_consent(consent.id, FIXED_TODAY)
            await open_from_home(pilot, "nguyen")
            await pilot.press("7", "w")
            await on_screen(pilot, ConfirmScreen)
            assert "Withdraw this consent" in screen_text(app)
            app.screen.query_one("#yes").focus()
            await pilot.press("enter")
            await until(
                pilot, lambda: "This consent has already been withdrawn." in notifications(app)
            )
    finally:
        set_language("de")


async def test_a_goal_without_case_management_consent_asks_for_it_first(app) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Select, Static

    from kim_tui.screens.consent_form import ConsentFormScreen
    from kim_tui.screens.goal_form import GoalFormScreen
    from tests.ui.test_consents import intake_client, open_from_caseload, static_text

    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        client_id, _case_id = intake_client(app.workspace, "Amina", "Yusuf", D(1994, 2, 2))
        await open_from_caseload(pilot, "yusuf")
        await pilot.press("z")
        await on_screen(pilot, ChoiceScreen)
        title = " ".join(static_text(app.screen.query_one(".title", Static)).split())
        assert title == "Ziel vereinbaren: Es fehlt die Einwilligung „Case Management“."
        await pilot.press("escape")  # nothing typed yet, nothing lost
        await on_screen(pilot, ClientFileScreen)
        assert app.workspace.client_file(client_id).agreements == ()
        # Recording the consent goes straight on to the goal form.
        await pilot.press("z")
        await on_screen(pilot, ChoiceScreen)
        await pilot.press("enter")
        await on_screen(pilot, ConsentFormScreen)
        assert app.screen.query_one("#purpose", Select).value == "case_management"
        await pilot.press("ctrl+s")
        await on_screen(pilot, GoalFormScreen)
        assert len(app.workspace.client_file(client_id).consents) == 1


async def test_the_history_shows_what_was_recorded_on_the_client_not_the_case(  # type: ignore[no-untyped-def]
    app, seeded: Seeded
) -> None:
    """A residence paper and a change of master data belong to the client, not to one case:
    the case's Verlauf still says when they were recorded, with the paper's status."""
    from dataclasses import replace

    from kim_tui.domain.model import ResidenceDraft

    client_id = seeded.clients["Nguyen"]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        ws = app.workspace
        ws.add_residence_record(client_id, ResidenceDraft("gestattung", date(2026, 10, 1)))
        client = ws.client_file(client_id).client
        ws.update_client(client_id, replace(client, phone="0211 123456"))
        # Another client's paper stays out of this history.
        ws.add_residence_record(
            seeded.clients["Okafor"], ResidenceDraft("duldung", date(2026, 10, 1))
        )
        screen = await open_from_home(pilot, "nguyen")
        await pilot.press("8")
        rows = table_rows(screen, "history-table")
        assert sum("| Aufenthaltsstatus erfasst | Gestattung" in r for r in rows) == 1
        assert sum("| Stammdaten geändert |" in r for r in rows) == 1
        assert not any("Duldung" in r for r in rows)
