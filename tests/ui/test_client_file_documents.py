"""From the client file: the consent form of the highlighted consent (e) and the Art. 15 copy
(x), written in a worker; the first print dialog of the session says PDFs are plain text and
where they go, the next one does not."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from pypdf import PdfReader
from textual.widgets import Input

from kim_tui.domain.model import ConsentDraft, ConsentPurpose
from kim_tui.screens.choice import ChoiceScreen
from kim_tui.screens.text_prompt import TextPromptScreen
from tests.ui.conftest import Seeded, notifications, on_screen, screen_text, unlock_home, until
from tests.ui.test_case_file import open_from_home

SIZE = (130, 45)


async def test_consent_form_and_subject_access_from_the_file(  # type: ignore[no-untyped-def]
    app, seeded: Seeded, tmp_path: Path
) -> None:
    case_id = seeded.cases["Kowalski"]
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        ws = app.workspace
        ws.set_print_folder(str(tmp_path))
        ws.add_consent(
            case_id,
            ConsentDraft(ConsentPurpose.SHARE_AGENCY, date(2026, 11, 20), agency="jobcenter"),
        )
        # Kowalski speaks Dari: the form offers German with the Persian translation.
        client_id = seeded.clients["Kowalski"]
        client = ws.client_file(client_id).client
        ws.update_client(client_id, replace(client, languages=("prs", "pol")))
        await open_from_home(pilot, "kowalski")
        await pilot.press("7")
        await pilot.press("down", "down", "down", "down")  # the agency consent is the newest
        await pilot.press("i")
        await on_screen(pilot, ChoiceScreen)
        assert "Deutsch und Persisch" in screen_text(app)
        await pilot.press("enter")
        await on_screen(pilot, TextPromptScreen)
        # the first print dialog of the session carries the plain-text notice with the folder
        assert "unverschlüsselt" in screen_text(app)
        prompt = app.screen
        assert isinstance(prompt, TextPromptScreen)
        # The folder as a whole (on screen a long path wraps inside the dialog's border).
        assert str(tmp_path) in prompt.explanation
        suggested = app.screen.query_one("#answer", Input).value
        assert Path(suggested).parent == tmp_path and "Kowalski" not in suggested
        await pilot.press("enter")
        await until(pilot, lambda: any("PDF geschrieben" in n for n in notifications(app)))
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(suggested).pages).split())
        assert "Schweigepflichtentbindung" in text and "Piotr Kowalski" in text
        assert "Jobcenter" in text
        assert "رضایت‌نامه و رفع تعهد رازداری" in text  # the Persian title beside the German

        await pilot.press("x")
        await on_screen(pilot, TextPromptScreen)
        assert "unverschlüsselt" not in screen_text(app)  # told once per session
        await pilot.press("enter")
        await until(pilot, lambda: any("Auskunft geschrieben" in n for n in notifications(app)))
        names = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("Auskunft"))
        assert [Path(n).suffix for n in names] == [".json", ".pdf"]
        assert all("Kowalski" not in n for n in names)


async def test_a_consent_covering_special_categories_names_them_on_the_form(  # type: ignore[no-untyped-def]
    app, seeded: Seeded, tmp_path: Path
) -> None:
    """The form says exactly which special categories the person agrees to share."""
    from kim_tui.screens.special_categories_form import SpecialCategoriesScreen

    case_id = seeded.cases["Kowalski"]
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        ws = app.workspace
        ws.set_print_folder(str(tmp_path))
        ws.add_consent(
            case_id,
            ConsentDraft(
                ConsentPurpose.SHARE_AGENCY,
                date(2026, 11, 20),
                agency="jobcenter",
                special_categories=True,
            ),
        )
        client_id = seeded.clients["Kowalski"]
        client = ws.client_file(client_id).client
        ws.update_client(client_id, replace(client, languages=("pol",)))  # no translation
        await open_from_home(pilot, "kowalski")
        await pilot.press("7")
        await pilot.press("down", "down", "down", "down")  # the agency consent is the newest
        await pilot.press("i")
        await on_screen(pilot, SpecialCategoriesScreen)
        assert "Gesundheit" in screen_text(app)
        await pilot.press("ctrl+s")  # nothing chosen: refused, the dialog stays
        assert isinstance(app.screen, SpecialCategoriesScreen)
        await pilot.press("space", "ctrl+s")  # the first: health
        await on_screen(pilot, TextPromptScreen)
        suggested = app.screen.query_one("#answer", Input).value
        await pilot.press("enter")
        await until(pilot, lambda: any("PDF geschrieben" in n for n in notifications(app)))
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(suggested).pages).split())
        assert "umfasst ausdrücklich diese besonderen Kategorien: Gesundheit" in text


async def _copy_dialog(pilot, folder: Path) -> None:  # type: ignore[no-untyped-def]
    """Unlock, set the printout folder, open Kowalski's file and press x (the Art. 15 copy)."""
    await unlock_home(pilot)
    pilot.app.workspace.set_print_folder(str(folder))
    await open_from_home(pilot, "kowalski")
    await pilot.press("x")
    await on_screen(pilot, TextPromptScreen)


async def test_the_copy_into_a_missing_folder_is_refused_in_the_dialog_alone(  # type: ignore[no-untyped-def]
    app, tmp_path: Path
) -> None:
    """The refusal stays under the folder, the folder can be corrected there, and no toast says
    the copy is being written while the dialog says it cannot be."""
    async with app.run_test(size=SIZE) as pilot:
        await _copy_dialog(pilot, tmp_path)
        field = app.screen.query_one("#answer", Input)
        field.value = str(tmp_path / "fehlt")
        await pilot.press("enter")
        await until(pilot, lambda: "gibt es nicht" in screen_text(app))
        assert isinstance(app.screen, TextPromptScreen)
        assert notifications(app) == []
        field.value = str(tmp_path)
        await pilot.press("enter")
        await until(pilot, lambda: any("Auskunft geschrieben" in n for n in notifications(app)))
        assert len(notifications(app)) == 1


async def test_the_english_printout_notice_says_the_documents_are_german(  # type: ignore[no-untyped-def]
    ui_vault: Path, tmp_path: Path, english: None
) -> None:
    """A coach working in English learns before the first printout that the PDF itself is
    German (it goes to the client and the authorities here)."""
    from kim_tui.app import make_app
    from kim_tui.config import Config
    from tests.conftest import FIXED_TODAY

    app = make_app(ui_vault, language="en", config=Config(), today=lambda: FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await _copy_dialog(pilot, tmp_path)
        assert "The documents are in German" in app.screen.explanation
