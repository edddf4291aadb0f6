"""Reading MSEL files as grids of cell values: .xlsx through openpyxl, .csv through the csv module.

The importer and exporter work on plain rows of values; this module reads the file formats
(``msel_write.py`` writes them). A CSV text cell that starts with an apostrophe followed by
what looks like a formula is read without the apostrophe, which writing adds
(:mod:`sim.cellsafe`).

Reading is bounded before anything large is built: the file's size is checked before it is
read, a workbook's members by their unpacked size before it is opened, and its sheets are
scanned for the rows and columns they use (a sheet that claims ``A1:XFD1048576`` costs nothing)
before openpyxl reads them, in read-only mode, within those bounds. Every limit refused names
the cell or row where it was passed.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import struct
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from sim.cellsafe import restore_cell
from sim.fileio import UnreadableFile, read_bytes_limited

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_SHEET_BYTES",
    "MAX_SHEET_COLUMNS",
    "MAX_SHEET_ROWS",
    "MAX_XLSX_MEMBERS",
    "MAX_XLSX_UNPACKED",
    "Grid",
    "SheetError",
    "cell_ref",
    "col_letter",
    "read_grids",
]

MAX_SHEET_BYTES = 20 * 1024 * 1024
"""Largest .xlsx or .csv file read, in bytes (checked before reading)."""
MAX_XLSX_UNPACKED = 100 * 1024 * 1024
"""Largest total unpacked size of a workbook's members, in bytes (checked before unpacking)."""
MAX_XLSX_MEMBERS = 1_000
"""Most files inside a workbook (an Excel MSEL has about a dozen)."""
MAX_SHEET_ROWS = 5_000
"""Highest row number read in a sheet (header and blank rows included)."""
MAX_SHEET_COLUMNS = 200
"""Most columns read in a sheet (column GR)."""
MAX_CELL_CHARS = 32_767
"""Longest cell text, in characters (Excel's own limit)."""
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
        raw = read_bytes_limited(path, MAX_SHEET_BYTES)
    except UnreadableFile as exc:
        reason = exc.reason
        if reason.startswith("is a folder"):
            reason = "is a folder, not a spreadsheet"
        raise SheetError(f"{source}: error: {reason}") from None
    if suffix == ".csv":
        return _read_csv(raw, source), None
    return _read_xlsx(raw, source)


# -- workbooks ------------------------------------------------------------------------------

_CELL_REF = re.compile(r"^([A-Za-z]{1,3})([0-9]{1,9})$")
_MAX_ROW_CELLS = 1_000  # <c> elements in one row, empty styled ones included
_MAX_SCANNED_CELLS = 1_000_000
_EOCD = b"PK\x05\x06"


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _not_a_workbook(source: str, why: str) -> SheetError:
    return SheetError(f"{source}: error: not a readable Excel workbook ({why})")


def _check_zip(raw: bytes, source: str) -> zipfile.ZipFile:
    """Open the workbook's zip after checking, from its directory alone, that unpacking it
    stays within the limits (a zip bomb is refused before a byte is inflated)."""
    end = raw.rfind(_EOCD, max(0, len(raw) - 65_557))
    if end < 0 or len(raw) < end + 22:
        raise _not_a_workbook(source, "not a zip file")
    directory_size = struct.unpack_from("<I", raw, end + 12)[0]
    if directory_size > MAX_XLSX_MEMBERS * 1_024:  # a member's entry is < 1 KB with its name
        raise SheetError(
            f"{source}: error: the workbook's zip directory is {directory_size:,} bytes; "
            f"more than {MAX_XLSX_MEMBERS:,} files inside (the limit)"
        )
    try:
        book = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _not_a_workbook(source, type(exc).__name__) from None
    members = book.infolist()
    if len(members) > MAX_XLSX_MEMBERS:
        raise SheetError(
            f"{source}: error: {len(members):,} files inside the workbook; "
            f"the limit is {MAX_XLSX_MEMBERS:,}"
        )
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_XLSX_UNPACKED:
        raise SheetError(
            f"{source}: error: the workbook unpacks to {unpacked:,} bytes; "
            f"the limit is {MAX_XLSX_UNPACKED:,} (a zip bomb?)"
        )
    for m in members:
        if m.filename.endswith((".xml", ".rels")):
            with book.open(m) as fh:
                head = fh.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise _not_a_workbook(source, f"{m.filename} declares a DTD")
    return book


