"""Receiving a handover and confirming a receipt from the command palette (issue 14): the
dialogs in order (file path → new file or merge → where the receipt went), as functions the
app's actions await, like `privacy_settings`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kim_tui.domain.handover import HandoverReceived
from kim_tui.i18n import language, tr
from kim_tui.screens.file_steps import on_file
from kim_tui.screens.form import save_in_dialog

if TYPE_CHECKING:
    from kim_tui.app import KimApp

NEW = "new"


async def receive_handover(app: KimApp) -> str | None:
    """Ask for a handover file, verify it, let the coach choose new file or merge when there
    are likely duplicates, take it in and say where the receipt is. The client id, or None."""
    from kim_tui.domain.dates import format_birth_date, format_date
    from kim_tui.domain.duplicates import reason_text
    from kim_tui.domain.handover import display_fingerprint
    from kim_tui.screens.choice import ChoiceScreen

    workspace = app.workspace
    # Checked while the prompt is open: a file that is not one for this coach (or cannot be
    # read) is refused under the path, which stays there to be corrected.
    inspected = await on_file(
        app,
        tr("Übergabe empfangen", "Receive a handover"),
        tr(
            "Pfad der Übergabedatei (.kimh) der Kolleg*in. Die Empfangsbestätigung wird "
            "daneben geschrieben. Esc bricht ab.",
            "Path of your colleague's handover file (.kimh). The receipt is written next "
            "to it. Esc cancels.",
        ),
        workspace.inspect_handover,
        exists=True,
    )
    if inspected is None:
        return None
    path, preview = inspected
    about = tr(
        f"Von {preview.sender_name} ({display_fingerprint(preview.sender_fingerprint)}), "
        f"{format_date(preview.handed_over_on)}: {preview.display_name}, "
        f"geb. {format_birth_date(preview.birth_date, preview.birth_precision)}",
        f"From {preview.sender_name} ({display_fingerprint(preview.sender_fingerprint)}), "
        f"{format_date(preview.handed_over_on)}: {preview.display_name}, "
        f"born {format_birth_date(preview.birth_date, preview.birth_precision)}",
    )
    options = [(NEW, tr("Als neue Akte übernehmen", "Take in as a new file"))]
    options += [
        (
            c.client_id,
            tr("Zusammenführen mit ", "Merge into ")
            + f"{c.display_name}, {format_birth_date(c.birth_date, c.birth_precision)} "
            f"({reason_text(c.reasons, language()) if c.reasons else c.reason})",
        )
        for c in preview.candidates
    ]
    receipt_dir = str(Path(path).expanduser().parent)
    got = await save_in_dialog(
        app,
        ChoiceScreen(about, options),
        lambda chosen: workspace.receive_handover(
            path, receipt_dir, None if chosen == NEW else chosen
        ),
    )
    if not isinstance(got, HandoverReceived):
        return None
    app.notify(
        tr(
            f"Übergabe übernommen. Empfangsbestätigung für {got.sender_name}: "
            f"{got.receipt_path} – bitte an die Kolleg*in schicken.",
            f"Handover taken in. Receipt for {got.sender_name}: {got.receipt_path} – please "
            "send it to your colleague.",
        ),
        timeout=15,
        markup=False,
    )
    return got.client_id


async def confirm_handover(app: KimApp) -> None:
    """Ask for a colleague's receipt and import it: the client's data is erased here."""
    from kim_tui.screens.confirm import ConfirmScreen
    from kim_tui.store.errors import VaultError

    # Checked while the prompt is open: a refusal stays under the path.
    checked_at = await on_file(
        app,
        tr("Übergabe bestätigen", "Confirm a handover"),
        tr(
            "Pfad der Empfangsbestätigung (.kimh) der Kolleg*in. Esc bricht ab.",
            "Path of your colleague's receipt (.kimh). Esc cancels.",
        ),
        lambda path: app.workspace.confirm_handover(path, check_only=True),
        exists=True,
    )
    if checked_at is None:
        return
    path, checked = checked_at
    who = checked.display_name or tr("die Klient*in", "the client")
    sure = await app.push_screen_wait(
        ConfirmScreen(
            tr(
                f"{checked.colleague_name} bestätigt den Empfang von {who}. Damit werden alle "
                "Daten dieser Klient*in hier endgültig gelöscht (die Kolleg*in hat die Akte). "
                "Die Übergabe selbst bleibt vermerkt. Fortfahren?",
                f"{checked.colleague_name} confirms receiving {who}. All data of this client is "
                "now erased here for good (your colleague has the file). The handover itself "
                "stays on record. Go on?",
            ),
            tr("Bestätigen und löschen", "Confirm and erase"),
        )
    )
    if not sure:
        return
    try:
        done = app.workspace.confirm_handover(path)
    except VaultError as exc:
        app.notify(str(exc), severity="error", timeout=12, markup=False)
        return
    app.notify(
        tr(
            f"Übergabe an {done.colleague_name} bestätigt: {done.records_removed} Datensätze "
            "hier gelöscht.",
            f"Handover to {done.colleague_name} confirmed: {done.records_removed} records "
            "erased here.",
        ),
        timeout=12,
        markup=False,
    )
