"""Correct and delete from the client file (Art. 16 DSGVO): `e` corrects the highlighted entry
of the open section (in the overview: the master data), `l` deletes it with a reason, `g` shows
or hides read events in the Verlauf.

Corrections reuse the forms that created the entry, opened with its current values; the form
writes its draft through the service before it closes (`FormSaves.save_in_form`), so a
correction the vault refuses (a full disk, a stand-in copy, a restricted file) keeps the form
open with the input and the reason. The history of every correction is kept by the unit of
work, not here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from textual import work
from textual.widgets import TabbedContent

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.model import AssessmentView, ClientFile, EntryKind
from kim_tui.i18n import language, tr
from kim_tui.screens.form import Fill, FormSaves, save_in_dialog
from kim_tui.widgets.client_file import (
    ConsentsSection,
    ContactsSection,
    GoalsSection,
    HistorySection,
    ReferralsSection,
    ResidenceSection,
)

if TYPE_CHECKING:
    from kim_tui.domain.model import ReferralDraft
    from kim_tui.service.workspace import Workspace


class EditActions(FormSaves):
    """The client file's correct / delete actions: the base of `ClientFileScreen`, which
    provides the file, the clock, saving and the sections."""

    file: ClientFile | None
    client_id: str

    @property
    def today(self) -> date:
        return self.app.today()

    if TYPE_CHECKING:

        def _save(self, operation: Callable[[Workspace], object], done: str) -> object | None: ...
        def reload(self, *, opening: bool = False) -> None: ...
        def action_section(self, section: str) -> None: ...

    def _active_section(self) -> str:
        return self.query_one(TabbedContent).active

    def action_toggle_reads(self) -> None:
        section = self.query_one(HistorySection)
        section.toggle_reads()
        self.action_section("history")

    @work(exclusive=True, group="file-edit")
    async def action_edit_entry(self) -> None:
        file = self.file
        if file is None:
            return
        section = self._active_section()
        today = self.today
        saved = tr("Korrektur gespeichert.", "Correction saved.")
        if section == "overview":
            await self._edit_overview(file)
        elif section == "contacts":
            from kim_tui.screens.contact_form import ContactFormScreen

            contact = self.query_one(ContactsSection).highlighted()
            if contact is None:
                return self._nothing_highlighted()
            await self.save_in_form(
                ContactFormScreen(file.case_id, today),
                lambda ws, draft: ws.correct_contact(contact.id, draft),
                saved,
                prefill=(
                    {
                        "on": format_date(contact.on),
                        "kind": contact.kind,
                        "minutes": str(contact.minutes),
                        "note": contact.note,
                    },
                    tr("Kontakt korrigieren", "Correct a contact"),
                ),
            )
        elif section == "residence":
            from kim_tui.screens.residence_form import ResidenceFormScreen

            record = self.query_one(ResidenceSection).highlighted()
            if record is None:
                return self._nothing_highlighted()
            await self.save_in_form(
                ResidenceFormScreen(today),
                lambda ws, draft: ws.correct_residence_record(record.id, draft),
                saved,
                prefill=(
                    {
                        "status": record.status,
                        "legal_basis": record.legal_basis,
                        "valid_from": format_date(record.valid_from),
                        "valid_until": format_date(record.valid_until),
                    },
                    tr("Aufenthaltsstatus korrigieren", "Correct a residence entry"),
                ),
            )
        elif section == "referrals":
            await self._edit_referral(file)
        elif section == "goals":
            await self._edit_goal_or_step(file)
        elif section == "assessment":
            from kim_tui.screens.assessment_form import AssessmentFormScreen

            chosen = await self._pick_assessment(
                file, tr("Welche Bestandsaufnahme korrigieren?", "Correct which assessment?")
            )
            if chosen is None:
                return None
            await self.save_in_form(
                AssessmentFormScreen(file.case_id, today, chosen),
                lambda ws, draft: ws.correct_assessment(chosen.id, draft),
                saved,
                prefill=(
                    {"assessed_on": format_date(chosen.assessed_on)},
                    tr(
                        f"Bestandsaufnahme vom {format_date(chosen.assessed_on)} korrigieren",
                        f"Correct the assessment of {format_date(chosen.assessed_on)}",
                    ),
                ),
            )
        elif section == "consents":
            from kim_tui.screens.consent_correction import ConsentCorrectionScreen

            consent_id = self.query_one(ConsentsSection).highlighted_id()
            consent = next((c for c in file.consents if c.id == consent_id), None)
            if consent is None:
                return self._nothing_highlighted()
            await self.save_in_form(
                ConsentCorrectionScreen(consent, today),
                lambda ws, fixed: ws.correct_consent(consent.id, fixed),
                saved,
            )
        else:
            self.notify(tr("Hier gibt es nichts zu korrigieren.", "Nothing to correct here."))

    async def _edit_overview(self, file: ClientFile) -> None:
        """The overview shows the person and how the case came in: ask which to correct."""
        from kim_tui.screens.case_data_form import CaseDataFormScreen
        from kim_tui.screens.choice import ChoiceScreen
        from kim_tui.screens.client_form import MasterDataFormScreen

        saved = tr("Korrektur gespeichert.", "Correction saved.")
        which = await self.app.push_screen_wait(
            ChoiceScreen(
                tr("Was korrigieren?", "Correct what?"),
                [
                    (
                        "client",
                        tr(
                            "Stammdaten (Name, Geburtsdatum, Adresse, Haushalt …)",
                            "Master data (name, birth date, address, household …)",
                        ),
                    ),
                    (
                        "case",
                        tr(
                            "Falldaten (Erstkontakt, Zugang, Rechtskreise, Zielgruppen)",
                            "Case data (first contact, access, legal domains, target groups)",
                        ),
                    ),
                ],
            )
        )
        if which == "client":
            await self.save_in_form(
                MasterDataFormScreen(file.client, self.today),
                lambda ws, client: ws.update_client(file.client_id, client),
                saved,
            )
        elif which == "case":
            await self.save_in_form(
                CaseDataFormScreen(file, self.today),
                lambda ws, case: ws.correct_case_data(file.case_id, case),
                saved,
            )

    async def _edit_referral(self, file: ClientFile) -> None:
        from kim_tui.screens.reason_prompt import ReasonPromptScreen
        from kim_tui.screens.referral_form import ReferralFormScreen
        from kim_tui.store.errors import ConsentRequired

        referral = self.query_one(ReferralsSection).highlighted()
        if referral is None:
            return self._nothing_highlighted()

        def correct(ws: Workspace, draft: ReferralDraft) -> object:
            # Written before the form closes (a refusal keeps the input); a missing sharing
            # consent is a question, not a refusal: the form closes and the coach is asked.
            draft = replace(draft, status=referral.status, outcome=referral.outcome)
            try:
                ws.correct_referral(referral.id, draft)
            except ConsentRequired as missing:
                return (draft, str(missing))
            return None

        saved = tr("Korrektur gespeichert.", "Correction saved.")
        form = ReferralFormScreen(file.case_id, self.today)
        values: Fill = {
            "agency": referral.agency,
            "legal_domain": referral.legal_domain,
            "reason": referral.reason,
            "sent_on": format_date(referral.sent_on),
            "feedback_due_on": format_date(referral.feedback_due_on),
            "identifying": referral.passes_identifying_data,
        }
        title = tr("Vermittlung korrigieren", "Correct a referral")
        written = await save_in_dialog(
            self.app,
            form,
            lambda draft: correct(self.app.workspace, draft),
            prefill=(values, title),
        )
        if written is None:
            return None
        if not isinstance(written, tuple):
            self.notify(saved)
            self.reload()
            return None
        draft, missing = written
        await self.save_in_form(
            ReasonPromptScreen(
                tr("Keine Einwilligung zur Weitergabe", "No consent to share"),
                missing
                + "\n"
                + tr(
                    "Begründung für die Weitergabe ohne Einwilligung (steht im Verlauf).",
                    "Reason for passing data without consent (shown in the history).",
                ),
            ),
            lambda ws, reason: ws.correct_referral(
                referral.id, replace(draft, override_reason=reason)
            ),
            saved,
        )
        return None

    async def _edit_goal_or_step(self, file: ClientFile) -> None:
        section = self.query_one(GoalsSection)
        saved = tr("Korrektur gespeichert.", "Correction saved.")
        step = section.highlighted_step()
        if step is not None:
            from kim_tui.screens.step_form import StepFormScreen

            await self.save_in_form(
                StepFormScreen(step), lambda ws, draft: ws.correct_step(step.id, draft), saved
            )
            return None
        goal = section.highlighted_goal()
        if goal is None:
            return self._nothing_highlighted()
        from kim_tui.screens.goal_form import GoalFormResult, GoalFormScreen

        def correct(ws: Workspace, result: GoalFormResult) -> None:
            # Steps typed into the empty step rows are added to the goal.
            ws.correct_goal(goal.id, result.goal)
            for new_step in result.goal.steps:
                ws.add_step(goal.id, new_step)

        await self.save_in_form(
            GoalFormScreen(self.today, new_agreement=False, suggested_area=goal.area),
            correct,
            saved,
            prefill=(
                {
                    "area": goal.area,
                    "title": goal.title,
                    "indicator": goal.indicator,
                    "target_on": format_date(goal.target_on),
                },
                tr("Ziel korrigieren", "Correct a goal"),
            ),
        )
        return None

    def _nothing_highlighted(self) -> None:
        self.notify(
            tr(
                "Bitte zuerst einen Eintrag markieren (↑/↓).",
                "Highlight an entry first (↑/↓).",
            )
        )

    def _highlighted_entry(self) -> tuple[EntryKind, str, str] | None:
        """(kind, id, how the prompt names it) of the highlighted entry of the open section."""
        file = self.file
        if file is None:
            return None
        lang = language()
        section = self._active_section()
        if section == "contacts":
            contact = self.query_one(ContactsSection).highlighted()
            if contact is not None:
                return (
                    EntryKind.CONTACT,
                    contact.id,
                    tr(
                        f"Kontakt vom {format_date(contact.on)}",
                        f"the contact of {format_date(contact.on)}",
                    ),
                )
        elif section == "residence":
            record = self.query_one(ResidenceSection).highlighted()
            if record is not None:
                label = catalog("residence_statuses").label(record.status, lang)
                return (
                    EntryKind.RESIDENCE,
                    record.id,
                    tr(f"Aufenthaltsstatus „{label}“", f"the residence status “{label}”"),
                )
        elif section == "referrals":
            referral = self.query_one(ReferralsSection).highlighted()
            if referral is not None:
                agency = catalog("agencies").label(referral.agency, lang)
                return (
                    EntryKind.REFERRAL,
                    referral.id,
                    tr(f"Vermittlung an {agency}", f"the referral to {agency}"),
                )
        elif section == "goals":
            goals = self.query_one(GoalsSection)
            step = goals.highlighted_step()
            if step is not None:
                return (
                    EntryKind.STEP,
                    step.id,
                    tr(f"Schritt „{step.text}“", f"the step “{step.text}”"),
                )
            goal = goals.highlighted_goal()
            if goal is not None:
                return (
                    EntryKind.GOAL,
                    goal.id,
                    tr(
                        f"Ziel „{goal.title}“ mit seinen Schritten",
                        f"the goal “{goal.title}” and its steps",
                    ),
                )
        elif section == "consents":
            consent_id = self.query_one(ConsentsSection).highlighted_id()
            if consent_id is not None:
                return EntryKind.CONSENT, consent_id, tr("Einwilligung", "the consent")
        return None

    async def _pick_assessment(self, file: ClientFile, title: str) -> AssessmentView | None:
        """The assessment to correct or delete: the only one, or the one the coach picks from
        the list (newest first, so Enter takes the latest). None when there is none or the
        coach cancels."""
        from kim_tui.screens.choice import ChoiceScreen

        if not file.assessments:
            self.notify(tr("Noch keine Bestandsaufnahme.", "No assessment yet."))
            return None
        if len(file.assessments) == 1:
            return file.assessments[0]
        newest_first = list(reversed(file.assessments))
        options = [
            (
                str(index),
                tr(
                    f"{format_date(a.assessed_on)} – {len(a.ratings)} Handlungsfeld(er)"
                    + (" (letzte)" if index == 0 else "")
                    + (" (erste)" if index == len(newest_first) - 1 else ""),
                    f"{format_date(a.assessed_on)} – {len(a.ratings)} area(s)"
                    + (" (latest)" if index == 0 else "")
                    + (" (first)" if index == len(newest_first) - 1 else ""),
                ),
            )
            for index, a in enumerate(newest_first)
        ]
        picked = await self.app.push_screen_wait(ChoiceScreen(title, options))
        return None if picked is None else newest_first[int(picked)]

    @work(exclusive=True, group="file-edit")
    async def action_delete_entry(self) -> None:
        from kim_tui.screens.reason_prompt import DeleteReasonScreen

        if self._active_section() == "overview":
            self.notify(
                tr(
                    "Stammdaten lassen sich korrigieren (e), nicht löschen.",
                    "Master data can be corrected (e), not deleted.",
                )
            )
            return
        entry = self._highlighted_entry()
        if entry is None and self._active_section() == "assessment" and self.file is not None:
            chosen = await self._pick_assessment(
                self.file, tr("Welche Bestandsaufnahme löschen?", "Delete which assessment?")
            )
            if chosen is None:
                return
            entry = (
                EntryKind.ASSESSMENT,
                chosen.id,
                tr(
                    f"Bestandsaufnahme vom {format_date(chosen.assessed_on)}",
                    f"the assessment of {format_date(chosen.assessed_on)}",
                ),
            )
        if entry is None:
            self._nothing_highlighted()
            return
        kind, entry_id, what = entry
        await self.save_in_form(
            DeleteReasonScreen(what),
            lambda ws, reason: ws.delete_entry(kind, entry_id, reason),
            tr(
                "Eintrag gelöscht; er steht mit dem Grund im Verlauf.",
                "Entry deleted; it stays in the history with the reason.",
            ),
        )
