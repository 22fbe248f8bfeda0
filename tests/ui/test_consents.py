"""Consents in the app: intake ticks nothing in advance, a missing case-management consent is
marked in the file header and the caseload (also at 80x24), a consent is recorded from the
file (an oral one only with a witness), and a referral without a sharing consent offers to
record it and then goes on."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Select, Static

from kim_tui.domain.model import ConsentForm, ConsentPurpose
from kim_tui.screens.caseload import CaseloadScreen
from kim_tui.screens.choice import ChoiceScreen
from kim_tui.screens.client_file import ClientFileScreen
from kim_tui.screens.consent_form import ConsentFormScreen
from kim_tui.screens.intake import IntakeScreen
from kim_tui.screens.referral_form import ReferralFormScreen
from tests.builders import intake_client
from tests.ui.conftest import (
    notifications,
    on_screen,
    row_texts,
    screen_text,
    type_text,
    unlock_home,
    until,
)
from tests.ui.test_case_file import choose, open_from_caseload, saved, static_text, table_rows

MISSING = "Keine Einwilligung Case Management"


def header_text(screen: ClientFileScreen) -> str:
    return static_text(screen.query_one("#file-header", Static))


async def caseload_names(pilot) -> list[str]:  # type: ignore[no-untyped-def]
    await pilot.press("f3")
    await on_screen(pilot, CaseloadScreen)
    table = pilot.app.screen.query_one(DataTable)
    await until(pilot, lambda: table.row_count > 0)
    return [r.split(" | ")[0] for r in row_texts(table)]


async def test_intake_with_nothing_ticked_stores_no_consent(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await pilot.press("f4")
        await on_screen(pilot, IntakeScreen)
        await pilot.press(*"Amina", "tab")
        await type_text(pilot, "Yusuf")
        await type_text(pilot, "02.02.1994", "birth_date")
        await pilot.press("ctrl+s")
        await on_screen(pilot, ClientFileScreen)
        screen = app.screen
        assert app.workspace.client_file(screen.client_id).consents == ()
        assert MISSING in header_text(screen)


async def test_marker_in_caseload_and_header_until_a_consent_is_recorded(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock_home(pilot)
        intake_client(app.workspace, "Amina", "Yusuf", date(1994, 2, 2))
        names = await caseload_names(pilot)
        # At 80x24 the marker leads the name; the seeded clients all have a consent.
        assert "! Yusuf, Amina" in names
        assert "Müller, Hans" in names
        screen = await open_from_caseload(pilot, "yusuf")
        assert MISSING in screen_text(app)
        # `c` records one; nothing in the form is preset as given.
        await pilot.press("c")
        await on_screen(pilot, ConsentFormScreen)
        form = app.screen
        assert form.query_one("#purpose", Select).value is Select.NULL  # nothing preset
        await choose(pilot, "purpose", "Case")
        assert form.query_one("#purpose", Select).value == ConsentPurpose.CASE_MANAGEMENT.value
        await pilot.press("ctrl+s")
        await saved(pilot, "Einwilligung erfasst.")
        assert MISSING not in header_text(screen)
        (consent,) = app.workspace.client_file(screen.client_id).consents
        assert (consent.purpose, consent.form) == (
            ConsentPurpose.CASE_MANAGEMENT,
            ConsentForm.WRITTEN,
        )
        assert "! Yusuf, Amina" not in await caseload_names(pilot)


async def test_an_oral_consent_requires_a_witness(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        intake_client(app.workspace, "Amina", "Yusuf", date(1994, 2, 2))
        screen = await open_from_caseload(pilot, "yusuf")
        await pilot.press("c")
        await on_screen(pilot, ConsentFormScreen)
        form = app.screen
        # The Art. 9 tick reads without colour: an empty box until it is ticked.
        assert "▐ ▌ umfasst besondere Kategorien" in screen_text(app)
        form.query_one("#special_categories").focus()
        await pilot.press("space")
        assert "▐X▌ umfasst besondere Kategorien" in screen_text(app)
        await pilot.press("space")
        assert "▐ ▌ umfasst besondere Kategorien" in screen_text(app)
        await choose(pilot, "purpose", "Case")
        form.query_one("#form", Select).value = "oral"
        await type_text(pilot, "nur Gespräche mit dem Jobcenter", "scope")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # not saved, nothing typed lost
        error = static_text(form.query_one("#form-error", Static))
        assert "Zeugin oder einen Zeugen" in error
        assert form.query_one("#witness").has_focus
        await type_text(pilot, "Frau Demir", "witness")
        await pilot.press("ctrl+s")
        await saved(pilot, "Einwilligung erfasst.")
        (consent,) = app.workspace.client_file(screen.client_id).consents
        assert (consent.form, consent.witness, consent.scope) == (
            ConsentForm.ORAL,
            "Frau Demir",
            "nur Gespräche mit dem Jobcenter",
        )
        await pilot.press("7")
        (row,) = table_rows(screen, "consent-table")
        assert "mündlich (Frau Demir)" in row and "| gilt |" in row


async def test_referral_without_consent_offers_to_record_it_then_saves(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        intake_client(app.workspace, "Amina", "Yusuf", date(1994, 2, 2))
        screen = await open_from_caseload(pilot, "yusuf")
        await pilot.press("v")
        await on_screen(pilot, ReferralFormScreen)
        await choose(pilot, "agency", "Jobc")
        await type_text(pilot, "Leistungsanspruch klären", "reason")
        await pilot.press("ctrl+s")
        await on_screen(pilot, ChoiceScreen)
        text = " ".join(screen_text(app).split())
        assert "Es fehlt die Einwilligung „Weitergabe an eine Stelle“ für" in text
        assert "Einwilligung jetzt erfassen, dann speichern" in text
        await pilot.press("enter")  # the first option: record it
        await on_screen(pilot, ConsentFormScreen)
        form = app.screen
        assert form.query_one("#purpose", Select).value == "share_agency"
        assert form.query_one("#agency", Select).value == "jobcenter"
        await type_text(pilot, "Name, Geburtsdatum, Bescheide", "scope")
        await pilot.press("ctrl+s")
        await saved(pilot, "Vermittlung gespeichert.")
        file = app.workspace.client_file(screen.client_id)
        (referral,) = file.referrals
        assert referral.agency == "jobcenter" and referral.override_reason == ""
        (consent,) = file.consents
        assert (consent.purpose, consent.agency, consent.scope) == (
            ConsentPurpose.SHARE_AGENCY,
            "jobcenter",
            "Name, Geburtsdatum, Bescheide",
        )
        assert "Einwilligung erfasst." in notifications(app)


async def test_printing_the_agreement_without_consent_says_what_is_missing(app) -> None:  # type: ignore[no-untyped-def]
    from kim_tui.domain.model import GoalAgreementDraft, GoalDraft
    from kim_tui.screens.text_prompt import TextPromptScreen

    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        ws = app.workspace
        _client_id, case_id = intake_client(ws, "Amina", "Yusuf", date(1994, 2, 2))
        ws.add_goal_agreement(
            GoalAgreementDraft(
                case_id, date(2026, 11, 20), None, (GoalDraft("work", "Arbeit finden"),)
            )
        )
        await open_from_caseload(pilot, "yusuf")
        await pilot.press("p")
        await on_screen(pilot, ChoiceScreen)
        title = " ".join(static_text(app.screen.query_one(".title", Static)).split())
        assert title == "Zielvereinbarung drucken: Es fehlt die Einwilligung „Case Management“."
        await pilot.press("escape")
        await on_screen(pilot, ClientFileScreen)
        # Recording it goes straight on to the print dialog.
        await pilot.press("p")
        await on_screen(pilot, ChoiceScreen)
        await pilot.press("enter")
        await on_screen(pilot, ConsentFormScreen)
        assert app.screen.query_one("#purpose", Select).value == "case_management"
        await pilot.press("ctrl+s")
        await on_screen(pilot, TextPromptScreen)
        assert "Zielvereinbarung drucken" in screen_text(app)
