"""A household member as a new client, in one go: the short form (name, birth date, role).

Returns the new person's `ClientDraft` and role; the calling screen saves both through
`Workspace.add_household_member` (own file, own case, linked into the household).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Select, Static

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import date_placeholder
from kim_tui.domain.household import REFERENCE_ROLE
from kim_tui.domain.model import ClientDraft
from kim_tui.i18n import language, tr
from kim_tui.screens.form import FormInvalid, FormModal, form_actions, save_hint
from kim_tui.widgets.field_error import FieldError

NewMember = tuple[ClientDraft, str]
"""The new person and their role code (``household_roles``)."""


def role_options() -> list[tuple[str, str]]:
    """(label, code) of every role a member can be given (the reference person is the client
    the household starts from, so it is not offered)."""
    lang = language()
    return [(e.label(lang), e.code) for e in catalog("household_roles") if e.code != REFERENCE_ROLE]


class HouseholdMemberFormScreen(FormModal[NewMember]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = form_actions("householdmember")
    BINDINGS = bindings(ACTIONS)

    def __init__(self, family_name: str = "", role: str = "child") -> None:
        super().__init__()
        self.family_name = family_name
        self.role = role

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                tr(
                    "Haushaltsmitglied als neue Klient*in anlegen",
                    "Add a household member as a new client",
                ),
                classes="title",
            )
            with Horizontal(classes="row"):
                with Vertical():
                    yield Static(tr("Vorname", "Given name"), classes="field-label")
                    yield Input(id="given_name", compact=True, max_length=100)
                with Vertical():
                    yield Static(tr("Nachname", "Family name"), classes="field-label")
                    yield Input(
                        value=self.family_name, id="family_name", compact=True, max_length=100
                    )
            with Horizontal(classes="row"):
                with Vertical():
                    yield Static(tr("Geburtsdatum", "Date of birth"), classes="field-label")
                    yield Input(id="birth_date", compact=True, placeholder=date_placeholder())
                with Vertical():
                    yield Static(tr("Rolle im Haushalt", "Role"), classes="field-label")
                    yield Select(
                        role_options(),
                        value=self.role,
                        id="role",
                        compact=True,
                        allow_blank=False,
                    )
            yield Static(
                tr(
                    "Die Person bekommt eine eigene Akte mit Erstkontakt heute.",
                    "The person gets their own file, first contact today.",
                ),
                classes="muted",
            )
            yield FieldError(id="form-error")
            yield save_hint()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#given_name", Input).focus()

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_save()

    def build_draft(self) -> NewMember:
        family = self.text("family_name")
        if not family:
            raise FormInvalid(
                tr("Bitte einen Nachnamen angeben.", "Please give a family name."), "family_name"
            )
        born = self.date_value("birth_date", focus=True)
        role = self.query_one("#role", Select).value
        draft = ClientDraft(self.text("given_name"), family, born)
        return draft, str(role)
