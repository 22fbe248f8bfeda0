"""`FormModal[T]`: the base of every form dialog. A form declares its fields (`compose`), how
they become a draft `T` (`build_draft`) and its actions; the base owns saving, cancelling and
whether the form holds unsaved input.

A form never saves: Ctrl+S (or Enter, in the one-line dialogs) builds the draft and dismisses
the dialog with it, and the calling screen saves it through the service (one error path, one
refresh: see `screens/client_file.py`). A draft that cannot be built raises `FormInvalid`,
whose message appears on the form's error line (`widgets/field_error.py`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import work
from textual.dom import DOMNode
from textual.widgets import Checkbox, Input, Select, SelectionList, Static, TextArea

from kim_tui.actions import UiAction
from kim_tui.domain.dates import parse_date
from kim_tui.i18n import tr
from kim_tui.screens.base import KimModal
from kim_tui.widgets.field_error import FieldError

if TYPE_CHECKING:
    from kim_tui.app import KimApp

DraftType = TypeVar("DraftType")


class FormInvalid(Exception):
    """What was entered cannot become a draft: `message` goes on the form's error line; the
    cursor moves to `field` (an id) when one is named, else it stays where it is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def form_actions(
    prefix: str, *, save: tuple[str, str] = ("Speichern", "Save")
) -> tuple[UiAction, UiAction]:
    """Ctrl+S saves (before any field sees the key), Esc cancels; ids `<prefix>.save|cancel`."""
    return (
        UiAction(f"{prefix}.save", "ctrl+s", "save", *save, priority=True),
        UiAction(f"{prefix}.cancel", "escape", "cancel", "Abbrechen", "Cancel"),
    )


def field_values(root: DOMNode) -> dict[str, object]:
    """The value of every input field under `root`, by id (or position): what a form holds."""
    values: dict[str, object] = {}
    fields = root.query("Input, TextArea, Select, Checkbox, SelectionList")
    for index, field in enumerate(fields):
        key = field.id or f"#{index}"
        if isinstance(field, Input):
            values[key] = field.value
        elif isinstance(field, TextArea):
            values[key] = field.text
        elif isinstance(field, SelectionList):
            values[key] = tuple(field.selected)
        elif isinstance(field, (Select, Checkbox)):
            values[key] = field.value
    return values


def save_hint() -> Static:
    """The keys of a form, under its fields (a dialog covers the screen's key line)."""
    return Static(
        tr("Strg+S speichern · Esc abbrechen", "Ctrl+S save · Esc cancel"), classes="muted"
    )


async def confirm_discard(app: KimApp, question: str) -> bool:
    """Ask before input is thrown away; True when the coach chose to discard it."""
    from kim_tui.screens.confirm import ConfirmScreen

    return await app.push_screen_wait(
        ConfirmScreen(
            question, tr("Verwerfen", "Discard"), no=tr("Weiter bearbeiten", "Keep editing")
        )
    )


class FormModal(KimModal[DraftType | None]):
    """A form dialog that returns a draft `DraftType`, or None when cancelled."""

    ERROR_ID: ClassVar[str] = "form-error"
    """The id of the `FieldError` line where `FormInvalid` messages appear."""

    def __init__(self, *, classes: str = "dialog") -> None:
        super().__init__(classes=classes)
        self._initial: dict[str, object] | None = None

    def on_mount(self) -> None:
        # After the first refresh: a Select shows its initial value only once it is mounted.
        self.call_after_refresh(self._remember_initial)

    def _remember_initial(self) -> None:
        self._initial = field_values(self)

    # -- what a form declares ----------------------------------------------------------------

    def build_draft(self) -> DraftType:
        """The draft from the fields; raises `FormInvalid` for what cannot be saved."""
        raise NotImplementedError

    def discard_question(self) -> str | None:
        """The question Esc asks before throwing the input away; None closes at once."""
        return None

    # -- what the base owns ------------------------------------------------------------------

    def holds_input(self) -> bool:
        """True when any field differs from its value when the form opened."""
        return self._initial is not None and field_values(self) != self._initial

    def action_save(self) -> None:
        try:
            draft = self.build_draft()
        except FormInvalid as problem:
            self.show_problem(problem)
            return
        self.dismiss(draft)

    def show_problem(self, problem: FormInvalid) -> None:
        """Show why the draft cannot be saved, and go to the field it names."""
        self.query_one(f"#{self.ERROR_ID}", FieldError).show(problem.message)
        if problem.field is not None:
            self.query_one(f"#{problem.field}").focus()

    def action_cancel(self) -> None:
        question = self.discard_question()
        if question is None:
            self.dismiss(None)
        else:
            self._cancel_after_asking(question)

    @work(exclusive=True, group="form-cancel")
    async def _cancel_after_asking(self, question: str) -> None:
        if await confirm_discard(self.app, question):
            self.dismiss(None)

    # -- reading fields ----------------------------------------------------------------------

    def text(self, field: str) -> str:
        """The text of an `Input`, without surrounding blanks."""
        return self.query_one(f"#{field}", Input).value.strip()

    def date_value(self, field: str, *, focus: bool = False) -> date:
        """A required date; `focus` moves the cursor to the field when it is not one."""
        try:
            return parse_date(self.query_one(f"#{field}", Input).value)
        except ValueError as exc:
            raise FormInvalid(str(exc), field if focus else None) from exc

    def optional_date(self, field: str, *, focus: bool = False) -> date | None:
        """A date that may be left empty (None)."""
        text = self.text(field)
        try:
            return parse_date(text) if text else None
        except ValueError as exc:
            raise FormInvalid(str(exc), field if focus else None) from exc
