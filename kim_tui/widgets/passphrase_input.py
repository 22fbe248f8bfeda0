"""A passphrase field that never holds the passphrase in a Python `str`.

Textual's `Input` keeps its value as a `str` and builds a new one on every key: after a lock,
freed copies of the passphrase (and of every prefix of it) stayed in the process's memory,
where no code can zero them. This field writes each typed character's UTF-8 into one
`bytearray` of fixed capacity, shows a bullet per character, and hands the bytes over on Enter
(`Submitted.secret`, a buffer the receiver wipes); its own buffer is zeroed at once. Editing is
what a masked field needs: type, Backspace, Ctrl+U to clear, paste. Characters arrive one at a
time as key events; a pasted text arrives as one `str` (README, "Schlüssel im Speicher").
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget

MAX_BYTES = 1024
"""Capacity of the buffer: far beyond any passphrase, and never reallocated (a grown
bytearray would leave its old block, with the passphrase in it, behind)."""


def _wipe(buffer: bytearray) -> None:
    buffer[:] = bytes(len(buffer))


class PassphraseInput(Widget, can_focus=True):
    """A masked one-line field for a passphrase, kept in a zeroed `bytearray`."""

    DEFAULT_CSS = """
    PassphraseInput {
        background: $surface;
        color: $foreground;
        padding: 0 2;
        border: tall $border-blurred;
        width: 100%;
        height: 3;
        &:focus {
            border: tall $border;
            background-tint: $foreground 5%;
        }
        &:disabled {
            opacity: 0.6;
        }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", show=False),
        Binding("backspace", "delete_left", show=False),
        Binding("ctrl+u", "clear", show=False),
    ]

    class Submitted(Message):
        """Enter was pressed: `secret` holds the UTF-8 passphrase (the receiver wipes it)."""

        def __init__(self, field: PassphraseInput, secret: bytearray) -> None:
            super().__init__()
            self.field = field
            self.secret = secret

        @property
        def control(self) -> PassphraseInput:
            """The field (lets `@on(PassphraseInput.Submitted, "#id")` match by selector)."""
            return self.field

    def __init__(self, *, placeholder: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self.placeholder = placeholder
        self._buffer = bytearray(MAX_BYTES)
        self._used = 0
        self._chars = 0

    @property
    def length(self) -> int:
        """How many characters are typed (what the bullets show)."""
        return self._chars

    def render(self) -> Text:
        if self._chars:
            return Text("•" * self._chars + ("▏" if self.has_focus else ""))
        return Text(self.placeholder, style="dim")

    def type_text(self, text: str) -> None:
        """Append `text` (a typed character, a paste); refused beyond the capacity."""
        for ch in text:
            if not ch.isprintable():
                continue
            encoded = ch.encode("utf-8")
            if self._used + len(encoded) > MAX_BYTES:
                self.app.bell()
                break
            self._buffer[self._used : self._used + len(encoded)] = encoded
            self._used += len(encoded)
            self._chars += 1
        self.refresh()

    def clear(self) -> None:
        """Zero and empty the field."""
        _wipe(self._buffer)
        self._used = self._chars = 0
        self.refresh()

    def take(self) -> bytearray:
        """The typed passphrase as UTF-8 in a new buffer (the caller wipes it); the field is
        cleared."""
        secret = bytearray(self._used)
        secret[:] = memoryview(self._buffer)[: self._used]
        self.clear()
        return secret

    def on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character is not None:
            event.stop()
            event.prevent_default()
            self.type_text(event.character)

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        self.type_text(event.text)

    def action_delete_left(self) -> None:
        if not self._used:
            return
        # Step back over UTF-8 continuation bytes (10xxxxxx) to the start of the last character.
        start = self._used - 1
        while start > 0 and self._buffer[start] & 0xC0 == 0x80:
            start -= 1
        self._buffer[start : self._used] = bytes(self._used - start)
        self._used = start
        self._chars -= 1
        self.refresh()

    def action_clear(self) -> None:
        self.clear()

    def action_submit(self) -> None:
        self.post_message(self.Submitted(self, self.take()))

    def on_unmount(self) -> None:
        self.clear()
