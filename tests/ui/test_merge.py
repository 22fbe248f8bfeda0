"""Merging a duplicate file from the client file (issue 11 § 5): m lists the other file with
why it matched, the coach picks which master data win, Ctrl+S merges."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import SelectionList

from kim_tui.domain.model import ClientDraft, IntakeDraft
from kim_tui.screens.choice import ChoiceScreen
from kim_tui.screens.client_file import ClientFileScreen
from kim_tui.screens.merge_form import MergeFormScreen
from kim_tui.service.workspace import Workspace
from kim_tui.store.vault import Vault
from tests.conftest import FIXED_TODAY, PASSPHRASE
from tests.ui.conftest import Seeded, new_app, on_screen, screen_text, unlock_home
from tests.ui.test_case_file import saved

SIZE = (120, 40)


def _add_duplicate(vault_dir: Path) -> str:
    """The seeded Yılmaz, Şükrü (01.07.1988) again, typed without Turkish letters and with
    day and month swapped."""
    with Vault.open(vault_dir, PASSPHRASE) as vault:
        ws = Workspace(vault, today=lambda: FIXED_TODAY)
        client_id, _case = ws.intake(
            IntakeDraft(
                ClientDraft("Sukru", "Yilmaz", date(1988, 1, 7), phone="0176 555"),
                date(2026, 9, 1),
            )
        )
        ws.close()
    return client_id


async def test_merge_a_duplicate_from_the_client_file(ui_vault: Path, seeded: Seeded) -> None:
    duplicate = _add_duplicate(ui_vault)
    app = new_app(ui_vault)
    survivor = seeded.clients["Yılmaz"]
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        total = app.workspace.caseload_total()
        await app.push_screen(ClientFileScreen(survivor))
        await on_screen(pilot, ClientFileScreen)

        await pilot.press("m")
        await on_screen(pilot, ChoiceScreen)
        assert "Yilmaz, Sukru" in screen_text(app)
        choice = app.screen
        assert isinstance(choice, ChoiceScreen)
        [(code, label)] = choice.options
        assert code == duplicate
        assert label == "Yilmaz, Sukru  07.01.1988  (gleicher Name, Tag und Monat vertauscht)"
        await pilot.press("enter")
        await on_screen(pilot, MergeFormScreen)
        assert "Akten zusammenführen" in screen_text(app)
        options = app.screen.query_one("#take", SelectionList)
        shown = [options.get_option_at_index(i) for i in range(options.option_count)]
        assert [(o.value, str(o.prompt)) for o in shown] == [
            ("family_name", "Nachname: Yılmaz → andere: Yilmaz"),
            ("given_name", "Vorname: Şükrü → andere: Sukru"),
            ("birth_date", "Geburtsdatum: 01.07.1988 → andere: 07.01.1988"),
            ("phone", "Telefon: – → andere: 0176 555"),
        ]
        # Keep the survivor's spelling and date: mark nothing but the phone.
        await pilot.press("down", "down", "down", "space")
        await pilot.press("ctrl+s")
        await saved(pilot, "Akten zusammengeführt.")

        file = app.workspace.client_file(survivor)
        assert (file.client.family_name, file.client.given_name) == ("Yılmaz", "Şükrü")
        assert file.client.birth_date == date(1988, 7, 1)
        assert file.client.phone == "0176 555"
        assert app.workspace.caseload_total() == total - 1
        assert app.workspace.duplicates_of(survivor) == []
        actions = [e.action for e in app.workspace.audit_log(file.case_id, limit=5)]
        assert "client.merge" in actions
        assert duplicate not in {c.client_id for c in app.workspace.caseload("yilmaz").items}


async def test_merging_a_file_of_another_household_tells_the_coach(
    ui_vault: Path, seeded: Seeded
) -> None:
    """Both files live in households of their own: this file's household is kept and the coach
    is told that the other membership ended."""
    from tests.ui.conftest import notifications, until

    duplicate = _add_duplicate(ui_vault)
    survivor = seeded.clients["Yılmaz"]
    with Vault.open(ui_vault, PASSPHRASE) as vault:
        ws = Workspace(vault, today=lambda: FIXED_TODAY)
        others = [c.client_id for c in ws.clients() if c.client_id not in (survivor, duplicate)]
        ws.link_household_member(survivor, others[0], "spouse")
        ws.link_household_member(duplicate, others[1], "sibling")
        ws.close()
    app = new_app(ui_vault)
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        await app.push_screen(ClientFileScreen(survivor))
        await on_screen(pilot, ClientFileScreen)
        await pilot.press("m")
        await on_screen(pilot, ChoiceScreen)
        await pilot.press("enter")
        await on_screen(pilot, MergeFormScreen)
        await pilot.press("ctrl+s")
        await saved(pilot, "Akten zusammengeführt.")
        await until(pilot, lambda: any("anderen Haushalt" in n for n in notifications(app)))
        household = app.workspace.household(survivor)
        assert household is not None and household.role == "reference"
        assert [m.client_id for m in household.members] == [others[0]]
        assert app.workspace.household(others[1]) is None
