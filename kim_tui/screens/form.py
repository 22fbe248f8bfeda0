"""`FormModal[T]`: the base of every form dialog. A form declares its fields (`compose`), how
they become a draft `T` (`build_draft`) and its actions; the base owns saving, cancelling and
whether the form holds unsaved input.

A form never talks to the service itself: Ctrl+S (or Enter, in the one-line dialogs) builds
the draft, runs the write the caller handed it (`save_draft`) and only then dismisses the
dialog with the draft. A draft that cannot be built raises `FormInvalid`, and a write the
vault refuses (full disk, stand-in copy, restricted file, a rule of the service) is a
`VaultError` (an `OSError` that slipped through is told as one); either message appears on the
form's error line (`widgets/field_error.py`) and the form keeps what was typed.

The one way a caller writes what a dialog returns is `save_in_dialog` (for the app's palette
steps) or `FormSaves.save_in_form` (a screen: then it says what was done and reloads). Both
hand the write to the dialog (`WritingModal`, the base of `FormModal` and of the pick-one
`ChoiceScreen`), so no caller closes a dialog first and writes afterwards.

Input is never lost by accident: Esc on a form that holds input (`holds_input`: a field differs
from how the form opened) asks save / discard / keep editing (`screens/unsaved_input.py`); the
app asks the same before Ctrl+Q or an F-key would close the form (`app_base.VaultApp`).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import work
from textual.app import App
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Select, SelectionList, Static, TextArea
from textual.worker import Worker

from kim_tui.actions import KimView, UiAction
from kim_tui.domain.dates import parse_date
from kim_tui.i18n import tr
from kim_tui.screens.base import KimModal, KimScreen
from kim_tui.screens.unsaved_input import UnsavedChoice, UnsavedInputScreen
from kim_tui.store.errors import StorageError, VaultError
from kim_tui.widgets.field_error import FieldError

if TYPE_CHECKING:
    from kim_tui.service.workspace import Workspace

DraftType = TypeVar("DraftType")
AnswerType = TypeVar("AnswerType")


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
    choice = await ask_about_input(
        app, view.unsaved_question(), can_save=view.saves_from_question()
    )
    if choice is UnsavedChoice.DISCARD:
        close()
    elif choice is UnsavedChoice.SAVE:
        await view.save_input()


class WritingModal(KimModal[AnswerType | None]):
    """A dialog whose answer the caller writes before the dialog closes (`save_draft`): a
    write the vault refuses keeps the dialog open, with its input and the reason on its error
    line (a `FieldError` with id `ERROR_ID`). Without `save_draft` it simply closes."""

    ERROR_ID: ClassVar[str] = "form-error"
    """The id of the `FieldError` line where `FormInvalid` messages and refusals appear."""

    def __init__(self, *, classes: str = "dialog") -> None:
        super().__init__(classes=classes)
        self.save_draft: Callable[[AnswerType], object] | None = None
        """Set by a caller that writes the answer (`save_in_dialog`): run before the dialog
        closes, so a write the vault refuses (a full disk, a read-only one) keeps the dialog
        open with its input and the reason under the fields."""
        self.saved: object = None
        """What `save_draft` returned."""
        self.writing = False
        """True while a write off the UI thread is on its way (see `close_with`)."""

    def close_with(self, answer: AnswerType) -> bool:
        """Write `answer` (`save_draft`) and close with it; False, with the dialog open and the
        reason on its error line, when the vault or the operating system refuses the write.

        A write that runs off the UI thread (a long printout: `save_draft` returns an
        awaitable) is awaited with the dialog still open; it closes once the write is done,
        and a second save meanwhile does nothing (False)."""
        if self.save_draft is None:
            self.dismiss(answer)
            return True
        if self.writing:
            return False
        try:
            result = self.save_draft(answer)
        except (VaultError, OSError) as refused:
            self._refused(refused)
            return False
        if inspect.isawaitable(result):
            self.writing = True
            self._write_then_close(result, answer)
            return False
        self.saved = result
        self.dismiss(answer)
        return True

    @work(group="dialog-write", exit_on_error=False)
    async def _write_then_close(self, pending: Awaitable[object], answer: AnswerType) -> None:
        try:
            saved = await pending
        except (VaultError, OSError) as refused:
            self.writing = False
            self._refused(refused)
            return
        self.writing = False
        self.saved = saved
        self.dismiss(answer)

    def _refused(self, refused: Exception) -> None:
        if isinstance(refused, OSError):
            # The store turns the system's refusals into `StorageError`; one that comes
            # straight from a file write (a printout) is told the same way, never a crash.
            refused = StorageError.from_os_error(refused)
        self.show_problem(FormInvalid(str(refused)))

    def worker_failed(self, message: str) -> None:
        """A write off the UI thread failed unexpectedly: the app's message under the fields,
        the dialog usable again (`app_base.ShowsWorkerFailure`)."""
        self.writing = False
        self.show_problem(FormInvalid(message))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.app.handle_worker_state(event)

    def show_problem(self, problem: FormInvalid) -> None:
        """Show why the answer cannot be saved, and go to the field it names."""
        self.query_one(f"#{self.ERROR_ID}", FieldError).show(problem.message)
        if problem.field is not None:
            self.query_one(f"#{problem.field}").focus()


class FormModal(WritingModal[DraftType]):
    """A form dialog that returns a draft `DraftType`, or None when cancelled."""

    def __init__(self, *, classes: str = "dialog") -> None:
        super().__init__(classes=classes)
        self._initial: dict[str, object] | None = None
        self.restored_input = False
        """True when the form opened with input the coach typed before (a form reopened with
        its draft): it holds input from the start."""

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

    async def save_input(self) -> bool:
        return self.action_save()

    def action_cancel(self) -> None:
        """Esc: close at once when nothing was entered, else ask (save, discard, keep). Not
        while a write is on its way: it finishes (or is refused) first."""
        if self.writing:
            return
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


# -- the caller's side: one way to write what a dialog returns ---------------------------------

Fill = dict[str, object]
"""Field values by id, to open a creating form as the correction of an entry."""


async def open_prefilled(app: App[Any], form: ModalScreen[Any], values: Fill, title: str) -> Any:
    """Open `form` with `values` in its fields (by id) and `title`; its draft, or None.

    The creating forms are reused as they are: the values go in once the form is mounted, and
    only then does the form remember its "unchanged" state, so Esc on an untouched correction
    closes without asking.
    """
    result: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    await app.push_screen(form, callback=lambda value: result.set_result(value))
    for field_id, value in values.items():
        widget = form.query_one(f"#{field_id}")
        if isinstance(widget, TextArea):
            widget.text = str(value)
        elif isinstance(widget, Input):
            widget.value = str(value)
        elif isinstance(widget, Checkbox):
            widget.value = bool(value)
        elif isinstance(widget, Select):
            widget.value = value
    titles = form.query(".title")
    if titles:
        titles.first(Static).update(title)
    if isinstance(form, FormModal):
        form.call_after_refresh(form._remember_initial)
    return await result


async def save_in_dialog(
    app: App[Any],
    dialog: WritingModal[AnswerType],
    write: Callable[[AnswerType], object],
    *,
    prefill: tuple[Fill, str] | None = None,
) -> object | None:
    """Open `dialog`; its save runs `write(answer)` before it closes, so a refused write (a
    full disk, a stand-in copy, a rule of the service) keeps the dialog open with what was
    typed and the reason. The write's result (True when it returns None), or None when the
    coach closed the dialog without saving. `prefill` (field values, title) opens a creating
    form as the correction of an entry."""
    dialog.save_draft = write
    if prefill is not None:
        answer = await open_prefilled(app, dialog, *prefill)
    else:
        answer = await app.push_screen_wait(dialog)
    if answer is None:
        return None
    return dialog.saved if dialog.saved is not None else True


class FormSaves(KimScreen[None]):
    """A screen whose dialogs write through the service (`save_in_form`); mixed into the
    client file and the Wiedervorlagen."""

    async def save_in_form(
        self,
        form: WritingModal[AnswerType],
        operation: Callable[[Workspace, AnswerType], object],
        done: str | None = None,
        *,
        prefill: tuple[Fill, str] | None = None,
    ) -> object | None:
        """`save_in_dialog` with the workspace: once the write went through, say `done` and
        show the screen again (`reload_after_save`); the write's result as there."""
        saved = await save_in_dialog(
            self.app,
            form,
            lambda answer: operation(self.app.workspace, answer),
            prefill=prefill,
        )
        if saved is None:
            return None
        if done is not None:
            self.notify(done)
        self.reload_after_save()
        return saved

    def reload_after_save(self) -> None:
        """Show what the write changed (the screen's `reload`)."""
        self.reload()
