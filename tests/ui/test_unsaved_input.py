"""Typed input is never lost: every form that holds input asks before it closes (save, discard,
keep editing) on Esc, Ctrl+Q and the F-keys; a second F4 goes back to the open intake."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Select, TextArea

from kim_tui.actions import KimView
from kim_tui.app import KimApp
from kim_tui.domain.model import (
    DueGroup,
    FollowUpSource,
    FollowUpView,
    ReferralView,
    ResidenceFactsDraft,
)
from kim_tui.screens.assessment_form import AssessmentFormScreen
from kim_tui.screens.caseload import CaseloadScreen
from kim_tui.screens.choice import ChoiceScreen
from kim_tui.screens.client_file import ClientFileScreen
from kim_tui.screens.closure_form import ClosureFormScreen
from kim_tui.screens.contact_form import ContactFormScreen
from kim_tui.screens.facts_form import FactsFormScreen
from kim_tui.screens.follow_up_done import FollowUpDoneScreen
from kim_tui.screens.follow_up_form import FollowUpFormScreen
from kim_tui.screens.follow_ups import FollowUpsScreen
from kim_tui.screens.goal_form import GoalFormScreen
from kim_tui.screens.intake import IntakeScreen
from kim_tui.screens.referral_form import ReferralFormScreen
from kim_tui.screens.referral_outcome import ReferralOutcomeScreen
from kim_tui.screens.residence_form import ResidenceFormScreen
from kim_tui.screens.snooze import SnoozeScreen
from kim_tui.screens.text_prompt import TextPromptScreen
from kim_tui.screens.themes_form import ThemesFormScreen
from kim_tui.screens.unlock import UnlockScreen
from kim_tui.screens.unsaved_input import UnsavedInputScreen
from kim_tui.service.workspace import Workspace
from kim_tui.store.vault import Vault
from kim_tui.widgets.passphrase_input import PassphraseInput
from tests.conftest import FIXED_TODAY, PASSPHRASE
from tests.ui.conftest import Seeded, on_screen, type_text, unlock_home, until

TYPED = "Termin beim Jobcenter"

ITEM = FollowUpView(
    "f1",
    "c1",
    "k1",
    "Müller, Hans",
    FollowUpSource.MANUAL,
    "Jobcenter anrufen",
    FIXED_TODAY,
    FIXED_TODAY,
    DueGroup.TODAY,
)
REFERRAL = ReferralView(
    "r1", "jobcenter", "sgb2", "Antrag", FIXED_TODAY, None, "open", "", None, False, ""
)


async def _type_into(pilot: Pilot, field: str) -> None:
    await type_text(pilot, TYPED, field)


async def _note(pilot: Pilot, field: str) -> None:
    pilot.app.screen.query_one(f"#{field}", TextArea).insert(TYPED)
    await pilot.pause()


async def _snooze_date(pilot: Pilot, field: str) -> None:
    await pilot.press("4")  # "pick a date" shows the date field
    await type_text(pilot, "30.11.2026", field)


async def _situation(pilot: Pilot, field: str) -> None:
    await pilot.press("e")  # edit the highlighted area's situation
    await type_text(pilot, TYPED, field)
    await pilot.press("enter")


@dataclass(frozen=True)
class FormCase:
    """How to open one form and type into one of its fields."""

    make: Callable[[], Screen[object]]
    field: str
    fill: Callable[[Pilot, str], Awaitable[None]] = _type_into

    def typed(self, form: Screen[object]) -> bool:
        """Whether what was typed is still there."""
        if isinstance(form, AssessmentFormScreen):
            return TYPED in form.situation.values()
        if isinstance(form, SnoozeScreen):
            return form.query_one(f"#{self.field}", Input).value == "30.11.2026"
        widget = form.query_one(f"#{self.field}")
        text = (
            widget.text
            if isinstance(widget, TextArea)
            else form.query_one(f"#{self.field}", Input).value
        )
        return TYPED in text


FORMS = {
    "assessment": FormCase(
        lambda: AssessmentFormScreen("c1", FIXED_TODAY, None), "edit-text", _situation
    ),
    "goal": FormCase(
        lambda: GoalFormScreen(FIXED_TODAY, new_agreement=True, suggested_area=None), "title"
    ),
    "contact": FormCase(lambda: ContactFormScreen("c1", FIXED_TODAY), "note", _note),
    "follow_up": FormCase(
        lambda: FollowUpFormScreen(client_id=None, client_name="", case_id=None), "reason"
    ),
    "follow_up_done": FormCase(lambda: FollowUpDoneScreen(ITEM), "note"),
    "snooze": FormCase(lambda: SnoozeScreen(ITEM, FIXED_TODAY), "date-input", _snooze_date),
    "referral": FormCase(lambda: ReferralFormScreen("c1", FIXED_TODAY), "reason"),
    "referral_outcome": FormCase(lambda: ReferralOutcomeScreen(REFERRAL, FIXED_TODAY), "outcome"),
    "residence": FormCase(lambda: ResidenceFormScreen(FIXED_TODAY), "legal_basis"),
    "facts": FormCase(lambda: FactsFormScreen(ResidenceFactsDraft(), FIXED_TODAY), "entry_on"),
    "themes": FormCase(lambda: ThemesFormScreen(()), "free"),
    "closure": FormCase(lambda: ClosureFormScreen("c1", FIXED_TODAY, ()), "closed_on"),
    "text_prompt": FormCase(lambda: TextPromptScreen("Frage", "Bitte antworten"), "answer"),
    "intake": FormCase(IntakeScreen, "family_name"),
}


async def _open_filled(pilot: Pilot, case: FormCase, closed: list[object]) -> Screen[object]:
    app = pilot.app
    form = case.make()
    app.push_screen(form, closed.append)
    await until(pilot, lambda: app.screen is form and getattr(form, "_initial", None) is not None)
    assert isinstance(form, KimView) and not form.holds_input()
    await case.fill(pilot, case.field)
    assert form.holds_input()
    return form


@pytest.mark.parametrize("name", FORMS)
async def test_esc_on_a_filled_form_asks_and_keeps_or_discards(app: KimApp, name: str) -> None:
    case = FORMS[name]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        closed: list[object] = []
        form = await _open_filled(pilot, case, closed)
        await pilot.press("escape")
        await on_screen(pilot, UnsavedInputScreen)
        # Esc in the question (or "keep editing") goes back with the text as it was.
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is form)
        assert case.typed(form) and not closed
        await pilot.press("escape")
        await on_screen(pilot, UnsavedInputScreen)
        await pilot.click("#keep")
        await until(pilot, lambda: app.screen is form)
        assert case.typed(form) and not closed
        # "Discard" closes the form with nothing.
        await pilot.press("escape")
        await on_screen(pilot, UnsavedInputScreen)
        await pilot.click("#discard")
        await until(pilot, lambda: closed == [None])
        assert isinstance(app.screen, FollowUpsScreen)


@pytest.mark.parametrize("name", FORMS)
async def test_ctrl_q_with_a_filled_form_asks_first(app: KimApp, name: str) -> None:
    case = FORMS[name]
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        closed: list[object] = []
        form = await _open_filled(pilot, case, closed)
        await pilot.press("ctrl+q")
        await on_screen(pilot, UnsavedInputScreen)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is form)
        assert case.typed(form) and app.is_running and not closed
        # An F-key never closes the form behind the coach's back: a dialog keeps it (its
        # keys are the dialog's), the intake asks (test_a_second_f4_goes_back_…).
        await pilot.press("f2")
        await pilot.pause()
        if isinstance(form, IntakeScreen):
            await on_screen(pilot, UnsavedInputScreen)
            await pilot.click("#keep")
        await until(pilot, lambda: app.screen is form)
        assert case.typed(form) and not closed
        await pilot.press("ctrl+q")
        await on_screen(pilot, UnsavedInputScreen)
        await pilot.click("#discard")
        await until(pilot, lambda: not app.is_running)


async def test_ctrl_q_without_input_quits_at_once(app: KimApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        app.push_screen(ContactFormScreen("c1", FIXED_TODAY))
        await on_screen(pilot, ContactFormScreen)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not app.is_running)


async def test_save_in_the_question_saves_the_contact(
    app: KimApp, seeded: Seeded, ui_vault: Path
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        app.push_screen(ClientFileScreen(seeded.clients["Nguyen"]))
        await on_screen(pilot, ClientFileScreen)
        await pilot.press("k")
        await on_screen(pilot, ContactFormScreen)
        await _note(pilot, "note")
        await pilot.press("escape")
        await on_screen(pilot, UnsavedInputScreen)
        await pilot.click("#save")
        await on_screen(pilot, ClientFileScreen)
        contacts = app.workspace.client_file(seeded.clients["Nguyen"]).contacts
        assert [c.note for c in contacts] == [TYPED]
        # Ctrl+Q, "save": the contact is saved first, then the app quits.
        await pilot.press("k")
        await on_screen(pilot, ContactFormScreen)
        await _note(pilot, "note")
        await pilot.press("ctrl+q")
        await on_screen(pilot, UnsavedInputScreen)
        await pilot.click("#save")
        await until(pilot, lambda: not app.is_running)
    with Vault.open(ui_vault, PASSPHRASE) as vault:
        ws = Workspace(vault, today=lambda: FIXED_TODAY)
        assert [c.note for c in ws.client_file(seeded.clients["Nguyen"]).contacts] == [TYPED] * 2
        ws.close()


async def test_save_in_the_question_keeps_an_invalid_form_open(app: KimApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        closed: list[object] = []
        form = await _open_filled(pilot, FORMS["contact"], closed)
        form.query_one("#on", Input).value = "31.02.2026"
        await pilot.press("ctrl+q")
        await on_screen(pilot, UnsavedInputScreen)
        await pilot.click("#save")
        # Not a date: the form stays, says why, and the app does not quit.
        await until(pilot, lambda: app.screen is form)
        assert app.is_running and not closed
        assert "31.02.2026" in str(form.query_one("#form-error").render())


async def test_the_idle_lock_keeps_typed_input(app: KimApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        closed: list[object] = []
        form = await _open_filled(pilot, FORMS["goal"], closed)
        await pilot.press("ctrl+l")
        await on_screen(pilot, UnlockScreen)
        app.screen.query_one("#passphrase", PassphraseInput).type_text(PASSPHRASE)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is form)
        assert FORMS["goal"].typed(form) and not closed


async def test_a_second_f4_goes_back_to_the_open_intake(app: KimApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await pilot.press("f4")
        await on_screen(pilot, IntakeScreen)
        intake = app.screen
        await type_text(pilot, "Ivanova", "family_name")
        await pilot.press("f4")
        await pilot.pause()
        assert app.screen is intake
        # From the caseload (stacked above the intake), F4 goes back to it with its input.
        await pilot.press("f3")
        await on_screen(pilot, CaseloadScreen)
        await pilot.press("f4")
        await until(pilot, lambda: app.screen is intake)
        assert sum(isinstance(s, IntakeScreen) for s in app.screen_stack) == 1
        assert intake.query_one("#family_name", Input).value == "Ivanova"
        # F2 closes the intake on the way to the follow-ups: asked first.
        await pilot.press("f2")
        await on_screen(pilot, UnsavedInputScreen)
        await pilot.click("#discard")
        await on_screen(pilot, FollowUpsScreen)
        assert not any(isinstance(s, IntakeScreen) for s in app.screen_stack)


async def test_f_keys_do_not_stack_main_screens(app: KimApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        for key in ("f3", "f2", "f3", "f5", "f3", "f2"):
            await pilot.press(key)
            await pilot.pause()
        kinds = [type(s).__name__ for s in app.screen_stack]
        assert len(kinds) == len(set(kinds)), kinds


async def _to_override_reason(pilot: Pilot) -> None:
    """Save the referral form and choose "share without consent" in the consent question."""
    await pilot.press("ctrl+s")
    await on_screen(pilot, ChoiceScreen)
    await pilot.press("down", "enter")
    await on_screen(pilot, TextPromptScreen)


async def test_consent_override_esc_returns_to_the_referral(app: KimApp, seeded: Seeded) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        app.push_screen(ClientFileScreen(seeded.clients["Nguyen"]))
        await on_screen(pilot, ClientFileScreen)
        await pilot.press("v")
        await on_screen(pilot, ReferralFormScreen)
        form = app.screen
        form.query_one("#agency", Select).value = "jobcenter"
        await pilot.pause()
        await type_text(pilot, TYPED, "reason")
        await pilot.press("ctrl+s")
        await on_screen(pilot, ChoiceScreen)
        await pilot.press("escape")  # Esc in the consent question: back to the form
        await on_screen(pilot, ReferralFormScreen)
        assert app.screen.query_one("#reason", Input).value == TYPED
        await _to_override_reason(pilot)
        await pilot.press("escape")
        # Back in the referral form, everything as typed; Esc there asks first.
        await on_screen(pilot, ReferralFormScreen)
        again = app.screen
        assert again.query_one("#reason", Input).value == TYPED
        assert again.query_one("#agency", Select).value == "jobcenter"
        await _to_override_reason(pilot)
        # A one-word reason is refused with the minimum length, and nothing is saved yet.
        await type_text(pilot, "x", "answer")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TextPromptScreen)
        assert "mindestens 20" in str(app.screen.query_one("#form-error").render())
        # Esc with a typed reason asks; discarding it goes back to the referral as well.
        await pilot.press("escape")
        await on_screen(pilot, UnsavedInputScreen)
        await pilot.press("right", "enter")  # "discard", from the keyboard
        await on_screen(pilot, ReferralFormScreen)
        assert app.screen.query_one("#reason", Input).value == TYPED
        await _to_override_reason(pilot)
        # Ctrl+Q while the referral waits for its reason asks first.
        await pilot.press("ctrl+q")
        await on_screen(pilot, UnsavedInputScreen)
        await pilot.press("escape")
        await on_screen(pilot, TextPromptScreen)
        field = app.screen.query_one("#answer", Input)
        field.value = "Frist läuft heute ab, Klientin mündlich einverstanden"
        await pilot.press("enter")
        await on_screen(pilot, ClientFileScreen)
        referrals = app.workspace.client_file(seeded.clients["Nguyen"]).referrals
        assert [r.reason for r in referrals] == [TYPED]
        assert referrals[0].override_reason.startswith("Frist läuft heute ab")


async def test_esc_while_editing_an_area_text_keeps_it(app: KimApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        form = AssessmentFormScreen("c1", FIXED_TODAY, None)
        app.push_screen(form)
        await on_screen(pilot, AssessmentFormScreen)
        await pilot.press("e")
        await type_text(pilot, TYPED, "edit-text")
        await pilot.press("escape")  # leaves the text field, keeps the text
        await pilot.pause()
        assert form.editing is None and TYPED in form.situation.values()
        assert app.screen is form


async def test_ctrl_q_while_locked_asks_without_offering_save(app: KimApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        closed: list[object] = []
        await _open_filled(pilot, FORMS["contact"], closed)
        await pilot.press("ctrl+l")
        await on_screen(pilot, UnlockScreen)
        await pilot.press("ctrl+q")
        await on_screen(pilot, UnsavedInputScreen)
        # Saving needs the vault: only discard or keep are offered.
        assert not app.screen.query("#save")
        await pilot.press("escape")
        await on_screen(pilot, UnlockScreen)
        assert app.is_running and not closed


@pytest.mark.parametrize("key", ["escape", "ctrl+q"])
async def test_the_erasure_request_never_offers_save(app: KimApp, seeded: Seeded, key: str) -> None:
    """Enter in the request of an erasure erases the client for good: leaving it with typed
    text asks whether to cancel the erasure, with no "Save" that would erase."""
    from kim_tui.screens.confirm import ConfirmScreen
    from tests.ui.conftest import screen_text
    from tests.ui.test_case_file import open_from_home

    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await open_from_home(pilot, "kowalski")
        await pilot.press("L")
        await on_screen(pilot, ConfirmScreen)
        await pilot.press("tab", "enter")
        await on_screen(pilot, TextPromptScreen)
        await type_text(pilot, "Antrag per Mail")
        await pilot.press(key)
        await on_screen(pilot, UnsavedInputScreen)
        assert not app.screen.query("#save")
        assert "Löschen abbrechen?" in screen_text(app)
        await pilot.press("escape")  # keep editing: the request is still there
        await on_screen(pilot, TextPromptScreen)
        assert app.screen.query_one("#answer", Input).value == "Antrag per Mail"
        await pilot.press("escape")
        await on_screen(pilot, UnsavedInputScreen)
        await pilot.press("right", "enter")  # discard: the erasure is cancelled
        await on_screen(pilot, ClientFileScreen)
        assert app.workspace.client_file(seeded.clients["Kowalski"]).client.family_name


async def test_the_palette_does_not_open_over_the_question(app: KimApp) -> None:
    """A command chosen behind the unsaved-input question (lock, quit, another screen) would act
    while the question waits: Ctrl+P says to answer it first."""
    from kim_tui.screens.palette import KimCommandPalette
    from tests.ui.conftest import notifications

    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        closed: list[object] = []
        form = await _open_filled(pilot, FORMS["contact"], closed)
        await pilot.press("escape")
        await on_screen(pilot, UnsavedInputScreen)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, UnsavedInputScreen)
        assert not any(isinstance(s, KimCommandPalette) for s in app.screen_stack)
        assert "Erst die Frage beantworten." in notifications(app)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is form)
        assert FORMS["contact"].typed(form) and not closed
