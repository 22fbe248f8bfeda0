"""User-supplied text, shown literally: never Rich/Textual markup, never terminal escapes."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from kim_tui.domain.text import one_line, safe_text


def literal(value: str | None, *, style: str = "", max_len: int | None = None) -> Text:
    """A single-line Rich `Text` of user data: markup stays text, control characters visible."""
    return Text(one_line(value or "", max_len), style=style, no_wrap=True, overflow="ellipsis")


def literal_block(value: str | None, *, style: str = "") -> Text:
    """Multi-line user text (notes), still literal."""
    return Text(safe_text(value or "", keep_newlines=True), style=style)


class LiteralStatic(Static):
    """A Static that never parses markup; use for anything a person typed."""

    def __init__(
        self, value: str = "", *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(literal_block(value), markup=False, id=id, classes=classes)

    def set_text(self, value: str) -> None:
        self.update(literal_block(value))
