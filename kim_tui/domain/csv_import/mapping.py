"""Mapping the rows of an import file to intake drafts, with every problem of every row.

Every data row becomes an `IntakeDraft` (first contact = ``today``, access route ``self``, no
consents): cells are looked up in the catalogs and ISO lists (German or English names, codes),
dates read as TT.MM.JJJJ or ISO, the draft checked by `validate_intake`, and the same person
twice in one file reported. Every problem is collected as a `RowError` with its physical line
number (header = line 1); nothing here raises for a row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from kim_tui.domain.catalogs import Catalog, catalog
from kim_tui.domain.csv_import.columns import HEADER_OF
from kim_tui.domain.csv_import.reading import read_table, shown
from kim_tui.domain.dates import parse_date, read_birth_date
from kim_tui.domain.geo import find_country, find_language
from kim_tui.domain.model import ClientDraft, IntakeDraft, ResidenceDraft
from kim_tui.domain.text import fold
from kim_tui.domain.validation import validate_intake
from kim_tui.i18n import language, tr

__all__ = ["ImportResult", "RowError", "parse_clients_csv"]

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
    households: tuple[tuple[str, str], ...] = ()
    """Per draft (parallel to ``drafts``): the household label ("" for none) and role code
    ("" for the default); empty when the file has no household column."""

    @property
    def ok(self) -> bool:
        """True when no row has a problem."""
        return not self.errors


# --- cells ------------------------------------------------------------------------------------

_TWO_DIGIT_YEAR = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2}", re.ASCII)
_PARTS = re.compile(r"[,;]")


def _parse_day(value: str) -> date:
    try:
        return parse_date(value)
    except ValueError:
        two_digits = _TWO_DIGIT_YEAR.fullmatch(value) is not None
        hint = (
            tr(", Jahr bitte vierstellig", ", please use a four-digit year") if two_digits else ""
        )
        raise ValueError(
            tr(
                f"'{shown(value)}' ist kein gültiges Datum (TT.MM.JJJJ{hint})",
                f"'{shown(value)}' is not a valid date (DD.MM.YYYY{hint})",
            )
        ) from None


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
    return ", ".join(entry.label(language()) for entry in cat)


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
        problems["family_name"] = tr("Nachname fehlt", "Nachname (family name) missing")
    for key, name in (("family_name", family_name), ("given_name", given_name)):
        if _has_control(name):
            problems[key] = tr(
                f"{HEADER_OF[key]} enthält Steuerzeichen oder einen Zeilenumbruch",
                f"{HEADER_OF[key]} holds control characters or a line break",
            )

    birth_date: date | None = None
    birth_precision = "day"
    raw_birth = cells.get("birth_date", "")
    if not raw_birth:
        problems["birth_date"] = tr("Geburtsdatum fehlt", "Geburtsdatum (birth date) missing")
    else:
        try:
            # Papers write an unknown day or month as 00 (00.00.1990): kept as written.
            birth_date, birth_precision = read_birth_date(raw_birth)
        except ValueError as exc:
            why = (
                tr(
                    "Jahr bitte vierstellig (TT.MM.JJJJ)",
                    "please use a four-digit year (DD.MM.YYYY)",
                )
                if _TWO_DIGIT_YEAR.fullmatch(raw_birth)
                else str(exc)
            )
            problems["birth_date"] = tr(
                f"Geburtsdatum '{shown(raw_birth)}': {why}",
                f"Geburtsdatum (birth date) '{shown(raw_birth)}': {why}",
            )

    gender = ""
    raw_gender = cells.get("gender", "")
    if raw_gender:
        code = _gender_code(raw_gender)
        if code is None:
            problems["gender"] = tr(
                f"Geschlecht '{shown(raw_gender)}' ist unbekannt "
                "(erlaubt: w, m, d, x oder weiblich, männlich, divers, keine Angabe)",
                f"Geschlecht (gender) '{shown(raw_gender)}' is unknown "
                "(allowed: w, m, d, x or weiblich, männlich, divers, keine Angabe)",
            )
        else:
            gender = code

    nationality = ""
    raw_nationality = cells.get("nationality", "")
    if raw_nationality:
        country = find_country(raw_nationality)
        if country is None:
            problems["nationality"] = tr(
                f"Staatsangehörigkeit '{shown(raw_nationality)}' ist unbekannt "
                "(Land auf Deutsch oder Englisch, ISO-Code, „staatenlos“ oder „ungeklärt“)",
                f"Staatsangehörigkeit (nationality) '{shown(raw_nationality)}' is unknown "
                "(country in German or English, ISO code, “stateless” or “unclear”)",
            )
        else:
            nationality = country.code

    languages: list[str] = []
    raw_languages = cells.get("languages", "")
    if raw_languages:
        languages, unknown = _split_lookup(raw_languages, _language_code)
        if unknown:
            names = ", ".join(f"'{shown(u)}'" for u in unknown)
            problems["languages"] = tr(
                f"Sprache {names} ist unbekannt", f"Sprachen (language) {names} is unknown"
            )

    target_groups: list[str] = []
    raw_groups = cells.get("target_groups", "")
    if raw_groups:
        groups = catalog("target_groups")
        target_groups, unknown = _split_lookup(raw_groups, _catalog_code(groups))
        if unknown:
            names = ", ".join(f"'{shown(u)}'" for u in unknown)
            problems["target_groups"] = tr(
                f"Zielgruppe {names} ist unbekannt (erlaubt: {_listing(groups)})",
                f"Zielgruppen (target group) {names} is unknown (allowed: {_listing(groups)})",
            )

    residence: ResidenceDraft | None = None
    raw_status = cells.get("residence_status", "")
    raw_until = cells.get("residence_valid_until", "")
    valid_until: date | None = None
    if raw_until:
        try:
            valid_until = _parse_day(raw_until)
        except ValueError as exc:
            problems["residence_valid_until"] = tr(
                f"Gültig bis {exc}", f"Gültig bis (valid until): {exc}"
            )
        if not raw_status:
            problems["residence_valid_until"] = tr(
                "„Gültig bis“ ist nur zusammen mit einem Aufenthaltsstatus erlaubt",
                "“Gültig bis” (valid until) is allowed only together with an Aufenthaltsstatus",
            )
    if raw_status:
        entry = catalog("residence_statuses").find(raw_status)
        if entry is None:
            problems["residence_status"] = tr(
                f"Aufenthaltsstatus '{shown(raw_status)}' ist unbekannt "
                "(Bezeichnung oder Code aus dem Katalog, z. B. Duldung, Gestattung, AE § 25b)",
                f"Aufenthaltsstatus (residence status) '{shown(raw_status)}' is unknown "
                "(label or code from the catalogue, e.g. Duldung, Gestattung, AE § 25b)",
            )
        else:
            residence = ResidenceDraft(status=entry.code, valid_until=valid_until)

    for key in ("phone", "address"):
        if _has_control(cells.get(key, ""), allow_newline=key == "address"):
            problems[key] = tr(
                f"{HEADER_OF[key]} enthält Steuerzeichen",
                f"{HEADER_OF[key]} holds control characters",
            )

    client = ClientDraft(
        given_name=given_name,
        family_name=family_name,
        birth_date=birth_date,
        birth_precision=birth_precision,
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
    header = HEADER_OF.get(key)
    message = message.rstrip(".")
    if header is None or fold(message).startswith(fold(header)):
        return message
    return f"{header}: {message}"


def household_cells(cells: dict[str, str], problems: dict[str, str]) -> tuple[str, str]:
    """(household label, role code) of a row; an unknown role or a role without a household is
    a problem of the row."""
    label = fold(cells.get("household", ""))
    raw_role = cells.get("household_role", "")
    if not raw_role:
        return label, ""
    entry = catalog("household_roles").find(raw_role)
    if entry is None:
        role, allowed = HEADER_OF["household_role"], _listing(catalog("household_roles"))
        problems["household_role"] = tr(
            f"{role} '{shown(raw_role)}' unbekannt; erlaubt: {allowed}",
            f"{role} '{shown(raw_role)}' unknown; allowed: {allowed}",
        )
    elif not label:
        role, household = HEADER_OF["household_role"], HEADER_OF["household"]
        problems["household_role"] = tr(
            f"{role} ohne {household}: bitte den Haushalt angeben oder die Rolle leer lassen",
            f"{role} without {household}: please give the household or leave the role empty",
        )
    return label, entry.code if entry is not None else ""


def parse_clients_csv(data: bytes, today: date) -> ImportResult:
    """Read an import file and check every row; see the package docstring.

    Raises CsvFormatError for problems of the whole file (too large, too many rows, unknown
    encoding, empty, unknown/missing/duplicate columns). Row problems never raise: they are
    all collected in `ImportResult.errors` (several per row are possible).
    """
    table = read_table(data)
    header = table.header
    drafts: list[IntakeDraft] = []
    draft_lines: list[int] = []
    errors: list[RowError] = []
    seen_people: dict[tuple[str, str, date], int] = {}
    households: list[tuple[str, str]] = []
    for line, cells in table.rows:
        if len(cells) != len(header):
            count, wanted = len(cells), len(header)
            errors.append(
                RowError(
                    line,
                    tr(
                        f"Zeile {line}: {'1 Feld' if count == 1 else f'{count} Felder'} "
                        f"statt {wanted}",
                        f"Row {line}: {'1 field' if count == 1 else f'{count} fields'} "
                        f"instead of {wanted}",
                    ),
                )
            )
            continue
        row = _Row(line, {}, {})
        for index, (spec, cell) in enumerate(zip(header, cells, strict=True), start=1):
            value = cell.strip()
            if spec is not None:
                row.cells[spec.key] = value
            elif value:
                row.problems[f"column_{index}"] = tr(
                    f"Wert '{shown(value)}' in Spalte {index}, die keine Überschrift hat",
                    f"value '{shown(value)}' in column {index}, which has no heading",
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
                row.problems["duplicate"] = tr(
                    f"gleiche Person wie Zeile {earlier}", f"same person as row {earlier}"
                )

        membership = household_cells(row.cells, row.problems)
        if row.problems:
            prefix = tr(f"Zeile {line}: ", f"Row {line}: ")
            errors.extend(RowError(line, prefix + m) for m in row.problems.values())
        else:
            drafts.append(draft)
            draft_lines.append(line)
            households.append(membership)

    return ImportResult(
        drafts=tuple(drafts),
        errors=tuple(errors),
        encoding=table.encoding,
        delimiter=table.delimiter,
        draft_lines=tuple(draft_lines),
        households=tuple(households) if any(label for label, _ in households) else (),
    )
