"""Spreadsheets cannot hang the importer or fill memory: every workbook here is built by hand,
a few KB each, and is refused (or read) at once, naming the cell or row where a limit passed.
"""

from __future__ import annotations

import struct
import time
import zipfile
from pathlib import Path

import pytest

from sim.exercise.msel import MselError, import_msel
from sim.exercise.msel_sheets import (
    MAX_CELL_CHARS,
    MAX_SHEET_COLUMNS,
    MAX_SHEET_ROWS,
    MAX_XLSX_UNPACKED,
    read_grids,
)

HEADER_CELLS = '<c r="A1" t="inlineStr"><is><t>number</t></is></c><c r="B1" t="inlineStr"><is><t>scenario time</t></is></c><c r="C1" t="inlineStr"><is><t>type</t></is></c>'
ROW2 = '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>T+01:00</t></is></c><c r="C2" t="inlineStr"><is><t>information</t></is></c></row>'

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="MSEL" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)

SHARED_STRINGS_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
SHARED_STRINGS_REL = (
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/>'
)


def sheet_xml(rows: str, dimension: str = "A1:C2") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    )


def workbook(path: Path, sheet: str, extra: dict[str, str | bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        types = CONTENT_TYPES
        if "xl/sharedStrings.xml" in (extra or {}):
            types = types.replace("</Types>", SHARED_STRINGS_TYPE + "</Types>")
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        rels = WORKBOOK_RELS
        if "xl/sharedStrings.xml" in (extra or {}):
            rels = rels.replace("</Relationships>", SHARED_STRINGS_REL + "</Relationships>")
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    assert path.stat().st_size < 50_000
    return path


def refused(path: Path, fragment: str, *, within: float = 2.0) -> str:
    start = time.perf_counter()
    with pytest.raises(MselError) as info:
        import_msel(path)
    assert time.perf_counter() - start < within, "refused, but not fast"
    messages = info.value.messages
    assert len(messages) == 1 and fragment in messages[0], messages
    return messages[0]


def test_a_handmade_workbook_is_read(tmp_path: Path) -> None:
    path = workbook(tmp_path / "ok.xlsx", sheet_xml(f'<row r="1">{HEADER_CELLS}</row>{ROW2}'))
    assert [i.id for i in import_msel(path).exercise.injects] == ["1"]


def test_a_claimed_size_of_a_whole_sheet_costs_nothing(tmp_path: Path) -> None:
    """1.7 KB claiming A1:XFD1048576: openpyxl would pad every row to 16,384 columns."""
    xml = sheet_xml(f'<row r="1">{HEADER_CELLS}</row>{ROW2}', dimension="A1:XFD1048576")
    path = workbook(tmp_path / "claims.xlsx", xml)
    start = time.perf_counter()
    grid, _ = read_grids(path, str(path))
    assert time.perf_counter() - start < 1.0
    assert len(grid.rows) == 2 and all(len(values) == 3 for _, values in grid.rows)


@pytest.mark.parametrize(
    "cell,fragment",
    [
        ("XFD1", "column XFD is beyond the limit"),
        (f"A{MAX_SHEET_ROWS + 1}", f"row {MAX_SHEET_ROWS + 1:,} is beyond the limit"),
        ("A1048576", "row 1,048,576 is beyond the limit"),
        (f"{'GS'}3", f"beyond the limit of {MAX_SHEET_COLUMNS} columns"),
    ],
)
def test_a_value_beyond_the_limits_is_refused_at_its_cell(
    cell: str, fragment: str, tmp_path: Path
) -> None:
    row = int("".join(ch for ch in cell if ch.isdigit()))
    far = f'<row r="{row}"><c r="{cell}"><v>7</v></c></row>'
    rows = (
        f'<row r="1">{HEADER_CELLS}</row>{far}'
        if row > 1
        else f'<row r="1">{HEADER_CELLS}<c r="{cell}"><v>7</v></c></row>'
    )
    path = workbook(tmp_path / "far.xlsx", sheet_xml(rows))
    message = refused(path, fragment)
    assert message.startswith(f"{path}!{cell}: error:")


def test_empty_formatted_cells_far_away_are_ignored(tmp_path: Path) -> None:
    styled = '<row r="900000"><c r="XFD900000" s="1"/></row>'
    path = workbook(
        tmp_path / "styled.xlsx", sheet_xml(f'<row r="1">{HEADER_CELLS}</row>{ROW2}{styled}')
    )
    assert len(import_msel(path).exercise.injects) == 1


def test_a_row_of_a_million_cells_is_refused_while_scanning(tmp_path: Path) -> None:
    cells = "<c/>" * 1_000_000  # compresses to a few KB; openpyxl would build a million dicts
    path = workbook(
        tmp_path / "wide.xlsx",
        sheet_xml(f'<row r="1">{HEADER_CELLS}</row><row r="2">{cells}</row>'),
    )
    refused(path, "row 2 brings the sheet to more cells than the limit")


def test_a_million_rows_are_refused_at_the_first_row_past_the_limit(tmp_path: Path) -> None:
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(2, 6_002))
    path = workbook(tmp_path / "long.xlsx", sheet_xml(f'<row r="1">{HEADER_CELLS}</row>{rows}'))
    refused(path, f"A{MAX_SHEET_ROWS + 1}: error: row")


def _patch_declared_size(path: Path, member: str, size: int) -> None:
    """Make the zip directory claim that ``member`` unpacks to ``size`` bytes (a bomb's claim)."""
    data = bytearray(path.read_bytes())
    start = data.rfind(b"PK\x05\x06")
    cd_offset = struct.unpack_from("<I", data, start + 16)[0]
    pos = cd_offset
    while data[pos : pos + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, pos + 28)
        name = bytes(data[pos + 46 : pos + 46 + name_len]).decode()
        if name == member:
            struct.pack_into("<I", data, pos + 24, size)
        pos += 46 + name_len + extra_len + comment_len
    path.write_bytes(bytes(data))


def test_a_zip_bomb_is_refused_from_its_directory_before_unpacking(tmp_path: Path) -> None:
    path = workbook(tmp_path / "bomb.xlsx", sheet_xml(f'<row r="1">{HEADER_CELLS}</row>{ROW2}'))
    _patch_declared_size(path, "xl/worksheets/sheet1.xml", MAX_XLSX_UNPACKED + 1)
    refused(path, "the workbook unpacks to")


def test_a_real_deflate_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "real-bomb.xlsx"
    chunk = b" " * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("xl/workbook.xml", WORKBOOK)
        with z.open("xl/sharedStrings.xml", "w") as member:  # 101 MB of blanks, ~0.4 MB packed
            for _ in range(MAX_XLSX_UNPACKED // len(chunk) + 1):
                member.write(chunk)
    refused(path, "a zip bomb?")


def test_a_member_that_lies_about_its_size_is_a_damaged_workbook(tmp_path: Path) -> None:
    path = workbook(tmp_path / "liar.xlsx", sheet_xml(f'<row r="1">{HEADER_CELLS}</row>{ROW2}'))
    _patch_declared_size(path, "xl/worksheets/sheet1.xml", 10)
    refused(path, "not a readable Excel workbook")


def test_a_workbook_with_a_dtd_is_refused(tmp_path: Path) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>'
    )
    path = workbook(
        tmp_path / "dtd.xlsx",
        sheet_xml(f'<row r="1">{HEADER_CELLS}</row>'),
        {"xl/sharedStrings.xml": laughs},
    )
    refused(path, "declares a DTD")


@pytest.mark.parametrize("how", ["inline", "shared"])
def test_a_cell_longer_than_a_spreadsheet_cell_is_refused_at_its_cell(
    how: str, tmp_path: Path
) -> None:
    text = "x" * (MAX_CELL_CHARS + 1)
    extra: dict[str, str | bytes] = {}
    if how == "inline":
        cell = f'<c r="D2" t="inlineStr"><is><t>{text}</t></is></c>'
    else:
        cell = '<c r="D2" t="s"><v>0</v></c>'
        extra["xl/sharedStrings.xml"] = (
            '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="1" uniqueCount="1"><si><t>{text}</t></si></sst>'
        )
    rows = f'<row r="1">{HEADER_CELLS}</row><row r="2">{cell}</row>'
    path = workbook(tmp_path / "long-cell.xlsx", sheet_xml(rows), extra)
    refused(path, f"{path}!D2: error: the cell holds {MAX_CELL_CHARS + 1:,} characters")


@pytest.mark.parametrize("content", [b"", b"PK\x05\x06" + b"\0" * 18, b"PK" * 100, b"<xml/>"])
def test_damaged_workbooks_are_one_line(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(content)
    refused(path, "not a readable Excel workbook")


# --- CSV ---------------------------------------------------------------------------------------


def test_a_900k_row_csv_is_refused_at_the_first_row_past_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_bytes(b"number,scenario time,type\n" + b"1,T+01:00,information\n" * 900_000)
    refused(path, f"row {MAX_SHEET_ROWS + 1:,} is beyond the limit of {MAX_SHEET_ROWS:,} rows")


def test_csv_columns_and_cells_are_bounded_and_named(tmp_path: Path) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_bytes(b"number,scenario time,type\n" + b"," * 5_000 + b"\n")
    refused(wide, f"{wide}!GS2: error: the row has 5,001 cells")
    long = tmp_path / "long-cell.csv"
    long.write_bytes(b"number,scenario time,type\n1,T+01:00," + b"y" * (MAX_CELL_CHARS + 5) + b"\n")
    refused(long, f"{long}!C2: error: the cell holds {MAX_CELL_CHARS + 5:,} characters")


def test_control_characters_in_csv_cells_are_named_by_cell(tmp_path: Path) -> None:
    path = tmp_path / "controls.csv"
    path.write_bytes(
        b"number,scenario time,type,title\n1,T+01:00,information,a\x1b[2Jb\n2,T+01:00,information,\x00\n"
    )
    with pytest.raises(MselError) as info:
        import_msel(path)
    text = "\n".join(info.value.messages)
    assert f"{path}!D2" in text and f"{path}!D3" in text, text
