"""The coordinator's screen: import weekly bundles (with progress) and read the report."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    DataTable,
    Header,
    Input,
    ProgressBar,
    Static,
    TabbedContent,
    TabPane,
)

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.dates import date_placeholder, parse_date
from kim_tui.i18n import tr
from kim_tui.widgets.key_line import KeyLine
from kim_tui.widgets.literal import literal

if TYPE_CHECKING:
    from textual import getters

    from kim_tui.coordinator.service import CoordinatorService
    from kim_tui.coordinator_app import CoordinatorApp

STATUS_STYLE = {"imported": "green", "already": "dim", "held": "yellow", "rejected": "bold red"}


def _bundles_de(seqs: tuple[int, ...]) -> str:
    return f"Paket {seqs[0]}" if len(seqs) == 1 else "Pakete " + ", ".join(map(str, seqs))


def per_table(counts: dict[str, int]) -> str:
    """ "client 1, case 1, contact 2": tables as the bundle format names them."""
    return ", ".join(f"{table} {n}" for table, n in counts.items())


def superseded_line(label: str, total: int, counts: dict[str, int]) -> str:
    """One coach's records that exist only in a superseded history, and how to drop them."""
    return tr(
        f"Nur im abgelösten Stand von Coach {label}: {total} Datensätze ({per_table(counts)}); "
        "F9 entfernt sie",
        f"Only in the superseded history of coach {label}: {total} records "
        f"({per_table(counts)}); F9 removes them",
    )


def dropped_line(counts: dict[str, int]) -> str:
    """What dropping the superseded-only records removed."""
    return tr(
        f"{sum(counts.values())} Datensätze des abgelösten Stands entfernt ({per_table(counts)})",
        f"{sum(counts.values())} records of the superseded history removed ({per_table(counts)})",
    )


