"""Typed input is never lost on a refused save: every form of the client file and of the
Wiedervorlagen writes before it closes, so a full disk (or a stand-in copy that may not be
changed) keeps the form open with what was typed and the reason under the fields; once the
cause is gone, the same key saves it."""

from __future__ import annotations

import errno
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Input, Select, TextArea

from kim_tui.domain.model import ContactDraft, ReferralDraft
from kim_tui.screens.case_data_form import CaseDataFormScreen
from kim_tui.screens.choice import ChoiceScreen
from kim_tui.screens.client_form import MasterDataFormScreen
from kim_tui.screens.consent_correction import ConsentCorrectionScreen
from kim_tui.screens.contact_form import ContactFormScreen
from kim_tui.screens.facts_form import FactsFormScreen
from kim_tui.screens.follow_up_done import FollowUpDoneScreen
from kim_tui.screens.follow_up_form import FollowUpFormScreen
from kim_tui.screens.follow_ups import FollowUpsScreen
from kim_tui.screens.goal_form import GoalFormScreen
from kim_tui.screens.reason_prompt import DeleteReasonScreen
from kim_tui.screens.referral_form import ReferralFormScreen
from kim_tui.screens.referral_outcome import ReferralOutcomeScreen
from kim_tui.screens.residence_form import ResidenceFormScreen
from kim_tui.screens.snooze import SnoozeScreen
from kim_tui.screens.step_form import StepFormScreen
from kim_tui.screens.themes_form import ThemesFormScreen
from kim_tui.service.workspace import Workspace
from kim_tui.store.errors import StorageError
from kim_tui.store.unit_of_work import UnitOfWork
from tests.conftest import FIXED_TODAY, PASSPHRASE
from tests.ui.conftest import (
    Seeded,
    new_app,
    notifications,
    on_screen,
    unlock_home,
    until,
)
from tests.ui.test_case_file import open_from_home

SIZE = (130, 45)
D = date


