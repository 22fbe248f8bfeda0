"""The base classes of the coach's screens and dialogs: a typed `app` and the screen protocol
(`kim_tui.actions.KimView`: actions, help text, unsaved input, `reload`).

`app` is typed as the coach app for mypy only: Textual's own `getters.app(KimApp)` would import
the app at run time, and the app sits above the screens (it imports them; they never import
it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual.binding import BindingType
from textual.screen import ModalScreen, Screen

from kim_tui.actions import HELP_ACTION, KimView, bindings

if TYPE_CHECKING:
    from textual import getters

    from kim_tui.app import KimApp

ResultType = TypeVar("ResultType")


class KimScreen(KimView, Screen[ResultType]):
    """A full screen of the coach app."""

    if TYPE_CHECKING:
        app = getters.app(KimApp)


class KimModal(KimView, ModalScreen[ResultType]):
    """A dialog of the coach app (it returns its result through `dismiss`).

    Every dialog binds F1 (and ?) to the app's help: Textual does not pass a key pressed in a
    modal screen on to the app's bindings, and the help opens above the dialog, so what is
    typed in a form stays. The subclasses' own `BINDINGS` are merged with this one."""

    BINDINGS: ClassVar[list[BindingType]] = bindings((HELP_ACTION,))

    if TYPE_CHECKING:
        app = getters.app(KimApp)

    def action_help(self) -> None:
        """F1: the help of this dialog (its keys and text), above it."""
        self.app.action_help()
