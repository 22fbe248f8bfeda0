"""What every printed kim document shares: the embedded fonts, the page set-up, metadata without
personal data, and the atomic no-clobber write of the finished bytes.

Fonts are DejaVu Sans (``kim_tui/assets/fonts``): it has Latin with Turkish letters, Cyrillic,
Arabic and the Persian letters. Text is shaped with HarfBuzz (uharfbuzz, a pinned dependency),
and fpdf2 applies the Unicode bidirectional algorithm to shaped text, so Arabic and Persian come
out joined and right to left.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from datetime import UTC, date, datetime, time
from importlib import resources
from pathlib import Path

from fpdf import FPDF

__all__ = ["FONT", "KimPDF", "new_pdf", "set_up", "write_new_file"]

FONT = "DejaVu"
_CREATOR = "kim-tui"
MARGIN = 18.0


def _font_path(name: str) -> Path:
    return Path(str(resources.files("kim_tui").joinpath("assets", "fonts", name)))


class KimPDF(FPDF):
    """A4 portrait with a footer naming the document and the page (no personal data)."""

    footer_text = ""

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, "", 7)
        self.set_text_color(110)
        self.cell(0, 5, f"{self.footer_text} – Seite {self.page_no()}", align="C")
        self.set_text_color(0)


def new_pdf(title: str, created_on: date) -> KimPDF:
    """A fresh document titled `title`; the creation date is `created_on` so the same input
    gives the same bytes. The metadata holds the title only: it is readable without opening
    the file, so it never carries a name."""
    pdf = KimPDF(orientation="P", unit="mm", format="A4")
    pdf.footer_text = title
    set_up(pdf, title, created_on)
    return pdf


def set_up(
    pdf: FPDF, title: str, created_on: date, *, margin: float = MARGIN, bottom: float = 18
) -> None:
    """Give `pdf` the kim page set-up: margins, the embedded fonts with text shaping, and
    metadata that names only `title` and `created_on` (never a person)."""
    pdf.set_margins(margin, margin, margin)
    pdf.set_auto_page_break(auto=True, margin=bottom)
    pdf.add_font(FONT, "", str(_font_path("DejaVuSans.ttf")))
    pdf.add_font(FONT, "B", str(_font_path("DejaVuSans-Bold.ttf")))
    pdf.set_text_shaping(use_shaping_engine=True)
    pdf.set_title(title)
    pdf.set_lang("de-DE")
    pdf.set_creator(_CREATOR)
    pdf.set_producer(_CREATOR)
    pdf.set_creation_date(datetime.combine(created_on, time(0, 0), tzinfo=UTC))


def write_new_file(data: bytes, path: Path) -> None:
    """Write `data` to `path` atomically, never replacing an existing file (FileExistsError).

    The bytes go to a temporary file beside `path` (readable by the owner only: printouts hold
    personal data), are flushed to disk and then linked into place.
    """
    path = Path(path)
    if path.exists():
        raise FileExistsError(errno.EEXIST, "file exists", str(path))
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)  # atomic; EEXIST if path appeared meanwhile
        except FileExistsError:
            raise
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            if path.exists():
                raise FileExistsError(errno.EEXIST, "file exists", str(path)) from None
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
