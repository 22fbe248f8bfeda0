"""Input suggesters for countries and languages (German names, diacritics optional)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.suggester import Suggester


class NameSuggester(Suggester):
    """Completes a name from `search(query)`; with `multi`, completes the last comma item."""

    def __init__(self, search: Callable[[str], Sequence[str]], *, multi: bool = False) -> None:
        super().__init__(use_cache=True, case_sensitive=True)
        self._search = search
        self._multi = multi

    async def get_suggestion(self, value: str) -> str | None:
        head, sep, last = value.rpartition(",") if self._multi else ("", "", value)
        stripped = last.lstrip()
        if len(stripped) < 2:
            return None
        for name in self._search(stripped):
            if name.casefold().startswith(stripped.casefold()):
                lead = last[: len(last) - len(stripped)]
                return f"{head}{sep}{lead}{name}"
        return None
