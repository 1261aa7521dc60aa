"""PDF output (fpdf2) for letters and hand-over summaries: plain, printable, reproducible.

fpdf2's built-in Helvetica covers Latin-1, which holds every Danish, Norwegian, Swedish and
Finnish letter (æ ø å ä ö); the few characters outside it that babel or a template may produce
(the narrow no-break space, the euro sign, dashes) are mapped to Latin-1 look-alikes, so a PDF
never depends on a font file being installed. The creation date is the letter's date and the
file id is derived from the content: the same letter gives the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Final

from fpdf import FPDF

# Characters outside Latin-1 that letters may contain, and what prints in their place.
_LATIN1: Final[dict[int, str]] = {
    0x202F: "\u00a0",  # narrow no-break space (babel's group separator in some locales)
    0x2009: " ",
    0x2013: "-",
    0x2014: "-",
    0x2018: "'",
    0x2019: "'",
    0x201C: '"',
    0x201D: '"',
    0x2026: "...",
    0x20AC: "EUR",
    0x2212: "-",
}
_LINE_HEIGHT: Final[float] = 5.0

Blocks = Sequence[tuple[str, Sequence[str]]]


def latin1(text: str) -> str:
    """Map ``text`` onto Latin-1 (unknown characters become "?")."""
    mapped = text.translate(_LATIN1)
    return mapped.encode("latin-1", errors="replace").decode("latin-1")


def _document(title: str, when: date) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime.combine(when, time(0), tzinfo=UTC))
    pdf.set_title(latin1(title))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    return pdf


def _finish(pdf: FPDF, title: str) -> bytes:
    # A content-derived file id keeps the output byte-for-byte reproducible.
    digest = hashlib.md5(title.encode(), usedforsecurity=False).hexdigest().upper()
    pdf.file_id = lambda: f"<{digest}><{digest}>"  # type: ignore[method-assign]
    return bytes(pdf.output())


def _line(pdf: FPDF, text: str, *, bold: bool = False, size: float = 10) -> None:
    pdf.set_font("Helvetica", "B" if bold else "", size)
    pdf.multi_cell(0, _LINE_HEIGHT, latin1(text), new_x="LMARGIN", new_y="NEXT")


def letter_pdf(title: str, blocks: Blocks, *, header: Sequence[str], when: date) -> bytes:
    """Lay out a letter: sender lines, title, then paragraphs and bullet lists."""
    pdf = _document(title, when)
    for line in header:
        _line(pdf, line, size=8)
    pdf.ln(_LINE_HEIGHT)
    _line(pdf, title, bold=True, size=12)
    pdf.ln(_LINE_HEIGHT / 2)
    for kind, lines in blocks:
        for line in lines:
            _line(pdf, f"- {line}" if kind == "ul" else line)
        pdf.ln(_LINE_HEIGHT / 2)
    return _finish(pdf, title)


def table_pdf(
    title: str,
    sections: Sequence[tuple[str, Sequence[str]]],
    tables: Sequence[tuple[str, Sequence[str], Sequence[Sequence[str]]]],
    *,
    when: date,
) -> bytes:
    """Lay out a summary: headed sections of lines, then headed tables (header row + rows)."""
    pdf = _document(title, when)
    _line(pdf, title, bold=True, size=13)
    pdf.ln(_LINE_HEIGHT / 2)
    for heading, lines in sections:
        _line(pdf, heading, bold=True)
        for line in lines:
            _line(pdf, line)
        pdf.ln(_LINE_HEIGHT / 2)
    for heading, columns, rows in tables:
        _line(pdf, heading, bold=True)
        pdf.set_font("Helvetica", "", 8)
        with pdf.table(text_align="LEFT", line_height=_LINE_HEIGHT) as table:
            head = table.row()
            for name in columns:
                head.cell(latin1(name))
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(latin1(value))
        pdf.ln(_LINE_HEIGHT / 2)
    return _finish(pdf, title)
