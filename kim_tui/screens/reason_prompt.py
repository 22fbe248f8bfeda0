"""Ask for a reason that is a real sentence, at least `MIN_REASON_LENGTH` characters: why an
entry is deleted, why data are shared without consent. The reason shows in the Verlauf."""

from __future__ import annotations

from kim_tui.domain.model import MIN_REASON_LENGTH
from kim_tui.i18n import tr
from kim_tui.screens.form import FormInvalid
from kim_tui.screens.text_prompt import TextPromptScreen


class ReasonPromptScreen(TextPromptScreen):
    """A one-line reason of at least `MIN_REASON_LENGTH` characters; Esc answers None."""

    def build_draft(self) -> str:
        answer = self.text("answer")
        if len(answer) < MIN_REASON_LENGTH:
            raise FormInvalid(
                tr(
                    f"Bitte den Grund in einem Satz: mindestens {MIN_REASON_LENGTH} "
                    f"Zeichen (jetzt {len(answer)}).",
                    f"Please give the reason in a sentence: at least {MIN_REASON_LENGTH} "
                    f"characters (now {len(answer)}).",
                )
            )
        return answer


class DeleteReasonScreen(ReasonPromptScreen):
    """The reason prompt of "delete highlighted entry"; Esc deletes nothing."""

    def __init__(self, what: str) -> None:
        super().__init__(
            tr("Eintrag löschen", "Delete entry"),
            tr(
                f"{what} löschen? Der Eintrag verschwindet aus der Akte und bleibt mit dem Grund "
                f"im Verlauf. Grund (mindestens {MIN_REASON_LENGTH} Zeichen); Esc bricht ab.",
                f"Delete {what}? The entry leaves the file and stays in the history with the "
                f"reason. Reason (at least {MIN_REASON_LENGTH} characters); Esc cancels.",
            ),
        )
