"""Small pure text helpers: a folding key for matching, and terminal-safe display text.

`fold` builds the key used for case- and diacritic-insensitive lookups (catalog labels, countries,
languages, duplicate checks). `safe_text` and `one_line` neutralise characters that must never
reach the terminal (escape sequences, other control characters, bidi overrides, zero-width
characters, each shown as a visible escape). Escaping Rich markup is not done here; that is the
UI's job.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "one_line", "safe_text"]

# Letters that NFKD does not decompose into a base letter plus combining marks.
_FOLD_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "ss",
        "ı": "i",
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
    }
)
# Whitespace, hyphens/dashes and apostrophes all separate words the same way.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212'\u2018\u2019\u02bc\u0060\u00b4]+")
# German transliterations of umlauts: "mueller", "müller" and "muller" share one key.
_TRANSLITERATIONS = re.compile(r"ae|oe|ue")


def fold(text: str) -> str:
    """Return the matching key of ``text``: case-, diacritic- and transliteration-insensitive.

    NFKD, combining marks dropped, casefolded; ß→ss, ı→i, ø→o, æ→ae, œ→oe, đ→d, ł→l; then
    "ae"/"oe"/"ue"→"a"/"o"/"u" so German transliterations match; runs of whitespace, hyphens and
    apostrophes become one space; the result is stripped. Only meant for comparing, never for
    display.
    """
    if text.isascii():
        folded = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_LETTERS))
        base = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        folded = base.casefold().translate(_FOLD_LETTERS)
    folded = _SEPARATORS.sub(" ", folded).strip()
    return _TRANSLITERATIONS.sub(lambda m: m.group(0)[0], folded)


# Bidi embeddings, overrides and isolates, and the implicit direction marks (LRM, RLM, ALM).
_BIDI_CONTROLS = (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)
# Characters that take no room on screen, so they can hide inside a name: zero-width space,
# (non-)joiner, word joiner, BOM, invisible operators, deprecated format characters, the
# Mongolian vowel separator, interlinear annotation marks and the tag characters.
_INVISIBLE = (
    *range(0x200B, 0x200E),
    *range(0x2060, 0x2065),
    *range(0x206A, 0x2070),
    0x180E,
    0xFEFF,
    # Lone surrogates (a file name that is not UTF-8) cannot even be encoded for the terminal.
    *range(0xD800, 0xE000),
    *range(0xFFF9, 0xFFFC),
    *range(0xE0000, 0xE0080),
)


def _visible_escape(cp: int) -> str:
    return f"\\u{cp:04x}" if cp <= 0xFFFF else f"\\U{cp:08x}"


def _build_table(keep_newlines: bool) -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)):
        table[cp] = f"\\x{cp:02x}"
    table[0x1B] = "\u241b"  # SYMBOL FOR ESCAPE
    for cp in (0x2028, 0x2029, *_BIDI_CONTROLS, *_INVISIBLE):
        table[cp] = _visible_escape(cp)
    if keep_newlines:
        del table[ord("\n")]
        del table[ord("\t")]
        table[0x2028] = "\n"
        table[0x2029] = "\n"
    return table


_SAFE_TABLE = _build_table(keep_newlines=False)
_SAFE_TABLE_NEWLINES = _build_table(keep_newlines=True)


def safe_text(text: str, *, keep_newlines: bool = False) -> str:
    """Return ``text`` with everything that could steer the terminal made visible.

    - ESC becomes "␛"; other C0 controls, DEL and C1 controls become the literal text ``\\xNN``
      (so "\\x1b[31m" shows as "␛[31m" and NUL as "\\x00");
    - bidi controls (embeddings, overrides and isolates U+202A–U+202E, U+2066–U+2069, the marks
      U+200E, U+200F, U+061C), the line and paragraph separators and invisible characters
      (zero-width U+200B–U+200D, U+2060–U+2064, U+FEFF, tag characters …) and lone surrogates
      become the literal
      text ``\\uNNNN`` (``\\UNNNNNNNN`` above U+FFFF), so nothing hides in a name.

    With ``keep_newlines`` newline and tab are kept, CR LF and lone CR become newline, and
    U+2028/U+2029 become newline. Everything else, including Rich markup, is left unchanged.
    """
    if keep_newlines:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text.translate(_SAFE_TABLE_NEWLINES)
    return text.translate(_SAFE_TABLE)


def one_line(text: str, max_len: int | None = None) -> str:
    """Return ``text`` as one terminal-safe line, at most ``max_len`` characters long.

    The text goes through `safe_text`; surrounding whitespace is stripped, line breaks become
    " ⏎ ", tabs become a space; a text longer than ``max_len`` is cut and ends with "…".
    """
    line = safe_text(text, keep_newlines=True).strip()
    line = re.sub(r"[ \t]*\n\s*", " \u23ce ", line).replace("\t", " ")
    if max_len is not None and len(line) > max_len:
        if max_len <= 0:
            return ""
        line = line[: max_len - 1].rstrip() + "\u2026"
    return line
