"""Correct and delete from the client file (issue 11, section 1), driven by the keyboard: `e`
corrects the highlighted entry in a form opened with its current values, `l` deletes it with a
reason, the Verlauf (8) says what changed in words, and read events are hidden until `g`."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Input, TextArea

from kim_tui.domain.model import ContactDraft, FollowUpSource
from kim_tui.screens.choice import ChoiceScreen
from kim_tui.screens.client_file import ClientFileScreen
from kim_tui.screens.client_form import MasterDataFormScreen
from kim_tui.screens.contact_form import ContactFormScreen
from kim_tui.screens.reason_prompt import DeleteReasonScreen
from tests.ui.conftest import Seeded, on_screen, type_text, unlock_home, until
from tests.ui.test_case_file import open_from_home, saved, table_rows

SIZE = (130, 45)
D = date


def _history(screen: ClientFileScreen) -> list[str]:
    return table_rows(screen, "history-table")


async def test_correct_a_contact_from_the_contacts_section(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    client_id, case_id = seeded.clients["Nguyen"], seeded.cases["Nguyen"]
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        ws = app.workspace
        ws.add_contact(ContactDraft(case_id, D(2026, 11, 3), "phone", 10, "Anruf wegen Termn"))
        screen = await open_from_home(pilot, "nguyen")
        await pilot.press("5")
        await pilot.press("e")
        await on_screen(pilot, ContactFormScreen)
        form = app.screen
        # The form opens with the contact as it is.
        await until(pilot, lambda: form.query_one("#note", TextArea).text == "Anruf wegen Termn")
        assert form.query_one("#on", Input).value == "03.11.2026"
        assert form.query_one("#minutes", Input).value == "10"
        assert "Kontakt korrigieren" in str(form.query_one(".title").render())
        form.query_one("#note", TextArea).text = "Anruf wegen Termin"
        await type_text(pilot, "15", "minutes")
        form.query_one("#minutes", Input).value = "15"
        await pilot.press("ctrl+s")
        await saved(pilot, "Korrektur gespeichert.")
        (contact,) = ws.client_file(client_id).contacts
        assert (contact.note, contact.minutes, contact.on) == (
            "Anruf wegen Termin",
            15,
            D(2026, 11, 3),
        )
        assert table_rows(screen, "contact-table")[0].endswith("| 15 | Anruf wegen Termin")

        await pilot.press("8")
        rows = _history(screen)
        assert rows[0].endswith("| Kontakt korrigiert | telefonisch")
        assert " | ↳ Notiz geändert | Anruf wegen Termn → Anruf wegen Termin" in rows
        assert " | ↳ Minuten geändert | 10 → 15" in rows


async def test_correct_master_data_from_the_overview(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    client_id = seeded.clients["Müller"]
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        ws = app.workspace
        screen = await open_from_home(pilot, "müller")
        await pilot.press("1", "e")
        await on_screen(pilot, ChoiceScreen)
        await pilot.press("enter")  # the first choice: master data
        await on_screen(pilot, MasterDataFormScreen)
        form = app.screen
        assert form.query_one("#family_name", Input).value == "Müller"
        assert form.query_one("#birth_date", Input).value == "15.03.1980"
        assert form.query_one("#nationality", Input).value == "Deutschland"
        await type_text(pilot, "Neue Str. 2, 46045 Oberhausen", "address")
        await type_text(pilot, "0208 123", "phone")
        form.query_one("#household", TextArea).text = "Eva Müller; Ehefrau; 01.02.1982"
        await pilot.press("ctrl+s")
        await saved(pilot, "Korrektur gespeichert.")
        client = ws.client_file(client_id).client
        assert client.address == "Neue Str. 2, 46045 Oberhausen" and client.phone == "0208 123"
        assert [m.name for m in client.household] == ["Eva Müller"]
        assert client.nationality == "DEU"  # untouched fields stay as they were

        await pilot.press("8")
        rows = _history(screen)
        assert rows[0].endswith("| Stammdaten geändert | ")
        assert " | ↳ Adresse | Neue Str. 2, 46045 Oberhausen" in rows
        assert " | ↳ Haushalt | Eva Müller (Ehefrau), 01.02.1982" in rows


async def test_master_data_correction_shows_old_and_new_value(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    client_id = seeded.clients["Müller"]
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        ws = app.workspace
        from dataclasses import replace

        ws.update_client(
            client_id, replace(ws.client_file(client_id).client, address="Alte Str. 1")
        )
        screen = await open_from_home(pilot, "müller")
        await pilot.press("e")
        await on_screen(pilot, ChoiceScreen)
        await pilot.press("enter")
        await on_screen(pilot, MasterDataFormScreen)
        app.screen.query_one("#address", Input).value = "Neue Str. 2"
        await pilot.press("ctrl+s")
        await saved(pilot, "Korrektur gespeichert.")
        await pilot.press("8")
        assert " | ↳ Adresse geändert | Alte Str. 1 → Neue Str. 2" in _history(screen)


async def test_delete_a_residence_entry_with_a_reason(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    client_id = seeded.clients["Müller"]
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        ws = app.workspace
        screen = await open_from_home(pilot, "müller")
        await pilot.press("6")
        screen.query_one("#residence-table", DataTable).focus()
        await pilot.press("l")
        await on_screen(pilot, DeleteReasonScreen)
        # A one-letter reason is refused, saying how long it must be; nothing is deleted.
        await type_text(pilot, "x", "answer")
        await pilot.press("enter")
        await until(
            pilot, lambda: "mindestens 10" in str(app.screen.query_one("#form-error").render())
        )
        assert isinstance(app.screen, DeleteReasonScreen)
        app.screen.query_one("#answer", Input).value = ""
        await type_text(pilot, "Falsche Person: Eintrag gehört zu Anna Mueller.", "answer")
        await pilot.press("enter")
        await saved(pilot, "Eintrag gelöscht; er steht mit dem Grund im Verlauf.")
        assert ws.client_file(client_id).residence == ()
        assert table_rows(screen, "residence-table") == []
        # Its expiry reminder left the Wiedervorlagen with it.
        assert not [
            f for f in ws.follow_ups("müller").items if f.source is FollowUpSource.RESIDENCE
        ]
        await pilot.press("8")
        rows = _history(screen)
        assert rows[0].endswith("| Eintrag gelöscht | Aufenthaltsstatus-Eintrag")
        assert (
            " | ↳ Aufenthaltsstatus „Duldung“ gelöscht | "
            "Falsche Person: Eintrag gehört zu Anna Mueller."
        ) in rows


async def test_history_hides_read_events_and_opening_is_audited_once(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    case_id = seeded.cases["Nguyen"]
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        ws = app.workspace

        def opened() -> int:
            return sum(1 for e in ws.audit_log(case_id) if e.action == "client.open")

        screen = await open_from_home(pilot, "nguyen")
        assert opened() == 1
        # A dialog opened and closed again is no second opening.
        await pilot.press("k")
        await on_screen(pilot, ContactFormScreen)
        await pilot.press("escape")
        await on_screen(pilot, ClientFileScreen)
        assert opened() == 1
        await pilot.press("8")
        assert not [r for r in _history(screen) if "Akte geöffnet" in r]
        await pilot.press("g")
        assert [r for r in _history(screen) if "Akte geöffnet" in r]
        await pilot.press("g")
        assert not [r for r in _history(screen) if "Akte geöffnet" in r]


async def test_correct_and_delete_a_manual_follow_up_in_the_list(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    from kim_tui.screens.follow_up_form import FollowUpFormScreen
    from kim_tui.screens.follow_ups import FollowUpsScreen
    from tests.ui.conftest import notifications

    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        ws = app.workspace
        await pilot.press("slash")
        await type_text(pilot, "nguyen")
        await pilot.press("enter")
        await pilot.press("e")
        await on_screen(pilot, FollowUpFormScreen)
        form = app.screen
        await until(pilot, lambda: form.query_one("#reason", Input).value == "Bescheid prüfen")
        assert form.query_one("#due", Input).value == "26.11.2026"
        form.query_one("#reason", Input).value = "Bescheid Jobcenter prüfen"
        form.query_one("#due", Input).value = "27.11.2026"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Korrektur gespeichert." in notifications(app))
        (item,) = ws.follow_ups("nguyen").items
        assert (item.reason, item.due_on) == ("Bescheid Jobcenter prüfen", D(2026, 11, 27))

        await on_screen(pilot, FollowUpsScreen)
        await pilot.press("l")
        await on_screen(pilot, DeleteReasonScreen)
        await type_text(pilot, "Hat sich mit dem Anruf von heute erledigt.", "answer")
        await pilot.press("enter")
        await until(pilot, lambda: "Wiedervorlage gelöscht." in notifications(app))
        assert ws.follow_ups("nguyen").items == ()


async def test_correct_a_consent(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Select

    from kim_tui.domain.model import ConsentForm
    from kim_tui.screens.consent_correction import ConsentCorrectionScreen

    client_id = seeded.clients["Müller"]
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        screen = await open_from_home(pilot, "müller")
        await pilot.press("7", "e")
        await on_screen(pilot, ConsentCorrectionScreen)
        form = app.screen
        assert form.query_one("#given_on", Input).value == "01.10.2026"
        form.query_one("#form", Select).value = "oral"
        form.query_one("#given_on", Input).value = "02.10.2026"
        await pilot.press("ctrl+s")
        await saved(pilot, "Korrektur gespeichert.")
        (consent,) = app.workspace.client_file(client_id).consents
        assert (consent.form, consent.given_on) == (ConsentForm.ORAL, D(2026, 10, 2))
        await pilot.press("8")
        rows = _history(screen)
        assert rows[0].endswith("| Einwilligung korrigiert | Case Management")
        assert " | ↳ Form der Einwilligung geändert | schriftlich → mündlich" in rows
        assert " | ↳ Erteilt am geändert | 01.10.2026 → 02.10.2026" in rows


async def test_history_shows_done_notes_and_override_reasons(app, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    from kim_tui.domain.model import ReferralDraft

    case_id = seeded.cases["Nguyen"]
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        ws = app.workspace
        (follow_up,) = ws.follow_ups("nguyen").items
        ws.complete_follow_up(follow_up.id, "Bescheid liegt vor, alles bewilligt")
        ws.add_referral(
            ReferralDraft(
                case_id,
                "jobcenter",
                "sgb2",
                "Antrag",
                D(2026, 11, 24),
                override_reason="Frist läuft heute ab, Klientin telefonisch einverstanden",
            )
        )
        await pilot.press("f3")
        from tests.ui.test_case_file import open_from_caseload

        screen = await open_from_caseload(pilot, "nguyen")
        await pilot.press("8")
        rows = _history(screen)
        assert " | ↳ Notiz zur Erledigung | Bescheid liegt vor, alles bewilligt" in rows
        assert " | ↳ Begründung | Frist läuft heute ab, Klientin telefonisch einverstanden" in rows
