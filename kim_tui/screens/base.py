"""The base classes of the coach's screens and dialogs: a typed `app` and the screen protocol.

The app reads four things from the screens on its stack: the declared actions (key line, help,
command palette), a help text, whether the screen holds unsaved input (a language switch waits
for it), and `reload()` (a setting changed what the screen shows). They are declared once here,
with harmless defaults, so the app asks `isinstance(screen, KimView)` instead of probing with
`getattr`.

`app` is typed as the coach app for mypy only: Textual's own `getters.app(KimApp)` would import
the app at run time, and the app sits above the screens (it imports them; they never import
it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual.screen import ModalScreen, Screen

from kim_tui.actions import UiAction

if TYPE_CHECKING:
    from textual import getters

    from kim_tui.app import KimApp

ResultType = TypeVar("ResultType")


class KimView:
    """What the app may ask of any screen of kim; mixed into `KimScreen` and `KimModal`."""

    ACTIONS: ClassVar[tuple[UiAction, ...]] = ()
    """Every action of the screen, declared once (see `kim_tui.actions`)."""
    HELP_TEXT: ClassVar[tuple[str, str] | None] = None
    """(German, English) text above the keys in the help screen; chosen when shown."""
    HOLDS_INPUT: ClassVar[bool] = False
    """True for a screen whose input a language switch would lose (the switch waits)."""

    def reload(self) -> None:
        """Fetch what the screen shows again (a setting changed it). Most screens show
        nothing that a setting changes."""

    def holds_input(self) -> bool:
        """Whether leaving the screen now would lose what the coach entered."""
        return self.HOLDS_INPUT


class KimScreen(KimView, Screen[ResultType]):
    """A full screen of the coach app."""

    if TYPE_CHECKING:
        app = getters.app(KimApp)


class KimModal(KimView, ModalScreen[ResultType]):
    """A dialog of the coach app (it returns its result through `dismiss`)."""

    if TYPE_CHECKING:
        app = getters.app(KimApp)
