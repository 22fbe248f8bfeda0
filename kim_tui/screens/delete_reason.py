"""Ask why an entry is deleted: a real sentence, at least `MIN_DELETE_REASON_LENGTH` characters.
The reason stays with the deleted entry in the Verlauf."""

from __future__ import annotations

from kim_tui.domain.model import MIN_DELETE_REASON_LENGTH
from kim_tui.i18n import tr
from kim_tui.screens.form import FormInvalid
from kim_tui.screens.text_prompt import TextPromptScreen


class DeleteReasonScreen(TextPromptScreen):
    """The reason prompt of "delete highlighted entry"; Esc deletes nothing."""

    def __init__(self, what: str) -> None:
        super().__init__(
            tr("Eintrag löschen", "Delete entry"),
            tr(
                f"{what} löschen? Der Eintrag verschwindet aus der Akte und bleibt mit dem Grund "
                f"im Verlauf. Grund (mindestens {MIN_DELETE_REASON_LENGTH} Zeichen); "
                "Esc bricht ab.",
                f"Delete {what}? The entry leaves the file and stays in the history with the "
                f"reason. Reason (at least {MIN_DELETE_REASON_LENGTH} characters); Esc cancels.",
            ),
        )

    def build_draft(self) -> str:
        answer = self.text("answer")
        if len(answer) < MIN_DELETE_REASON_LENGTH:
            raise FormInvalid(
                tr(
                    f"Bitte den Grund in einem Satz: mindestens {MIN_DELETE_REASON_LENGTH} "
                    f"Zeichen (jetzt {len(answer)}).",
                    f"Please give the reason in a sentence: at least {MIN_DELETE_REASON_LENGTH} "
                    f"characters (now {len(answer)}).",
                )
            )
        return answer
