"""The client file's printed documents: the consent form (Einwilligung / Schweigepflicht-
entbindung) of the highlighted consent, and the Art. 15 copy of everything stored about the
client. Both are written in a worker thread; the first printout of a session tells the coach
that PDFs are personal data in plain text and where they go.

The documents cite the vault's data-protection regime (the workspace knows it).
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.widgets import TabbedContent
from textual.worker import Worker

from kim_tui.domain.model import ClientFile
from kim_tui.i18n import language, tr
from kim_tui.screens.base import KimScreen

"""The regime until the vault setting exists (the integrator wires `workspace.regime()`)."""


def printout_notice(folder: str) -> str:
    """What the coach is told once per session before the first printout."""
    return tr(
        f"Hinweis: Ausdrucke und PDFs enthalten personenbezogene Daten unverschlüsselt. Sie "
        f"liegen außerhalb des Tresors in {folder}. Bitte nach Gebrauch löschen oder "
        "verschlossen aufbewahren. (Ordner ändern: Befehlspalette, 'Ordner für Ausdrucke'.)",
        f"Note: printouts and PDFs hold personal data unencrypted. They are stored outside the "
        f"vault in {folder}. Please delete them after use or keep them locked away. (Change the "
        "folder: command palette, 'Folder for printouts'.)",
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
        path = await self.app.push_screen_wait(
            TextPromptScreen(
                tr("Einwilligung drucken", "Print consent form"),
                self.printout_warning()
                + tr(
                    "Dateipfad für das PDF (es wird nichts überschrieben):",
                    "Path for the PDF (nothing is overwritten):",
                ),
                value=workspace.printout_path("Einwilligung", self.file.case_id),
            )
        )
        if not path:
            return
        self._write_consent_form(consent_id, path, second, categories)

    @work(thread=True, exclusive=True, group="documents", exit_on_error=False)
    def _write_consent_form(
        self, consent_id: str, path: str, second: str | None, categories: tuple[str, ...]
    ) -> None:
        from kim_tui.store.errors import VaultError

        try:
            written = self.app.workspace.print_consent_form(
                consent_id,
                path,
                organisation=self.app.config.organisation,
                second_language=second,
                special_categories=categories,
            )
        except VaultError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=10)
            return
        self.app.call_from_thread(
            self.notify, tr(f"PDF geschrieben: {written}", f"PDF written: {written}"), timeout=10
        )

    # -- Art. 15 copy ------------------------------------------------------------------------

    @work(exclusive=True, group="file-edit")
    async def action_subject_access(self) -> None:
        from kim_tui.screens.text_prompt import TextPromptScreen

        if self.file is None:
            return
        folder = await self.app.push_screen_wait(
            TextPromptScreen(
                tr("Auskunft (Kopie aller Daten)", "Subject access copy"),
                self.printout_warning()
                + tr(
                    "Ordner für PDF und JSON mit allen Daten dieser Klient*in:",
                    "Folder for the PDF and JSON with all of this client's data:",
                ),
                value=self.app.workspace.print_folder(),
            )
        )
        if not folder:
            return
        self.notify(tr("Erstelle Auskunft …", "Writing the copy …"))
        self._write_subject_access(folder)

    @work(thread=True, exclusive=True, group="documents", exit_on_error=False)
    def _write_subject_access(self, folder: str) -> None:
        from kim_tui.store.errors import VaultError

        try:
            pdf, data = self.app.workspace.write_subject_access(
                self.client_id,
                folder,
                organisation=self.app.config.organisation,
            )
        except VaultError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=10)
            return
        self.app.call_from_thread(
            self.notify,
            tr(f"Auskunft geschrieben:\n{pdf}\n{data}", f"Copy written:\n{pdf}\n{data}"),
            timeout=12,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A failure the worker did not catch (disk full, folder gone): the app's one handler.
        self.app.handle_worker_state(event)
