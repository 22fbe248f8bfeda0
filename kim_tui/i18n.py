"""UI language: German by default, English switchable (config `language`, `kim --lang en`, or
the palette's "Sprache: English", which rebuilds the open views at once).

Texts are picked when they are shown: `tr` in compose/render code, `UiAction.label` for keys
(the key line, help and palette read the declarations, not Textual's bindings, whose labels
were fixed when the classes were created), `(de, en)` pairs for the screens' `HELP_TEXT`.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["de", "en"]
_current: list[Lang] = ["de"]


def set_language(lang: Lang) -> None:
    _current[0] = lang


def language() -> Lang:
    return _current[0]


def tr(de: str, en: str) -> str:
    """Pick the text for the current language; both are written where the text is used."""
    return en if _current[0] == "en" else de
