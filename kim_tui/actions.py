"""Each user action declared once: id, key, label, help. Bindings, footer, command palette and
the help screen are all generated from these declarations, so they always agree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType

from kim_tui.i18n import tr


@dataclass(frozen=True)
class UiAction:
    id: str
    """Stable id (for remapping and tests), e.g. ``followups.done``."""
    keys: str
    """Textual key spec, comma-separated alternatives (``"x"``, ``"j,down"``)."""
    action: str
    """The screen's ``action_*`` name."""
    de: str
    en: str
    help_de: str = ""
    help_en: str = ""
    show: bool = True
    """Shown in the footer (the help screen and palette list every action)."""
    palette: bool = True
    priority: bool = False

    @property
    def label(self) -> str:
        return tr(self.de, self.en)

    @property
    def help(self) -> str:
        return tr(self.help_de or self.de, self.help_en or self.en)

    @property
    def key_display(self) -> str:
        if not self.keys:
            return "–"
        return " / ".join(_pretty(k) for k in self.keys.split(","))


_KEY_NAMES = {
    "enter": ("Enter", "Enter"),
    "escape": ("Esc", "Esc"),
    "slash": ("/", "/"),
    "question_mark": ("?", "?"),
    "up": ("↑", "↑"),
    "down": ("↓", "↓"),
    "pageup": ("Bild↑", "PgUp"),
    "pagedown": ("Bild↓", "PgDn"),
    "space": ("Leertaste", "Space"),
    "tab": ("Tab", "Tab"),
}


def _pretty(key: str) -> str:
    key = key.strip()
    if key.startswith("ctrl+"):
        return tr("Strg+", "Ctrl+") + _pretty(key[5:]).upper()
    if key in _KEY_NAMES:
        return tr(*_KEY_NAMES[key])
    return key.upper() if key.startswith("f") and key[1:].isdigit() else key


def key_label(key: str) -> str:
    """How a key spec is shown to the coach (``ctrl+l`` → ``Strg+L``)."""
    return _pretty(key)


def bindings(actions: tuple[UiAction, ...]) -> list[BindingType]:
    """Textual bindings for a screen's declared actions (typed as Textual's `BINDINGS`)."""
    return [
        Binding(
            a.keys,
            a.action,
            a.label,
            show=a.show,
            id=a.id,
            priority=a.priority,
            key_display=_pretty(a.keys.split(",")[0]),
        )
        for a in actions
        if a.keys  # palette-only actions have no key
    ]


HELP_ACTION = UiAction(
    "app.help",
    "f1,question_mark",
    "help",
    "Hilfe",
    "Help",
    "Alle Tasten dieser Ansicht",
    "All keys of this view",
)
"""F1 (or ?): the help of the current view. Declared here, below the screens, because every
dialog binds it too (`screens.base.KimModal`): Textual stops at a modal screen, so the app's
own binding never sees a key pressed in a form."""


class KimView:
    """What the app, the key line and the help screen read from a screen of kim: its actions,
    help text, whether it holds unsaved input (a language switch waits for it) and `reload()`
    (a setting changed what it shows). Declared once here with harmless defaults, so nobody
    probes a screen with `getattr`; mixed into `screens.base.KimScreen` and `KimModal`."""

    ACTIONS: ClassVar[tuple[UiAction, ...]] = ()
    """Every action of the screen, each declared once as a `UiAction`."""
    HELP_TEXT: ClassVar[tuple[str, str] | None] = None
    """(German, English) text above the keys in the help screen; chosen when shown."""
    HOLDS_INPUT: ClassVar[bool] = False
    """True for a screen whose input a language switch would lose (the switch waits)."""
    ASKS: ClassVar[bool] = False
    """True for a question that must be answered first (unsaved input, a confirmation): the
    command palette does not open over it, where a command could act behind its back."""
    REACHED_BY: ClassVar[str] = ""
    """The app action that leads to this screen (``home`` for F2): its key is left off the
    key line while the screen is on top, as it would do nothing."""

    def reload(self) -> None:
        """Fetch what the screen shows again (a setting changed it). Most screens show
        nothing that a setting changes."""

    def holds_input(self) -> bool:
        """Whether leaving the screen now would lose what the coach entered."""
        return self.HOLDS_INPUT

    def unsaved_question(self) -> str | None:
        """The question asked before this view's input is thrown away (None: the general
        one of `screens.unsaved_input`)."""
        return None

    def saves_from_question(self) -> bool:
        """Whether that question may offer to save: False where this view's save cannot be
        undone (the request text of an erasure: its save erases the client), so leaving it
        only asks whether to drop what was typed."""
        return True

    async def save_input(self) -> bool:
        """Save what the view holds as its own save key does; True when the view closed with
        it (False: nothing to save here, or the input is invalid and its reason is shown)."""
        return False


def declared_actions(screen: object) -> tuple[UiAction, ...]:
    """The actions `screen` declares; none for Textual's own screens (the command palette).

    The only place left that reads the protocol from a screen that is no `KimView`: the unlock,
    export and coordinator screens still derive from Textual's `Screen`. Once they are views,
    this is `screen.ACTIONS if isinstance(screen, KimView) else ()`."""
    if isinstance(screen, KimView):
        return screen.ACTIONS
    actions: tuple[UiAction, ...] = getattr(screen, "ACTIONS", ())
    return actions


def declared_help(screen: object) -> tuple[str, str] | None:
    """The (German, English) help text `screen` declares, if any (see `declared_actions`)."""
    if isinstance(screen, KimView):
        return screen.HELP_TEXT
    text: tuple[str, str] | None = getattr(screen, "HELP_TEXT", None)
    return text


LOCKED_APP_ACTIONS = frozenset({"app.help", "app.quit", "app.language"})
"""The app's actions that work while the vault is locked (palette and help offer only these):
nothing that needs the store or changes settings."""
