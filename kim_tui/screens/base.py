"""The base classes of the coach's screens and dialogs: a typed `app` and the screen protocol
(`kim_tui.actions.KimView`: actions, help text, unsaved input, `reload`).

`app` is typed as the coach app for mypy only: Textual's own `getters.app(KimApp)` would import
the app at run time, and the app sits above the screens (it imports them; they never import
it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual.screen import ModalScreen, Screen

from kim_tui.actions import KimView

if TYPE_CHECKING:
    from textual import getters

    from kim_tui.app import KimApp

ResultType = TypeVar("ResultType")


class KimScreen(KimView, Screen[ResultType]):
    """A full screen of the coach app."""

    if TYPE_CHECKING:
        app = getters.app(KimApp)


class KimModal(KimView, ModalScreen[ResultType]):
    """A dialog of the coach app (it returns its result through `dismiss`)."""

    if TYPE_CHECKING:
        app = getters.app(KimApp)
