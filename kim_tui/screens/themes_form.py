"""Generative Themen: flag structural problems on a case for the coordinator's conferences."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, SelectionList, Static

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.catalogs import catalog
from kim_tui.i18n import language, tr
from kim_tui.screens.form import FormModal, form_actions, save_hint
from kim_tui.widgets.field_error import FieldError

FREE_TEXT = "text:"


class ThemesFormScreen(FormModal[tuple[str, ...]]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = form_actions("themes")
    BINDINGS = bindings(ACTIONS)

    def __init__(self, current: tuple[str, ...]) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        lang = language()
        chosen = set(self.current)
        free = next((t[len(FREE_TEXT) :] for t in self.current if t.startswith(FREE_TEXT)), "")
        with Vertical():
            yield Static(tr("Generative Themen", "Structural themes"), classes="title")
            yield Static(
                tr(
                    "Leertaste wählt; für die Fallkonferenz der Koordinierung.",
                    "Space toggles; for the coordinator's case conferences.",
                ),
                classes="muted",
            )
            yield SelectionList[str](
                *[(e.label(lang), e.code, e.code in chosen) for e in catalog("themes")],
                id="themes",
            )
            yield Static(
                tr("Anderes Thema (frei)", "Other theme (free text)"), classes="field-label"
            )
            yield Input(free, id="free", compact=True, max_length=300)
            yield FieldError(id="form-error")
            yield save_hint()

    def on_mount(self) -> None:
        self.query_one("#themes", SelectionList).focus()

    def build_draft(self) -> tuple[str, ...]:
        themes: list[str] = list(self.query_one("#themes", SelectionList).selected)
        free = self.text("free")
        if free:
            themes.append(FREE_TEXT + free)
        return tuple(themes)
