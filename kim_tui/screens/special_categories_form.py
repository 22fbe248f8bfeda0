"""Which special categories (Art. 9) a printed consent form names, for a consent recorded as
covering special categories: the form must say exactly what the person agrees to share."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import SelectionList, Static

from kim_tui.actions import UiAction, bindings
from kim_tui.i18n import tr
from kim_tui.screens.form import FormInvalid, FormModal, form_actions, save_hint
from kim_tui.widgets.field_error import FieldError


class SpecialCategoriesScreen(FormModal[tuple[str, ...]]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = form_actions("special_categories")
    BINDINGS = bindings(ACTIONS)

    def __init__(self, choices: tuple[tuple[str, str], ...]) -> None:
        super().__init__()
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                tr("Besondere Kategorien im Formular", "Special categories on the form"),
                classes="title",
            )
            yield Static(
                tr(
                    "Die Einwilligung umfasst besondere Kategorien: welche nennt das Formular? "
                    "Leertaste wählt.",
                    "The consent covers special categories: which does the form name? "
                    "Space toggles.",
                ),
                classes="muted",
            )
            yield SelectionList[str](*[(label, code) for code, label in self.choices], id="cats")
            yield FieldError(id=self.ERROR_ID)
            yield save_hint()

    def on_mount(self) -> None:
        self.query_one("#cats", SelectionList).focus()

    def build_draft(self) -> tuple[str, ...]:
        chosen = tuple(self.query_one("#cats", SelectionList).selected)
        if not chosen:
            raise FormInvalid(
                tr("Bitte mindestens eine Kategorie wählen.", "Please choose at least one.")
            )
        return chosen
