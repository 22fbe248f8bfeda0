"""The client file: the case-management method on one person.

Header with name, age, residence status and expiry, stage, next due date; sections (keys 1–8)
Überblick, Bestandsaufnahme, Ziele, Vermittlungen, Kontakte, Aufenthalt, Einwilligungen,
Verlauf. Each section is a widget in `kim_tui.widgets.client_file` that this screen fills.
Every form is a modal that returns a draft; this screen saves it through the service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.widgets import Header, TabbedContent

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.model import ClientFile, ConsentPurpose, ReferralDraft
from kim_tui.i18n import language, tr
from kim_tui.screens.client_file_consents import ConsentActions
from kim_tui.screens.client_file_detail import DetailActions
from kim_tui.screens.client_file_documents import DocumentActions
from kim_tui.screens.client_file_edit import EditActions
from kim_tui.screens.client_file_handover import HandoverActions
from kim_tui.screens.client_file_household import HouseholdActions
from kim_tui.screens.client_file_keys import FILE_ACTIONS
from kim_tui.screens.client_file_merge import MergeActions
from kim_tui.screens.client_file_phase import PhaseActions
from kim_tui.screens.client_file_privacy import PrivacyActions
from kim_tui.screens.client_file_storage import StorageActions
from kim_tui.screens.client_file_tabs import fit_tab_labels
from kim_tui.widgets.client_file import (
    AssessmentSection,
    ConsentsSection,
    ContactsSection,
    FileHeader,
    FileSection,
    GoalsSection,
    HistorySection,
    OverviewSection,
    ReferralsSection,
    ResidenceSection,
)
from kim_tui.widgets.key_line import KeyLine

if TYPE_CHECKING:
    from kim_tui.service.workspace import Workspace


class ClientFileScreen(
    HouseholdActions,
    ConsentActions,
    PhaseActions,
    MergeActions,
    EditActions,
    DocumentActions,
    PrivacyActions,
    DetailActions,
    StorageActions,
    HandoverActions,
):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = FILE_ACTIONS
    BINDINGS = bindings(ACTIONS)
    HELP_TEXT: ClassVar[tuple[str, str]] = (
        "Die Akte einer Klient*in. Abschnitte mit 1–8; k erfasst einen Kontakt von überall.",
        "One client's file. Sections with 1–8; k records a contact from anywhere.",
    )

    def __init__(self, client_id: str) -> None:
        super().__init__()
        self.client_id = client_id
        self.file: ClientFile | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield FileHeader("", id="file-header")
        with TabbedContent(id="sections"):
            yield OverviewSection(tr("1 Überblick", "1 Overview"), id="overview")
            yield AssessmentSection(tr("2 Bestandsaufnahme", "2 Assessment"), id="assessment")
            yield GoalsSection(tr("3 Ziele", "3 Goals"), id="goals")
            yield ReferralsSection(tr("4 Vermittlungen", "4 Referrals"), id="referrals")
            yield ContactsSection(tr("5 Kontakte", "5 Contacts"), id="contacts")
            yield ResidenceSection(tr("6 Aufenthalt", "6 Residence"), id="residence")
            yield ConsentsSection(tr("7 Einwilligungen", "7 Consents"), id="consents")
            yield HistorySection(tr("8 Verlauf", "8 History"), id="history")
        yield KeyLine()

    def on_mount(self) -> None:
        if not self.open_file():
            return
        fit_tab_labels(self.query_one(TabbedContent), self.app.size.width)

    def on_resize(self, event: events.Resize) -> None:
        fit_tab_labels(self.query_one(TabbedContent), event.size.width)

    def on_screen_resume(self) -> None:
        # Back from a dialog or another screen: the file is still open, no new read event
        # (none when it was erased from a dialog: `file` is None then).
        if self.app.is_unlocked and not self.refused and self.file is not None:
            self.reload()

    # -- rendering ---------------------------------------------------------------------------

    def reload(self, *, opening: bool = False) -> None:
        """Fetch the file again and hand each section its part; only `opening` it is audited."""
        workspace = self.app.workspace
        self.file = file = workspace.client_file(self.client_id, audited=opening)
        self.title = tr("Akte", "File")
        today = self.today
        lent = workspace.stand_in_until([self.client_id]).get(self.client_id)
        self.query_one(FileHeader).show(file, today, lent)
        self.query_one(OverviewSection).show(file)
        self.query_one(AssessmentSection).show(file)
        self.query_one(GoalsSection).show(file, today)
        self.query_one(ReferralsSection).show(file)
        self.query_one(ContactsSection).show(file)
        self.query_one(ResidenceSection).show(file, today, self.load_household())
        self.query_one(ConsentsSection).show(file, today)
        self.query_one(HistorySection).show(
            workspace.audit_log(case_id=file.case_id, limit=200, client_id=self.client_id),
            workspace.record_history(self.client_id),
            file,
        )

    # -- navigation --------------------------------------------------------------------------

    def action_section(self, section: str) -> None:
        self.query_one(TabbedContent).active = section
        self.query_one(f"#{section}", FileSection).focus_body()

    def action_back(self) -> None:
        self.app.pop_screen()

    def member_file(self, client_id: str) -> ClientFileScreen:
        """A household member's own file (`HouseholdActions`)."""
        return ClientFileScreen(client_id)

    def _save(self, operation: Callable[[Workspace], object], done: str) -> object | None:
        """Run one service call; show its error instead of crashing; refresh the file."""
        from kim_tui.store.errors import VaultError

        try:
            result = operation(self.app.workspace)
        except VaultError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return None
        self.notify(done)
        self.reload()
        return result if result is not None else True

    # -- actions -----------------------------------------------------------------------------

    @work(exclusive=True, group="file-edit")
    async def action_contact(self) -> None:
        from kim_tui.screens.contact_form import ContactFormScreen

        if self.file is None:
            return
        form = ContactFormScreen(self.file.case_id, self.today)
        done = tr("Kontakt erfasst.", "Contact saved.")
        await self.save_in_form(form, lambda ws, draft: ws.add_contact(draft), done)

    @work(exclusive=True, group="file-edit")
    async def action_assess(self) -> None:
        from kim_tui.screens.assessment_form import AssessmentFormScreen

        if self.file is None or self.refused_as_closed():
            return
        previous = self.file.assessments[-1] if self.file.assessments else None
        form = AssessmentFormScreen(self.file.case_id, self.today, previous)
        done = tr("Bestandsaufnahme gespeichert.", "Assessment saved.")
        if await self.save_in_form(form, lambda ws, draft: ws.add_assessment(draft), done):
            self.action_section("assessment")

    @work(exclusive=True, group="file-edit")
    async def action_goal(self) -> None:
        from kim_tui.domain.model import GoalAgreementDraft
        from kim_tui.screens.goal_form import GoalFormResult, GoalFormScreen

        if self.file is None or self.refused_as_closed():
            return
        # Goals are agreed with the client on the basis of the case-management consent
        # (issue 11 §2): without one in force, say so and offer to record it first.
        what = ("Ziel vereinbaren", "Agree on a goal")
        if not await self.ensure_consent(ConsentPurpose.CASE_MANAGEMENT, what) or not self.file:
            return
        new_agreement = not self.file.agreements
        suggested = None
        if self.file.assessments:
            ratings = sorted(self.file.assessments[-1].ratings, key=lambda r: -r.level)
            suggested = ratings[0].area if ratings else None
        case_id = self.file.case_id
        agreement_id = None if new_agreement else self.file.agreements[-1].id

        def add(ws: Workspace, result: GoalFormResult) -> object:
            if agreement_id is not None:
                return ws.add_goal(agreement_id, result.goal)
            assert result.agreed_on is not None
            draft = GoalAgreementDraft(case_id, result.agreed_on, result.review_on, (result.goal,))
            return ws.add_goal_agreement(draft)

        if await self.save_in_form(
            GoalFormScreen(self.today, new_agreement=new_agreement, suggested_area=suggested),
            add,
            tr("Zielvereinbarung angelegt.", "Goal agreement created.")
            if new_agreement
            else tr("Ziel angelegt.", "Goal added."),
        ):
            self.action_section("goals")

    def action_step_done(self) -> None:
        step = self.query_one(GoalsSection).highlighted_step()
        if step is None:
            self.notify(
                tr(
                    "Bitte im Abschnitt Ziele einen Schritt markieren.",
                    "Highlight a step in the goals section.",
                )
            )
            return
        done_on = None if step.done_on else self.today
        self._save(
            lambda ws: ws.set_step_done(step.id, done_on),
            tr("Schritt aktualisiert.", "Step updated."),
        )

    @work(exclusive=True, group="file-edit")
    async def action_goal_status(self) -> None:
        from kim_tui.screens.choice import ChoiceScreen

        goal_id = self.query_one(GoalsSection).highlighted_goal_id()
        if goal_id is None:
            self.notify(
                tr(
                    "Bitte im Abschnitt Ziele ein Ziel markieren.",
                    "Highlight a goal in the goals section.",
                )
            )
            return
        lang = language()
        await self.save_in_form(
            ChoiceScreen(
                tr("Zielstatus", "Goal status"),
                [(e.code, e.label(lang)) for e in catalog("goal_statuses")],
            ),
            lambda ws, status: ws.set_goal_status(goal_id, status),
            tr("Zielstatus geändert.", "Goal status changed."),
        )

    @work(exclusive=True, group="file-edit")
    async def action_referral(self) -> None:
        from kim_tui.screens.referral_form import ReferralFormScreen
        from kim_tui.store.errors import ConsentRequired
        from kim_tui.widgets.residence_hints import asylblg_notice

        def add_unless_consent_missing(ws: Workspace, draft: ReferralDraft) -> object:
            # Written before the form closes (a refusal keeps the input there); a missing
            # sharing consent is a question: the form closes and the coach is asked below.
            try:
                return ws.add_referral(draft)
            except ConsentRequired as missing:
                return missing

        if self.file is None or self.refused_as_closed():
            return
        notice = asylblg_notice(self.file, self.today)
        draft = None
        while True:
            # Esc in the consent questions comes back here: the form shows its input again.
            form = ReferralFormScreen(self.file.case_id, self.today, notice, draft=draft)
            form.save_draft = lambda typed: add_unless_consent_missing(self.app.workspace, typed)
            draft = await self.app.push_screen_wait(form)
            if draft is None:
                return
            if isinstance(form.saved, ConsentRequired):
                if await self.resolve_sharing_consent(draft, str(form.saved)):
                    return
                continue
            self.notify(tr("Vermittlung gespeichert.", "Referral saved."))
            self.reload()
            break
        self.action_section("referrals")

    def _save_referral(self, draft: ReferralDraft, done: str) -> bool:
        return self._save(lambda ws: ws.add_referral(draft), done) is not None

    @work(exclusive=True, group="file-edit")
    async def action_outcome(self) -> None:
        from kim_tui.screens.referral_outcome import ReferralOutcomeScreen

        referral = self.query_one(ReferralsSection).highlighted()
        if referral is None:
            self.notify(
                tr(
                    "Bitte im Abschnitt Vermittlungen eine markieren.",
                    "Highlight a referral first.",
                )
            )
            return
        await self.save_in_form(
            ReferralOutcomeScreen(referral, self.today),
            lambda ws, outcome: ws.record_referral_outcome(
                referral.id, outcome.status, outcome.outcome, outcome.outcome_on
            ),
            tr("Rückmeldung gespeichert.", "Outcome saved."),
        )

    @work(exclusive=True, group="file-edit")
    async def action_residence_add(self) -> None:
        from kim_tui.screens.residence_form import ResidenceFormScreen

        existing = self.file.residence if self.file else ()
        if await self.save_in_form(
            ResidenceFormScreen(self.today, existing),
            lambda ws, draft: ws.add_residence_record(self.client_id, draft),
            tr("Aufenthaltsstatus gespeichert.", "Residence status saved."),
        ):
            self.action_section("residence")

    @work(exclusive=True, group="file-edit")
    async def action_facts(self) -> None:
        from kim_tui.screens.facts_form import FactsFormScreen

        if self.file is None:
            return
        if await self.save_in_form(
            FactsFormScreen(self.file.facts, self.today),
            lambda ws, facts: ws.set_residence_facts(self.client_id, facts),
            tr("Angaben gespeichert.", "Facts saved."),
        ):
            self.action_section("residence")

    @work(exclusive=True, group="file-edit")
    async def action_themes(self) -> None:
        from kim_tui.screens.themes_form import ThemesFormScreen

        if self.file is None:
            return
        case_id = self.file.case_id
        await self.save_in_form(
            ThemesFormScreen(self.file.themes),
            lambda ws, themes: ws.set_themes(case_id, themes),
            tr("Themen gespeichert.", "Themes saved."),
        )

    @work(exclusive=True, group="file-edit")
    async def action_close_or_reopen(self) -> None:
        from kim_tui.screens.closure_form import ClosureFormScreen
        from kim_tui.screens.confirm import ConfirmScreen

        if self.file is None:
            return
        case_id = self.file.case_id
        if self.file.closed_on is not None:
            if await self.app.push_screen_wait(
                ConfirmScreen(
                    tr(
                        "Fall wieder öffnen? Offene Wiedervorlagen kommen zurück.",
                        "Reopen the case? Open follow-ups come back.",
                    ),
                    tr("Wieder öffnen", "Reopen"),
                )
            ):
                self._save(
                    lambda ws: ws.reopen_case(case_id),
                    tr("Fall wieder geöffnet.", "Case reopened."),
                )
            return
        goals = tuple(g for a in self.file.agreements for g in a.goals)
        await self.save_in_form(
            ClosureFormScreen(case_id, self.today, goals),
            lambda ws, draft: ws.close_case(draft),
            tr("Fall abgeschlossen.", "Case closed."),
        )

    @work(exclusive=True, group="file-edit")
    async def action_withdraw(self) -> None:
        from kim_tui.screens.confirm import ConfirmScreen

        self.action_section("consents")
        consent_id = self.query_one(ConsentsSection).highlighted_id()
        if consent_id is None:
            self.notify(
                tr(
                    "Bitte im Abschnitt Einwilligungen eine Einwilligung markieren.",
                    "Highlight a consent in the consents section.",
                )
            )
            return
        today = self.today
        if await self.app.push_screen_wait(
            ConfirmScreen(
                tr(
                    f"Einwilligung mit Wirkung ab {format_date(today)} widerrufen? "
                    "Bisherige Verarbeitung bleibt rechtmäßig.",
                    f"Withdraw this consent as of {format_date(today)}? "
                    "Processing so far stays lawful.",
                ),
                tr("Widerrufen", "Withdraw"),
            )
        ):
            self._save(
                lambda ws: ws.withdraw_consent(consent_id, today),
                tr("Einwilligung widerrufen.", "Consent withdrawn."),
            )

    @work(exclusive=True, group="file-edit")
    async def action_new_follow_up(self) -> None:
        from kim_tui.screens.follow_up_form import FollowUpFormScreen

        if self.file is None:
            return
        name = f"{self.file.client.family_name}, {self.file.client.given_name}"
        await self.save_in_form(
            FollowUpFormScreen(
                client_id=self.client_id, client_name=name, case_id=self.file.case_id
            ),
            lambda ws, draft: ws.add_follow_up(draft),
            tr("Wiedervorlage angelegt.", "Follow-up created."),
        )

    @work(exclusive=True, group="file-edit")
    async def action_print_agreement(self) -> None:
        from kim_tui.screens.text_prompt import TextPromptScreen

        if self.file is None or not self.file.agreements:
            self.notify(tr("Noch keine Zielvereinbarung.", "No goal agreement yet."))
            return
        what = ("Zielvereinbarung drucken", "Print the goal agreement")
        if not await self.ensure_consent(ConsentPurpose.CASE_MANAGEMENT, what) or not self.file:
            return
        suggestion = self.app.workspace.printout_path("Zielvereinbarung", self.file.case_id)
        agreement_id = self.file.agreements[-1].id
        config = self.app.config
        result = await self.save_in_form(
            TextPromptScreen(
                tr("Zielvereinbarung drucken", "Print goal agreement"),
                self.printout_warning()
                + tr(
                    "Dateipfad für das PDF (es wird nichts überschrieben):",
                    "Path for the PDF (nothing is overwritten):",
                ),
                value=suggestion,
            ),
            lambda ws, path: ws.print_goal_agreement(
                agreement_id, path, coach=config.coach_name, organisation=config.organisation
            ),
            tr("PDF geschrieben.", "PDF written."),
        )
        if isinstance(result, str):
            self.notify(Text(result).plain, timeout=8)
