"""The client file's merge action: find other files of the same person (with the reasons) and
merge one into this file (`service/merge.py`)."""

from __future__ import annotations

from textual import work

from kim_tui.domain.dates import format_birth_date
from kim_tui.domain.duplicates import reason_text
from kim_tui.domain.household import HOUSEHOLD_SEPARATE
from kim_tui.domain.model import ClientFile
from kim_tui.domain.text import one_line
from kim_tui.i18n import language, tr
from kim_tui.screens.form import FormSaves


class MergeActions(FormSaves):
    """Mixin of `ClientFileScreen`: merge a duplicate file into this one (key m)."""

    file: ClientFile | None

    @work(exclusive=True, group="file-edit")
    async def action_merge(self) -> None:
        from kim_tui.screens.choice import ChoiceScreen
        from kim_tui.screens.merge_form import MergeFormScreen

        file = self.file
        if file is None:
            return
        workspace = self.app.workspace
        candidates = workspace.duplicates_of(file.client_id)
        if not candidates:
            self.notify(
                tr(
                    "Keine andere Akte sieht nach derselben Person aus.",
                    "No other file looks like the same person.",
                )
            )
            return
        lang = language()
        options = [
            (
                c.client_id,
                f"{one_line(c.display_name, 60)}  "
                f"{format_birth_date(c.birth_date, c.birth_precision) or '–'}  "
                f"({reason_text(c.reasons, lang)})",
            )
            for c in candidates
        ]
        chosen = await self.app.push_screen_wait(
            ChoiceScreen(
                tr(
                    "Mögliche Dubletten: welche Akte in diese übernehmen?",
                    "Possible duplicates: which file goes into this one?",
                ),
                options,
            )
        )
        if chosen is None:
            return
        other = next(c for c in candidates if c.client_id == chosen)
        differences = workspace.merge_differences(file.client_id, other.client_id)
        name = f"{file.client.family_name}, {file.client.given_name}"
        survivor = file.client_id
        outcome = await self.save_in_form(
            MergeFormScreen(name, other, differences),
            lambda ws, take: ws.merge_clients(survivor, other.client_id, take),
            tr("Akten zusammengeführt.", "Files merged."),
        )
        if outcome == HOUSEHOLD_SEPARATE:
            # A person lives in one household: the one of this file is kept, the coach may
            # want to link the other household's members (H) if they really live here.
            self.notify(
                tr(
                    "Die übernommene Akte gehörte zu einem anderen Haushalt. Es gilt der "
                    "Haushalt dieser Akte; die andere Zugehörigkeit ist beendet und im Verlauf "
                    "vermerkt.",
                    "The merged file belonged to another household. This file's household "
                    "applies; the other membership has ended and is noted in the Verlauf.",
                ),
                severity="warning",
                timeout=12,
            )
