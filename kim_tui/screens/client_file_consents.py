"""The client file's consent actions: record (c), renew (g), and the check that actions which
need a consent run first: it says which consent is missing and offers to record it, then the
action goes on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from textual import work

from kim_tui.domain.consents import consent_for, missing_consent_text
from kim_tui.domain.model import ConsentPurpose, ReferralDraft
from kim_tui.i18n import tr
from kim_tui.screens.form import FormSaves
from kim_tui.widgets.client_file import ConsentsSection

if TYPE_CHECKING:
    from kim_tui.domain.model import ClientFile
    from kim_tui.service.workspace import Workspace

RECORD = "record"
OVERRIDE = "override"
GO_ON = "go_on"


class ConsentActions(FormSaves):
    """Mixed into `ClientFileScreen` (which provides `file`, `today`, `reload` and `_save`);
    the consent forms write before they close (`FormSaves.save_in_form`)."""

    file: ClientFile | None

    if TYPE_CHECKING:

        @property
        def today(self) -> date: ...

        def _save(self, operation: Callable[[Workspace], object], done: str) -> object | None: ...

        def action_section(self, section: str) -> None: ...

    @work(exclusive=True, group="file-edit")
    async def action_consent_add(self) -> None:
        await self.record_consent()

    @work(exclusive=True, group="file-edit")
    async def action_consent_renew(self) -> None:
        from kim_tui.screens.consent_form import ConsentFormScreen

        if self.file is None:
            return
        self.action_section("consents")
        consent_id = self.query_one(ConsentsSection).highlighted_id()
        old = next((c for c in self.file.consents if c.id == consent_id), None)
        if old is None:
            self.notify(
                tr(
                    "Bitte im Abschnitt Einwilligungen eine Einwilligung markieren.",
                    "Highlight a consent in the consents section.",
                )
            )
            return
        await self.save_in_form(
            ConsentFormScreen(self.today, self.app.config.coach_name, renewing=old),
            lambda ws, draft: ws.renew_consent(old.id, draft),
            tr("Einwilligung erneuert.", "Consent renewed."),
        )

    async def record_consent(
        self,
        purpose: ConsentPurpose | None = None,
        agency: str | None = None,
        reason: str = "",
    ) -> bool:
        """Open the consent form (preset with `purpose`/`agency`) and save what it returns;
        True when a consent was saved."""
        from kim_tui.screens.consent_form import ConsentFormScreen

        if self.file is None:
            return False
        case_id = self.file.case_id
        return bool(
            await self.save_in_form(
                ConsentFormScreen(
                    self.today,
                    self.app.config.coach_name,
                    purpose=purpose,
                    agency=agency,
                    reason=reason,
                ),
                lambda ws, draft: ws.add_consent(case_id, draft),
                tr("Einwilligung erfasst.", "Consent recorded."),
            )
        )

    async def ensure_consent(self, purpose: ConsentPurpose, what: tuple[str, str]) -> bool:
        """True when a consent for `purpose` is in force today, or the coach records one now.
        `what` names the action in German and English ("Zielvereinbarung drucken")."""
        from kim_tui.screens.choice import ChoiceScreen

        if self.file is None:
            return False
        if consent_for(self.file.consents, purpose, self.today) is not None:
            return True
        de, en = missing_consent_text(purpose)
        choice = await self.app.push_screen_wait(
            ChoiceScreen(
                tr(f"{what[0]}: {de}", f"{what[1]}: {en}"),
                [
                    (
                        RECORD,
                        tr("Einwilligung jetzt erfassen, dann weiter", "Record it now, then go on"),
                    ),
                    ("cancel", tr("Abbrechen", "Cancel")),
                ],
            )
        )
        if choice != RECORD:
            return False
        return await self.record_consent(purpose, reason=tr(de, en))

    async def resolve_sharing_consent(self, draft: ReferralDraft, message: str) -> bool:
        """A referral passes identifying data without a sharing consent: record the consent
        (then save the referral), share with a reason (audited), or leave it unsaved. True when
        the referral is done with (saved, or the coach chose not to save it); False sends the
        coach back to the referral form with the input as typed (Esc in these questions)."""
        from kim_tui.domain.validation import MIN_OVERRIDE_REASON, override_reason_problem
        from kim_tui.screens.choice import ChoiceScreen
        from kim_tui.screens.text_prompt import TextPromptScreen

        saved = tr("Vermittlung gespeichert.", "Referral saved.")
        de, en = missing_consent_text(ConsentPurpose.SHARE_AGENCY, draft.agency)
        choice = await self.app.push_screen_wait(
            ChoiceScreen(
                tr(de, en),
                [
                    (
                        RECORD,
                        tr(
                            "Einwilligung jetzt erfassen, dann speichern",
                            "Record it now, then save",
                        ),
                    ),
                    (
                        OVERRIDE,
                        tr(
                            "Ohne Einwilligung weitergeben (Begründung)",
                            "Share without consent (give a reason)",
                        ),
                    ),
                    ("cancel", tr("Vermittlung nicht speichern", "Do not save the referral")),
                ],
            )
        )
        if choice == RECORD:
            recorded = await self.record_consent(
                ConsentPurpose.SHARE_AGENCY, draft.agency, tr(de, en)
            )
            if recorded and self._save(lambda ws: ws.add_referral(draft), saved):
                self.action_section("referrals")
                return True
            return False
        if choice == OVERRIDE:
            if await self.save_in_form(
                TextPromptScreen(
                    tr("Keine Einwilligung zur Weitergabe", "No consent to share"),
                    message
                    + "\n"
                    + tr(
                        "Begründung für die Weitergabe ohne Einwilligung, in einem Satz "
                        f"(mindestens {MIN_OVERRIDE_REASON} Zeichen; wird im Verlauf "
                        "protokolliert). Esc zurück zur Vermittlung.",
                        "Reason for passing data without consent, in a sentence (at least "
                        f"{MIN_OVERRIDE_REASON} characters; recorded in the history). Esc "
                        "goes back to the referral.",
                    ),
                    check=override_reason_problem,
                    carries_input=True,
                ),
                lambda ws, reason: ws.add_referral(replace(draft, override_reason=reason)),
                saved,
            ):
                self.action_section("referrals")
                return True
            return False
        if choice is None:
            return False  # Esc: back to the referral form
        self.notify(tr("Vermittlung nicht gespeichert.", "Referral not saved."), severity="warning")
        return True
