"""MSEL files as grids of cell values: .xlsx through openpyxl, .csv through the csv module.

The importer and exporter work on plain rows of values; this module is the only one that
knows file formats. Excel files get a styled sheet (bold frozen header, filters, widths,
wrapped text) because staff print and edit them; CSV gets a BOM so Excel opens it as UTF-8,
and the Dutch variant uses ';' because Dutch Excel reads ',' as the decimal separator.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = [
    "MAX_SHEET_BYTES",
    "Grid",
    "SheetError",
    "cell_ref",
    "col_letter",
    "read_grids",
    "write_csv",
    "write_xlsx",
]

MAX_SHEET_BYTES = 20 * 1024 * 1024
_MSEL_NAMES = ("msel", "draaiboek", "scenariolijst", "injects")
_META_NAMES = ("exercise", "oefening")


class SheetError(Exception):
    """The file as a whole cannot be read (missing, wrong kind, damaged)."""


@dataclass
class Grid:
    """One sheet's cells: rows of values with their 1-based row numbers."""

    source: str
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)

    def ref(self, col: int, row: int) -> str:
        return cell_ref(self.source, col, row)


def col_letter(col: int) -> str:
    """Spreadsheet column letters for a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    n = col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(source: str, col: int, row: int) -> str:
    """``FILE!C12``: where staff look for a problem, whatever the file format."""
    return f"{source}!{col_letter(col)}{row}"


def read_grids(path: Path, source: str) -> tuple[Grid, Grid | None]:
    """The MSEL grid and, for a workbook, the optional metadata sheet."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv"):
        raise SheetError(
            f"{source}: error: expected an .xlsx or .csv file, not {suffix or 'no suffix'!r}"
        )
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise SheetError(f"{source}: error: no such file") from None
    except OSError as exc:
        raise SheetError(f"{source}: error: cannot read: {exc.strerror}") from None
    if path.is_dir():
        raise SheetError(f"{source}: error: is a folder, not a spreadsheet")
    if size > MAX_SHEET_BYTES:
        raise SheetError(
            f"{source}: error: file is {size:,} bytes; the limit is {MAX_SHEET_BYTES:,}"
        )
    if suffix == ".csv":
        return _read_csv(path, source), None
    return _read_xlsx(path, source)


def _read_xlsx(path: Path, source: str) -> tuple[Grid, Grid | None]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except OSError as exc:
        raise SheetError(f"{source}: error: cannot read: {exc.strerror or exc}") from None
    except Exception as exc:  # openpyxl raises many kinds on damaged or foreign files
        raise SheetError(
            f"{source}: error: not a readable Excel workbook ({type(exc).__name__})"
        ) from None
    try:
        sheets = {ws.title.strip().lower(): ws for ws in book.worksheets}
        msel = next((sheets[n] for n in _MSEL_NAMES if n in sheets), book.worksheets[0])
        meta = next((sheets[n] for n in _META_NAMES if n in sheets), None)
        grid = _grid(msel, source)
        meta_grid = _grid(meta, f"{source}!{meta.title}") if meta is not None else None
    except Exception as exc:
        raise SheetError(
            f"{source}: error: not a readable Excel workbook ({type(exc).__name__})"
        ) from None
    finally:
        book.close()
    return grid, meta_grid


def _grid(ws: Any, source: str) -> Grid:
    grid = Grid(source)
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        grid.rows.append((number, list(values)))
    return grid


def _read_csv(path: Path, source: str) -> Grid:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    grid = Grid(source)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for values in reader:
            grid.rows.append((reader.line_num, list(values)))
    except csv.Error as exc:
        raise SheetError(f"{source}: error: not a readable CSV file: {exc}") from None
    # csv gives the line where a record ends; a record may span lines, so renumber by record
    grid.rows = [(i, values) for i, (_, values) in enumerate(grid.rows, start=1)]
    return grid


def write_xlsx(
    headers: list[str],
    rows: list[list[Any]],
    widths: list[int],
    wraps: list[bool],
    *,
    sheet_name: str = "MSEL",
    meta: tuple[str, list[list[Any]]] | None = None,
) -> bytes:
    """A workbook with the MSEL sheet first and an optional metadata sheet."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet_name
    _fill(ws, [headers, *rows])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE5F0")
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for i, (width, wrap) in enumerate(zip(widths, wraps, strict=True)):
        letter = col_letter(i)
        ws.column_dimensions[letter].width = width
        for cell in ws[letter][1:]:
            cell.alignment = Alignment(vertical="top", wrap_text=wrap)
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
    ws.freeze_panes = "C2"
    if rows:
        ws.auto_filter.ref = f"A1:{col_letter(len(headers) - 1)}{len(rows) + 1}"
    if meta is not None:
        name, meta_rows = meta
        mws = book.create_sheet(name)
        _fill(mws, meta_rows)
        for cell in mws[1]:
            cell.font, cell.fill = bold, fill
        mws.column_dimensions["A"].width = 22
        mws.column_dimensions["B"].width = 90
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(ws: Any, rows: list[list[Any]]) -> None:
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            if value is None:
                continue
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, never a formula


def write_csv(headers: list[str], rows: list[list[Any]], delimiter: str = ",") -> bytes:
    """UTF-8 with BOM, so Excel shows accents; date-times as ``YYYY-MM-DD HH:MM[:SS]``."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    for values in rows:
        writer.writerow(["" if v is None else _csv_text(v) for v in values])
    return out.getvalue().encode("utf-8-sig")


def _csv_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
    return str(value)
