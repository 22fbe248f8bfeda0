"""The key line at the bottom of every screen: the screen's shown bindings as one line of text.

Textual's `Footer` mounts a widget per key and recomposes them whenever the bindings change;
on the list screens that cost up to 40 ms of the time from unlock to an interactive list
(docs/performance.md). This widget draws the same bindings, from the same declarations, as one
`Text`: the keys a coach sees still come from the screen's `ACTIONS`, nothing is listed twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget

from kim_tui.actions import declared_actions, key_label
from kim_tui.i18n import tr

if TYPE_CHECKING:
    from textual import getters

    from kim_tui.app import KimApp


HELP_ID = "app.help"
"""The help action (F1), pinned to the right of the key line with the palette key."""


class KeyLine(Widget, can_focus=False):
    DEFAULT_CSS = """
    KeyLine {
        dock: bottom;
        height: 1;
        color: $footer-description-foreground;
        background: $footer-background;
    }
    KeyLine > .key-line--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyLine > .key-line--disabled {
        text-style: dim;
    }
    """
    COMPONENT_CLASSES = {"key-line--key", "key-line--disabled"}

    if TYPE_CHECKING:
        app = getters.app(KimApp)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-line--key")
        disabled = self.get_component_rich_style("key-line--disabled")
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        # Labels from the declarations, in the current language: a binding's description was
        # fixed when its class was created, which can be before `--lang en` took effect.
        actions = {
            action.id: action for action in (*declared_actions(self.screen), *self.app.ACTIONS)
        }
        help_action = actions.get(HELP_ID)
        # Help is pinned at the right edge (below): a narrow window must not lose it.
        seen: set[str] = {help_action.action} if help_action else set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            # Alternatives of one action (j / down) show once, like the footer does.
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            action = actions.get(binding.id or "")
            label = action.label if action else binding.description
            key = key_label(binding.key) if action else self.app.get_key_display(binding)
            line.append(f" {key} ", key_style)
            line.append(f"{label} ", None if enabled else disabled)
        if not self.app.ENABLE_COMMAND_PALETTE:
            return line
        # Help and the palette key stay visible at the right edge even when the keys do not all
        # fit.
        palette = Text(end="")
        if help_action is not None and help_action.keys:
            palette.append(f" {key_label(help_action.keys.split(',')[0])} ", key_style)
            palette.append(f"{help_action.label} ")
        palette.append(f" {key_label(self.app.COMMAND_PALETTE_BINDING)} ", key_style)
        palette.append(f"{tr('Befehle', 'Commands')} ")
        room = self.size.width - palette.cell_len
        if line.cell_len > room:
            line.truncate(max(0, room - 1), overflow="ellipsis")
        return Text.assemble(line, " " * max(0, room - line.cell_len), palette, end="")
