"""Spreadsheet cells that a spreadsheet can never run: formula (CSV) injection, neutralised.

Excel, LibreOffice and Google Sheets read a cell whose text starts with ``=``, ``+``, ``-`` or
``@`` as a formula (``=cmd|' /C calc'!A0``, ``=HYPERLINK(...)``), and a leading tab or carriage
return can hide such a start. Every CSV the project writes passes its text cells through
:func:`neutralise_cell`, which puts an apostrophe in front of them, as OWASP's CSV injection
rules say; the apostrophe is what a spreadsheet itself stores for "this is text", so the cell
shows the text as written. :func:`restore_cell` takes that apostrophe off again when a sheet is
read back, so ``-5 km`` or ``=x`` survive an export and import exactly.

The pair is a bijection on text: a text that already starts with an apostrophe followed by a
formula character (or by another apostrophe) gets one more apostrophe, so restoring never eats
one the author wrote.

Only text is neutralised: a number stays a number (``-5`` as an ``int`` is written as ``-5``
and a spreadsheet reads it as the number minus five, which is what it is).

In an ``.xlsx`` workbook the same cells are stored as text cells with Excel's "quote prefix"
flag (what typing the apostrophe in Excel does): never a formula, shown without the apostrophe,
and kept as text when someone edits the cell.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "FORMULA_START",
    "is_formula_like",
    "neutralise_cell",
    "neutralise_frame",
    "restore_cell",
]

FORMULA_START = frozenset("=+-@\t\r")
"""Characters that make a spreadsheet read a cell as a formula (OWASP's list)."""

_PREFIX = "'"
_AFTER_PREFIX = FORMULA_START | {_PREFIX}


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet would read ``text`` as (the start of) a formula."""
    return text[:1] in FORMULA_START


def neutralise_cell(value: Any) -> Any:
    """The cell to write for ``value``: text a spreadsheet would run gets a leading ``'``.

    Anything that is not a ``str`` (numbers, dates, None) is returned unchanged.
    """
    if not isinstance(value, str):
        return value
    if value[:1] in FORMULA_START or (value[:1] == _PREFIX and value[1:2] in _AFTER_PREFIX):
        return _PREFIX + value
    return value


def restore_cell(value: Any) -> Any:
    """The text :func:`neutralise_cell` was given: one leading ``'`` taken off where it put one.

    A cell typed by hand as ``'=x`` (a spreadsheet's own way to write text) also reads as
    ``=x``; a text such as ``'t is`` keeps its apostrophe.
    """
    if isinstance(value, str) and value[:1] == _PREFIX and value[1:2] in _AFTER_PREFIX:
        return value[1:]
    return value


def neutralise_frame(frame: Any) -> Any:
    """A copy of a pandas DataFrame with every text cell (and text column name) neutralised.

    Numeric, boolean and date columns are left alone, so a negative number stays a number in
    the CSV; in a mixed (object) column only the ``str`` cells change. Use it right before
    ``to_csv``: ``neutralise_frame(frame).to_csv(path, index=False)``.
    """
    from pandas.api.types import is_string_dtype

    out = frame.copy()
    for i in range(out.shape[1]):  # by position: column names may repeat
        column = out.iloc[:, i]
        if column.dtype == object or is_string_dtype(column.dtype):
            out.isetitem(i, column.map(neutralise_cell))
    out.columns = [neutralise_cell(c) for c in out.columns]
    return out
