"""The client file when the vault cannot write (a full or read-only disk: `StorageError`).

Every opening is audited (DP-11, reads too), and the audit event is a write: when it fails the
file stays closed with a message that says why and what to do, and the screen underneath (the
list with its search) is back as it was. A form whose write fails stays open with its input
and the reason under its fields (`FormSaves.save_in_form`), instead of closing before the
write."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kim_tui.i18n import tr
from kim_tui.screens.form import FormSaves

if TYPE_CHECKING:
    from kim_tui.store.errors import VaultError


def refused_message(problem: VaultError) -> str:
    """Why the file did not open: the store's reason (file and what to do), and that an
    unrecorded reading is not allowed."""
    return tr(
        f"Akte nicht geöffnet: das Öffnen ließ sich nicht protokollieren ({problem}) "
        "Jedes Öffnen einer Akte wird protokolliert; ohne Protokoll bleibt sie zu. "
        "Nichts wurde verändert.",
        f"File not opened: the opening could not be recorded ({problem}) "
        "Every opening of a file is recorded; without that record it stays closed. "
        "Nothing was changed.",
    )


class StorageActions(FormSaves):
    """The client file's first, audited read and its form saves (a base of
    `ClientFileScreen`)."""

    refused = False
    """True when the opening could not be recorded: the screen closes itself at once."""

    if TYPE_CHECKING:

        def reload(self, *, opening: bool = False) -> None: ...

    def open_file(self) -> bool:
        """Read and show the file with its audit event; False (message shown, screen closed)
        when the vault refuses the write or the read."""
        from kim_tui.store.errors import VaultError

        try:
            self.reload(opening=True)
        except VaultError as problem:
            self.refused = True
            self.app.notify(refused_message(problem), severity="error", timeout=15, markup=False)
            if self.app.screen is self:
                self.app.pop_screen()
            return False
        return True
