"""Every CSV file kim writes: what German Excel opens safely and correctly. Pure Python.

Three rules, for the coordinator report and the import template alike:

- UTF-8 with a byte order mark, so that Excel reads umlauts as UTF-8 instead of Windows-1252;
- ``;`` between cells by default (what Excel with German regional settings splits on), ``,``
  on request; CRLF line ends; quoting as RFC 4180 needs it;
- no cell can become a formula (CSV or formula injection): a text cell starting with ``=``,
  ``+``, ``-``, ``@``, tab, CR, LF or NUL gets a leading apostrophe, the OWASP / ASVS 1.2.10
  recommendation. Excel takes the apostrophe as "this is text" and does not show it; other
  readers keep it, which is the lesser evil. Cells that are numbers (``int``/``float`` values
  computed by kim itself, never text from a bundle or a key file) stay numbers, a negative one
  included: a number cannot carry a formula. Everything else is text and is neutralised.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

__all__ = [
    "BOM",
    "DEFAULT_DELIMITER",
    "DELIMITERS",
    "FORMULA_TRIGGERS",
    "Cell",
    "csv_bytes",
    "csv_text",
    "neutralise",
]

Cell = str | int | float | None
"""One value of a row: text is neutralised, numbers are written as they are, None is empty."""

BOM = "\ufeff"
"""The byte order mark every CSV file starts with (``EF BB BF`` once encoded)."""
DEFAULT_DELIMITER = ";"
DELIMITERS = (";", ",")
"""The separators kim writes: ``;`` for German Excel, ``,`` for everything else."""
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
"""First characters that make a spreadsheet read a cell as a formula (or hide one)."""


def neutralise(value: str) -> str:
    """``value`` with a leading apostrophe if a spreadsheet would take it for a formula."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def _cell(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):  # a bool is an int to Python, but text to a reader
        return neutralise(str(value))
    if isinstance(value, int | float):
        return value
    return neutralise(str(value))


def csv_text(rows: Iterable[Sequence[Cell]], delimiter: str = DEFAULT_DELIMITER) -> str:
    """The rows as CSV text starting with the BOM, text cells neutralised, CRLF line ends."""
    if delimiter not in DELIMITERS:
        raise ValueError(f"CSV separator must be one of {' '.join(DELIMITERS)}")
    buf = io.StringIO()
    buf.write(BOM)
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buf.getvalue()


def csv_bytes(rows: Iterable[Sequence[Cell]], delimiter: str = DEFAULT_DELIMITER) -> bytes:
    """The rows as a CSV file's bytes: UTF-8 with BOM (see `csv_text`)."""
    return csv_text(rows, delimiter).encode("utf-8")
