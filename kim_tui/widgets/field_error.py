"""The error line under a form field or at the foot of a form."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class FieldError(Static):
    """Hidden until a message is shown. The message is drawn literally: it may quote what the
    coach typed (a date that is not one), and that must never be read as markup."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, classes="field-error", markup=False)

    def show(self, message: str) -> None:
        """Show `message` (an empty one hides the line)."""
        self.update(Text(message))
        self.set_class(bool(message), "-visible")

    def clear(self) -> None:
        """Hide the line."""
        self.show("")
