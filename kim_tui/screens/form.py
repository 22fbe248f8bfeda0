"""`FormModal[T]`: the base of every form dialog. A form declares its fields (`compose`), how
they become a draft `T` (`build_draft`) and its actions; the base owns saving, cancelling and
whether the form holds unsaved input.

A form never talks to the service itself: Ctrl+S (or Enter, in the one-line dialogs) builds
the draft, runs the write the calling screen handed it (`save_draft`, e.g. through
`StorageActions.save_in_form`) and only then dismisses the dialog with the draft. A draft that
cannot be built raises `FormInvalid`, and a write the vault refuses (full disk, stand-in copy,
restricted file, a rule of the service) is a `VaultError`; either message appears on the
form's error line (`widgets/field_error.py`) and the form keeps what was typed.

Input is never lost by accident: Esc on a form that holds input (`holds_input`: a field differs
from how the form opened) asks save / discard / keep editing (`screens/unsaved_input.py`); the
app asks the same before Ctrl+Q or an F-key would close the form (`app_base.VaultApp`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar, TypeVar

from textual import work
from textual.app import App
from textual.dom import DOMNode
from textual.widgets import Checkbox, Input, Select, SelectionList, Static, TextArea

from kim_tui.actions import KimView, UiAction
from kim_tui.domain.dates import parse_date
from kim_tui.i18n import tr
from kim_tui.screens.base import KimModal
from kim_tui.screens.unsaved_input import UnsavedChoice, UnsavedInputScreen
from kim_tui.widgets.field_error import FieldError

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
        tr("Strg+S speichern · Esc abbrechen · F1 Hilfe", "Ctrl+S save · Esc cancel · F1 help"),
        classes="muted",
    )


async def ask_about_input(
    app: App[Any], question: str | None = None, *, can_save: bool = True
) -> UnsavedChoice:
    """Save, discard or keep editing: the one question before typed input could be lost
    (Esc in a form, and the app's quit and screen switches)."""
    return await app.push_screen_wait(UnsavedInputScreen(question, can_save=can_save))


async def cancel_form(app: App[Any], view: KimView, close: Callable[[], object]) -> None:
    """Esc on a form: `close` at once when it holds no input, else ask; a save goes through
    the form's own save (which closes it, or shows why it cannot)."""
    if not view.holds_input():
        close()
        return
    choice = await ask_about_input(app, view.unsaved_question())
    if choice is UnsavedChoice.DISCARD:
        close()
    elif choice is UnsavedChoice.SAVE:
        await view.save_input()


class FormModal(KimModal[DraftType | None]):
    """A form dialog that returns a draft `DraftType`, or None when cancelled."""

    ERROR_ID: ClassVar[str] = "form-error"
    """The id of the `FieldError` line where `FormInvalid` messages appear."""

    def __init__(self, *, classes: str = "dialog") -> None:
        super().__init__(classes=classes)
        self._initial: dict[str, object] | None = None
        self.restored_input = False
        """True when the form opened with input the coach typed before (a form reopened with
        its draft): it holds input from the start."""
        self.save_draft: Callable[[DraftType], object] | None = None
        """Set by a caller that writes the draft: run before the form closes, so a write the
        vault refuses (a full disk, a read-only one) keeps the form open with its input and
        the reason under the fields."""
        self.saved: object = None
        """What `save_draft` returned."""

    def on_mount(self) -> None:
        # After the first refresh: a Select shows its initial value only once it is mounted.
        self.call_after_refresh(self._remember_initial)

    def _remember_initial(self) -> None:
        self._initial = field_values(self)

    # -- what a form declares ----------------------------------------------------------------

    def build_draft(self) -> DraftType:
        """The draft from the fields; raises `FormInvalid` for what cannot be saved."""
        raise NotImplementedError

    # -- what the base owns ------------------------------------------------------------------

    def holds_input(self) -> bool:
        """True when any field differs from its value when the form opened."""
        if self.restored_input:
            return True
        return self._initial is not None and field_values(self) != self._initial

    def action_save(self) -> bool:
        """Build the draft and close with it; False (and the reason shown) when it is invalid."""
        try:
            draft = self.build_draft()
        except FormInvalid as problem:
            self.show_problem(problem)
            return False
        return self.close_with(draft)

    def close_with(self, draft: DraftType) -> bool:
        """Write `draft` (`save_draft`) and close with it; False, with the form open and the
        reason on its error line, when the vault refuses the write."""
        if self.save_draft is not None:
            from kim_tui.store.errors import VaultError

            try:
                self.saved = self.save_draft(draft)
            except VaultError as refused:
                self.show_problem(FormInvalid(str(refused)))
                return False
        self.dismiss(draft)
        return True

    async def save_input(self) -> bool:
        return self.action_save()

    def show_problem(self, problem: FormInvalid) -> None:
        """Show why the draft cannot be saved, and go to the field it names."""
        self.query_one(f"#{self.ERROR_ID}", FieldError).show(problem.message)
        if problem.field is not None:
            self.query_one(f"#{problem.field}").focus()

    def action_cancel(self) -> None:
        """Esc: close at once when nothing was entered, else ask (save, discard, keep)."""
        if not self.holds_input():
            self.dismiss(None)
        else:
            self._cancel_after_asking()

    @work(exclusive=True, group="form-cancel")
    async def _cancel_after_asking(self) -> None:
        await cancel_form(self.app, self, lambda: self.dismiss(None))

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