def _sheet_members(book: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(title, member path) of each worksheet, in workbook order."""
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iterfind(".//{*}Relationship")}
    out = []
    for sheet in workbook.iterfind(".//{*}sheet"):
        rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        target = targets.get(rid, "")
        member = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        out.append((sheet.get("name", ""), posixpath.normpath(member)))
    return out


def _used_size(book: zipfile.ZipFile, member: str, source: str) -> tuple[int, int]:
    """Rows and columns a sheet really uses, from its cells (never from its claimed size);
    refuses a value beyond the limits, naming its cell, before openpyxl builds any row.

    Empty cells (formatting only) beyond the limits are ignored, but a row may hold at most
    1,000 cell elements and a sheet 1,000,000, so the scan itself stays short."""
    max_row = max_col = 0
    row = col = in_row = scanned = 0
    data: Any = None
    try:
        with book.open(member) as fh:
            for event, element in ElementTree.iterparse(fh, events=("start", "end")):
                tag = element.tag.rpartition("}")[2]
                if event == "start":
                    if tag == "sheetData":
                        data = element
                    elif tag == "row":
                        r = element.get("r") or ""
                        row = int(r) if r.isascii() and r.isdigit() and len(r) < 10 else row + 1
                        col = in_row = 0
                    elif tag == "c":
                        ref = element.get("r")
                        m = _CELL_REF.match(ref) if ref is not None else None
                        if ref is not None and m is None:
                            raise _not_a_workbook(source, f"bad cell reference {ref[:20]!r}")
                        col = _column_number(m[1].upper()) if m else col + 1
                        row = int(m[2]) if m else row
                        in_row, scanned = in_row + 1, scanned + 1
                        if in_row > _MAX_ROW_CELLS or scanned > _MAX_SCANNED_CELLS:
                            raise SheetError(
                                f"{source}: error: row {row:,} brings the sheet to more cells "
                                f"than the limit ({_MAX_ROW_CELLS:,} in a row, "
                                f"{_MAX_SCANNED_CELLS:,} in a sheet)"
                            )
                    continue
                if tag == "c":
                    if len(element) or element.text:  # a cell with a value (or formula)
                        _check_cell_position(source, row, col)
                        max_row, max_col = max(max_row, row), max(max_col, col)
                    element.clear()
                elif tag == "row" and data is not None:
                    data.clear()  # drop the rows read so far: memory stays flat
                elif tag in ("v", "t", "f") and len(element.text or "") > MAX_CELL_CHARS:
                    raise _too_long_cell(cell_ref(source, col - 1, row), len(element.text or ""))
    except ElementTree.ParseError as exc:
        raise _not_a_workbook(source, f"{member}: {exc}") from None
    return max_row, max_col


def _check_cell_position(source: str, row: int, col: int) -> None:
    if row > MAX_SHEET_ROWS:
        raise SheetError(
            f"{cell_ref(source, col - 1, row)}: error: row {row:,} is beyond the limit of "
            f"{MAX_SHEET_ROWS:,} rows"
        )
    if col > MAX_SHEET_COLUMNS:
        raise SheetError(
            f"{cell_ref(source, col - 1, row)}: error: column {col_letter(col - 1)} is beyond "
            f"the limit of {MAX_SHEET_COLUMNS} columns (up to {col_letter(MAX_SHEET_COLUMNS - 1)})"
        )


def _too_long_cell(ref: str, length: int) -> SheetError:
    return SheetError(
        f"{ref}: error: the cell holds {length:,} characters; the limit is {MAX_CELL_CHARS:,}"
    )


# what a damaged zip raises while a member is read (a member longer or shorter than its
# directory says fails its CRC: zipfile never inflates past the declared size)
_ZIP_ERRORS = (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, zlib.error)


def _read_xlsx(raw: bytes, source: str) -> tuple[Grid, Grid | None]:
    try:
        return _read_xlsx_checked(raw, source)
    except SheetError:
        raise
    except _ZIP_ERRORS as exc:
        raise _not_a_workbook(source, type(exc).__name__) from None


def _read_xlsx_checked(raw: bytes, source: str) -> tuple[Grid, Grid | None]:
    book = _check_zip(raw, source)
    try:
        try:
            sheets = _sheet_members(book)
        except (KeyError, ElementTree.ParseError):
            raise _not_a_workbook(source, "no workbook part") from None
        if not sheets:
            raise _not_a_workbook(source, "no sheets")
        titles = [t.strip().lower() for t, _ in sheets]
        msel = next((titles.index(n) for n in _MSEL_NAMES if n in titles), 0)
        meta = next((titles.index(n) for n in _META_NAMES if n in titles), None)
        sources = {msel: source}
        if meta is not None and meta != msel:
            sources[meta] = f"{source}!{sheets[meta][0]}"
        sizes = {i: _used_size(book, sheets[i][1], name) for i, name in sources.items()}
    except KeyError:
        raise _not_a_workbook(source, "a sheet is missing") from None
    finally:
        book.close()
    return _read_with_openpyxl(raw, source, sheets, sources, sizes)


def _read_with_openpyxl(
    raw: bytes,
    source: str,
    sheets: list[tuple[str, str]],
    sources: dict[int, str],
    sizes: dict[int, tuple[int, int]],
) -> tuple[Grid, Grid | None]:
    import openpyxl

    grids: dict[int, Grid] = {}
    with warnings.catch_warnings():  # openpyxl warns on foreign files; the checks above speak
        warnings.simplefilter("ignore")
        try:
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on damaged or foreign files
            raise _not_a_workbook(source, type(exc).__name__) from None
        try:
            for i, name in sources.items():
                ws = book[sheets[i][0]]
                ws.reset_dimensions()  # never trust the sheet's claimed size
                rows, cols = sizes[i]
                grids[i] = _grid(ws, name, rows, cols)
        except SheetError:
            raise
        except Exception as exc:
            raise _not_a_workbook(source, type(exc).__name__) from None
        finally:
            book.close()
    msel = next(i for i, name in sources.items() if name == source)
    meta = next((g for i, g in grids.items() if i != msel), None)
    return grids[msel], meta


def _grid(ws: Any, source: str, rows: int, cols: int) -> Grid:
    grid = Grid(source)
    if rows == 0 or cols == 0:
        return grid
    for number, values in enumerate(
        ws.iter_rows(min_row=1, max_row=rows, max_col=cols, values_only=True), start=1
    ):
        for c, value in enumerate(values):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise _too_long_cell(grid.ref(c, number), len(value))
        grid.rows.append((number, list(values)))
    return grid


# -- CSV ------------------------------------------------------------------------------------


def _read_csv(raw: bytes, source: str) -> Grid:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    grid = Grid(source)
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # cell sizes are checked below, by cell
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, values in enumerate(reader, start=1):
            # csv's line_num is where a record ends; records may span lines: number by record
            if number > MAX_SHEET_ROWS:
                raise SheetError(
                    f"{source}: error: row {number:,} is beyond the limit of "
                    f"{MAX_SHEET_ROWS:,} rows"
                )
            if len(values) > MAX_SHEET_COLUMNS:
                raise SheetError(
                    f"{cell_ref(source, MAX_SHEET_COLUMNS, number)}: error: the row has "
                    f"{len(values):,} cells; the limit is {MAX_SHEET_COLUMNS} columns"
                )
            for c, value in enumerate(values):
                if len(value) > MAX_CELL_CHARS:
                    raise _too_long_cell(cell_ref(source, c, number), len(value))
            grid.rows.append((number, [restore_cell(v) for v in values]))
    except csv.Error as exc:
        raise SheetError(f"{source}: error: not a readable CSV file: {exc}") from None
    finally:
        csv.field_size_limit(limit)
    return grid
