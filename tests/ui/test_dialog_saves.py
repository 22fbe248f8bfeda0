"""Typed input is never lost on a refused write (issue 11 § 7), for the dialogs beyond the
record forms of `test_form_saves`: household (N, H, O, A), the phase by hand, the merge, the
erasure request, consents, the reason to share without consent, the goal status, printouts
(goal agreement, consent form, Art. 15 copy), the handover, the stand-in, the retention
setting, the reminder lead time, the print folder and the household from intake. Each writes
while it is open: a full disk (`OSError(ENOSPC)` from the service) keeps the dialog with what
was chosen or typed and says why under it; once space is free, the same key saves and closes
it."""

from __future__ import annotations

import errno
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Input, OptionList, Select, TextArea

from kim_tui.app import KimApp
from kim_tui.domain.model import ClientDraft, IntakeDraft, ReferralDraft
from kim_tui.screens.choice import ChoiceScreen
from kim_tui.screens.client_file import ClientFileScreen
from kim_tui.screens.client_file_phase import PhaseReasonScreen
from kim_tui.screens.confirm import ConfirmScreen
from kim_tui.screens.consent_form import ConsentFormScreen
from kim_tui.screens.form import field_values
from kim_tui.screens.household_from_intake import HouseholdFromIntakeScreen
from kim_tui.screens.household_link_form import HouseholdLinkScreen
from kim_tui.screens.household_member_form import HouseholdMemberFormScreen
from kim_tui.screens.intake import IntakeScreen
from kim_tui.screens.merge_form import MergeFormScreen
from kim_tui.screens.reason_prompt import ReasonPromptScreen
from kim_tui.screens.referral_form import ReferralFormScreen
from kim_tui.screens.text_prompt import TextPromptScreen
from kim_tui.service.workspace import Workspace
from tests.conftest import FIXED_TODAY
from tests.ui.conftest import (
    new_app,
    notifications,
    on_screen,
    screen_text,
    type_text,
    unlock_home,
    until,
)
from tests.ui.test_case_file import open_from_home

SIZE = (130, 45)
FULL = "kein Platz mehr auf dem Datenträger"


def _disk_full(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "vault.db")


def _held(dialog: Screen[object]) -> dict[str, object]:
    """What the dialog holds: every field, and the highlighted line of a list of options."""
    held = field_values(dialog)
    for index, options in enumerate(dialog.query(OptionList)):
        held[f"options-{index}"] = options.highlighted
    return held


def _workspace(pilot: Pilot) -> Workspace:
    app = pilot.app
    assert isinstance(app, KimApp)
    return app.workspace


def _client_id(pilot: Pilot, name: str) -> str:
    return _workspace(pilot).caseload(name, limit=1, with_total=False).items[0].client_id


async def _answer(pilot: Pilot, text: str) -> None:
    """The one-line prompt on top: its text replaced by `text`."""
    await on_screen(pilot, TextPromptScreen)
    pilot.app.screen.query_one("#answer", Input).value = text
    await pilot.pause()


async def _new_screen(pilot: Pilot, kind: type[Screen[object]], before: Screen[object]) -> None:
    """Wait for a dialog of `kind` that is not `before` (two prompts of one type in a row)."""
    await until(
        pilot, lambda: isinstance(pilot.app.screen, kind) and pilot.app.screen is not before
    )


@dataclass(frozen=True)
class Dialog:
    """One dialog: how to reach and fill it, which write meets the full disk, what is said."""

    reach: Callable[[Pilot, Path], Awaitable[None]]
    dialog: type[Screen[object]]
    write: str
    """The `Workspace` method that fails."""
    done: str
    """Part of the message once it is saved."""
    key: str = "enter"
    prepare: Callable[[Path, Path], None] | None = None
    """What the vault needs before the app starts (vault dir, temp dir)."""


async def _household_new(pilot: Pilot, _tmp: Path) -> None:
    await open_from_home(pilot, "nguyen")
    await pilot.press("N")
    await on_screen(pilot, HouseholdMemberFormScreen)
    await type_text(pilot, "Minh", "given_name")
    await type_text(pilot, "01.02.2018", "birth_date")