class CoordinatorScreen(Screen[None]):
    ACTIONS: ClassVar[tuple[UiAction, ...]] = (
        # Function keys, not digits: the focus is often in a field where a digit is text.
        UiAction(
            "coord.import_tab",
            "f2",
            "section('pane-import')",
            "Zum Import",
            "To import",
            "Zum Import (ohne einzulesen)",
            "Go to the import tab (without importing)",
            show=False,
            priority=True,
        ),
        UiAction(
            "coord.report_tab",
            "f3",
            "section('pane-report')",
            "Zum Bericht",
            "To report",
            "Zum Bericht (ohne zu rechnen)",
            "Go to the report tab (without computing)",
            show=False,
            priority=True,
        ),
        UiAction(
            "coord.import",
            "f6",
            "import_bundles",
            "Einlesen",
            "Import",
            "Alle Wochenpakete (*.kimb) des Ordners einlesen",
            "Import every bundle (*.kimb) of the folder",
            priority=True,
        ),
        UiAction(
            "coord.report",
            "f7",
            "report",
            "Bericht",
            "Report",
            "Kennzahlen berechnen (kleine Zellen maskiert)",
            "Compute the indicators (small cells masked)",
            priority=True,
        ),
        UiAction(
            "coord.decide",
            "f8",
            "decide",
            "Entscheiden",
            "Decide",
            "Zurückgehaltenes Paket (Gabelung) übernehmen oder verwerfen",
            "Release or discard a held-back bundle (fork)",
            priority=True,
        ),
        UiAction(
            "coord.drop_superseded",
            "f9",
            "drop_superseded",
            "Abgelöstes entfernen",
            "Drop superseded",
            "Datensätze entfernen, die es nur in einem abgelösten Stand gibt (nach einer "
            "übernommenen Gabelung)",
            "Remove the records that exist only in a superseded history (after a released fork)",
            # Rarely needed: the gaps list names F9 when there is something to drop.
            show=False,
            priority=True,
        ),
    )
    BINDINGS = bindings(ACTIONS)
    _held: list[Any]
    HELP_TEXT: ClassVar[tuple[str, str]] = (
        "Wochenpakete werden erst geprüft (Signatur des eingeschriebenen Coaches), dann "
        "entschlüsselt und zusammengeführt; doppelte Pakete ändern nichts. Im Bericht sind "
        "Zellen unter der Schwelle (mindestens 3, vorgegeben 5) als x maskiert, dazu so viele "
        "weitere, dass sich keine aus den Summen errechnen oder auf weniger als drei Werte "
        "eingrenzen lässt. Zwei "
        "verschiedene Stände eines Coaches (z. B. ein "
        "Laptop aus einer alten Sicherung) werden zurückgehalten: F8 übernimmt das Paket (sein "
        "Stand gilt ab dort, die Daten des anderen bleiben) oder verwirft es.",
        "Bundles are verified (enrolled coach's signature), then decrypted and merged; "
        "duplicates change nothing. In the report, cells under the threshold (at least 3, "
        "5 by default) show as x, and so many others that none can be worked out from the sums "
        "or narrowed to fewer than three values. Two "
        "different histories of one coach (e.g. a laptop restored from an old backup) are "
        "held back: F8 releases the bundle (its history counts from there, the other's data "
        "stays) or discards it.",
    )

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="sections"):
            with TabPane(tr("F2 Import", "F2 Import"), id="pane-import"), Vertical(classes="form"):
                yield Static(
                    tr(
                        "Ordner mit Wochenpaketen (oder eine Datei)",
                        "Folder with bundles (or one file)",
                    ),
                    classes="field-label",
                )
                yield Input(str(Path.home()), id="folder", compact=True)
                yield ProgressBar(total=100, show_eta=False, id="progress")
                yield DataTable(id="results", cursor_type="row")
                yield Static("", id="gaps")
                yield Static(
                    tr(
                        "Zurückgehalten (Gabelungen) – Enter oder F8: entscheiden",
                        "Held back (forks) – Enter or F8: decide",
                    ),
                    id="held-label",
                    classes="field-label",
                )
                yield DataTable(id="held", cursor_type="row")
            with TabPane(tr("F3 Bericht", "F3 Report"), id="pane-report"), Vertical(classes="form"):
                with Horizontal(classes="row"):
                    with Vertical():
                        yield Static(tr("von", "from"), classes="field-label")
                        yield Input(id="from", compact=True, placeholder=date_placeholder())
                    with Vertical():
                        yield Static(tr("bis", "to"), classes="field-label")
                        yield Input(id="to", compact=True, placeholder=date_placeholder())
                    with Vertical():
                        yield Static(tr("Schwelle", "Threshold"), classes="field-label")
                        yield Input("5", id="threshold", compact=True, type="integer")
                # The chart (up to 12 areas) scrolls in its own part, so the figures below
                # keep their room on an 80x24 terminal too.
                with VerticalScroll(id="chart-box"):
                    yield Static("", id="chart")
                yield DataTable(id="cells", cursor_type="row")
        yield KeyLine()

    def on_mount(self) -> None:
        self.title = tr("Koordinierung", "Coordinator")
        # Fixed widths that fit the window (80 columns too): long texts end in "…" instead of
        # pushing the value or the result out of sight.
        room = max(60, self.app.size.width - 8)
        results = self.query_one("#results", DataTable)
        results.add_column(tr("Datei", "File"), width=24)
        results.add_column(tr("Ergebnis", "Result"), width=room - 24 - 4)
        cells = self.query_one("#cells", DataTable)
        texts = max(30, min(66, room - 12 - 14 - 8 - 10))
        for label, width in (
            (tr("Ebene", "Scope"), 12),
            (tr("Name", "Name"), 14 if room < 110 else 18),
            (tr("Kennzahl", "Indicator"), texts * 6 // 11),
            (tr("Kategorie", "Category"), texts - texts * 6 // 11),
            (tr("Wert", "Value"), 8),
        ):
            cells.add_column(label, width=width)
        self.query_one("#held", DataTable).add_columns(
            "ID", tr("Paket", "Bundle"), tr("Woche", "Week"), "Coach", tr("Grund", "Reason")
        )
        self.query_one("#folder", Input).focus()
        self._show_gaps()

    def action_section(self, section: str) -> None:
        self.query_one(TabbedContent).active = section
        # Focus moves into the new pane; otherwise the pane of the focused input wins back.
        focusable = [
            w for w in self.query_one(f"#{section}").query("Input, DataTable") if w.focusable
        ]
        if focusable:
            focusable[0].focus()

    if TYPE_CHECKING:
        app = getters.app(CoordinatorApp)  # for mypy only: the app sits above the screens

    @property
    def service(self) -> CoordinatorService:
        """The coordinator's service object (the screen never sees the store)."""
        return self.app.coordinator

    def _show_gaps(self) -> None:
        lines = self.service.open_gaps()
        lines.extend(superseded_line(r.label, r.total, r.counts) for r in self.service.superseded())
        self.query_one("#gaps", Static).update(
            Text("\n".join(lines), style="yellow")
            if lines
            else Text(tr("Keine Lücken.", "No gaps."), style="dim")
        )
        self._held = self.service.held()
        table = self.query_one("#held", DataTable)
        table.clear()
        for h in self._held:
            table.add_row(
                Text(h.id),
                Text(str(h.seq)),
                Text(h.week),
                literal(h.coach, max_len=24),
                Text(h.reason),
                key=h.id,
            )
        for widget in (table, self.query_one("#held-label")):
            widget.display = bool(self._held)

    @on(DataTable.RowSelected, "#held")
    def held_selected(self) -> None:
        self.action_decide()

    def action_decide(self) -> None:
        from kim_tui.screens.choice import ChoiceScreen

        self.action_section("pane-import")
        table = self.query_one("#held", DataTable)
        if not self._held:
            self.notify(tr("Keine zurückgehaltenen Pakete.", "No held-back bundles."))
            return
        table.focus()
        held = self._held[min(table.cursor_row, len(self._held) - 1)]
        what = [
            tr(
                f"Paket {held.seq} ({held.week}) von Coach {held.coach}, Datei {held.file_name}:",
                f"Bundle {held.seq} ({held.week}) of coach {held.coach}, file {held.file_name}:",
            ),
            held.reason,
            "",
            tr(
                "Zwei Stände desselben Tresors, z. B. ein Laptop aus einer alten Sicherung. "
                "Im Zweifel vorher mit dem Coach klären, welcher Stand der aktuelle ist.",
                "Two histories of one vault, e.g. a laptop restored from an old backup. "
                "If in doubt, ask the coach which one is current first.",
            ),
        ]
        if held.leaves:
            what.append(
                tr(
                    f"Übernehmen nimmt {_bundles_de(held.leaves)} des anderen Stands aus der "
                    "Kette; ihre Daten bleiben, Änderungen dieses Stands haben Vorrang.",
                    f"Releasing takes bundle(s) {', '.join(map(str, held.leaves))} of the other "
                    "history out of the chain; their data stays, this history's changes win.",
                )
            )
        if held.brings:
            what.append(
                tr(
                    f"{_bundles_de(held.brings)} dieses Stands (zurückgehalten oder verworfen) "
                    "wird mit übernommen.",
                    f"Bundle(s) {', '.join(map(str, held.brings))} of this history (held or "
                    "discarded) come along.",
                )
            )
        what.append(
            tr(
                "Verwerfen lässt die Kette, wie sie ist; weitere Pakete dieses Stands werden "
                "wieder zurückgehalten (und können später noch übernommen werden).",
                "Discarding keeps the chain; later bundles of this history are held again "
                "(and can still be released later).",
            )
        )
        question = "\n".join(what)
        options = [
            ("cancel", tr("Abbrechen – später entscheiden (Esc)", "Cancel – decide later (Esc)")),
            (
                "release",
                tr(
                    f"Übernehmen – dieser Stand gilt ab Paket {held.seq}",
                    f"Release – this history counts from bundle {held.seq}",
                ),
            ),
            ("discard", tr("Verwerfen – die Kette bleibt", "Discard – keep the chain")),
        ]
        orphans = sum(held.orphans.values())
        if orphans:
            # Last, and no extra line in the question: an 80x24 screen keeps the usual choices.
            options.append(
                (
                    "release_drop",
                    tr(
                        f"Übernehmen + {orphans} Datensätze nur des anderen Stands entfernen",
                        f"Release + remove {orphans} records only the other history has",
                    ),
                )
            )

        def decided(choice: str | None) -> None:
            if choice in ("release", "release_drop", "discard"):
                self._decide(held.id, held.file_name, choice != "discard", choice == "release_drop")

        self.app.push_screen(ChoiceScreen(question, options), decided)

    @work(thread=True, group="decide", exit_on_error=False)
    def _decide(self, held_id: str, file_name: str, release: bool, drop: bool = False) -> None:
        from kim_tui.store.errors import VaultError

        try:
            decision = self.service.decide(held_id, release, drop_superseded=drop)
            lines = list(decision.lines)
            if decision.dropped:
                lines.append(dropped_line(decision.dropped))
        except VaultError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        except Exception as exc:  # noqa: BLE001 - a worker's error must reach the screen
            self.app.call_from_thread(self._failed, type(exc).__name__)
            return
        self.app.call_from_thread(self._decided, file_name, lines)

    def _failed(self, kind: str) -> None:
        self.notify(
            tr(
                f"Abgebrochen ({kind}). Jedes Paket wird ganz oder gar nicht übernommen; bitte "
                "Ergebnis und Liste prüfen und erneut versuchen.",
                f"Stopped ({kind}). Each bundle is merged wholly or not at all; please check the "
                "results and the list and try again.",
            ),
            severity="error",
        )
        self._show_gaps()

    def _decided(self, file_name: str, lines: list[str]) -> None:
        table = self.query_one("#results", DataTable)
        for line in lines:
            # Lines of bundles imported along with the decision name their own file.
            name, sep, rest = line.partition(": ")
            if sep and name.endswith(".kimb"):
                table.add_row(literal(_tail(name, 24)), Text(rest, style="green"))
            else:
                table.add_row(literal(_tail(file_name, 24)), Text(line, style="green"))
        self.notify(lines[0], markup=False)
        self._show_gaps()

    def action_drop_superseded(self) -> None:
        from kim_tui.screens.choice import ChoiceScreen

        self.action_section("pane-import")
        found = self.service.superseded()
        if not found:
            self.notify(
                tr(
                    "Keine Datensätze nur eines abgelösten Stands.",
                    "No records of a superseded history only.",
                )
            )
            return
        question = "\n".join(
            [
                *(superseded_line(r.label, r.total, r.counts) for r in found),
                "",
                tr(
                    "Diese Datensätze kamen nur mit Paketen eines Stands, der durch eine "
                    "übernommene Gabelung abgelöst wurde; der wiederhergestellte Tresor hat sie "
                    "nicht. Entfernen, damit der Bericht zählt, was die Coaches haben?",
                    "These records came only with bundles of a history superseded by a released "
                    "fork; the restored vault does not have them. Remove them so the report "
                    "counts what the coaches hold?",
                ),
            ]
        )
        options = [
            ("cancel", tr("Abbrechen – behalten (Esc)", "Cancel – keep them (Esc)")),
            ("drop", tr("Entfernen", "Remove")),
        ]

        def chosen(choice: str | None) -> None:
            if choice == "drop":
                self._drop_superseded()

        self.app.push_screen(ChoiceScreen(question, options), chosen)

    @work(thread=True, group="decide", exit_on_error=False)
    def _drop_superseded(self) -> None:
        try:
            dropped = self.service.drop_superseded()
        except Exception as exc:  # noqa: BLE001 - a worker's error must reach the screen
            self.app.call_from_thread(self._failed, type(exc).__name__)
            return
        self.app.call_from_thread(self._decided, "", [dropped_line(dropped)])

    @on(Input.Submitted, "#folder")
    def folder_submitted(self) -> None:
        self.action_import_bundles()

    def action_import_bundles(self) -> None:
        from kim_tui.store.errors import VaultError

        self.action_section("pane-import")
        try:
            paths = self.service.bundle_files(self.query_one("#folder", Input).value)
        except VaultError as exc:
            self.query_one("#results", DataTable).clear()  # old results would read as this one's
            self.notify(str(exc), severity="error")
            return
        if not paths:
            self.notify(tr("Keine Wochenpakete (*.kimb) gefunden.", "No bundles (*.kimb) found."))
            return
        self.query_one("#results", DataTable).clear()
        self._import(paths)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def _import(self, paths: list[Path]) -> None:
        bar = self.query_one("#progress", ProgressBar)

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(bar.update, total=total, progress=done)

        try:
            lines = self.service.import_paths(paths, progress)
        except Exception as exc:  # noqa: BLE001 - a worker's error must reach the screen
            self.app.call_from_thread(self._failed, type(exc).__name__)
            return
        self.app.call_from_thread(self._imported, lines)

    def _imported(self, lines: list[Any]) -> None:
        table = self.query_one("#results", DataTable)
        for line in lines:
            # The file name has its own column; the result column starts with the outcome.
            table.add_row(
                literal(_tail(line.name, 24)),
                Text(
                    line.message,
                    style=STATUS_STYLE.get(line.status, ""),
                    no_wrap=True,
                    overflow="ellipsis",
                ),
            )
        by_status = {status: sum(1 for x in lines if x.status == status) for status in STATUS_STYLE}
        parts = [
            f"{by_status[status]} {label}"
            for status, label in (
                ("imported", tr("importiert", "imported")),
                ("already", tr("ohne Änderung", "unchanged")),
                ("held", tr("zurückgehalten", "held")),
                ("rejected", tr("abgelehnt", "rejected")),
            )
            if by_status[status]
        ]
        one = len(lines) == 1
        files = tr("Datei" if one else "Dateien", "file" if one else "files")
        self.notify(
            f"{len(lines)} {files} {tr('gelesen', 'read')}: {', '.join(parts)}.",
            severity="warning" if any(line.failed for line in lines) else "information",
        )
        self._show_gaps()

    def action_report(self) -> None:
        from kim_tui.store.errors import VaultError

        self.action_section("pane-report")
        try:
            start = self._date("from")
            end = self._date("to")
            threshold_text = self.query_one("#threshold", Input).value.strip() or "5"
            cells, chart, skipped = self.service.report(start, end, int(threshold_text))
        except (ValueError, VaultError) as exc:
            self.notify(str(exc), severity="error")
            return
        from kim_tui.domain.report import category_label, report_word

        threshold = int(threshold_text)
        table = self.query_one("#cells", DataTable)
        table.clear()
        for cell in cells:
            table.add_row(
                Text(report_word(cell.scope)),
                literal(report_word(cell.scope_name)),
                Text(cell.label, no_wrap=True, overflow="ellipsis"),
                Text(
                    category_label(cell.indicator, cell.category),
                    no_wrap=True,
                    overflow="ellipsis",
                ),
                Text(cell.display(threshold), style="dim" if cell.masked else "bold"),
            )
        self.query_one("#chart", Static).update(Text("\n".join(chart)))
        if skipped:
            self.notify(
                tr(
                    f"{len(skipped)} ungültige Datensätze ausgelassen, z. B. {skipped[0]}",
                    f"{len(skipped)} invalid records left out, e.g. {skipped[0]}",
                ),
                severity="warning",
                timeout=15,
                markup=False,  # the line names a coach from an identity file
            )

    def _date(self, field: str) -> date | None:
        text = self.query_one(f"#{field}", Input).value.strip()
        return parse_date(text) if text else None


def _tail(name: str, width: int) -> str:
    """A bundle's file name cut at the front: its end (week, bundle number) tells the files of
    one coach apart (kim-8447d39b-2026-W49-0001.kimb → …-2026-W49-0001.kimb)."""
    return name if len(name) <= width else "…" + name[-(width - 1) :]
