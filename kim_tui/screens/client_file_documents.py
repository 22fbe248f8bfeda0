"""The client file's printed documents: the consent form (Einwilligung / Schweigepflicht-
entbindung) of the highlighted consent, and the Art. 15 copy of everything stored about the
client. Both are written off the UI thread while their path prompt stays open (a refusal stays
under the path: `screens.form.save_in_dialog`); the first printout of a session tells the coach
that PDFs are personal data in plain text and where they go.

The documents cite the vault's data-protection regime (the workspace knows it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from pathlib import Path

from textual import work
from textual.widgets import TabbedContent

from kim_tui.domain.model import ClientFile
from kim_tui.i18n import language, tr
from kim_tui.screens.base import KimScreen
from kim_tui.screens.form import save_in_dialog

"""The regime until the vault setting exists (the integrator wires `workspace.regime()`)."""


def printout_notice(folder: str) -> str:
    """What the coach is told once per session before the first printout."""
    return tr(
        f"Hinweis: Ausdrucke und PDFs enthalten personenbezogene Daten unverschlüsselt. Sie "
        f"liegen außerhalb des Tresors in {folder}. Bitte nach Gebrauch löschen oder "
        "verschlossen aufbewahren. (Ordner ändern: Befehlspalette, 'Ordner für Ausdrucke'.)",
        f"Note: printouts and PDFs hold personal data unencrypted. They are stored outside the "
        f"vault in {folder}. Please delete them after use or keep them locked away. (Change the "
        "folder: command palette, 'Folder for printouts'.) The documents are in German, for "
        "the client and the authorities here; a consent form can add the client's language.",
    )


class DocumentActions(KimScreen[None]):
    """Printing the consent form and writing the Art. 15 copy from the client file."""

    client_id: str
    file: ClientFile | None

    def printout_warning(self) -> str:
        """Once per session, the notice that printouts are plain-text personal data and where
        they go, to put above a print dialog's question; "" once the coach has read it."""
        app = self.app
        if app.printout_notice_shown:
            return ""
        app.printout_notice_shown = True
        folder = str(Path(app.workspace.print_folder()).expanduser())
        return printout_notice(folder) + "\n\n"

    # -- consent form ------------------------------------------------------------------------

    @work(exclusive=True, group="file-edit")
    async def action_consent_form(self) -> None:
        from kim_tui.domain.geo import find_language
        from kim_tui.screens.choice import ChoiceScreen
        from kim_tui.screens.text_prompt import TextPromptScreen
        from kim_tui.widgets.client_file import ConsentsSection

        if self.file is None:
            return
        self.query_one("#sections", TabbedContent).active = "consents"
        consent_id = self.query_one(ConsentsSection).highlighted_id()
        if consent_id is None:
            self.notify(
                tr(
                    "Bitte im Abschnitt Einwilligungen eine Einwilligung markieren.",
                    "Highlight a consent in the consents section.",
                )
            )
            return
        workspace = self.app.workspace
        # The client's languages with a translation (Dari speakers get the Persian text).
        spoken: dict[str, str] = {}
        for code in self.file.client.languages:
            found_code = workspace.consent_form_translation(code)
            if found_code is not None and found_code not in spoken:
                spoken[found_code] = code
        second: str | None = None
        if spoken:
            options = []
            for translation, code in spoken.items():
                found = find_language(translation)
                name = (found.en if language() == "en" else found.de) if found else code
                options.append((translation, tr(f"Deutsch und {name}", f"German and {name}")))
            options.append(("deu", tr("Nur Deutsch", "German only")))
            choice = await self.app.push_screen_wait(
                ChoiceScreen(tr("Sprache des Formulars", "Language of the form"), options)
            )
            if choice is None:
                return
            second = None if choice == "deu" else choice
        categories: tuple[str, ...] = ()
        consent = next((c for c in self.file.consents if c.id == consent_id), None)
        if consent is not None and consent.special_categories:
            from kim_tui.screens.special_categories_form import SpecialCategoriesScreen

            chosen = await self.app.push_screen_wait(
                SpecialCategoriesScreen(workspace.special_category_choices(language()))
            )
            if chosen is None:
                return
            categories = chosen
        organisation = self.app.config.organisation

        def write(path: str) -> Awaitable[str]:
            # Off the UI thread, with the prompt open until it is written: a refusal (a file
            # that exists, a full disk) stays under the path.
            return asyncio.to_thread(
                workspace.print_consent_form,
                consent_id,
                path,
                organisation=organisation,
                second_language=second,
                special_categories=categories,
            )

        written = await save_in_dialog(
            self.app,
            TextPromptScreen(
                tr("Einwilligung drucken", "Print consent form"),
                self.printout_warning()
                + tr(
                    "Dateipfad für das PDF (es wird nichts überschrieben):",
                    "Path for the PDF (nothing is overwritten):",
                ),
                value=workspace.printout_path("Einwilligung", self.file.case_id),
            ),
            write,
        )
        if written is not None:
            self.notify(tr(f"PDF geschrieben: {written}", f"PDF written: {written}"), timeout=10)

    # -- Art. 15 copy ------------------------------------------------------------------------

    @work(exclusive=True, group="file-edit")
    async def action_subject_access(self) -> None:
        from kim_tui.screens.text_prompt import TextPromptScreen

        if self.file is None:
            return
        workspace = self.app.workspace
        client_id = self.client_id
        organisation = self.app.config.organisation

        def write(folder: str) -> Awaitable[tuple[str, str]]:
            # Off the UI thread, with the prompt open until both files are written: a refusal
            # (a folder that is not there, a full disk) stays under the folder, and no toast
            # says "writing" beside it.
            return asyncio.to_thread(
                workspace.write_subject_access, client_id, folder, organisation=organisation
            )

        written = await save_in_dialog(
            self.app,
            TextPromptScreen(
                tr("Auskunft (Kopie aller Daten)", "Subject access copy"),
                self.printout_warning()
                + tr(
                    "Ordner für PDF und JSON mit allen Daten dieser Klient*in:",
                    "Folder for the PDF and JSON with all of this client's data:",
                ),
                value=workspace.print_folder(),
            ),
            write,
        )
        if isinstance(written, tuple):
            pdf, data = written
            self.notify(
                tr(f"Auskunft geschrieben:\n{pdf}\n{data}", f"Copy written:\n{pdf}\n{data}"),
                timeout=12,
            )