async def _household_link(pilot: Pilot, _tmp: Path) -> None:
    await open_from_home(pilot, "nguyen")
    await pilot.press("H")
    await on_screen(pilot, HouseholdLinkScreen)
    await type_text(pilot, "Okafor", "member")
    await pilot.press("down", "enter")  # the one match; the role is next


async def _with_member(pilot: Pilot) -> None:
    """Nguyen's file with Okafor linked as spouse, the member highlighted."""
    _workspace(pilot).link_household_member(
        _client_id(pilot, "Nguyen"), _client_id(pilot, "Okafor"), "spouse"
    )
    await open_from_home(pilot, "nguyen")
    await pilot.press("9")


async def _household_role(pilot: Pilot, _tmp: Path) -> None:
    await _with_member(pilot)
    await pilot.press("O")
    await on_screen(pilot, ChoiceScreen)
    await pilot.press("down")


async def _household_leave(pilot: Pilot, _tmp: Path) -> None:
    await _with_member(pilot)
    await pilot.press("A")
    await _answer(pilot, "Ist zum 1.12. ausgezogen")


async def _phase(pilot: Pilot, _tmp: Path) -> None:
    await open_from_home(pilot, "kowalski")
    await pilot.press("h")
    await on_screen(pilot, ChoiceScreen)
    await pilot.press("down", "down", "down", "down", "enter")
    await on_screen(pilot, PhaseReasonScreen)
    await _answer(pilot, "Begleitung läuft über die Schule")


async def _merge(pilot: Pilot, _tmp: Path) -> None:
    survivor = _client_id(pilot, "Yılmaz")
    _workspace(pilot).intake(
        IntakeDraft(ClientDraft("Sukru", "Yilmaz", date(1988, 1, 7), phone="0176 555"), FIXED_TODAY)
    )
    await pilot.app.push_screen(ClientFileScreen(survivor))
    await on_screen(pilot, ClientFileScreen)
    await pilot.press("m")
    await on_screen(pilot, ChoiceScreen)
    await pilot.press("enter")
    await on_screen(pilot, MergeFormScreen)
    await pilot.press("down", "down", "down", "space")  # the other file's phone


async def _erase(pilot: Pilot, _tmp: Path) -> None:
    await open_from_home(pilot, "kowalski")
    await pilot.press("L")
    await on_screen(pilot, ConfirmScreen)
    await pilot.press("tab", "enter")
    await _answer(pilot, "Antrag vom 20.11.2026")


async def _consent_add(pilot: Pilot, _tmp: Path) -> None:
    await open_from_home(pilot, "nguyen")
    await pilot.press("c")
    await on_screen(pilot, ConsentFormScreen)
    form = pilot.app.screen
    await pilot.pause()
    form.query_one("#purpose", Select).value = "share_agency"
    await pilot.pause()
    form.query_one("#agency", Select).value = "jobcenter"
    await type_text(pilot, "Name, Geburtsdatum, Bescheide", "scope")


async def _consent_renew(pilot: Pilot, _tmp: Path) -> None:
    await open_from_home(pilot, "nguyen")
    await pilot.press("7", "C")
    await on_screen(pilot, ConsentFormScreen)
    await pilot.pause()
    await type_text(pilot, "Alle Unterlagen zum Aufenthalt", "scope")


async def _share_without_consent(pilot: Pilot, _tmp: Path) -> None:
    await open_from_home(pilot, "nguyen")
    await pilot.press("v")
    await on_screen(pilot, ReferralFormScreen)
    form = pilot.app.screen
    await pilot.pause()
    form.query_one("#agency", Select).value = "jobcenter"
    form.query_one("#legal_domain", Select).value = "sgb2"
    form.query_one("#identifying", Checkbox).value = True
    await type_text(pilot, "Antrag Bürgergeld", "reason")
    await pilot.press("ctrl+s")
    await on_screen(pilot, ChoiceScreen)
    await pilot.press("down", "enter")  # share with a reason
    await _answer(pilot, "Frist läuft morgen ab, Einwilligung folgt schriftlich")


