"""After an intake: the household members typed on it become clients of their own, in one go.

The intake lists the people the client lives with ("Name; Beziehung; Geburtsdatum"). This
dialog offers each of them as a new client (own file, first contact today) linked into the
client's household with a role taken from the relation; the coach ticks whom to create
("Haushaltsmitglied anlegen"), or skips with Esc and can still do it later in the file (N).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import SelectionList, Static

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.household import member_from_list
from kim_tui.domain.model import ClientDraft, IntakeDraft
from kim_tui.i18n import language, tr
from kim_tui.screens.form import WritingModal, save_in_dialog
from kim_tui.widgets.field_error import FieldError

if TYPE_CHECKING:
    from kim_tui.app import KimApp

NewMembers = list[tuple[ClientDraft, str]]


class HouseholdFromIntakeScreen(WritingModal[NewMembers]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = (
        UiAction(
            "householdintake.save",
            "ctrl+s",
            "save",
            "Anlegen",
            "Create",
            "Markierte Haushaltsmitglieder als eigene Akten anlegen",
            "Create the ticked household members as files of their own",
            priority=True,
        ),
        UiAction("householdintake.cancel", "escape", "cancel", "Nicht jetzt", "Not now"),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, members: NewMembers) -> None:
        super().__init__(classes="dialog")
        self.members = members

    def compose(self) -> ComposeResult:
        lang = language()
        roles = catalog("household_roles")
        with Vertical():
            yield Static(
                tr("Haushaltsmitglied anlegen", "Create household members"), classes="title"
            )
            yield Static(
                tr(
                    "Diese Personen stehen im Haushalt. Als eigene Klient*innen anlegen und "
                    "verknüpfen? (Leertaste wählt ab, Strg+S legt an, Esc: nicht jetzt – "
                    "später in der Akte mit N)",
                    "These people are in the household. Create them as clients of their own and "
                    "link them? (Space unticks, Ctrl+S creates, Esc: not now – later with N)",
                )
            )
            items = []
            for index, (draft, role) in enumerate(self.members):
                label = Text(f"{draft.family_name}, {draft.given_name}".strip(", "))
                label.append(f"  {roles.label(role, lang)}", style="cyan")
                label.append(f"  {format_date(draft.birth_date) or '–'}", style="dim")
                items.append((label, index, True))
            yield SelectionList[int](*items, id="members")
            yield FieldError(id=self.ERROR_ID)

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_save(self) -> None:
        chosen = sorted(self.query_one(SelectionList).selected)
        self.close_with([self.members[i] for i in chosen])

    def action_cancel(self) -> None:
        self.dismiss(None)


async def offer_household_members(app: KimApp, client_id: str, draft: IntakeDraft) -> None:
    """Ask whether the intake's listed household members become linked clients; create the
    chosen ones (one batch: all or none) and say how many."""
    listed = [
        member_from_list(m.name, m.relation, m.birth_date, draft.client.family_name)
        for m in draft.client.household
        if m.name.strip()
    ]
    if not listed:
        return
    workspace = app.workspace

    def create(chosen: NewMembers) -> int:
        # One batch while the list is open: all or none, and a refusal stays under the list.
        if not chosen:
            return 0
        with workspace.batch():
            for member, role in chosen:
                workspace.add_household_member(client_id, member, role)
        return len(chosen)

    created = await save_in_dialog(app, HouseholdFromIntakeScreen(listed), create)
    if not created:
        return
    app.notify(
        tr(
            f"{created} Haushaltsmitglied(er) mit eigener Akte angelegt.",
            f"{created} household member(s) created with their own file.",
        )
    )
