"""Wochenpaket: write the weekly encrypted, signed bundle for the coordinator."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, ProgressBar, Static
from textual.worker import Worker

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.model import ExportSummary, SyncStatus
from kim_tui.i18n import tr
from kim_tui.locations import command_line
from kim_tui.widgets.key_line import KeyLine

if TYPE_CHECKING:
    from textual import getters

    from kim_tui.app import KimApp


class ExportScreen(Screen[None]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = (
        UiAction(
            "export.run",
            "ctrl+e",
            "export",
            "Paket erstellen",
            "Create bundle",
            "Wochenpaket für die Koordinierung schreiben",
            "Write the weekly bundle for the coordinator",
            priority=True,
        ),
        UiAction("export.back", "escape", "back", "Zurück", "Back"),
    )
    BINDINGS = bindings(ACTIONS)
    HELP_TEXT: ClassVar[tuple[str, str]] = (
        "Das Wochenpaket enthält alle Änderungen seit dem letzten Paket, verschlüsselt für die "
        "Koordinierung und signiert. Personen ohne Einwilligung zur Weitergabe reisen nur "
        "pseudonymisiert (ohne Namen, Adresse, Notizen).",
        "The weekly bundle holds every change since the last one, encrypted to the coordinator "
        "and signed. Clients without sharing consent travel pseudonymised only.",
    )

    if TYPE_CHECKING:
        app = getters.app(KimApp)  # for mypy only: the app sits above the screens

    def compose(self) -> ComposeResult:
        yield Header()
        # Scrolls rather than clips: at 80x24 a vault without identity and coordinator shows two
        # commands, and the result below them must still be reachable.
        with VerticalScroll(classes="form", id="export-body"):
            yield Static("", id="sync-status")
            yield Static(
                tr("Zielverzeichnis (z. B. USB-Stick)", "Target folder (e.g. USB stick)"),
                classes="field-label",
            )
            yield Input(str(Path.home()), id="out_dir", compact=True)
            yield ProgressBar(total=100, show_eta=False, id="progress")
            yield Static("", id="result")
            yield Static(
                tr("Strg+E Paket erstellen · Esc zurück", "Ctrl+E create bundle · Esc back"),
                classes="muted",
            )
        yield KeyLine()

    def on_mount(self) -> None:
        self.title = tr("Wochenpaket", "Weekly bundle")
        self.refresh_status()
        self.query_one("#out_dir", Input).focus()

    def on_screen_resume(self) -> None:
        if self.app.is_unlocked:
            self.refresh_status()

    def refresh_status(self) -> None:
        status: SyncStatus = self.app.workspace.sync_status()
        lines: list[Text] = []
        vault = self.app.directory
        if not status.has_identity:
            command = command_line("kim", "identity", "--vault", vault, "--out", "coach.pub")
            lines.append(
                _with_command(
                    tr(
                        "Noch keine Coach-Identität. Einmalig kim beenden (Strg+Q) und im "
                        "Terminal ausführen:",
                        "No coach identity yet. Once, quit kim (Ctrl+Q) and run in a terminal:",
                    ),
                    command,
                    tr(
                        "(schreibt coach.pub für die Koordinierung)",
                        "(writes coach.pub for the coordinator)",
                    ),
                )
            )
        if status.coordinator_fingerprint is None:
            command = command_line("kim", "connect", "--vault", vault, "coordinator.pub")
            lines.append(
                _with_command(
                    tr(
                        "Keine Koordinierung verbunden. Einmalig kim beenden (Strg+Q) und im "
                        "Terminal ausführen:",
                        "No coordinator connected. Once, quit kim (Ctrl+Q) and run in a terminal:",
                    ),
                    command,
                    tr(
                        "(coordinator.pub von der Koordinierung im aktuellen Ordner)",
                        "(coordinator.pub from the coordinator in the current folder)",
                    ),
                )
            )
        else:
            name = status.coordinator_name or tr("Koordinierung", "coordinator")
            lines.append(
                Text(
                    tr(
                        f"Verbunden mit: {name}, Fingerabdruck {status.coordinator_fingerprint}",
                        f"Connected to: {name}, fingerprint {status.coordinator_fingerprint}",
                    )
                )
            )
        if status.last_seq:
            lines.append(
                Text(
                    tr(
                        f"Letztes Paket: Nr. {status.last_seq} ({status.last_week})",
                        f"Last bundle: no. {status.last_seq} ({status.last_week})",
                    )
                )
            )
        else:
            lines.append(Text(tr("Noch kein Paket erstellt.", "No bundle yet.")))
        lines.append(
            Text(
                tr(
                    f"Änderungen seit dem letzten Paket: {status.pending_revisions}",
                    f"Changes since the last bundle: {status.pending_revisions}",
                )
            )
        )
        self.query_one("#sync-status", Static).update(Text("\n").join(lines))

    @on(Input.Submitted, "#out_dir")
    def submitted(self) -> None:
        self.action_export()

    def action_export(self) -> None:
        out_dir = self.query_one("#out_dir", Input).value.strip()
        self.query_one("#result", Static).update(tr("Erstelle Paket …", "Creating bundle …"))
        self._export(out_dir)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export(self, out_dir: str) -> None:
        from kim_tui.store.errors import VaultError

        bar = self.query_one("#progress", ProgressBar)

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(bar.update, total=max(total, 1), progress=done)

        try:
            summary = self.app.workspace.export_weekly(out_dir, progress)
        except VaultError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._done, summary)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A failure the worker did not catch (a full or missing USB stick raises OSError):
        # the app's one handler words it and calls `worker_failed`.
        self.app.handle_worker_state(event)

    def worker_failed(self, message: str) -> None:
        """The export failed unexpectedly: show why instead of "Erstelle Paket …"."""
        self.query_one("#progress", ProgressBar).update(progress=0)
        self._failed(message)

    def _failed(self, message: str) -> None:
        result = self.query_one("#result", Static)
        result.update(Text(message, style="bold red"))
        self.call_after_refresh(result.scroll_visible)

    def _done(self, summary: ExportSummary) -> None:
        # Written is done, also for a bundle without records (no progress was reported).
        self.query_one("#progress", ProgressBar).update(total=1, progress=1)
        repaired = ""
        if summary.repaired is not None:
            repaired = tr(
                "Das vorige Paket war nicht fertig geschrieben und wurde neu erstellt:\n"
                f"{summary.repaired}\n",
                "The previous bundle was never finished and was written again:\n"
                f"{summary.repaired}\n",
            )
        created = ""
        if summary.created_folder:
            folder = str(Path(summary.path).parent)
            created = tr(
                f"Zielverzeichnis angelegt: {folder}\n", f"Target directory created: {folder}\n"
            )
        self.query_one("#result", Static).update(
            Text(
                created
                + repaired
                + tr(
                    f"Paket {summary.seq} ({summary.week}) mit {summary.records} Datensätzen "
                    f"geschrieben:\n{summary.path}",
                    f"Bundle {summary.seq} ({summary.week}) with {summary.records} records "
                    f"written:\n{summary.path}",
                ),
                style="bold green",
            )
        )
        self.refresh_status()
        self.call_after_refresh(self.query_one("#result", Static).scroll_visible)

    def action_back(self) -> None:
        self.app.pop_screen()


def _with_command(before: str, command: str, after: str) -> Text:
    """A hint with a command to run: the command on a line of its own, unindented and bold, so
    a command that wraps at 80 columns still reads as one block to copy."""
    return Text.assemble(before, "\n", (command, "bold"), "\n", after)