async def _referral_correction_without_consent(pilot: Pilot, _tmp: Path) -> None:
    case_id = _workspace(pilot).client_file(_client_id(pilot, "Kowalski")).case_id
    _workspace(pilot).add_referral(
        ReferralDraft(
            case_id,
            "jobcenter",
            "sgb2",
            "Antrag Bürgergeld",
            FIXED_TODAY,
            passes_identifying_data=False,
        )
    )
    await open_from_home(pilot, "kowalski")
    await pilot.press("4", "e")
    await on_screen(pilot, ReferralFormScreen)
    form = pilot.app.screen
    await until(pilot, lambda: form.query_one("#reason", Input).value == "Antrag Bürgergeld")
    form.query_one("#identifying", Checkbox).value = True
    await pilot.press("ctrl+s")
    await on_screen(pilot, ReasonPromptScreen)
    await _answer(pilot, "Frist läuft morgen ab, Einwilligung folgt schriftlich")


async def _goal_status(pilot: Pilot, _tmp: Path) -> None:
    screen = await open_from_home(pilot, "kowalski")
    await pilot.press("3")
    table = screen.query_one("#goals-table", DataTable)
    table.focus()
    table.move_cursor(row=0)  # the goal (its step is the next row)
    await pilot.press("u")
    await on_screen(pilot, ChoiceScreen)
    await pilot.press("down")


async def _print(pilot: Pilot, tmp: Path) -> None:
    await open_from_home(pilot, "kowalski")
    await pilot.press("p")
    await _answer(pilot, str(tmp / "zielvereinbarung.pdf"))


async def _consent_print(pilot: Pilot, tmp: Path) -> None:
    await open_from_home(pilot, "nguyen")
    await pilot.press("7", "i")
    await _answer(pilot, str(tmp / "einwilligung.pdf"))


async def _subject_access(pilot: Pilot, tmp: Path) -> None:
    await open_from_home(pilot, "nguyen")
    await pilot.press("x")
    await _answer(pilot, str(tmp))


def _colleagues(vault_dir: Path, tmp: Path) -> None:
    from tests.ui.test_stand_in import _team

    _team(vault_dir, tmp / "ben")


async def _hand_over(pilot: Pilot, tmp: Path) -> None:
    await open_from_home(pilot, "kowalski")
    await pilot.press("U")
    await on_screen(pilot, ChoiceScreen)
    await pilot.press("enter")
    await _answer(pilot, str(tmp))
    first = pilot.app.screen
    await pilot.press("enter")
    # No consent for DRK: the reason, in a second prompt.
    await _new_screen(pilot, TextPromptScreen, first)
    await _answer(pilot, "Herr Kowalski zieht um; Übergabe mit ihm besprochen")


async def _stand_in(pilot: Pilot, tmp: Path) -> None:
    await pilot.press("V")
    await on_screen(pilot, ChoiceScreen)
    await pilot.press("enter")
    await _answer(pilot, (FIXED_TODAY + timedelta(days=14)).strftime("%d.%m.%Y"))
    await pilot.press("enter")
    await on_screen(pilot, ChoiceScreen)
    await pilot.press("enter")
    await _answer(pilot, str(tmp / "vertretung.kimh"))


async def _retention(pilot: Pilot, _tmp: Path) -> None:
    await pilot.app.run_action("retention")
    await _answer(pilot, "12")


async def _reminder_weeks(pilot: Pilot, _tmp: Path) -> None:
    await pilot.app.run_action("reminder_weeks")
    await _answer(pilot, "3")


async def _print_folder(pilot: Pilot, tmp: Path) -> None:
    await pilot.app.run_action("print_folder")
    await _answer(pilot, str(tmp))


async def _household_from_intake(pilot: Pilot, _tmp: Path) -> None:
    await pilot.press("f4")
    await on_screen(pilot, IntakeScreen)
    form = pilot.app.screen
    await type_text(pilot, "Samir", "given_name")
    await type_text(pilot, "Haddad", "family_name")
    await type_text(pilot, "02.03.1985", "birth_date")
    form.query_one("#household", TextArea).load_text("Omar; Sohn; 01.05.2014\nNour; Tochter")
    await pilot.press("ctrl+s")
    await on_screen(pilot, HouseholdFromIntakeScreen)
    await pilot.press("down", "space")  # not Nour, this time


