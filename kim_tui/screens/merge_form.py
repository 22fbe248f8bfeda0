"""Merging two client files of one person: the coach sees why they look alike and decides, for
each master-data field that differs, which value the merged file keeps."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import SelectionList, Static

from kim_tui.actions import UiAction, bindings
from kim_tui.domain.dates import format_birth_date
from kim_tui.domain.duplicates import reason_text
from kim_tui.domain.merge import MasterDifference
from kim_tui.domain.model import DuplicateCandidate
from kim_tui.i18n import language, tr
from kim_tui.screens.form import FormModal, form_actions
from kim_tui.widgets.field_error import FieldError
from kim_tui.widgets.literal import literal


class MergeFormScreen(FormModal[frozenset[str]]):
    """Returns the master-data fields whose value comes from the other file (Space marks one);
    everything else keeps this file's value."""

    ACTIONS: ClassVar[tuple[UiAction, ...]] = form_actions(
        "merge", save=("Zusammenführen", "Merge")
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(
        self, this_name: str, other: DuplicateCandidate, differences: list[MasterDifference]
    ) -> None:
        super().__init__()
        self.this_name = this_name
        self.other = other
        self.differences = differences

    def compose(self) -> ComposeResult:
        lang = language()
        other = self.other
        with Vertical():
            yield Static(tr("Akten zusammenführen", "Merge files"), classes="title")
            yield Static(
                Text.assemble(
                    tr("Diese Akte: ", "This file: "),
                    literal(self.this_name),
                    "\n",
                    tr("Andere Akte: ", "Other file: "),
                    literal(other.display_name),
                    f", {format_birth_date(other.birth_date, other.birth_precision) or '–'}\n",
                    (tr("Warum: ", "Why: ") + reason_text(other.reasons, lang), "italic"),
                )
            )
            yield Static(
                tr(
                    "Alle Einträge der anderen Akte (Fälle, Einwilligungen, Aufenthalt, "
                    "Bestandsaufnahmen, Ziele, Vermittlungen, Kontakte, Wiedervorlagen, Verlauf) "
                    "kommen in diese Akte; die andere wird als zusammengeführt geschlossen.",
                    "Every entry of the other file (cases, consents, residence, assessments, "
                    "goals, referrals, contacts, follow-ups, history) moves into this file; the "
                    "other is closed as merged.",
                ),
                classes="muted",
            )
            if self.differences:
                yield Static(
                    tr(
                        "Wo die Stammdaten abweichen: Leertaste markiert, was aus der anderen "
                        "Akte übernommen wird (sonst bleibt der Wert dieser Akte).",
                        "Where the master data differ: Space marks what is taken from the "
                        "other file (otherwise this file's value stays).",
                    ),
                    classes="field-label",
                )
                yield SelectionList[str](
                    *[
                        (
                            Text.assemble(
                                (d.de if lang == "de" else d.en) + ": ",
                                literal(d.survivor),
                                tr(" → andere: ", " → other: "),
                                literal(d.other),
                            ),
                            d.field,
                            False,
                        )
                        for d in self.differences
                    ],
                    id="take",
                )
            else:
                yield Static(
                    tr("Die Stammdaten sind gleich.", "The master data are the same."),
                    classes="muted",
                )
            yield FieldError(id="form-error")
            yield Static(
                tr("Strg+S zusammenführen · Esc abbrechen", "Ctrl+S merge · Esc cancel"),
                classes="muted",
            )

    def on_mount(self) -> None:
        if self.differences:
            self.query_one("#take", SelectionList).focus()

    def build_draft(self) -> frozenset[str]:
        if not self.differences:
            return frozenset()
        return frozenset(self.query_one("#take", SelectionList).selected)
