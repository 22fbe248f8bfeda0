"""Reading an import file: bytes to a header and rows of cells, or `CsvFormatError`.

Reads what German Excel really writes: ``;``, ``,`` or tab separated, UTF-8 with or without BOM
or Windows-1252, CRLF or LF line endings, an optional ``sep=;`` first line. The header is
mapped to `COLUMNS` here; problems of the file as a whole (size, encoding, columns, too many
rows, broken quoting) raise `CsvFormatError` with a German message. What the cells mean is
`mapping`'s job.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from kim_tui.domain.csv_import.columns import BY_FOLDED_HEADER, COLUMNS, ColumnSpec
from kim_tui.domain.text import fold, one_line
from kim_tui.i18n import tr

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "CsvFormatError",
    "CsvTable",
    "delimiter_name",
    "read_table",
    "shown",
]

MAX_BYTES = 20 * 1024 * 1024
"""Largest file accepted (20 MB)."""
MAX_ROWS = 50_000
"""Most data rows accepted (empty rows not counted)."""

_DELIMITERS = (";", ",", "\t")
_DELIMITER_NAMES = {";": "Semikolon", ",": "Komma", "\t": "Tabulator"}
_BOM = b"\xef\xbb\xbf"


class CsvFormatError(ValueError):
    """The file as a whole cannot be imported; the message is German and says why."""


@dataclass(frozen=True)
class CsvTable:
    """A decoded file with its header mapped; the data rows are read as they are consumed."""

    encoding: str
    """``utf-8-sig`` (with BOM), ``utf-8`` or ``cp1252``."""
    delimiter: str
    header: tuple[ColumnSpec | None, ...]
    """The column of every header cell (None for an empty header cell)."""
    rows: Iterator[tuple[int, list[str]]]
    """(first physical line, cells) of every non-empty data row, once; reading further may
    raise `CsvFormatError` (broken quoting, more than `MAX_ROWS` rows)."""


def shown(value: str) -> str:
    """A cell value as it can appear in a message: one terminal-safe line, shortened."""
    return one_line(value, 60)


# --- decoding ---------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding); never guesses silently."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvFormatError(
            tr(
                "Die Datei ist in UTF-16 gespeichert. Bitte in Excel als „CSV UTF-8 "
                "(durch Trennzeichen getrennt)“ speichern.",
                "The file is saved as UTF-16. Please save it in Excel as "
                "“CSV UTF-8 (comma delimited)”.",
            )
        )
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise CsvFormatError(
            tr(
                "Das ist eine Excel-Arbeitsmappe, keine CSV-Datei. Bitte in Excel über "
                "„Speichern unter“ als „CSV UTF-8 (durch Trennzeichen getrennt)“ speichern.",
                "This is an Excel workbook, not a CSV file. Please use “Save as” in Excel "
                "and choose “CSV UTF-8 (comma delimited)”.",
            )
        )
    if b"\x00" in data:
        raise CsvFormatError(
            tr(
                "Die Datei enthält Nullbytes und ist keine Text-/CSV-Datei (oder UTF-16 ohne "
                "Kennung). Bitte als „CSV UTF-8 (durch Trennzeichen getrennt)“ speichern.",
                "The file holds null bytes and is not a text/CSV file (or UTF-16 without a "
                "marker). Please save it as “CSV UTF-8 (comma delimited)”.",
            )
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if data.startswith(_BOM):
            raise CsvFormatError(
                tr(
                    "Die Datei ist als UTF-8 gekennzeichnet, enthält aber ungültige Zeichen "
                    f"(Byte {exc.start + 1}). Bitte erneut als „CSV UTF-8“ speichern.",
                    "The file is marked as UTF-8 but holds invalid characters "
                    f"(byte {exc.start + 1}). Please save it again as “CSV UTF-8”.",
                )
            ) from None
    else:
        return text, ("utf-8-sig" if data.startswith(_BOM) else "utf-8")
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise CsvFormatError(
            tr(
                "Die Zeichenkodierung der Datei ist weder UTF-8 noch Windows-1252 "
                f"(unbekanntes Byte 0x{data[exc.start]:02X} an Position {exc.start + 1}). "
                "Bitte als „CSV UTF-8 (durch Trennzeichen getrennt)“ speichern.",
                "The file's encoding is neither UTF-8 nor Windows-1252 "
                f"(unknown byte 0x{data[exc.start]:02X} at position {exc.start + 1}). "
                "Please save it as “CSV UTF-8 (comma delimited)”.",
            )
        ) from None


# --- header -----------------------------------------------------------------------------------

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SEP_LINE = re.compile(r"\s*sep=(.)\s*", re.IGNORECASE | re.DOTALL)


def _first_cells(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return [line]


def _detect_delimiter(header_line: str) -> str:
    """The candidate that splits the header into the most known columns, then the most cells.

    Parsing (not counting characters) keeps quoted commas inside a header cell intact; ties go
    to ``;`` (what German Excel writes), then ``,``, then tab.
    """
    best = _DELIMITERS[0]
    best_score = (-1, -1)
    for delimiter in _DELIMITERS:
        cells = _first_cells(header_line, delimiter)
        known = sum(1 for cell in cells if fold(cell) in BY_FOLDED_HEADER)
        score = (known, len(cells))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _map_header(cells: list[str]) -> list[ColumnSpec | None]:
    """The column of every header cell (None for an empty header cell), or CsvFormatError."""
    mapped: list[ColumnSpec | None] = []
    unknown: list[str] = []
    seen: dict[str, str] = {}
    duplicates: list[tuple[str, str]] = []
    for cell in cells:
        name = cell.strip()
        if not name:
            mapped.append(None)
            continue
        spec = BY_FOLDED_HEADER.get(fold(name))
        if spec is None:
            unknown.append(name)
            mapped.append(None)
            continue
        if spec.key in seen:
            duplicates.append((shown(seen[spec.key]), shown(name)))
        seen[spec.key] = name
        mapped.append(spec)
    problems: list[str] = []
    if unknown:
        names_de = ", ".join(f"„{shown(n)}“" for n in unknown)
        names_en = ", ".join(f"“{shown(n)}”" for n in unknown)
        many = len(unknown) > 1
        problems.append(
            tr(
                f"Unbekannte Spalte{'n' if many else ''}: {names_de}.",
                f"Unknown column{'s' if many else ''}: {names_en}.",
            )
        )
    if duplicates:
        twice_de = "; ".join(f"„{a}“ und „{b}“" for a, b in duplicates)
        twice_en = "; ".join(f"“{a}” and “{b}”" for a, b in duplicates)
        problems.append(tr(f"Doppelte Spalte: {twice_de}.", f"Column given twice: {twice_en}."))
    missing = [c.header for c in COLUMNS if c.required and c.key not in seen]
    if missing:
        names_de = ", ".join(f"„{m}“" for m in missing)
        names_en = ", ".join(f"“{m}”" for m in missing)
        verb = "fehlen" if len(missing) > 1 else "fehlt"
        many = len(missing) > 1
        problems.append(
            tr(
                f"Pflichtspalte{'n' if many else ''} {verb}: {names_de}.",
                f"Required column{'s' if many else ''} missing: {names_en}.",
            )
        )
    if unknown and len(cells) == 1:
        problems.append(
            tr(
                "Als Trennzeichen werden Semikolon, Komma und Tabulator erkannt.",
                "Semicolon, comma and tab are recognised as delimiters.",
            )
        )
    if problems:
        accepted = ", ".join(c.header for c in COLUMNS)
        said = " ".join(problems)
        raise CsvFormatError(
            tr(
                f"Kopfzeile: {said} Erlaubte Spalten: {accepted} "
                "(Nachname, Vorname und Geburtsdatum sind Pflicht).",
                f"Header row: {said} Allowed columns: {accepted} "
                "(Nachname, Vorname and Geburtsdatum are required).",
            )
        )
    return mapped


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, cells) of every record; csv.Error becomes CsvFormatError."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CsvFormatError(
                tr(
                    f"Zeile {start}: Die Datei lässt sich nicht als CSV lesen ({exc}).",
                    f"Row {start}: the file cannot be read as CSV ({exc}).",
                )
            ) from None
        yield start, cells


def _blank(cells: list[str]) -> bool:
    return all(not cell.strip() for cell in cells)


def _data_rows(
    records: Iterator[tuple[int, list[str]]],
) -> Iterator[tuple[int, list[str]]]:
    count = 0
    for line, cells in records:
        if _blank(cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise CsvFormatError(
                tr(
                    f"Die Datei hat mehr als {MAX_ROWS:_} Datenzeilen. ".replace("_", ".")
                    + "Bitte in mehrere Dateien aufteilen.",
                    f"The file has more than {MAX_ROWS:,} data rows. "
                    "Please split it into several files.",
                )
            )
        yield line, cells


def read_table(data: bytes) -> CsvTable:
    """Decode ``data``, find the separator and map the header; see the module docstring.

    Raises CsvFormatError for problems of the whole file (too large, unknown encoding, empty,
    unsupported separator, unknown/missing/duplicate columns, broken quoting).
    """
    if len(data) > MAX_BYTES:
        size, most = f"{len(data) / 1024 / 1024:.1f}", MAX_BYTES // 1024 // 1024
        raise CsvFormatError(
            tr(
                f"Die Datei ist zu groß ({size} MB, höchstens "
                f"{most} MB). Bitte in mehrere Dateien aufteilen.",
                f"The file is too large ({size} MB, at most {most} MB). "
                "Please split it into several files.",
            )
        )
    text, encoding = _decode(data)
    lines = _LINE_BREAK.split(text)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise CsvFormatError(_empty())

    sep_line = _SEP_LINE.fullmatch(lines[first])
    skip_lines = 0
    if sep_line is not None:
        delimiter = sep_line[1]
        if delimiter not in _DELIMITERS:
            raise CsvFormatError(
                tr(
                    f"Zeile {first + 1}: Trennzeichen {delimiter!r} wird nicht unterstützt "
                    "(nur Semikolon, Komma oder Tabulator).",
                    f"Row {first + 1}: delimiter {delimiter!r} is not supported "
                    "(only semicolon, comma or tab).",
                )
            )
        skip_lines = first + 1
    else:
        delimiter = _detect_delimiter(lines[first])

    records = _records(text, delimiter)
    for line, cells in records:
        if line > skip_lines and not _blank(cells):
            header = _map_header(cells)
            return CsvTable(encoding, delimiter, tuple(header), _data_rows(records))
    raise CsvFormatError(_empty())


def delimiter_name(delimiter: str) -> str:
    """German name of a separator for messages ("Semikolon")."""
    return _DELIMITER_NAMES.get(delimiter, repr(delimiter))


def _empty() -> str:
    return tr("Die Datei ist leer (keine Kopfzeile).", "The file is empty (no header row).")
