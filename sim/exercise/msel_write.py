"""Writing MSEL grids: a styled workbook (.xlsx, openpyxl) or CSV with a BOM.

Staff print and edit the workbook: bold frozen header, filters, widths, wrapped text. CSV gets
a BOM so Excel opens it as UTF-8, and the Dutch variant uses ';' because Dutch Excel reads ','
as the decimal separator. Written cells never run in a spreadsheet (:mod:`sim.cellsafe`): in CSV a text that starts like a
formula gets a leading apostrophe; in a workbook it is a text cell with Excel's quote prefix.
Reading them back is ``msel_sheets.py``.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from sim.cellsafe import is_formula_like, neutralise_cell
from sim.exercise.msel_sheets import col_letter

__all__ = ["write_csv", "write_xlsx"]


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
            if isinstance(value, str) and is_formula_like(value):
                cell.data_type = "s"  # text, never a formula
                cell.quotePrefix = True  # and kept as text when someone edits the cell


def write_csv(headers: list[str], rows: list[list[Any]], delimiter: str = ",") -> bytes:
    """UTF-8 with BOM, so Excel shows accents; date-times as ``YYYY-MM-DD HH:MM[:SS]``.

    Text that a spreadsheet would read as a formula is neutralised (:mod:`sim.cellsafe`)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([neutralise_cell(h) for h in headers])
    for values in rows:
        writer.writerow(["" if v is None else _csv_text(v) for v in values])
    return out.getvalue().encode("utf-8-sig")


def _csv_text(value: Any) -> str:
    if isinstance(value, str):
        return neutralise_cell(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
    return str(value)
