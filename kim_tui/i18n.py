"""UI language: German by default, English switchable (config `language` or `kim --lang en`).

The language is chosen once per process, before the screens are imported, because key bindings
and their footer labels are declared at class level.
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
