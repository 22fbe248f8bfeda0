"""Referral form: § 24 holders who entered from 01.04.2025 get the AsylbLG notice for income
referrals and the AsylbLG legal domain suggested, without blocking (issue 15 § 2)."""

from __future__ import annotations

from datetime import date

from textual.pilot import Pilot
from textual.widgets import Select, Static

from kim_tui.app import KimApp
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.model import (
    ClientDraft,
    ConsentDraft,
    ConsentPurpose,
    IntakeDraft,
    ResidenceDraft,
    ResidenceFactsDraft,
)
from kim_tui.screens.client_file import ClientFileScreen
from kim_tui.screens.referral_form import ReferralFormScreen
from kim_tui.widgets.residence_hints import ASYLBLG_LEGAL_DOMAIN
from tests.ui.conftest import on_screen, screen_text, unlock_home
from tests.ui.test_case_file import SIZE, choose

D = date


def _client(app: KimApp, family: str, entry_on: date, status: str = "ae_24") -> str:
    ws = app.workspace
    client_id, case_id = ws.intake(
        IntakeDraft(
            ClientDraft("Olena", family, D(1985, 4, 4), nationality="UKR"),
            D(2026, 10, 1),
            residence=ResidenceDraft(status, valid_from=entry_on, valid_until=D(2027, 3, 4)),
            consents=(ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, D(2026, 10, 1)),),
        )
    )
    ws.set_residence_facts(client_id, ResidenceFactsDraft(entry_on=entry_on))
    return client_id


async def _referral_form(pilot: Pilot, app: KimApp, client_id: str) -> ReferralFormScreen:
    await app.push_screen(ClientFileScreen(client_id))
    await on_screen(pilot, ClientFileScreen)
    await pilot.press("v")
    await on_screen(pilot, ReferralFormScreen)
    form = app.screen
    assert isinstance(form, ReferralFormScreen)
    return form


def _notice_shown(form: ReferralFormScreen) -> bool:
    found = form.query("#asylblg-notice")
    return bool(found) and form.query_one("#asylblg-notice", Static).display


def test_asylblg_domain_code_is_in_the_catalog() -> None:
    assert "AsylbLG" in catalog("legal_domains").get(ASYLBLG_LEGAL_DOMAIN).aliases  # type: ignore[union-attr]


async def test_notice_and_suggestion_for_24_holder_entered_from_april_2025(app: KimApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        client_id = _client(app, "Kovalenko", D(2025, 6, 10))
        form = await _referral_form(pilot, app, client_id)
        assert not _notice_shown(form)  # nothing chosen yet: not an income referral
        await choose(pilot, "agency", "Jobc")
        assert form.query_one("#agency", Select).value == "jobcenter"
        # Suggested: the AsylbLG domain instead of SGB II; the coach may change it.
        assert form.query_one("#legal_domain", Select).value == ASYLBLG_LEGAL_DOMAIN
        assert _notice_shown(form)
        text = screen_text(app)
        assert "Hinweis AsylbLG" in text and "01.07.2026" in text
        # Not blocking: SGB II can still be chosen, the notice stays.
        form.query_one("#legal_domain", Select).value = "sgb2"
        await pilot.pause()
        assert form.query_one("#legal_domain", Select).value == "sgb2"
        assert _notice_shown(form)


async def test_no_notice_for_earlier_entry_or_other_status(app: KimApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await unlock_home(pilot)
        earlier = _client(app, "Shevchenko", D(2022, 3, 20))
        other = _client(app, "Bondarenko", D(2025, 6, 10), status="gestattung")
        for client_id in (earlier, other):
            form = await _referral_form(pilot, app, client_id)
            await choose(pilot, "agency", "Jobc")
            assert form.query_one("#legal_domain", Select).value == "sgb2"
            assert not _notice_shown(form)
            assert "Hinweis AsylbLG" not in screen_text(app)
            await pilot.press("escape")
            await pilot.press("escape")
            await pilot.pause()
