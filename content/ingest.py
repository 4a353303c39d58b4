"""Read a study material file into raw text lines, whatever shape the secretary sent it in.

Branch secretaries collect materials from Word files, PDFs and web pages, so this module only answers
"what text is in the file, in reading order" and leaves every judgement about that text to
``content.clean``::

    .txt / .md  ──decode (utf-8 → utf-8-sig → gb18030)──▶ lines
    .docx       ──python-docx: body paragraphs and tables, in document order──▶ lines
    .pdf        ──pypdf: page text──▶ lines (what pypdf remarks on the way: notes for the loader)

Word heading styles ("Heading 2", "标题 2", "Title") are the one piece of structure a plain line would
lose, so they are written as Markdown ``#`` prefixes; ``content.structure`` reads those the same way it
reads a ``.md`` file.  Anything else is refused with :class:`UnsupportedMaterial`, so the loader can
report the file instead of silently skipping it.
"""

from __future__ import annotations

import logging
import re
import warnings
import zipfile
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".docx", ".pdf")
TEXT_ENCODINGS: tuple[str, ...] = ("utf-8-sig", "gb18030")

_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)


class UnsupportedMaterial(ValueError):
    """The file is of a kind the pipeline cannot read (or is not the kind its name claims)."""


def read_material(path: Path) -> list[str]:
    """Return the file's text lines in reading order; blank lines are kept (they carry no meaning later)."""
    return read_material_with_notes(path)[0]


def read_material_with_notes(path: Path) -> tuple[list[str], list[str]]:
    """The file's text lines and what the reader library remarked while reading them (a PDF with a broken
    cross-reference table reads, but pypdf says so): the loader turns these into problems, never stderr."""
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md"):
        return _decode(path.read_bytes(), path).splitlines(), []
    if suffix == ".docx":
        return _read_docx(path), []
    if suffix == ".pdf":
        return _read_pdf(path)
    raise UnsupportedMaterial(
        f"{path.name}: unsupported material type {suffix or '(no suffix)'!r}; "
        f"supported: {', '.join(SUPPORTED_SUFFIXES)}"
    )


def _decode(data: bytes, path: Path) -> str:
    if b"\x00" in data:
        # gb18030 maps almost any byte soup to characters; NUL bytes are the tell of a binary file.
        raise UnsupportedMaterial(f"{path.name}: binary data, not text")
    # utf-8-sig also reads plain utf-8; gb18030 covers files saved by Chinese Windows tools.
    for encoding in TEXT_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnsupportedMaterial(f"{path.name}: text is neither UTF-8 nor GB18030")


def _read_docx(path: Path) -> list[str]:
    # Deferred: python-docx is only needed when someone actually sends a Word file.
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnsupportedMaterial(f"{path.name}: not a readable .docx file ({exc})") from exc
    lines: list[str] = []
    # Walk the body XML so tables stay where they sit between paragraphs.
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(_docx_paragraph(Paragraph(child, document)))
        elif tag == "tbl":
            lines.extend(_docx_table(Table(child, document)))
    return lines


def _docx_paragraph(paragraph: Paragraph) -> str:
    text = paragraph.text
    style = paragraph.style
    name = (style.name or "") if style is not None else ""
    if name.lower() == "title" and text.strip():
        return f"# {text.strip()}"
    match = _HEADING_STYLE.match(name.strip())
    if match and text.strip():
        return f"{'#' * (int(match.group(1)) + 1)} {text.strip()}"
    return text


def _docx_table(table: Table) -> Iterator[str]:
    seen: set[int] = set()
    for row in table.rows:
        for cell in row.cells:
            # Merged cells appear once per grid column; read each underlying cell once.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            yield from cell.text.splitlines()


def _read_pdf(path: Path) -> tuple[list[str], list[str]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    notes: list[str] = []
    token = _PDF_NOTES.set(notes)
    _route_pypdf_logging()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            reader = PdfReader(str(path))
            pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, OSError, ValueError) as exc:
        raise UnsupportedMaterial(f"{path.name}: not a readable PDF ({exc})") from exc
    finally:
        _PDF_NOTES.reset(token)
    notes.extend(str(w.message) for w in caught)
    lines: list[str] = []
    for page in pages:
        lines.extend(page.splitlines())
        lines.append("")
    return lines, list(dict.fromkeys(notes))


# pypdf reports what it repaired through the "pypdf" logger; with no handler configured, Python's last-resort
# handler prints those records to stderr.  They go to the read that caused them instead (a context variable,
# so reads in parallel worker threads keep theirs apart) and never propagate.
_PDF_NOTES: ContextVar[list[str] | None] = ContextVar("pdf_notes", default=None)


class _PdfNotes(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        notes = _PDF_NOTES.get()
        if notes is not None:
            notes.append(record.getMessage())


def _route_pypdf_logging() -> None:
    logger = logging.getLogger("pypdf")
    if not any(isinstance(h, _PdfNotes) for h in logger.handlers):
        logger.addHandler(_PdfNotes())
        logger.propagate = False
    # its remarks are the read's notes whatever the process's log level (a quiet CLI sets the root to ERROR)
    logger.setLevel(logging.WARNING)
