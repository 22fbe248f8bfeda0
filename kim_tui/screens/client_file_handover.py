"""The client file's handover (issue 14): hand the client over to a stored colleague. Mixed
into `ClientFileScreen`; declared in `client_file_keys` (``U``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from kim_tui.i18n import tr
from kim_tui.screens.form import FormSaves, save_in_dialog

if TYPE_CHECKING:
    from kim_tui.domain.model import ClientFile


class HandoverActions(FormSaves):
    """Action bodies for `ClientFileScreen` (which sets `file` and `client_id`)."""

    file: ClientFile | None
    client_id: str

    @work(exclusive=True, group="file-edit")
    async def action_hand_over(self) -> None:
        from kim_tui.domain.handover import HandoverMade, display_fingerprint
        from kim_tui.domain.validation import override_reason_problem
        from kim_tui.screens.choice import ChoiceScreen
        from kim_tui.screens.text_prompt import TextPromptScreen
        from kim_tui.store.errors import HandoverRefused

        if self.file is None:
            return
        workspace = self.app.workspace
        colleagues = [c for c in workspace.colleagues() if c.can_receive]
        if not colleagues:
            self.notify(
                tr(
                    "Noch keine Kolleg*innen gespeichert: Befehlspalette → „Kolleg*in "
                    "hinzufügen“ (deren coach.pub).",
                    "No colleagues stored yet: command palette → “Add a colleague” (their "
                    "coach.pub).",
                ),
                severity="warning",
                timeout=10,
            )
            return
        name = f"{self.file.client.family_name}, {self.file.client.given_name}"
        options = [
            (
                c.fingerprint,
                f"{c.name or tr('(ohne Namen)', '(no name)')}"
                f"{', ' + c.organisation if c.organisation else ''}"
                f"  {display_fingerprint(c.fingerprint)}",
            )
            for c in colleagues
        ]
        chosen = await self.app.push_screen_wait(
            ChoiceScreen(tr(f"{name} übergeben an …", f"Hand {name} over to …"), options)
        )
        if chosen is None:
            return
        colleague = next(c for c in colleagues if c.fingerprint == chosen)
        client_id = self.client_id
        out_path = ""

        def hand_over(reason: str) -> object:
            # Written while the prompt is open: a refusal (a full disk, a folder that is not
            # there) stays under what was typed. A missing consent is a question, not a
            # refusal: the prompt closes and the reason is asked next.
            try:
                return workspace.hand_over(client_id, colleague.fingerprint, out_path, reason)
            except HandoverRefused as exc:
                if exc.reason == "consent_required" and not reason:
                    return exc
                raise

        def to_file(out: str) -> object:
            nonlocal out_path
            out_path = out
            return hand_over("")

        made = await save_in_dialog(
            self.app,
            TextPromptScreen(
                tr("Übergabedatei", "Handover file"),
                tr(
                    "Wohin soll die verschlüsselte Übergabedatei (Datei oder Ordner)? Der Fall "
                    "wird als „übergeben“ abgeschlossen; die Daten bleiben hier, bis die "
                    "Empfangsbestätigung eingelesen ist. Esc bricht ab.",
                    "Where should the encrypted handover file go (file or folder)? The case is "
                    "closed as handed over; the data stays here until the receipt is imported. "
                    "Esc cancels.",
                ),
                value=workspace.print_folder(),
                max_length=1000,
            ),
            to_file,
        )
        if isinstance(made, HandoverRefused):
            made = await save_in_dialog(
                self.app,
                TextPromptScreen(
                    tr("Übergabe ohne Einwilligung", "Handover without consent"),
                    str(made) + tr(" Begründung (Esc bricht ab):", " Reason (Esc cancels):"),
                    check=override_reason_problem,
                ),
                hand_over,
            )
        if not isinstance(made, HandoverMade):
            return
        who = colleague.name or display_fingerprint(colleague.fingerprint)
        self.notify(
            tr(
                f"Übergabedatei für {who} geschrieben: {made.path}. Fall abgeschlossen; "
                "die Daten bleiben bis zur Empfangsbestätigung.",
                f"Handover file for {who} written: {made.path}. Case closed; the data stays "
                "until the receipt is imported.",
            ),
            timeout=12,
            markup=False,
        )
        self.reload()
