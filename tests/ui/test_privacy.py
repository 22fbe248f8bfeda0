"""Erasure and restriction from the client file (issue 12): the dialog names the client and
the regime's article; afterwards nothing of the client is on any screen."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from kim_tui.app import KimApp
from kim_tui.screens.caseload import CaseloadScreen
from kim_tui.screens.client_file import ClientFileScreen
from kim_tui.screens.confirm import ConfirmScreen
from kim_tui.screens.follow_ups import FollowUpsScreen
from kim_tui.screens.notice import NoticeScreen
from kim_tui.screens.text_prompt import TextPromptScreen
from kim_tui.service.workspace import Workspace
from kim_tui.store.vault import Vault
from tests.conftest import FIXED_TODAY, PASSPHRASE
from tests.ui.conftest import (
    Seeded,
    new_app,
    notifications,
    on_screen,
    row_texts,
    screen_text,
    type_text,
    unlock_home,
    until,
)
from tests.ui.test_case_file import open_from_caseload

SIZE = (130, 45)


def _set_regime(vault_dir: Path, code: str) -> None:
    with Vault.open(vault_dir, PASSPHRASE) as vault:
        Workspace(vault, today=lambda: FIXED_TODAY).set_regime(code)


async def test_erase_from_the_file_names_client_and_article_and_leaves_nothing(
    ui_vault: Path, seeded: Seeded
) -> None:
    from kim_tui.domain.model import ClientDraft, HouseholdMember, IntakeDraft

    _set_regime(ui_vault, "kdg")
    with Vault.open(ui_vault, PASSPHRASE) as vault:  # his sister's list names him
        Workspace(vault, today=lambda: FIXED_TODAY).intake(
            IntakeDraft(
                ClientDraft(
                    "Anna",
                    "Nowak",
                    FIXED_TODAY.replace(year=1990),
                    household=(HouseholdMember("Piotr Kowalski", "Bruder"),),
                ),
                FIXED_TODAY,
            )
        )
    app: KimApp = new_app(ui_vault)
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        assert "Kowalski" in screen_text(app)
        await open_from_caseload(pilot, "kowalski")
        await pilot.press("L")
        await on_screen(pilot, ConfirmScreen)
        shown = screen_text(app)
        assert "Kowalski, Piotr endgültig löschen (§ 19 KDG)" in " ".join(shown.split())
        await pilot.press("tab", "enter")
        # The case is open: the request last; its Enter erases (with the prompt still open).
        await on_screen(pilot, TextPromptScreen)
        assert "§ 19 KDG" in screen_text(app)
        await type_text(pilot, "Antrag vom 20.11.2026")
        await pilot.press("enter")
        await until(pilot, lambda: any("Gelöscht:" in n for n in notifications(app)))
        # kim does not edit the sister's file: it says whose list to check, until the coach
        # acknowledges it.
        await on_screen(pilot, NoticeScreen)
        assert "Haushaltsliste von Nowak, Anna" in " ".join(screen_text(app).split())
        await pilot.press("enter")
        await on_screen(pilot, CaseloadScreen)
        table = app.screen.query_one(DataTable)
        await pilot.press("escape")
        await until(pilot, lambda: table.row_count > 0)
        assert not any("Kowalski" in row for row in row_texts(table))
        await pilot.press("f2")
        await on_screen(pilot, FollowUpsScreen)
        await pilot.pause()
        assert "Kowalski" not in screen_text(app)
        workspace = app.workspace
        assert seeded.clients["Kowalski"] in workspace.erased_ids()
        assert not [c for c in workspace.clients() if "Kowalski" in c.display_name]
        assert all("Kowalski" not in e.detail for e in workspace.audit_log())


async def test_restriction_shows_in_file_and_caseload_and_lifts(
    app: KimApp, seeded: Seeded
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        screen = await open_from_caseload(pilot, "kowalski")
        await pilot.press("E")
        await on_screen(pilot, ConfirmScreen)
        assert "Art. 18 DSGVO" in screen_text(app)
        await pilot.press("tab", "enter")
        await on_screen(pilot, ClientFileScreen)
        await until(pilot, lambda: "Verarbeitung eingeschränkt." in notifications(app))
        assert "Akte schreibgeschützt" in screen_text(app)
        await pilot.press("k")  # no form opens whose input would then be refused
        await pilot.pause()
        assert isinstance(app.screen, ClientFileScreen)
        # ... and the coach is told why, instead of a key that does nothing.
        told = [n for n in notifications(app) if "die Akte schreibgeschützt" in n]
        assert told and told[-1].startswith("„Kontakt“ geht nicht")
        # The client's Art. 15 copy stays possible while processing is restricted.
        from kim_tui.screens.text_prompt import TextPromptScreen

        await pilot.press("x")
        await on_screen(pilot, TextPromptScreen)
        await pilot.press("escape")
        await on_screen(pilot, ClientFileScreen)
        # A write is refused with the reason, nothing is saved.
        case_id = seeded.cases["Kowalski"]
        from kim_tui.domain.model import ContactDraft
        from kim_tui.store.errors import ValidationError

        try:
            app.workspace.add_contact(ContactDraft(case_id, FIXED_TODAY, "phone", 5))
        except ValidationError as exc:
            assert "eingeschränkt" in str(exc)
        else:
            raise AssertionError("a restricted file took a contact")
        await pilot.press("escape")
        await on_screen(pilot, CaseloadScreen)
        table = app.screen.query_one(DataTable)
        await until(pilot, lambda: any("⊘ Kowalski" in r for r in row_texts(table)))
        await pilot.press("enter")
        await on_screen(pilot, ClientFileScreen)
        await pilot.press("E")
        await on_screen(pilot, ConfirmScreen)
        await pilot.press("tab", "enter")
        await until(pilot, lambda: "Einschränkung aufgehoben." in notifications(app))
        assert app.workspace.client_file(screen.client_id).restricted_on is None
