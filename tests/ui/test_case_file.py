"""The case file (issue 4): a full cycle on one client, driven by the keyboard through Pilot.

Assessment → second assessment and comparison → goal agreement with two steps (Wiedervorlagen)
→ referral blocked by missing consent, then overridden (audit) → outcome → contact → closure and
reopening; the agreement PDF; the residence section with facts, hints and a new status. Every
step is checked in the store and on the screen.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from pypdf import PdfReader
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Input, Select, Static, TabbedContent, TextArea

from kim_tui.domain.model import CaseStage, ContactDraft, FollowUpSource, ReferralDraft
from kim_tui.screens.assessment_form import AssessmentFormScreen
from kim_tui.screens.caseload import CaseloadScreen
from kim_tui.screens.choice import ChoiceScreen
from kim_tui.screens.client_file import ClientFileScreen
from kim_tui.screens.closure_form import ClosureFormScreen
from kim_tui.screens.confirm import ConfirmScreen
from kim_tui.screens.contact_form import ContactFormScreen
from kim_tui.screens.facts_form import FactsFormScreen
from kim_tui.screens.follow_ups import FollowUpsScreen
from kim_tui.screens.goal_form import GoalFormScreen
from kim_tui.screens.referral_form import ReferralFormScreen
from kim_tui.screens.referral_outcome import ReferralOutcomeScreen
from kim_tui.screens.residence_form import ResidenceFormScreen
from kim_tui.screens.text_prompt import TextPromptScreen
from kim_tui.screens.unsaved_input import UnsavedInputScreen
from tests.ui.conftest import (
    Seeded,
    column_text,
    notifications,
    on_screen,
    row_texts,
    screen_text,
    type_text,
    unlock_home,
    until,
)

SIZE = (130, 45)
D = date


# -- helpers ------------------------------------------------------------------------------------


async def choose(pilot: Pilot, select_id: str, search: str) -> None:
    """Open a Select with Enter, type to jump to the option, Enter picks it (keyboard only)."""
    select = pilot.app.screen.query_one(f"#{select_id}", Select)
    if not select.has_focus:
        select.focus()
        await pilot.pause()
    await pilot.press("enter", *search, "enter")


async def open_from_caseload(pilot: Pilot, name: str, stage: str = "") -> ClientFileScreen:
    """F3, (Ctrl+G: a stage filter,) search the name, Enter on the only hit."""
    await pilot.press("f3")
    await on_screen(pilot, CaseloadScreen)
    table = pilot.app.screen.query_one(DataTable)
    if stage:
        await pilot.press("ctrl+g")
        await choose(pilot, "stage", stage)
    await pilot.press("slash")
    await type_text(pilot, name)
    await until(pilot, lambda: table.row_count == 1)
    await pilot.press("enter")  # one hit: Enter opens it
    await on_screen(pilot, ClientFileScreen)
    return pilot.app.screen  # type: ignore[return-value]


async def open_from_home(pilot: Pilot, name: str) -> ClientFileScreen:
    """F2, filter the Wiedervorlagen by name, Enter on the first hit."""
    await pilot.press("f2")
    await on_screen(pilot, FollowUpsScreen)
    await pilot.press("slash")
    await type_text(pilot, name)
    await pilot.press("enter", "enter")
    await on_screen(pilot, ClientFileScreen)
    return pilot.app.screen  # type: ignore[return-value]


async def home_rows(pilot: Pilot) -> list[str]:
    """F2: the Wiedervorlagen as shown (date | client | reason), unfiltered."""
    await pilot.press("f2")
    await on_screen(pilot, FollowUpsScreen)
    screen = pilot.app.screen
    if screen.query_text:  # type: ignore[attr-defined]
        await pilot.press("escape")
    table = screen.query_one(DataTable)
    await until(pilot, lambda: table.row_count > 0)
    return [
        " | ".join(cells) for cells in zip(*(column_text(table, c) for c in (1, 2, 3)), strict=True)
    ]


def static_text(widget: Static, width: int = 200) -> str:
    """A Static's content as plain text (Rich renderables included)."""
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(widget.content)
    return console.export_text()


def active_section(screen: ClientFileScreen) -> str:
    return str(screen.query_one(TabbedContent).active)


def table_rows(screen: ClientFileScreen, table_id: str) -> list[str]:
    return row_texts(screen.query_one(f"#{table_id}", DataTable))


