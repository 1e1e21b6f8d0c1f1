"""Attachment files (PDF, DOCX, XLSX) -> their text, to index with the article
that links them.

Each format is read by its well-kept library: pypdf, python-docx, openpyxl
(read-only mode, so a large workbook is streamed). Old binary Office formats
(``.doc``, ``.xls``, ``.wps``) have no such library in pure Python and are
reported as skipped. The text is capped: a 500-page annex should not outweigh
the article it belongs to in ranking, nor blow up the stored body.
"""

from __future__ import annotations

import io
import logging
import posixpath
from urllib.parse import unquote, urlsplit

from indexer.ingest.decode import text_lines

logger = logging.getLogger(__name__)

# Text kept of all of one article's attachments: with the article itself it
# stays under the importer's limit (limits.MAX_ARTICLE_CHARS).
MAX_ATTACHMENTS_CHARS = 100_000
MAX_PDF_PAGES = 300
MAX_SHEET_ROWS = 20_000
READABLE = (".pdf", ".docx", ".xlsx")
UNREADABLE = (".doc", ".xls", ".wps", ".et", ".ppt", ".pptx", ".rar", ".zip", ".7z")


class AttachmentError(ValueError):
    """An attachment that cannot be read; the message says why."""


def attachment_suffix(url: str) -> str:
    """The lower-case file suffix of an attachment address ("" when none)."""
    path = unquote(urlsplit(url).path)
    return posixpath.splitext(path)[1].lower()


def is_attachment(url: str) -> bool:
    """Whether a link points to a file type policy articles attach."""
    return attachment_suffix(url) in READABLE + UNREADABLE


def attachment_text(data: bytes, suffix: str) -> str:
    """The text of an attachment file of type ``suffix`` (".pdf", ".docx", ".xlsx").

    Raises AttachmentError for a type no library here reads or a file that
    is not what its name says.
    """
    readers = {".pdf": _pdf_text, ".docx": _docx_text, ".xlsx": _xlsx_text}
    reader = readers.get(suffix)
    if reader is None:
        raise AttachmentError(f"skipped: no reader for {suffix or 'files without a suffix'}")
    try:
        lines = text_lines(reader(data))
    except AttachmentError:
        raise
    except Exception as e:  # each library raises its own kinds for broken files
        raise AttachmentError(f"unreadable {suffix[1:].upper()}: {type(e).__name__}: {e}") from e
    text = "\n".join(lines)[:MAX_ATTACHMENTS_CHARS]
    if not text:
        raise AttachmentError(f"no text in this {suffix[1:].upper()} (a scan?)")
    return text


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    pages = reader.pages[:MAX_PDF_PAGES]
    return "\n".join(page.extract_text() or "" for page in pages)


def _docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines.extend(" ".join(cell.text for cell in row.cells) for row in table.rows)
    return "\n".join(lines)


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        lines: list[str] = []
        for sheet in workbook.worksheets:
            rows = sheet.iter_rows(max_row=MAX_SHEET_ROWS, values_only=True)
            lines.extend(" ".join(str(v) for v in row if v is not None) for row in rows)
        return "\n".join(lines)
    finally:
        workbook.close()
