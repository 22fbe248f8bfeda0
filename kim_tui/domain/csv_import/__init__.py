"""Bulk intake from a spreadsheet (``kim import-clients FILE.csv``): the pure part."""

from __future__ import annotations

from kim_tui.domain.csv_import.mapping import (
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    ColumnSpec,
    CsvFormatError,
    ImportResult,
    RowError,
    columns_markdown,
    delimiter_name,
    parse_clients_csv,
    template_csv,
)

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
