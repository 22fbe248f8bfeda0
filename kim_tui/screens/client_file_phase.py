"""The client file's phase action: set the case's phase by hand with a reason, or let it be
derived from the records again (`domain.stage`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.model import CaseStage, ClientFile
from kim_tui.domain.stage import MIN_PHASE_REASON_CHARS
from kim_tui.i18n import language, tr
from kim_tui.screens.form import FormInvalid, FormSaves
from kim_tui.screens.text_prompt import TextPromptScreen

if TYPE_CHECKING:
    from kim_tui.service.workspace import Workspace

DERIVE_AGAIN = "derive"
"""The choice that clears a phase set by hand (no phase code is called that)."""


class PhaseReasonScreen(TextPromptScreen):
    """The reason for a phase set by hand: a short sentence, at least
    `MIN_PHASE_REASON_CHARS` characters; a shorter one keeps the dialog open with its text."""

    def build_draft(self) -> str:
        answer = self.text("answer")
        if len(answer) < MIN_PHASE_REASON_CHARS:
            raise FormInvalid(
                tr(
                    f"Bitte den Grund in einem kurzen Satz angeben: mindestens "
                    f"{MIN_PHASE_REASON_CHARS} Zeichen (bisher {len(answer)}).",
                    f"Please give the reason as a short sentence: at least "
                    f"{MIN_PHASE_REASON_CHARS} characters (so far {len(answer)}).",
                )
            )
        return answer


class PhaseActions(FormSaves):
    """Mixin of `ClientFileScreen`: the phase set by hand (key h)."""

    file: ClientFile | None

    def _save(self, operation: Callable[[Workspace], object], done: str) -> object | None:
        raise NotImplementedError  # the client file screen provides it

    def refused_as_closed(self) -> bool:
        """Case work on a closed case is refused before its form opens (the service would
        refuse it only on saving, after the coach typed it all): say so and how to reopen."""
        if self.file is None or self.file.closed_on is None:
            return False
        self.notify(
            tr(
                "Der Fall ist abgeschlossen; bitte erst wieder öffnen (a).",
                "The case is closed; reopen it first (a).",
            )
        )
        return True

    @work(exclusive=True, group="file-edit")
    async def action_phase(self) -> None:
        from kim_tui.screens.choice import ChoiceScreen

        file = self.file
        if file is None or self.refused_as_closed():
            return
        lang = language()
        stages = catalog("case_stages")
        options = [(e.code, e.label(lang)) for e in stages if e.code != CaseStage.CLOSED.value]
        title = tr("Phase von Hand setzen", "Set the phase by hand")
        if file.stage_by_hand:
            options.insert(
                0,
                (
                    DERIVE_AGAIN,
                    tr(
                        "Wieder aus den Einträgen ableiten (Hand-Setzung aufheben)",
                        "Derive from the records again (clear the hand-set phase)",
                    ),
                ),
            )
            title += tr(
                f" – jetzt {stages.label(file.stage.value, lang)}, von Hand seit "
                f"{format_date(file.stage_by_hand_on)}: {file.stage_by_hand_reason}",
                f" – now {stages.label(file.stage.value, lang)}, by hand since "
                f"{format_date(file.stage_by_hand_on)}: {file.stage_by_hand_reason}",
            )
        choice = await self.app.push_screen_wait(ChoiceScreen(title, options))
        if choice is None:
            return
        case_id = file.case_id
        if choice == DERIVE_AGAIN:
            self._save(
                lambda ws: ws.clear_phase_by_hand(case_id),
                tr(
                    "Die Phase wird wieder aus den Einträgen abgeleitet.",
                    "The phase is derived from the records again.",
                ),
            )
            return
        label = stages.label(choice, lang)
        await self.save_in_form(
            PhaseReasonScreen(
                tr(f"Phase „{label}“: Grund", f"Phase “{label}”: reason"),
                tr(
                    f"Warum passt die abgeleitete Phase nicht? Mindestens "
                    f"{MIN_PHASE_REASON_CHARS} Zeichen. Die Phase bleibt, bis sie "
                    f"hier wieder aufgehoben wird.",
                    f"Why does the derived phase not fit? At least {MIN_PHASE_REASON_CHARS} "
                    f"characters. The phase holds until it is cleared here.",
                ),
            ),
            lambda ws, reason: ws.set_phase_by_hand(case_id, choice, reason),
            tr(f"Phase von Hand gesetzt: {label}.", f"Phase set by hand: {label}."),
        )
