"""Bulk intake from a spreadsheet (``kim import-clients FILE.csv``): the pure part.

Reads what German Excel really writes: ``;``, ``,`` or tab separated, UTF-8 with or without BOM
or Windows-1252, CRLF or LF line endings, an optional ``sep=;`` first line, dates as TT.MM.JJJJ
or ISO. Column headers are German, case-insensitive and may be written without umlauts
("Staatsangehoerigkeit"). Every data row becomes an `IntakeDraft` (first contact = ``today``,
access route ``self``, no consents); every problem of every row is collected as a `RowError`
with its physical line number (header = line 1). Problems of the file as a whole (size,
encoding, columns) raise `CsvFormatError`. Nothing here touches the vault: the caller imports
only when `ImportResult.ok`.

- `columns`: the accepted columns, the template and the README's column table
- `reading`: bytes to header and rows (encoding, separator, header, limits)
- `mapping`: rows to drafts with every problem of every row (`parse_clients_csv`)
"""

from __future__ import annotations

from kim_tui.domain.csv_import.columns import COLUMNS, ColumnSpec, columns_markdown, template_csv
from kim_tui.domain.csv_import.mapping import ImportResult, RowError, parse_clients_csv
from kim_tui.domain.csv_import.reading import MAX_BYTES, MAX_ROWS, CsvFormatError, delimiter_name

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
