"""A checkbox whose state reads without colour: ▐X▌ when ticked, ▐ ▌ when not.

Textual's checkbox shows the same X in both states and tells them apart by colour only; on a
monochrome or badly themed terminal (or for a colour-blind coach) a consent that covers health
data and one that does not look alike. Used where the tick decides what leaves the vault."""

from __future__ import annotations

from textual.widgets import Checkbox


class StateCheckbox(Checkbox):
    """`Checkbox` with an empty box when unticked."""

    def on_mount(self) -> None:
        self._show_state()

    def watch_value(self) -> None:
        super().watch_value()
        self._show_state()

    def _show_state(self) -> None:
        # Textual draws BUTTON_INNER (a class constant) between the box's sides.
        self.BUTTON_INNER = "X" if self.value else " "
        self.refresh()
