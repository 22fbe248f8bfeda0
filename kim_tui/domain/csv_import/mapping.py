"""Bulk intake from a spreadsheet (``kim import-clients FILE.csv``): the pure part.

Reads what German Excel really writes: ``;``, ``,`` or tab separated, UTF-8 with or without BOM
or Windows-1252, CRLF or LF line endings, an optional ``sep=;`` first line, dates as TT.MM.JJJJ
or ISO. Column headers are German, case-insensitive and may be written without umlauts
("Staatsangehoerigkeit"). Every data row becomes an `IntakeDraft` (first contact = ``today``,
access route ``self``, no consents); every problem of every row is collected as a `RowError`
with its physical line number (header = line 1). Problems of the file as a whole (size,
encoding, columns) raise `CsvFormatError`. Nothing here touches the vault: the caller imports
only when `ImportResult.ok`.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from kim_tui.domain.catalogs import Catalog, catalog
from kim_tui.domain.dates import parse_date
from kim_tui.domain.geo import find_country, find_language
from kim_tui.domain.model import ClientDraft, IntakeDraft, ResidenceDraft
from kim_tui.domain.text import fold, one_line
from kim_tui.domain.validation import validate_intake

__all__ = [
    "COLUMNS",
    "MAX_BYTES",
    "MAX_ROWS",
    "ColumnSpec",
    "CsvFormatError",
    "ImportResult",
    "RowError",
    "columns_markdown",
    "delimiter_name",
    "parse_clients_csv",
    "template_csv",
]

MAX_BYTES = 20 * 1024 * 1024
"""Largest file accepted (20 MB)."""
MAX_ROWS = 50_000
"""Most data rows accepted (empty rows not counted)."""

_DELIMITERS = (";", ",", "\t")
_DELIMITER_NAMES = {";": "Semikolon", ",": "Komma", "\t": "Tabulator"}
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class ColumnSpec:
    """One accepted column of the import file."""

    key: str
    """Field name inside this module (and of `validate_intake` problems)."""
    header: str
    """The German column header as written in the template."""
    required: bool
    """Whether the column must be present (its value may still be optional, see description)."""
    description: str
    example: str


COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("family_name", "Nachname", True, "Familienname, Pflichtangabe", "Al-Hassan"),
    ColumnSpec("given_name", "Vorname", True, "Vorname(n), darf leer bleiben", "Amira"),
    ColumnSpec(
        "birth_date",
        "Geburtsdatum",
        True,
        "Pflichtangabe, TT.MM.JJJJ oder JJJJ-MM-TT",
        "03.07.1991",
    ),
    ColumnSpec(
        "gender",
        "Geschlecht",
        False,
        "w/weiblich, m/männlich, d/divers, x/keine Angabe",
        "w",
    ),
    ColumnSpec(
        "nationality",
        "Staatsangehörigkeit",
        False,
        "Land auf Deutsch oder Englisch oder ISO-Code; auch „staatenlos“, „ungeklärt“",
        "Syrien",
    ),
    ColumnSpec(
        "languages",
        "Sprachen",
        False,
        "Sprachen auf Deutsch oder Englisch oder ISO-639-Code, getrennt durch , ; oder /",
        "Arabisch, Kurdisch",
    ),
    ColumnSpec("phone", "Telefon", False, "Telefonnummer", "0211 123456"),
    ColumnSpec("address", "Adresse", False, "Anschrift", "Musterstr. 1, 40210 Düsseldorf"),
    ColumnSpec(
        "residence_status",
        "Aufenthaltsstatus",
        False,
        "aktueller Status: Bezeichnung oder Code aus dem Katalog",
        "Duldung",
    ),
    ColumnSpec(
        "residence_valid_until",
        "Gültig bis",
        False,
        "Ablaufdatum des Status (nur zusammen mit Aufenthaltsstatus), TT.MM.JJJJ",
        "31.12.2026",
    ),
    ColumnSpec(
        "target_groups",
        "Zielgruppen",
        False,
        "Zielgruppen (Bezeichnung oder Code), getrennt durch , ; oder /",
        "Nachholende Integration",
    ),
)

_BY_FOLDED_HEADER: dict[str, ColumnSpec] = {fold(c.header): c for c in COLUMNS}
_HEADER_OF: dict[str, str] = {c.key: c.header for c in COLUMNS}

# Common spellings of the gender values that are not codes or labels of the catalog.
# Keys are folded with dots and spaces removed ("k. A." -> "ka").
_GENDER_SHORT = {"w": "f", "weibl": "f", "mannl": "m", "ka": "x"}


@dataclass(frozen=True)
class RowError:
    """A problem of one row; ``message`` starts with "Zeile N: "."""

    line: int
    """Physical line number in the file (header = line 1)."""
    message: str


@dataclass(frozen=True)
class ImportResult:
    """What the file holds: the valid rows as drafts, and every problem found."""

    drafts: tuple[IntakeDraft, ...]
    """Only the rows without problems; import nothing unless `ok`."""
    errors: tuple[RowError, ...]
    encoding: str
    """``utf-8-sig`` (with BOM), ``utf-8`` or ``cp1252``."""
    delimiter: str
    draft_lines: tuple[int, ...] = ()
    """The line number of each draft (parallel to ``drafts``), for later messages."""

    @property
    def ok(self) -> bool:
        """True when no row has a problem."""
        return not self.errors


class CsvFormatError(ValueError):
    """The file as a whole cannot be imported; the message is German and says why."""


def _show(value: str) -> str:
    """A cell value as it can appear in a message: one terminal-safe line, shortened."""
    return one_line(value, 60)


# --- decoding ---------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding); never guesses silently."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvFormatError(
            "Die Datei ist in UTF-16 gespeichert. Bitte in Excel als „CSV UTF-8 "
            "(durch Trennzeichen getrennt)“ speichern."
        )
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise CsvFormatError(
            "Das ist eine Excel-Arbeitsmappe, keine CSV-Datei. Bitte in Excel über "
            "„Speichern unter“ als „CSV UTF-8 (durch Trennzeichen getrennt)“ speichern."
        )
    if b"\x00" in data:
        raise CsvFormatError(
            "Die Datei enthält Nullbytes und ist keine Text-/CSV-Datei (oder UTF-16 ohne "
            "Kennung). Bitte als „CSV UTF-8 (durch Trennzeichen getrennt)“ speichern."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if data.startswith(_BOM):
            raise CsvFormatError(
                "Die Datei ist als UTF-8 gekennzeichnet, enthält aber ungültige Zeichen "
                f"(Byte {exc.start + 1}). Bitte erneut als „CSV UTF-8“ speichern."
            ) from None
    else:
        return text, ("utf-8-sig" if data.startswith(_BOM) else "utf-8")
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise CsvFormatError(
            "Die Zeichenkodierung der Datei ist weder UTF-8 noch Windows-1252 "
            f"(unbekanntes Byte 0x{data[exc.start]:02X} an Position {exc.start + 1}). "
            "Bitte als „CSV UTF-8 (durch Trennzeichen getrennt)“ speichern."
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
        known = sum(1 for cell in cells if fold(cell) in _BY_FOLDED_HEADER)
        score = (known, len(cells))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _map_header(cells: list[str]) -> list[ColumnSpec | None]:
    """The column of every header cell (None for an empty header cell), or CsvFormatError."""
    mapped: list[ColumnSpec | None] = []
    unknown: list[str] = []
    seen: dict[str, str] = {}
    duplicates: list[str] = []
    for cell in cells:
        name = cell.strip()
        if not name:
            mapped.append(None)
            continue
        spec = _BY_FOLDED_HEADER.get(fold(name))
        if spec is None:
            unknown.append(name)
            mapped.append(None)
            continue
        if spec.key in seen:
            duplicates.append(f"„{_show(seen[spec.key])}“ und „{_show(name)}“")
        seen[spec.key] = name
        mapped.append(spec)
    problems: list[str] = []
    if unknown:
        names = ", ".join(f"„{_show(n)}“" for n in unknown)
        problems.append(f"Unbekannte Spalte{'n' if len(unknown) > 1 else ''}: {names}.")
    if duplicates:
        problems.append(f"Doppelte Spalte: {'; '.join(duplicates)}.")
    missing = [c.header for c in COLUMNS if c.required and c.key not in seen]
    if missing:
        names = ", ".join(f"„{m}“" for m in missing)
        verb = "fehlen" if len(missing) > 1 else "fehlt"
        problems.append(f"Pflichtspalte{'n' if len(missing) > 1 else ''} {verb}: {names}.")
    if unknown and len(cells) == 1:
        problems.append("Als Trennzeichen werden Semikolon, Komma und Tabulator erkannt.")
    if problems:
        accepted = ", ".join(c.header for c in COLUMNS)
        raise CsvFormatError(
            f"Kopfzeile: {' '.join(problems)} Erlaubte Spalten: {accepted} "
            "(Nachname, Vorname und Geburtsdatum sind Pflicht)."
        )
    return mapped


# --- cells ------------------------------------------------------------------------------------

_TWO_DIGIT_YEAR = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2}", re.ASCII)
_PARTS = re.compile(r"[,;]")


def _parse_day(value: str) -> date:
    try:
        return parse_date(value)
    except ValueError:
        hint = ", Jahr bitte vierstellig" if _TWO_DIGIT_YEAR.fullmatch(value) else ""
        raise ValueError(f"'{_show(value)}' ist kein gültiges Datum (TT.MM.JJJJ{hint})") from None


def _split_lookup(value: str, find: Callable[[str], str | None]) -> tuple[list[str], list[str]]:
    """Split a multi-valued cell on , ; / and look each part up; returns (codes, unknown).

    A part is first looked up as a whole, so labels that contain "/" still match.
    """
    codes: list[str] = []
    unknown: list[str] = []
    for part in _PARTS.split(value):
        part = part.strip()
        if not part:
            continue
        code = find(part)
        if code is not None:
            codes.append(code)
            continue
        for piece in part.split("/"):
            piece = piece.strip()
            if not piece:
                continue
            code = find(piece)
            if code is None:
                unknown.append(piece)
            else:
                codes.append(code)
    return list(dict.fromkeys(codes)), unknown


def _catalog_code(cat: Catalog) -> Callable[[str], str | None]:
    def find(text: str) -> str | None:
        entry = cat.find(text)
        return None if entry is None else entry.code

    return find


def _language_code(text: str) -> str | None:
    language = find_language(text)
    return None if language is None else language.code


def _gender_code(value: str) -> str | None:
    short = _GENDER_SHORT.get(fold(value).replace(".", "").replace(" ", ""))
    if short is not None:
        return short
    entry = catalog("genders").find(value)
    return None if entry is None else entry.code


def _has_control(value: str, allow_newline: bool = False) -> bool:
    for ch in value:
        if allow_newline and ch in "\r\n\t":
            continue
        if unicodedata.category(ch) == "Cc":
            return True
    return False


def _listing(cat: Catalog) -> str:
    return ", ".join(entry.de for entry in cat)


@dataclass
class _Row:
    line: int
    cells: dict[str, str]
    problems: dict[str, str]


def _build_draft(row: _Row, today: date) -> IntakeDraft:
    """Parse the cells of a row into a draft; every problem goes into ``row.problems``."""
    cells, problems = row.cells, row.problems
    family_name = cells.get("family_name", "")
    given_name = cells.get("given_name", "")
    if not family_name:
        problems["family_name"] = "Nachname fehlt"
    for key, name in (("family_name", family_name), ("given_name", given_name)):
        if _has_control(name):
            problems[key] = f"{_HEADER_OF[key]} enthält Steuerzeichen oder einen Zeilenumbruch"

    birth_date: date | None = None
    raw_birth = cells.get("birth_date", "")
    if not raw_birth:
        problems["birth_date"] = "Geburtsdatum fehlt"
    else:
        try:
            birth_date = _parse_day(raw_birth)
        except ValueError as exc:
            problems["birth_date"] = f"Geburtsdatum {exc}"

    gender = ""
    raw_gender = cells.get("gender", "")
    if raw_gender:
        code = _gender_code(raw_gender)
        if code is None:
            problems["gender"] = (
                f"Geschlecht '{_show(raw_gender)}' ist unbekannt "
                "(erlaubt: w, m, d, x oder weiblich, männlich, divers, keine Angabe)"
            )
        else:
            gender = code

    nationality = ""
    raw_nationality = cells.get("nationality", "")
    if raw_nationality:
        country = find_country(raw_nationality)
        if country is None:
            problems["nationality"] = (
                f"Staatsangehörigkeit '{_show(raw_nationality)}' ist unbekannt "
                "(Land auf Deutsch oder Englisch, ISO-Code, „staatenlos“ oder „ungeklärt“)"
            )
        else:
            nationality = country.code

    languages: list[str] = []
    raw_languages = cells.get("languages", "")
    if raw_languages:
        languages, unknown = _split_lookup(raw_languages, _language_code)
        if unknown:
            names = ", ".join(f"'{_show(u)}'" for u in unknown)
            problems["languages"] = f"Sprache {names} ist unbekannt"

    target_groups: list[str] = []
    raw_groups = cells.get("target_groups", "")
    if raw_groups:
        groups = catalog("target_groups")
        target_groups, unknown = _split_lookup(raw_groups, _catalog_code(groups))
        if unknown:
            names = ", ".join(f"'{_show(u)}'" for u in unknown)
            problems["target_groups"] = (
                f"Zielgruppe {names} ist unbekannt (erlaubt: {_listing(groups)})"
            )

    residence: ResidenceDraft | None = None
    raw_status = cells.get("residence_status", "")
    raw_until = cells.get("residence_valid_until", "")
    valid_until: date | None = None
    if raw_until:
        try:
            valid_until = _parse_day(raw_until)
        except ValueError as exc:
            problems["residence_valid_until"] = f"Gültig bis {exc}"
        if not raw_status:
            problems["residence_valid_until"] = (
                "„Gültig bis“ ist nur zusammen mit einem Aufenthaltsstatus erlaubt"
            )
    if raw_status:
        entry = catalog("residence_statuses").find(raw_status)
        if entry is None:
            problems["residence_status"] = (
                f"Aufenthaltsstatus '{_show(raw_status)}' ist unbekannt "
                "(Bezeichnung oder Code aus dem Katalog, z. B. Duldung, Gestattung, AE § 25b)"
            )
        else:
            residence = ResidenceDraft(status=entry.code, valid_until=valid_until)

    for key in ("phone", "address"):
        if _has_control(cells.get(key, ""), allow_newline=key == "address"):
            problems[key] = f"{_HEADER_OF[key]} enthält Steuerzeichen"

    client = ClientDraft(
        given_name=given_name,
        family_name=family_name,
        birth_date=birth_date,
        gender=gender,
        nationality=nationality,
        languages=tuple(languages),
        address=cells.get("address", ""),
        phone=cells.get("phone", ""),
    )
    return IntakeDraft(
        client=client,
        first_contact_on=today,
        access_route="self",
        target_groups=tuple(target_groups),
        residence=residence,
    )


def _validation_message(key: str, message: str) -> str:
    header = _HEADER_OF.get(key)
    message = message.rstrip(".")
    if header is None or fold(message).startswith(fold(header)):
        return message
    return f"{header}: {message}"


# --- reading ----------------------------------------------------------------------------------


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
                f"Zeile {start}: Die Datei lässt sich nicht als CSV lesen ({exc})."
            ) from None
        yield start, cells


def parse_clients_csv(data: bytes, today: date) -> ImportResult:
    """Read an import file and check every row; see the module docstring.

    Raises CsvFormatError for problems of the whole file (too large, too many rows, unknown
    encoding, empty, unknown/missing/duplicate columns). Row problems never raise: they are
    all collected in `ImportResult.errors` (several per row are possible).
    """
    if len(data) > MAX_BYTES:
        raise CsvFormatError(
            f"Die Datei ist zu groß ({len(data) / 1024 / 1024:.1f} MB, höchstens "
            f"{MAX_BYTES // 1024 // 1024} MB). Bitte in mehrere Dateien aufteilen."
        )
    text, encoding = _decode(data)
    lines = _LINE_BREAK.split(text)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise CsvFormatError("Die Datei ist leer (keine Kopfzeile).")

    sep_line = _SEP_LINE.fullmatch(lines[first])
    skip_lines = 0
    if sep_line is not None:
        delimiter = sep_line[1]
        if delimiter not in _DELIMITERS:
            raise CsvFormatError(
                f"Zeile {first + 1}: Trennzeichen {delimiter!r} wird nicht unterstützt "
                "(nur Semikolon, Komma oder Tabulator)."
            )
        skip_lines = first + 1
    else:
        delimiter = _detect_delimiter(lines[first])

    header: list[ColumnSpec | None] | None = None
    drafts: list[IntakeDraft] = []
    draft_lines: list[int] = []
    errors: list[RowError] = []
    seen_people: dict[tuple[str, str, date], int] = {}
    row_count = 0
    for line, cells in _records(text, delimiter):
        if line <= skip_lines or all(not cell.strip() for cell in cells):
            continue
        if header is None:
            header = _map_header(cells)
            continue
        row_count += 1
        if row_count > MAX_ROWS:
            raise CsvFormatError(
                f"Die Datei hat mehr als {MAX_ROWS:_} Datenzeilen. ".replace("_", ".")
                + "Bitte in mehrere Dateien aufteilen."
            )
        if len(cells) != len(header):
            fields = "1 Feld" if len(cells) == 1 else f"{len(cells)} Felder"
            errors.append(RowError(line, f"Zeile {line}: {fields} statt {len(header)}"))
            continue
        row = _Row(line, {}, {})
        for index, (spec, cell) in enumerate(zip(header, cells, strict=True), start=1):
            value = cell.strip()
            if spec is not None:
                row.cells[spec.key] = value
            elif value:
                row.problems[f"column_{index}"] = (
                    f"Wert '{_show(value)}' in Spalte {index}, die keine Überschrift hat"
                )
        draft = _build_draft(row, today)
        for key, message in validate_intake(draft, today).items():
            if key == "first_contact_on" and "birth_date" in row.problems:
                continue  # first contact is `today`: a birth date problem says it all
            row.problems.setdefault(key, _validation_message(key, message))

        client = draft.client
        if client.family_name and client.birth_date is not None:
            person = (fold(client.family_name), fold(client.given_name), client.birth_date)
            earlier = seen_people.get(person)
            if earlier is None:
                seen_people[person] = line
            else:
                row.problems["duplicate"] = f"gleiche Person wie Zeile {earlier}"

        if row.problems:
            errors.extend(RowError(line, f"Zeile {line}: {m}") for m in row.problems.values())
        else:
            drafts.append(draft)
            draft_lines.append(line)

    if header is None:
        raise CsvFormatError("Die Datei ist leer (keine Kopfzeile).")
    return ImportResult(
        drafts=tuple(drafts),
        errors=tuple(errors),
        encoding=encoding,
        delimiter=delimiter,
        draft_lines=tuple(draft_lines),
    )


def delimiter_name(delimiter: str) -> str:
    """German name of a separator for messages ("Semikolon")."""
    return _DELIMITER_NAMES.get(delimiter, repr(delimiter))


# --- template and documentation ----------------------------------------------------------------


def template_csv() -> bytes:
    """The header line of an import file: ``;``-separated, UTF-8 with BOM, CRLF."""
    return (";".join(c.header for c in COLUMNS) + "\r\n").encode("utf-8-sig")


def columns_markdown() -> str:
    """A Markdown table of the accepted columns for the README."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    rows = [
        "| Spalte | Pflicht | Bedeutung | Beispiel |",
        "| --- | --- | --- | --- |",
    ]
    for c in COLUMNS:
        required = "ja" if c.required else "nein"
        rows.append(
            f"| {cell(c.header)} | {required} | {cell(c.description)} | `{cell(c.example)}` |"
        )
    return "\n".join(rows) + "\n"