DIALOGS = {
    "household-new": Dialog(
        _household_new,
        HouseholdMemberFormScreen,
        "add_household_member",
        "Haushaltsmitglied mit eigener Akte angelegt.",
        key="ctrl+s",
    ),
    "household-link": Dialog(
        _household_link,
        HouseholdLinkScreen,
        "link_household_member",
        "In den Haushalt aufgenommen.",
        key="ctrl+s",
    ),
    "household-role": Dialog(
        _household_role, ChoiceScreen, "set_household_role", "Rolle korrigiert"
    ),
    "household-leave": Dialog(
        _household_leave, TextPromptScreen, "leave_household", "Aus dem Haushalt ausgetreten."
    ),
    "phase": Dialog(_phase, PhaseReasonScreen, "set_phase_by_hand", "Phase von Hand gesetzt"),
    "merge": Dialog(
        _merge, MergeFormScreen, "merge_clients", "Akten zusammengeführt.", key="ctrl+s"
    ),
    "erase": Dialog(_erase, TextPromptScreen, "erase_client", "Gelöscht:"),
    "consent-add": Dialog(
        _consent_add, ConsentFormScreen, "add_consent", "Einwilligung erfasst.", key="ctrl+s"
    ),
    "consent-renew": Dialog(
        _consent_renew,
        ConsentFormScreen,
        "renew_consent",
        "Einwilligung erneuert.",
        key="ctrl+s",
    ),
    "share-without-consent": Dialog(
        _share_without_consent, TextPromptScreen, "add_referral", "Vermittlung gespeichert."
    ),
    "referral-correction-without-consent": Dialog(
        _referral_correction_without_consent,
        ReasonPromptScreen,
        "correct_referral",
        "Korrektur gespeichert.",
    ),
    "goal-status": Dialog(_goal_status, ChoiceScreen, "set_goal_status", "Zielstatus geändert."),
    "print": Dialog(_print, TextPromptScreen, "print_goal_agreement", "PDF geschrieben."),
    "consent-print": Dialog(
        _consent_print, TextPromptScreen, "print_consent_form", "PDF geschrieben"
    ),
    "subject-access": Dialog(
        _subject_access, TextPromptScreen, "write_subject_access", "Auskunft geschrieben"
    ),
    "hand-over": Dialog(
        _hand_over,
        TextPromptScreen,
        "hand_over",
        "Übergabedatei für Ben Berger geschrieben",
        prepare=_colleagues,
    ),
    "stand-in": Dialog(
        _stand_in, TextPromptScreen, "send_stand_in", "Vertretung bis", prepare=_colleagues
    ),
    "retention": Dialog(_retention, TextPromptScreen, "set_retention_years", "Aufbewahrung:"),
    "reminder-weeks": Dialog(
        _reminder_weeks,
        TextPromptScreen,
        "set_residence_reminder_weeks",
        "Erinnerung 3 Wochen vor Ablauf",
    ),
    "print-folder": Dialog(
        _print_folder, TextPromptScreen, "set_print_folder", "Ausdrucke und PDFs enthalten"
    ),
    "household-from-intake": Dialog(
        _household_from_intake,
        HouseholdFromIntakeScreen,
        "add_household_member",
        "1 Haushaltsmitglied(er) mit eigener Akte angelegt.",
        key="ctrl+s",
    ),
}


@pytest.mark.parametrize("kind", list(DIALOGS))
async def test_a_dialog_the_disk_refuses_stays_open_with_its_input(
    kind: str, ui_vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = DIALOGS[kind]
    if case.prepare is not None:
        case.prepare(ui_vault, tmp_path)
    app = new_app(ui_vault)
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        await case.reach(pilot, tmp_path)
        await on_screen(pilot, case.dialog)
        dialog = app.screen
        await pilot.pause()
        held = _held(dialog)
        monkeypatch.setattr(Workspace, case.write, _disk_full)

        await pilot.press(case.key)
        # A printout is written off the UI thread: its refusal comes a moment later.
        error = dialog.query_one("#form-error")
        await until(pilot, lambda: FULL in str(error.render()))

        assert app.is_running and app.screen is dialog
        assert _held(dialog) == held
        assert not any(case.done in n for n in notifications(app))
        # Space freed: the same key saves what was typed, and the dialog closes.
        monkeypatch.undo()
        await pilot.press(case.key)
        await until(
            pilot,
            lambda: (
                dialog not in app.screen_stack and any(case.done in n for n in notifications(app))
            ),
        )
        assert FULL not in screen_text(app)
