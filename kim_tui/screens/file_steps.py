"""The steps the palette's file dialogs share (stand-in and handover): ask for a file path with
an inline check, run one service call on it, and show a refusal in the service's words (in the
UI language; names from a file shown literally, never as markup)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def file_problem(text: str) -> tuple[str, str] | None:
    """Why `text` is no file to read (German, English), or None."""
    if not Path(text).expanduser().is_file():
        return ("Diese Datei gibt es nicht.", "This file does not exist.")
    return None


def path_problem(text: str) -> tuple[str, str] | None:
    """Why a file cannot be written at `text`, its folder missing (German, English), or None."""
    parent = Path(text).expanduser().parent
    if not parent.is_dir():
        return (f"Das Verzeichnis {parent} gibt es nicht.", f"The folder {parent} does not exist.")
    return None


async def ask_file(app: Any, title: str, explanation: str, *, exists: bool) -> str | None:
    """Ask for a file path: one to read (`exists`) or one to write; None when cancelled."""
    from kim_tui.screens.text_prompt import TextPromptScreen

    answer = await app.push_screen_wait(
        TextPromptScreen(
            title,
            explanation,
            max_length=1000,
            check=file_problem if exists else path_problem,
        )
    )
    return str(answer) if answer else None


def attempt(app: Any, run: Callable[[], T]) -> T | None:
    """Run one service call; a refusal (`VaultError`) is shown as an error and gives None."""
    from kim_tui.store.errors import VaultError

    try:
        return run()
    except VaultError as exc:
        app.notify(str(exc), severity="error", timeout=12, markup=False)
        return None
