"""A workbook of large, plain sheets, written fast: openpyxl makes the package, the data rows are streamed.

Why not ``sheet.append`` for every row: openpyxl's write-only mode costs about 5 µs a cell here (a cell
object, type checks, three lxml elements), so a branch's year — 206,000 rows, 1.2 million cells — took
6 s in openpyxl alone, past the 5 s an ``/export`` may take.  So the work is split:

* openpyxl writes everything a workbook is made of — the package, styles, the sheets with their frozen
  bold header row, column widths and one number format per time or rate column (``<col style=…>``);
* the data rows are written here as SpreadsheetML ``<row>`` elements (inline strings, numbers, times as
  serial numbers carrying the column's format) into a temporary file while the query streams them;
* on save, each sheet's part is copied from openpyxl's package with the rows spliced in before
  ``</sheetData>``: the same XML openpyxl would have written, at a tenth of the cost.

Values: ``str`` (control characters Excel refuses are dropped), ``int`` / ``float``, ``bool``, aware
``datetime`` (shown as the branch's wall time: Excel has no time zones), ``None`` (an empty cell).
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from contextlib import ExitStack
from datetime import datetime, tzinfo
from html import escape
from io import BytesIO
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from bot.texts import Catalog

TIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
RATE_FORMAT = "0.0%"
EXCEL_EPOCH = datetime(1899, 12, 30)  # noqa: DTZ001 — Excel's day 0, a wall time like every cell
UNIX_EPOCH_SERIAL = 25569  # 1970-01-01 as an Excel serial day
MAX_CACHED = 50_000  # distinct strings escaped once per sheet
_ILLEGAL = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32)])  # control characters Excel refuses
_INVALID_TITLE = str.maketrans(dict.fromkeys("[]:*?/\\", "·"))


class Book:
    """Sheets keyed by their catalog key (``ledger.<key>.title``, ``ledger.<key>.<column>``)."""

    def __init__(self, *, texts: Catalog, lang: str, tz: tzinfo, widths: Mapping[str, Sequence[int]],
                 times: Mapping[str, Sequence[int]], rates: Mapping[str, Sequence[int]],
                 dates: Mapping[str, Sequence[int]] | None = None) -> None:
        self._texts, self._lang, self._tz = texts, lang, tz
        self._widths, self._times, self._rates = widths, times, rates
        self._dates = dates or {}  # day-precision columns: the caller hands in the local day's start
        self._book = Workbook(write_only=True)
        self._parts: list[tuple[WriteOnlyWorksheet, IO[bytes]]] = []
        self._files = ExitStack()  # the rows of each sheet, on disk until the package is written
        self._titles: set[str] = set()
        self.counts: dict[str, int] = {}

    def _title(self, wanted: str) -> str:
        """Excel's sheet names: at most 31 characters, none of ``[]:*?/\\``, unique."""
        base = wanted.translate(_INVALID_TITLE)[:31]
        title, n = base, 1
        while title in self._titles:
            n += 1
            title = f"{base[:28]}({n})"
        self._titles.add(title)
        return title

    def sheet(self, key: str, rows: Iterable[Sequence[Any]], title: str | None = None) -> int:
        """Add a sheet and stream ``rows`` into it; returns the number of rows (also added to ``counts``)."""
        word = self._texts.plain
        sheet: WriteOnlyWorksheet = self._book.create_sheet(self._title(title or word(f"ledger.{key}.title",
                                                                                        self._lang)))
        widths = self._widths[key]
        styles: dict[int, str] = {}
        for index, width in enumerate(widths, 1):
            column = sheet.column_dimensions[get_column_letter(index)]
            column.width = width
            fmt = TIME_FORMAT if index in self._times.get(key, ()) else (
                DATE_FORMAT if index in self._dates.get(key, ()) else (
                    RATE_FORMAT if index in self._rates.get(key, ()) else None))
            if fmt is not None:
                column.number_format = fmt
                styles[index] = f' s="{column.style_id}"'
        sheet.freeze_panes = "A2"
        bold, middle = Font(bold=True), Alignment(vertical="center")
        header = []
        for index in range(1, len(widths) + 1):
            cell = WriteOnlyCell(sheet, value=word(f"ledger.{key}.{index}", self._lang))
            cell.font, cell.alignment = bold, middle
            header.append(cell)
        sheet.append(header)
        part = self._files.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 — the ExitStack closes it
        columns = [(get_column_letter(i), styles.get(i, "")) for i in range(1, len(widths) + 1)]
        count = _write_rows(part, rows, columns, self._tz)
        self._parts.append((sheet, part))
        self.counts[key] = self.counts.get(key, 0) + count
        return count

    def save(self, out: IO[bytes]) -> dict[str, int]:
        """Write the workbook to ``out``; returns the data rows per sheet key."""
        package = BytesIO()
        self._book.save(package)
        spliced = {sheet.path.lstrip("/"): part for sheet, part in self._parts}
        try:
            with zipfile.ZipFile(package) as source, \
                    zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
                for info in source.infolist():
                    data = source.read(info.filename)
                    part = spliced.get(info.filename)
                    if part is None:
                        target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
                        continue
                    head, tail = data.rsplit(b"</sheetData>", 1)
                    with target.open(info.filename, "w", force_zip64=True) as sink:
                        sink.write(head)
                        part.seek(0)
                        shutil.copyfileobj(part, sink, 1 << 20)
                        sink.write(b"</sheetData>" + tail)
        finally:
            self._files.close()
        return dict(self.counts)


def _text(value: str) -> str:
    """A string cell's body after its reference: an inline string, escaped, without Excel's forbidden characters."""
    text = escape(value.translate(_ILLEGAL), quote=False)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f' t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _write_rows(part: IO[bytes], rows: Iterable[Sequence[Any]], columns: list[tuple[str, str]], tz: tzinfo) -> int:
    """Rows 2… as ``<row>`` elements; ``columns`` are (letter, style attribute) for each column.

    Names, questions, documents and answers repeat on every row of a ledger: each distinct string is
    escaped once (up to ``MAX_CACHED`` of them), which halves the time of a year's answers."""
    texts: dict[str, str] = {}
    buffer: list[str] = []
    count = 0
    for number, row in enumerate(rows, 2):
        cells = [f'<row r="{number}">']
        for (letter, style), value in zip(columns, row, strict=False):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                body = texts.get(value)
                if body is None:
                    body = _text(value)
                    if len(texts) < MAX_CACHED:
                        texts[value] = body
                cells.append(f'<c r="{letter}{number}"{body}')
            elif isinstance(value, bool):
                cells.append(f'<c r="{letter}{number}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, datetime):
                offset = value.astimezone(tz).utcoffset() if value.tzinfo is not None else None
                serial = ((value.timestamp() + offset.total_seconds()) / 86400 + UNIX_EPOCH_SERIAL
                          if offset is not None else (value - EXCEL_EPOCH).total_seconds() / 86400)
                cells.append(f'<c r="{letter}{number}"{style}><v>{serial!r}</v></c>')
            else:
                cells.append(f'<c r="{letter}{number}"{style}><v>{value!r}</v></c>')
        cells.append("</row>")
        buffer.append("".join(cells))
        count += 1
        if len(buffer) >= 2000:
            part.write("".join(buffer).encode())
            buffer.clear()
    part.write("".join(buffer).encode())
    return count
