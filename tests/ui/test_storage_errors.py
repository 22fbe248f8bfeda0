"""A full disk in the app: opening a client file (its audit event is a write) and saving a form
end in a clear message, never a crash, and nothing typed is lost."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, TextArea

from kim_tui.screens.caseload import CaseloadScreen
from kim_tui.screens.client_file import ClientFileScreen
from kim_tui.screens.contact_form import ContactFormScreen
from kim_tui.store.errors import StorageError
from kim_tui.store.unit_of_work import UnitOfWork
from tests.ui.conftest import new_app, notifications, on_screen, type_text, unlock_home, until

NOTE = "Termin beim Jobcenter am Donnerstag, Unterlagen mitbringen"


def _disk_full(ui_vault: Path):  # type: ignore[no-untyped-def]
    """Every write of the unit of work fails as on a full disk (after nothing was written)."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise StorageError(ui_vault / "vault.db", errno.ENOSPC)

    return refuse


async def _search(pilot: Pilot, name: str) -> DataTable:
    await pilot.press("f3")
    await on_screen(pilot, CaseloadScreen)
    table = pilot.app.screen.query_one(DataTable)
    await pilot.press("slash")
    await type_text(pilot, name)
    await until(pilot, lambda: table.row_count == 1)
    return table


async def test_opening_a_file_on_a_full_disk_says_so_and_keeps_the_search(
    ui_vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = new_app(ui_vault)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await _search(pilot, "Kowalski")
        monkeypatch.setattr(UnitOfWork, "audit_only", _disk_full(ui_vault))

        await pilot.press("enter")
        await until(pilot, lambda: any("Akte nicht geöffnet" in n for n in notifications(app)))

        assert app.is_running
        assert isinstance(app.screen, CaseloadScreen)
        message = next(n for n in notifications(app) if "Akte nicht geöffnet" in n)
        assert "vault.db" in message and "protokolliert" in message
        assert "Kowalski" in app.screen.query_one("#search", Input).value
        # Space freed: the same Enter opens the file.
        monkeypatch.undo()
        await pilot.press("enter")
        await on_screen(pilot, ClientFileScreen)


async def test_a_save_the_disk_refuses_keeps_the_form_open_with_its_input(
    ui_vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = new_app(ui_vault)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await _search(pilot, "Kowalski")
        await pilot.press("enter")
        await on_screen(pilot, ClientFileScreen)
        file_screen = app.screen
        assert isinstance(file_screen, ClientFileScreen) and file_screen.file is not None
        contacts_before = len(file_screen.file.contacts)
        await pilot.press("k")
        await on_screen(pilot, ContactFormScreen)
        form = app.screen
        form.query_one("#minutes", Input).value = "45"
        form.query_one("#note", TextArea).insert(NOTE)
        await pilot.pause()
        monkeypatch.setattr(UnitOfWork, "_commit", _disk_full(ui_vault))

        await pilot.press("ctrl+s")
        await pilot.pause()

        assert app.is_running and app.screen is form
        shown = str(form.query_one("#form-error").render())
        assert "vault.db" in shown
        assert form.query_one("#note", TextArea).text == NOTE
        assert form.query_one("#minutes", Input).value == "45"
        # Space freed: the same Ctrl+S saves what was typed.
        monkeypatch.undo()
        await pilot.press("ctrl+s")
        await on_screen(pilot, ClientFileScreen)
        assert file_screen.file is not None
        assert len(file_screen.file.contacts) == contacts_before + 1
        assert NOTE in [c.note for c in file_screen.file.contacts]


async def test_an_intake_the_disk_refuses_stays_open_with_everything_typed(
    ui_vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import Checkbox, Static

    from kim_tui.screens.intake import IntakeScreen

    app = new_app(ui_vault)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_home(pilot)
        await pilot.press("f4")
        await on_screen(pilot, IntakeScreen)
        form = app.screen
        await pilot.press(*"Amira", "tab")
        await type_text(pilot, "Haddad")
        await type_text(pilot, "04.03.1991", "birth_date")
        form.query_one("#cm_given", Checkbox).value = True
        await pilot.pause()
        total = app.workspace.caseload().total
        monkeypatch.setattr(UnitOfWork, "_commit", _disk_full(ui_vault))

        await pilot.press("ctrl+s")
        await pilot.pause()

        assert app.is_running and app.screen is form
        assert "vault.db" in str(form.query_one("#form-summary", Static).render())
        assert form.query_one("#given_name", Input).value == "Amira"
        assert form.query_one("#family_name", Input).value == "Haddad"
        assert form.query_one("#birth_date", Input).value == "04.03.1991"
        monkeypatch.undo()
        assert app.workspace.caseload().total == total
        await pilot.press("ctrl+s")
        await on_screen(pilot, ClientFileScreen)
        assert app.workspace.caseload().total == total + 1
        assert "Klient*in angelegt." in notifications(app)