def _disk_full(vault_dir: Path) -> Callable[..., None]:
    """Every commit of the unit of work fails as on a full disk (nothing is written)."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise StorageError(vault_dir / "vault.db", errno.ENOSPC)

    return refuse


def _value(form: Screen[object], field: str) -> str:
    widget = form.query_one(f"#{field}")
    if isinstance(widget, TextArea):
        return widget.text
    assert isinstance(widget, Input)
    return widget.value


def _type(form: Screen[object], field: str, text: str) -> None:
    widget = form.query_one(f"#{field}")
    if isinstance(widget, TextArea):
        widget.text = text
    else:
        assert isinstance(widget, Input)
        widget.value = text


async def _choose(pilot: Pilot, index: int) -> None:
    await on_screen(pilot, ChoiceScreen)
    await pilot.press(*(["down"] * index), "enter")


@dataclass(frozen=True)
class FileForm:
    """One form of the client file: how to reach it, which field to type in, what it says."""

    family: str
    open_keys: tuple[str, ...]
    form: type[Screen[object]]
    field: str
    text: str
    done: str
    table: str | None = None
    """The section table to focus before the keys (the entry the form corrects)."""
    row: int = 0
    """The row of that table to highlight."""
    pick: int | None = None
    """The line of the "correct what?" choice, when one comes up."""
    prepare: Callable[[Screen[object]], None] | None = None
    """What else the form needs before it can be saved."""


def _referral_fields(form: Screen[object]) -> None:
    form.query_one("#agency", Select).value = "jobcenter"
    form.query_one("#legal_domain", Select).value = "sgb2"
    form.query_one("#identifying", Checkbox).value = False


REASON = "Unterlagen zum Bürgergeld-Antrag fehlen noch"
FILE_FORMS = {
    "goal": FileForm(
        "kowalski", ("z",), GoalFormScreen, "title", "Deutschkurs B1", "Ziel angelegt."
    ),
    "referral": FileForm(
        "nguyen",
        ("v",),
        ReferralFormScreen,
        "reason",
        REASON,
        "Vermittlung gespeichert.",
        prepare=_referral_fields,
    ),
    "referral-outcome": FileForm(
        "kowalski",
        ("4", "r"),
        ReferralOutcomeScreen,
        "outcome",
        "Termin am 3.12. vereinbart",
        "Rückmeldung gespeichert.",
    ),
    "facts": FileForm(
        "nguyen", ("f",), FactsFormScreen, "pension_months", "24", "Angaben gespeichert."
    ),
    "themes": FileForm(
        "nguyen", ("t",), ThemesFormScreen, "free", "Keine Kita-Plätze", "Themen gespeichert."
    ),
    "master-data": FileForm(
        "nguyen",
        ("1", "e"),
        MasterDataFormScreen,
        "address",
        "Neue Str. 2, 46045 Oberhausen",
        "Korrektur gespeichert.",
        pick=0,
    ),
    "case-data": FileForm(
        "nguyen",
        ("1", "e"),
        CaseDataFormScreen,
        "first_contact_on",
        "02.10.2026",
        "Korrektur gespeichert.",
        pick=1,
    ),
    "consent": FileForm(
        "nguyen",
        ("7", "e"),
        ConsentCorrectionScreen,
        "given_on",
        "02.10.2026",
        "Korrektur gespeichert.",
    ),
    "contact-correction": FileForm(
        "kowalski",
        ("5", "e"),
        ContactFormScreen,
        "note",
        "Anruf wegen Termin beim Jobcenter",
        "Korrektur gespeichert.",
    ),
    "residence-correction": FileForm(
        "müller",
        ("6", "e"),
        ResidenceFormScreen,
        "valid_until",
        "31.07.2027",
        "Korrektur gespeichert.",
        table="residence-table",
    ),
    "referral-correction": FileForm(
        "kowalski",
        ("4", "e"),
        ReferralFormScreen,
        "reason",
        REASON,
        "Korrektur gespeichert.",
    ),
    "goal-correction": FileForm(
        "kowalski",
        ("3", "e"),
        GoalFormScreen,
        "title",
        "Arbeit als Lagerist finden",
        "Korrektur gespeichert.",
        table="goals-table",
    ),
    "step-correction": FileForm(
        "kowalski",
        ("3", "e"),
        StepFormScreen,
        "text",
        "Lebenslauf mit Foto schreiben",
        "Korrektur gespeichert.",
        table="goals-table",
        row=1,
    ),
    "delete": FileForm(
        "müller",
        ("6", "l"),
        DeleteReasonScreen,
        "answer",
        "Falsche Person: gehört zu Anna Mueller.",
        "Eintrag gelöscht; er steht mit dem Grund im Verlauf.",
        table="residence-table",
    ),
}


def _entries(ws: Workspace, seeded: Seeded) -> None:
    """A contact and a referral on Kowalski, for the forms that correct one."""
    case_id = seeded.cases["Kowalski"]
    ws.add_contact(ContactDraft(case_id, D(2026, 11, 3), "phone", 10, "Anruf wegen Termn"))
    ws.add_referral(
        ReferralDraft(
            case_id,
            "jobcenter",
            "sgb2",
            "Antrag Bürgergeld",
            D(2026, 11, 12),
            passes_identifying_data=False,
        )
    )


@pytest.mark.parametrize("kind", list(FILE_FORMS))
async def test_a_file_form_the_disk_refuses_stays_open_with_its_input(
    kind: str, ui_vault: Path, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = FILE_FORMS[kind]
    app = new_app(ui_vault)
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        _entries(app.workspace, seeded)
        screen = await open_from_home(pilot, case.family)
        await pilot.press(case.open_keys[0])
        if case.table is not None:
            table = screen.query_one(f"#{case.table}", DataTable)
            table.focus()
            table.move_cursor(row=case.row)
        await pilot.press(*case.open_keys[1:])
        if case.pick is not None:
            await _choose(pilot, case.pick)
        await on_screen(pilot, case.form)
        form = app.screen
        await pilot.pause()
        if case.prepare is not None:
            case.prepare(form)
        _type(form, case.field, case.text)
        await pilot.pause()
        monkeypatch.setattr(UnitOfWork, "_commit", _disk_full(ui_vault))

        await pilot.press("enter" if isinstance(form, DeleteReasonScreen) else "ctrl+s")
        await pilot.pause()

        assert app.is_running and app.screen is form
        assert "vault.db" in str(form.query_one("#form-error").render())
        assert _value(form, case.field) == case.text
        assert case.done not in notifications(app)
        # Space freed: the same key saves what was typed.
        monkeypatch.undo()
        await pilot.press("enter" if isinstance(form, DeleteReasonScreen) else "ctrl+s")
        await until(
            pilot,
            lambda: app.screen is screen and case.done in notifications(app),
        )


async def _done(pilot: Pilot) -> Screen[object]:
    await pilot.press("x")
    await on_screen(pilot, FollowUpDoneScreen)
    form = pilot.app.screen
    _type(form, "note", "Termin am 1.12. steht")
    return form


async def _snooze(pilot: Pilot) -> Screen[object]:
    await pilot.press("s")
    await on_screen(pilot, SnoozeScreen)
    form = pilot.app.screen
    await pilot.press("4")
    _type(form, "date-input", "15.12.2026")
    return form


async def _new(pilot: Pilot) -> Screen[object]:
    await pilot.press("n")
    await on_screen(pilot, FollowUpFormScreen)
    form = pilot.app.screen
    _type(form, "reason", "Kita-Platz nachfragen")
    _type(form, "due", "10.12.2026")
    return form


async def _correct(pilot: Pilot) -> Screen[object]:
    await pilot.press("e")
    await on_screen(pilot, FollowUpFormScreen)
    form = pilot.app.screen
    await until(pilot, lambda: _value(form, "reason") == "Jobcenter anrufen")
    _type(form, "reason", "Jobcenter zurückrufen")
    return form


async def _delete(pilot: Pilot) -> Screen[object]:
    await pilot.press("l")
    await on_screen(pilot, DeleteReasonScreen)
    form = pilot.app.screen
    _type(form, "answer", "Hat sich mit dem Anruf von heute erledigt.")
    return form


LIST_FORMS: dict[str, tuple[Callable[[Pilot], Awaitable[Screen[object]]], str, str, str]] = {
    "done": (_done, "note", "enter", "Erledigt."),
    "snooze": (_snooze, "date-input", "enter", "Verschoben auf 15.12.2026."),
    "new": (_new, "reason", "ctrl+s", "Wiedervorlage angelegt."),
    "correct": (_correct, "reason", "ctrl+s", "Korrektur gespeichert."),
    "delete": (_delete, "answer", "enter", "Wiedervorlage gelöscht."),
}


@pytest.mark.parametrize("kind", list(LIST_FORMS))
async def test_a_follow_up_form_the_disk_refuses_stays_open_with_its_input(
    kind: str, ui_vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opener, field, key, done = LIST_FORMS[kind]
    app = new_app(ui_vault)
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        await on_screen(pilot, FollowUpsScreen)
        listing = app.screen
        form = await opener(pilot)
        typed = _value(form, field)
        await pilot.pause()
        monkeypatch.setattr(UnitOfWork, "_commit", _disk_full(ui_vault))

        await pilot.press(key)
        await pilot.pause()

        assert app.is_running and app.screen is form
        error = "date-error" if isinstance(form, SnoozeScreen) else "form-error"
        assert "vault.db" in str(form.query_one(f"#{error}").render())
        assert _value(form, field) == typed
        monkeypatch.undo()
        await pilot.press(key)
        await until(pilot, lambda: app.screen is listing and done in notifications(app))


async def test_a_master_data_edit_on_a_stand_in_client_stays_open_with_the_reason(
    ui_vault: Path, tmp_path: Path
) -> None:
    from kim_tui.store.vault import Vault
    from tests.ui.test_stand_in import _team

    ben_dir = tmp_path / "ben"
    _team(ui_vault, ben_dir)
    out = tmp_path / "vertretung.kimh"
    with Vault.open(ui_vault, PASSPHRASE) as a, Vault.open(ben_dir, PASSPHRASE) as b:
        anna = Workspace(a, today=lambda: FIXED_TODAY)
        anna.send_stand_in("Ben Berger", FIXED_TODAY + timedelta(days=14), None, str(out))
        Workspace(b, today=lambda: FIXED_TODAY).receive_stand_in(str(out))

    app = new_app(ben_dir)
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        screen = await open_from_home(pilot, "nguyen")
        await pilot.press("1", "e")
        await _choose(pilot, 0)
        await on_screen(pilot, MasterDataFormScreen)
        form = app.screen
        await pilot.pause()
        _type(form, "address", "Neue Str. 2, 46045 Oberhausen")
        await pilot.pause()

        await pilot.press("ctrl+s")
        await pilot.pause()

        assert app.screen is form
        assert "Vertretung:" in str(form.query_one("#form-error").render())
        assert _value(form, "address") == "Neue Str. 2, 46045 Oberhausen"
        assert "Korrektur gespeichert." not in notifications(app)
        # The input is still there to copy; Esc asks before it goes.
        assert screen.file is not None and screen.file.client.address != _value(form, "address")