async def saved(pilot: Pilot, message: str) -> None:
    """Wait until the file screen is back on top and `message` was notified."""
    await until(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, ClientFileScreen) and message in notifications(pilot.app)  # type: ignore[arg-type]
        ),
    )


# -- the full cycle -----------------------------------------------------------------------------


async def test_full_cycle_on_one_client(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    case_id = seeded.cases["Nguyen"]
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        ws = app.workspace
        screen = await open_from_caseload(pilot, "nguyen")
        assert screen.client_id == seeded.clients["Nguyen"]
        assert "Nguyen, Lan" in screen_text(app)

        # 1. Assessment, keyboard only: 2 → section, b → matrix; digits set a level and move
        # down, arrows move, e + text + Enter a situation, Ctrl+S saves.
        await pilot.press("2")
        assert active_section(screen) == "assessment"
        assert "Noch keine Bestandsaufnahme" in screen_text(app)
        await pilot.press("b")
        await on_screen(pilot, AssessmentFormScreen)
        form = app.screen
        await type_text(pilot, "03.11.2026", "assessed_on")  # backdated first assessment
        form.query_one("#matrix", DataTable).focus()
        await pilot.pause()
        # residence 2, language 3, (education skipped), work 1
        await pilot.press("2", "3", "down", "1", "up", "up", "up", "up")
        await pilot.press("e")
        assert form.query_one("#edit-text", Input).has_focus
        await type_text(pilot, "Duldung, Bescheid offen")
        await pilot.press("enter")
        assert form.query_one("#matrix", DataTable).has_focus
        await pilot.press("ctrl+s")
        await saved(pilot, "Bestandsaufnahme gespeichert.")
        (first,) = ws.assessments(case_id)
        assert first.assessed_on == D(2026, 11, 3)
        assert {r.area: r.level for r in first.ratings} == {
            "residence": 2,
            "language": 3,
            "work": 1,
        }
        assert first.ratings[0].situation == "Duldung, Bescheid offen"
        assert active_section(screen) == "assessment"
        rows = table_rows(screen, "assessment-table")
        assert rows[0].startswith("Aufenthaltsstatus | 2 mittel | 2 mittel |  | Duldung")

        # A second assessment starts from the latest levels: residence better (2 → 1),
        # work worse (1 → 3); the table compares the first with the latest.
        await pilot.press("b")
        await on_screen(pilot, AssessmentFormScreen)
        await pilot.press("1", "down", "down", "3", "ctrl+s")
        await saved(pilot, "Bestandsaufnahme gespeichert.")
        first_again, second = ws.assessments(case_id)
        assert first_again == first
        assert {r.area: r.level for r in second.ratings} == {
            "residence": 1,
            "language": 3,
            "work": 3,
        }
        assert second.assessed_on == D(2026, 11, 24)
        trends = dict(
            zip(
                column_text(screen.query_one("#assessment-table", DataTable), 0),
                column_text(screen.query_one("#assessment-table", DataTable), 3),
                strict=True,
            )
        )
        assert trends == {
            "Aufenthaltsstatus": "▼ besser",
            "Spracherwerb": "= gleich",
            "Arbeit und Beschäftigung": "▲ schlechter",
        }
        text = screen_text(app)
        assert "besser" in text and "schlechter" in text
        assert "2 Bestandsaufnahme(n): erste 03.11.2026, letzte 24.11.2026" in text
        assert ws.client_file(screen.client_id).stage is CaseStage.ASSESSMENT

        # 2. A goal with two steps starts the agreement (z); step due dates and the review
        # date become Wiedervorlagen.
        await pilot.press("z")
        await on_screen(pilot, GoalFormScreen)
        form = app.screen
        assert form.query_one("#area", Select).value in ("language", "work")  # highest need
        await type_text(pilot, "20.11.2026", "agreed_on")
        await type_text(pilot, "15.01.2027", "review_on")
        await choose(pilot, "area", "Sprach")
        assert form.query_one("#area", Select).value == "language"
        await type_text(pilot, "B1-Kurs abschließen", "title")
        await type_text(pilot, "B1-Zertifikat liegt vor", "indicator")
        await type_text(pilot, "30.06.2027", "target_on")
        await type_text(pilot, "Kursplatz suchen", "step0")
        await choose(pilot, "owner0", "Coach")
        await type_text(pilot, "01.12.2026", "due0")
        await type_text(pilot, "Anmeldung abgeben", "step1")
        await type_text(pilot, "10.12.2026", "due1")
        await pilot.press("ctrl+s")
        await saved(pilot, "Zielvereinbarung angelegt.")
        (agreement,) = ws.goal_agreements(case_id)
        assert (agreement.agreed_on, agreement.review_on) == (D(2026, 11, 20), D(2027, 1, 15))
        (goal,) = agreement.goals
        assert (goal.area, goal.title, goal.indicator, goal.target_on) == (
            "language",
            "B1-Kurs abschließen",
            "B1-Zertifikat liegt vor",
            D(2027, 6, 30),
        )
        assert [(s.text, s.owner, s.due_on) for s in goal.steps] == [
            ("Kursplatz suchen", "coach", D(2026, 12, 1)),
            ("Anmeldung abgeben", "client", D(2026, 12, 10)),
        ]
        assert active_section(screen) == "goals"
        goal_rows = table_rows(screen, "goals-table")
        assert goal_rows[0].startswith("B1-Kurs abschließen | Spracherwerb | 30.06.2027 | offen")
        assert "Kursplatz suchen" in goal_rows[1] and "01.12.2026 | offen" in goal_rows[1]
        assert "Überprüfung 15.01.2027" in screen_text(app)

        home = await home_rows(pilot)
        mine = [r for r in home if "Nguyen, Lan" in r]
        assert mine == [
            "26.11.2026 | Nguyen, Lan | Bescheid prüfen",
            "01.12.2026 | Nguyen, Lan | Schritt: Kursplatz suchen",
            "10.12.2026 | Nguyen, Lan | Schritt: Anmeldung abgeben",
            "15.01.2027 | Nguyen, Lan | Überprüfung Zielvereinbarung",
        ]

        # `d` on the first step marks it done; its follow-up leaves the list.
        screen = await open_from_home(pilot, "nguyen")
        await pilot.press("3")
        assert screen.query_one("#goals-table", DataTable).has_focus
        await pilot.press("down", "d")
        await saved(pilot, "Schritt aktualisiert.")
        (step, _) = ws.goal_agreements(case_id)[0].goals[0].steps
        assert step.done_on == D(2026, 11, 24)
        assert "✓ Kursplatz suchen" in table_rows(screen, "goals-table")[1]
        assert "erledigt 24.11.2026" in table_rows(screen, "goals-table")[1]
        assert not any("Kursplatz suchen" in f.reason for f in ws.follow_ups().items)

        # 3. Referral to the Jobcenter, identifying data on, no sharing consent: the override
        # prompt appears; Esc saves nothing.
        async def referral_form(reason: str) -> None:
            await pilot.press("v")
            await on_screen(pilot, ReferralFormScreen)
            await choose(pilot, "agency", "Jobc")
            form = app.screen
            assert form.query_one("#agency", Select).value == "jobcenter"
            assert form.query_one("#legal_domain", Select).value == "sgb2"  # suggested
            assert form.query_one("#identifying", Checkbox).value is True
            await type_text(pilot, reason, "reason")
            await type_text(pilot, "03.12.2026", "feedback_due_on")
            await pilot.press("ctrl+s")
            # It says which consent is missing and offers to record it, share with a reason,
            # or leave the referral unsaved.
            await on_screen(pilot, ChoiceScreen)
            text = " ".join(screen_text(app).split())
            assert "Es fehlt die Einwilligung „Weitergabe an eine Stelle“ für" in text
            assert "„Jobcenter“." in text

        await referral_form("Leistungsanspruch klären")
        await pilot.press("escape")
        # Esc goes back to the referral form with everything as typed; leaving it asks.
        await on_screen(pilot, ReferralFormScreen)
        assert app.screen.query_one("#reason", Input).value == "Leistungsanspruch klären"
        await pilot.press("escape")
        await on_screen(pilot, UnsavedInputScreen)
        await pilot.click("#discard")
        await on_screen(pilot, ClientFileScreen)
        assert ws.client_file(screen.client_id).referrals == ()
        assert not any(e.action.startswith("referral") for e in ws.audit_log(case_id))

        # Again, with a reason: saved, the override is audited without any personal text.
        await referral_form("Leistungsanspruch klären")
        await pilot.press("down", "enter")
        await on_screen(pilot, TextPromptScreen)
        assert "Keine gültige Einwilligung zur Weitergabe an „Jobcenter“" in screen_text(app)
        await type_text(pilot, "Frist läuft ab, Klientin telefonisch einverstanden")
        await pilot.press("enter")
        await saved(pilot, "Vermittlung gespeichert.")
        (referral,) = ws.client_file(screen.client_id).referrals
        assert (referral.agency, referral.legal_domain, referral.status) == (
            "jobcenter",
            "sgb2",
            "open",
        )
        assert referral.passes_identifying_data
        assert referral.override_reason == "Frist läuft ab, Klientin telefonisch einverstanden"
        assert referral.feedback_due_on == D(2026, 12, 3)
        (override,) = [e for e in ws.audit_log(case_id) if e.action == "referral.consent_override"]
        assert override.entity_id == referral.id
        for private in ("Frist", "Klientin", "Leistungsanspruch", "Nguyen", "Lan"):
            assert private not in override.detail
        assert active_section(screen) == "referrals"
        (row,) = table_rows(screen, "referral-table")
        assert row.startswith("24.11.2026 | Jobcenter (ohne Einwilligung, begründet) | offen")
        assert row.endswith("| 03.12.2026 |  | SGB II (Jobcenter)")
        history = table_rows(screen, "history-table")
        assert any("Weitergabe ohne Einwilligung (begründet)" in h for h in history)
        feedback = [f for f in ws.follow_ups().items if f.source is FollowUpSource.REFERRAL]
        assert [(f.due_on, f.reason) for f in feedback] == [
            (D(2026, 12, 3), "Rückmeldung erwartet: Jobcenter")
        ]
        assert "03.12.2026 | Nguyen, Lan | Rückmeldung erwartet: Jobcenter" in await home_rows(
            pilot
        )

        # `r` records the outcome (erledigt): the feedback follow-up leaves the list.
        screen = await open_from_home(pilot, "nguyen")
        await pilot.press("4", "r")
        await on_screen(pilot, ReferralOutcomeScreen)
        await choose(pilot, "status", "erl")
        assert app.screen.query_one("#status", Select).value == "done"
        await type_text(pilot, "Bescheid erteilt", "outcome")
        await pilot.press("ctrl+s")
        await saved(pilot, "Rückmeldung gespeichert.")
        (referral,) = ws.client_file(screen.client_id).referrals
        assert (referral.status, referral.outcome, referral.outcome_on) == (
            "done",
            "Bescheid erteilt",
            D(2026, 11, 24),
        )
        # The feedback column now says when the feedback came, not when it was expected.
        row = table_rows(screen, "referral-table")[0]
        assert "erledigt | ✓ 24.11.2026 | Bescheid erteilt" in row and "03.12.2026" not in row
        assert not any(f.source is FollowUpSource.REFERRAL for f in ws.follow_ups().items)

        # 4. A contact with `k` from another section (Ziele) shows up in section 5.
        await pilot.press("3")
        assert active_section(screen) == "goals"
        await pilot.press("k")
        await on_screen(pilot, ContactFormScreen)
        await choose(pilot, "kind", "tele")
        await type_text(pilot, "20", "minutes")
        app.screen.query_one("#note", TextArea).focus()
        await pilot.press(*"Rueckruf")
        await pilot.press("ctrl+s")
        await saved(pilot, "Kontakt erfasst.")
        (contact,) = ws.client_file(screen.client_id).contacts
        assert (contact.on, contact.kind, contact.minutes, contact.note) == (
            D(2026, 11, 24),
            "phone",
            20,
            "Rueckruf",
        )
        await pilot.press("5")
        assert table_rows(screen, "contact-table") == ["24.11.2026 | telefonisch | 20 | Rueckruf"]

        # 5. Closure (a): reason and a final evaluation of the goal; the client's follow-ups
        # leave the list, the stage reads "Abgeschlossen".
        open_before = sorted(
            (f.due_on, f.reason) for f in ws.follow_ups().items if f.case_id == case_id
        )
        assert open_before == [
            (D(2026, 11, 26), "Bescheid prüfen"),
            (D(2026, 12, 10), "Schritt: Anmeldung abgeben"),
            (D(2027, 1, 15), "Überprüfung Zielvereinbarung"),
        ]
        await pilot.press("a")
        await on_screen(pilot, ClosureFormScreen)
        await choose(pilot, "reason", "verz")
        await choose(pilot, "status0", "nicht")
        await type_text(pilot, "Umzug vor Kursbeginn", "evaluation0")
        await pilot.press("ctrl+s")
        await saved(pilot, "Fall abgeschlossen.")
        file = ws.client_file(screen.client_id)
        assert (file.closed_on, file.closure_reason, file.stage) == (
            D(2026, 11, 24),
            "moved_away",
            CaseStage.CLOSED,
        )
        (goal,) = file.agreements[0].goals
        assert (goal.status, goal.evaluation) == ("not_achieved", "Umzug vor Kursbeginn")
        assert "Abgeschlossen" in screen_text(app)
        assert "abgeschlossen am 24.11.2026 (verzogen)" in screen_text(app)
        # Only the erasure due at the end of retention (2030) stays on the list.
        assert [f.source for f in ws.follow_ups().items if f.case_id == case_id] == [
            FollowUpSource.RETENTION
        ]
        assert all("Löschung fällig" in r for r in await home_rows(pilot) if "Nguyen" in r)

        # `a` again asks to reopen; the open follow-ups come back (not the done ones, nor the
        # step of the goal evaluated at the closure: it has its result).
        screen = await open_from_caseload(pilot, "nguyen", stage="Abgeschl")
        await pilot.press("a")
        await on_screen(pilot, ConfirmScreen)
        await pilot.press("tab", "enter")
        await saved(pilot, "Fall wieder geöffnet.")
        file = ws.client_file(screen.client_id)
        assert file.closed_on is None and file.stage is not CaseStage.CLOSED
        assert "Abgeschlossen" not in screen_text(app)
        reopened = sorted(
            (f.due_on, f.reason) for f in ws.follow_ups().items if f.case_id == case_id
        )
        assert reopened == [f for f in open_before if not f[1].startswith("Schritt:")]
        assert [r for r in await home_rows(pilot) if "Nguyen" in r] == [
            "26.11.2026 | Nguyen, Lan | Bescheid prüfen",
            "15.01.2027 | Nguyen, Lan | Überprüfung Zielvereinbarung",
        ]
        actions = [e.action for e in ws.audit_log(case_id)]
        assert {"case.close", "case.reopen", "referral.add", "contact.add"} <= set(actions)


# -- print for signature ------------------------------------------------------------------------


async def test_print_goal_agreement_pdf(app, seeded: Seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case_id = seeded.cases["Kowalski"]
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        ws = app.workspace
        # Other case data that must not end up in the PDF.
        ws.add_contact(
            ContactDraft(case_id, D(2026, 11, 20), "in_person", 45, "Vertraulich: Schulden")
        )
        ws.add_referral(
            ReferralDraft(
                case_id,
                "schuldnerberatung",
                "other",
                "Pfändung droht",
                D(2026, 11, 20),
                passes_identifying_data=False,
            )
        )
        screen = await open_from_home(pilot, "kowalski")
        assert screen.client_id == seeded.clients["Kowalski"]
        target = tmp_path / "zv-kowalski.pdf"
        await pilot.press("p")
        await on_screen(pilot, TextPromptScreen)
        field = app.screen.query_one("#answer", Input)
        # Printout names carry the case reference and the date, never the surname.
        assert Path(field.value).name == f"Zielvereinbarung-{case_id[:8]}-2026-11-24.pdf"
        field.value = ""
        await type_text(pilot, str(target))
        await pilot.press("enter")
        await saved(pilot, "PDF geschrieben.")
        assert target.is_file()
        assert str(target) in notifications(app)
        text = "\n".join(page.extract_text() for page in PdfReader(target).pages)
        squashed = " ".join(text.split())
        for expected in (
            "Zielvereinbarung",
            "Piotr Kowalski",
            "Arbeit finden",
            "Lebenslauf schreiben",
            "10.11.2026",  # agreed on
            "10.02.2027",  # review
            "23.11.2026",  # step due
        ):
            assert expected in squashed, expected
        for private in ("Vertraulich", "Schulden", "Pfändung", "Schuldnerberatung"):
            assert private not in squashed
        assert any(e.action == "goalagreement.print" for e in ws.audit_log(case_id))

        # Nothing is overwritten: the same path again is refused, the file stays as it was.
        before = target.read_bytes()
        await pilot.press("p")
        await on_screen(pilot, TextPromptScreen)
        prompt = app.screen
        prompt.query_one("#answer", Input).value = str(target)
        await pilot.press("enter")
        # Refused under the path, which stays there to be changed.
        await until(
            pilot, lambda: "existiert bereits" in str(prompt.query_one("#form-error").render())
        )
        assert app.screen is prompt and prompt.query_one("#answer", Input).value == str(target)
        assert target.read_bytes() == before


# -- residence path -----------------------------------------------------------------------------


async def test_residence_facts_hints_and_new_status(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    client_id = seeded.clients["Müller"]
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        ws = app.workspace
        screen = await open_from_home(pilot, "müller")
        assert screen.client_id == client_id
        await pilot.press("6")
        assert active_section(screen) == "residence"
        assert table_rows(screen, "residence-table") == [
            "Duldung |  | 30.06.2027 | aktuell | § 60a AufenthG"
        ]

        await pilot.press("f")
        await on_screen(pilot, FactsFormScreen)
        assert app.screen.query_one("#entry_on", Input).has_focus
        await type_text(pilot, "01.03.2018")
        await choose(pilot, "german_level", "B1")
        assert app.screen.query_one("#german_level", Select).value == "B1"
        await type_text(pilot, "60", "livelihood_share")
        await pilot.press("ctrl+s")
        await saved(pilot, "Angaben gespeichert.")
        facts = ws.client_file(client_id).facts
        assert (facts.entry_on, facts.german_level, facts.livelihood_share) == (
            D(2018, 3, 1),
            "B1",
            60,
        )
        assert active_section(screen) == "residence"
        facts_text = static_text(screen.query_one("#facts-body", Static))
        hints_text = static_text(screen.query_one("#hints-body", Static))
        assert "01.03.2018" in facts_text and "B1" in facts_text and "60 %" in facts_text
        assert "keine Rechtsberatung" in hints_text
        assert "Quelle:" in hints_text
        shown = screen_text(app)
        assert "keine Rechtsberatung" in shown
        assert "Bleibeperspektive – Hinweise" in shown

        # `s` records a new status; it becomes current, the old one stays as history.
        await pilot.press("s")
        await on_screen(pilot, ResidenceFormScreen)
        await choose(pilot, "status", "25b")
        form = app.screen
        assert form.query_one("#status", Select).value == "ae_25b"
        assert form.query_one("#legal_basis", Input).value  # suggested from the catalog
        await type_text(pilot, "20.11.2026", "valid_from")
        await type_text(pilot, "19.11.2028", "valid_until")
        await pilot.press("ctrl+s")
        await saved(pilot, "Aufenthaltsstatus gespeichert.")
        residence = ws.client_file(client_id).residence
        assert [(r.status, r.valid_from, r.valid_until) for r in residence] == [
            ("ae_25b", D(2026, 11, 20), D(2028, 11, 19)),
            ("duldung", None, D(2027, 6, 30)),
        ]
        rows = table_rows(screen, "residence-table")
        assert rows[0].startswith("AE § 25b | 20.11.2026 | 19.11.2028 | aktuell | ")
        assert rows[1] == "Duldung |  | 30.06.2027 |  | § 60a AufenthG"
        assert "AE § 25b bis 19.11.2028" in screen_text(app)
        # Only the current document reminds.
        reminders = [
            f.reason for f in ws.follow_ups().items if f.source is FollowUpSource.RESIDENCE
        ]
        assert reminders == ["Ablauf 19.11.2028: AE § 25b"]


async def test_at_80_columns_the_referral_outcome_is_in_view(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    """What came back from the agency comes before the legal domain: on a small terminal the
    coach reads the outcome in the list, not only in the entry's detail."""
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock_home(pilot)
        ws = app.workspace
        case_id = seeded.cases["Kowalski"]
        referral = ws.add_referral(
            ReferralDraft(
                case_id,
                "schuldnerberatung",
                "sgb2",
                "Pfändung droht",
                D(2026, 11, 2),
                passes_identifying_data=False,
            )
        )
        ws.record_referral_outcome(referral, "done", "Ratenplan vereinbart", D(2026, 11, 20))
        await open_from_home(pilot, "kowalski")
        await pilot.press("4")
        rows = [line for line in screen_text(app).splitlines() if "02.11.2026" in line]
        assert len(rows) == 1 and "✓ 20.11.2026" in rows[0] and "Ratenplan" in rows[0]
