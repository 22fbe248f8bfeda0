"""The columns of an import file: German headers, what they hold, and the template.

Headers are matched case-insensitively and without umlauts ("Staatsangehoerigkeit"), through
`fold`; `COLUMNS` is also what `kim import-clients --template` writes and what the README's
column table lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from kim_tui.domain.csv_export import DEFAULT_DELIMITER, csv_bytes
from kim_tui.domain.text import fold

__all__ = [
    "BY_FOLDED_HEADER",
    "COLUMNS",
    "HEADER_OF",
    "ColumnSpec",
    "columns_markdown",
    "template_csv",
]


@dataclass(frozen=True)
class ColumnSpec:
    """One accepted column of the import file."""

    key: str
    """Field name inside this package (and of `validate_intake` problems)."""
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
    ColumnSpec(
        "household",
        "Haushalt",
        False,
        "Zeilen mit demselben Wert leben in einem Haushalt (jede Person mit eigener Akte); "
        "beliebige Kennung, z. B. eine Nummer",
        "H1",
    ),
    ColumnSpec(
        "household_role",
        "Rolle im Haushalt",
        False,
        "Bezugsperson, Ehepartner*in, Kind, Elternteil, Geschwister, sonstige; leer: die erste "
        "Zeile eines Haushalts ist Bezugsperson, die weiteren „sonstige“",
        "Kind",
    ),
)

BY_FOLDED_HEADER: dict[str, ColumnSpec] = {fold(c.header): c for c in COLUMNS}
"""Every column by its folded header."""
HEADER_OF: dict[str, str] = {c.key: c.header for c in COLUMNS}
"""The German header of every column key."""


def template_csv(delimiter: str = DEFAULT_DELIMITER) -> bytes:
    """The header line of an import file, written as every kim CSV (`csv_export`): ``;``
    (or `delimiter`), UTF-8 with BOM, CRLF."""
    return csv_bytes([[c.header for c in COLUMNS]], delimiter)


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
