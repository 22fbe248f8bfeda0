"""The client file's data-protection actions: restrict processing (Art. 18) or lift it, and
erase the client (Art. 17). Mixed into `ClientFileScreen`; declared in `client_file_keys`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, work

from kim_tui.domain.erasure_notice import erasure_notices
from kim_tui.domain.model import ErasureResult
from kim_tui.i18n import language, tr
from kim_tui.screens.base import KimScreen

if TYPE_CHECKING:
    from kim_tui.domain.model import ClientFile


class PrivacyActions(KimScreen[None]):
    """Action bodies for `ClientFileScreen`, its base (which sets `file` and `client_id` and
    overrides `reload`)."""

    file: ClientFile | None
    client_id: str

    # While processing is restricted only these run; every other action would open a form whose
    # input the service then refuses, so it does not open at all (the header says why). Reading
    # an entry in full and the Art. 15 copy change nothing, and the copy is the client's own
    # right, restriction or not.
    _WHILE_RESTRICTED = frozenset(
        {
            "section",
            "back",
            "restrict_or_lift",
            "erase_client",
            "print_agreement",
            "detail",
            "subject_access",
        }
    )

    def _restricted(self) -> bool:
        return self.file is not None and self.file.restricted_on is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        own = {a.action.split("(", 1)[0] for a in self.ACTIONS}
        return not (self._restricted() and action in own and action not in self._WHILE_RESTRICTED)

    def on_key(self, event: events.Key) -> None:
        """A key the restriction blocks says why instead of doing nothing (its action is off
        the key line, but the coach may know the key by heart)."""
        if not self._restricted():
            return
        for ui_action in self.ACTIONS:
            if ui_action.action.split("(", 1)[0] in self._WHILE_RESTRICTED:
                continue
            if event.key in ui_action.keys.split(","):
                event.stop()
                self.notify(
                    tr(
                        f"„{ui_action.label}“ geht nicht: die Verarbeitung ist eingeschränkt, "
                        "die Akte schreibgeschützt (E hebt die Einschränkung auf).",
                        f"“{ui_action.label}” is not possible: processing is restricted, the "
                        "file is read-only (E lifts the restriction).",
                    ),
                    severity="warning",
                )
                return

    @work(exclusive=True, group="file-edit")
    async def action_restrict_or_lift(self) -> None:
        from kim_tui.screens.confirm import ConfirmScreen
        from kim_tui.store.errors import VaultError

        if self.file is None:
            return
        workspace = self.app.workspace
        law = workspace.regime().cite("restriction", language())
        name = f"{self.file.client.family_name}, {self.file.client.given_name}"
        lifting = self.file.restricted_on is not None
        question = (
            tr(
                f"Einschränkung der Verarbeitung für {name} aufheben ({law})? "
                "Die Akte kann danach wieder bearbeitet werden.",
                f"Lift the restriction of processing for {name} ({law})? "
                "The file can be edited again.",
            )
            if lifting
            else tr(
                f"Verarbeitung für {name} einschränken ({law})? Die Akte wird "
                "schreibgeschützt, keine Vermittlungen, im Wochenpaket nur pseudonym – bis "
                "die Einschränkung aufgehoben wird.",
                f"Restrict processing for {name} ({law})? The file becomes read-only, no "
                "referrals, pseudonymised only in the weekly bundle – until lifted.",
            )
        )
        yes = tr("Aufheben", "Lift") if lifting else tr("Einschränken", "Restrict")
        if not await self.app.push_screen_wait(ConfirmScreen(question, yes)):
            return
        client_id = self.client_id
        try:
            if lifting:
                workspace.lift_restriction(client_id)
            else:
                workspace.restrict_client(client_id)
        except VaultError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        self.notify(
            tr("Einschränkung aufgehoben.", "Restriction lifted.")
            if lifting
            else tr("Verarbeitung eingeschränkt.", "Processing restricted.")
        )
        self.reload()

    @work(exclusive=True, group="file-edit")
    async def action_erase_client(self) -> None:
        from kim_tui.screens.confirm import ConfirmScreen
        from kim_tui.screens.form import save_in_dialog
        from kim_tui.screens.text_prompt import TextPromptScreen
        from kim_tui.store.errors import VaultError

        if self.file is None:
            return
        workspace = self.app.workspace
        law = workspace.regime().cite("erasure", language())
        name = f"{self.file.client.family_name}, {self.file.client.given_name}"
        open_case = self.file.closed_on is None
        question = tr(
            f"{name} endgültig löschen ({law})? Alle Daten, Texte und Einträge dieser "
            "Klient*in werden entfernt; das lässt sich nicht rückgängig machen. Das nächste "
            "Wochenpaket meldet die Löschung an die Koordinierung.",
            f"Erase {name} for good ({law})? All data, texts and records of this client are "
            "removed; this cannot be undone. The next weekly bundle tells the coordinator.",
        )
        # With an open case the request is asked last and its Enter erases: the erasure runs
        # while the prompt is open, so a refusal (a full disk) keeps what was typed.
        yes = (
            tr("Weiter zum Antrag", "On to the request")
            if open_case
            else tr("Endgültig löschen", "Erase for good")
        )
        if not await self.app.push_screen_wait(ConfirmScreen(question, yes)):
            return
        client_id = self.client_id
        result: object | None
        if open_case:
            result = await save_in_dialog(
                self.app,
                TextPromptScreen(
                    tr("Löschen bei offenem Fall", "Erase with an open case"),
                    tr(
                        f"Der Fall von {name} ist noch offen. Löschen nur auf Antrag der "
                        f"Klient*in ({law}): bitte den Antrag kurz angeben (z. B. „Antrag vom "
                        "01.12.2026“). Der Text wird nicht gespeichert, nur dass es ein "
                        "Antrag war. Enter löscht endgültig, Esc bricht ab.",
                        f"The case of {name} is still open. Erase only at the client's request "
                        f"({law}): please state the request briefly. The text is not kept, only "
                        "that it was a request. Enter erases for good, Esc cancels.",
                    ),
                    irreversible=(
                        "Löschen abbrechen? Der eingegebene Antrag wird verworfen, nichts wird "
                        "gelöscht.",
                        "Cancel the erasure? The request you typed is dropped, nothing is erased.",
                    ),
                ),
                lambda request: self._erase(client_id, request),
            )
        else:
            try:
                result = self._erase(client_id, "")
            except VaultError as exc:
                self.notify(str(exc), severity="error", timeout=10)
                return
        if not isinstance(result, ErasureResult):
            return
        self.notify(
            tr(
                f"Gelöscht: {result.records_removed} Datensätze.",
                f"Erased: {result.records_removed} records.",
            )
        )
        self.app.pop_screen()
        notices = erasure_notices(result)
        if notices:
            from kim_tui.screens.notice import NoticeScreen

            # Until acknowledged: the coach has to act on these outside kim.
            self.app.push_screen(
                NoticeScreen(tr("Nach der Löschung zu tun", "To do after the erasure"), notices)
            )

    def _erase(self, client_id: str, request: str) -> ErasureResult:
        result = self.app.workspace.erase_client(client_id, request)
        self.file = None  # gone: nothing to show again when the dialog closes
        return result
