"""Rendering of the residence-path hints (filled in with the eligibility rules)."""

from __future__ import annotations

from datetime import date

from rich.console import Group
from rich.text import Text

from kim_tui.domain.model import ClientFile


def render_hints(file: ClientFile, today: date) -> Group | Text:
    return Text("")
