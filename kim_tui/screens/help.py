"""F1 / ?: the keys of the current view and of the whole app, from the action declarations."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from kim_tui.actions import (
    HELP_ACTION,
    LOCKED_APP_ACTIONS,
    UiAction,
    bindings,
    declared_actions,
    declared_help,
)
from kim_tui.i18n import tr
from kim_tui.screens.base import KimModal

KEY_WIDTH = 12


class HelpScreen(KimModal[None]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = (
        UiAction("help.close", "escape,f1,q", "close", "Schließen", "Close", palette=False),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, for_screen: Screen[object]) -> None:
        super().__init__(classes="dialog wide")
        self.for_screen = for_screen

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(tr("Hilfe – Tasten", "Help – keys"), classes="title")
            # (German, English): picked now, so a language switch shows at once.
            help_text = declared_help(self.for_screen)
            text = tr(*help_text) if help_text else ""
            if text:
                yield Static(Text(text), classes="muted")
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            yield Static(
                tr(
                    "Esc schließt. Strg+P: Befehlspalette mit allen Aktionen.",
                    "Esc closes. Ctrl+P: command palette with every action.",
                ),
                classes="muted",
            )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # The action column fits the dialog (112 cells, at most 98 % of the terminal) and long
        # texts wrap onto a second line instead of being cut.
        dialog = min(112, self.app.size.width * 98 // 100)
        table.add_column(tr("Taste", "Key"), width=KEY_WIDTH)
        table.add_column(tr("Aktion", "Action"), width=max(30, dialog - KEY_WIDTH - 10))
        for action in (*declared_actions(self.for_screen), *self._app_actions()):
            # The footer's label first, so "x Erledigt" in the footer is found here too.
            extra = f" – {action.help}" if action.help != action.label else ""
            table.add_row(
                Text(action.key_display),
                Text.assemble((action.label, "bold"), extra),
                height=None,
            )
        table.focus()

    def _app_actions(self) -> tuple[UiAction, ...]:
        """The app's actions that work where the help was asked for. Above a dialog only the
        app's priority keys (lock, quit), F1 and the palette-only actions reach the app
        (Textual stops other keys at a modal screen), so F2–F5 are not offered there; nor is a
        priority key the app turns off in dialogs (F4: `check_action` says no while this help,
        itself a dialog, is on top)."""
        if not self.app.is_unlocked:
            # As the palette: while locked only help, quit and the language work; a key the
            # unlock screen binds itself (F2, Ctrl+Q) is listed with its meaning there, once.
            own = {a.keys for a in declared_actions(self.for_screen)}
            return tuple(
                a
                for a in self.app.ACTIONS
                if a.id in LOCKED_APP_ACTIONS and (not a.keys or a.keys not in own)
            )
        if not isinstance(self.for_screen, ModalScreen):
            return self.app.ACTIONS
        return tuple(
            a
            for a in self.app.ACTIONS
            if not a.keys
            or a.id == HELP_ACTION.id
            or (a.priority and self.app.check_action(a.action, ()) is not False)
        )

    def action_close(self) -> None:
        self.dismiss(None)
