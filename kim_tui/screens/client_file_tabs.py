"""The client file's section tabs fit the window: in a narrow terminal (80 columns) the labels
are shortened so all eight tabs stay visible, 7 Einwilligungen and 8 Verlauf included."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from textual.widgets import TabbedContent

from kim_tui.i18n import tr

NARROW_LABELS: dict[str, tuple[str, str]] = {
    "overview": ("1 Übers.", "1 Overv."),
    "assessment": ("2 Bedarf", "2 Needs"),
    "goals": ("3 Ziele", "3 Goals"),
    "referrals": ("4 Verm.", "4 Refs"),
    "contacts": ("5 Kont.", "5 Contact"),
    "residence": ("6 Aufent.", "6 Resid."),
    "consents": ("7 Einw.", "7 Consent"),
    "history": ("8 Verlauf", "8 History"),
}
"""Short tab labels (German, English), each under 10 cells: eight tabs fit in 80 columns."""

TAB_PADDING = 2
"""Cells a tab adds around its label."""

_full_labels: WeakKeyDictionary[TabbedContent, dict[str, str]] = WeakKeyDictionary()


def fit_tab_labels(tabs: TabbedContent, width: int) -> None:
    """The full tab labels if they all fit `width` cells, otherwise the short ones (the full
    ones come back when the window grows)."""
    full = _full_labels.get(tabs)
    if full is None:
        full = {pane: str(tabs.get_tab(pane).label) for pane in NARROW_LABELS}
        _full_labels[tabs] = full
    needed = sum(len(label) + TAB_PADDING for label in full.values())
    for pane, label in full.items():
        tabs.get_tab(pane).label = label if needed <= width else tr(*NARROW_LABELS[pane])
