"""The one file step the palette's stand-in and handover dialogs share: ask for a path and run
a service call on it while the prompt is open, so a refusal (in the service's words, in the UI
language) stays under the path to be corrected, and nothing is half done."""

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
    """Why no file can be written at `text`, its folder missing (German, English), or None."""
    parent = Path(text).expanduser().parent
    if not parent.is_dir():
        return (f"Das Verzeichnis {parent} gibt es nicht.", f"The folder {parent} does not exist.")
    return None


async def on_file(
    app: Any,
    title: str,
    explanation: str,
    step: Callable[[str], T],
    *,
    exists: bool,
    value: str = "",
) -> tuple[str, T] | None:
    """Ask for a file to read (`exists`) or to write and run `step(path)` before the prompt
    closes; (the path, what the step returned), or None when the coach cancelled."""
    from kim_tui.screens.form import save_in_dialog
    from kim_tui.screens.text_prompt import TextPromptScreen

    done: list[tuple[str, T]] = []

    def run(path: str) -> None:
        done.append((path, step(path)))

    prompt = TextPromptScreen(
        title,
        explanation,
        value=value,
        max_length=1000,
        check=file_problem if exists else path_problem,
    )
    if await save_in_dialog(app, prompt, run) is None or not done:
        return None
    return done[-1]
