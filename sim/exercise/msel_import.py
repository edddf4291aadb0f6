"""MSEL spreadsheet -> exercise YAML, validated, with every problem named by its cell.

Steps: read the rows (:mod:`sim.exercise.msel_rows`) -> put the injects into the ``--into``
exercise (its ``injects:`` section replaced as text) or into a skeleton
(:mod:`sim.exercise.msel_skeleton`) -> validate the result with the exercise loader and map its
findings back to cells. Nothing is returned unless everything is valid, so the command never
writes a half-right exercise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sim.exercise.errors import ExerciseFileError, Issue
from sim.exercise.loader import load_exercise_full, load_exercise_text, read_exercise_bytes
from sim.exercise.models import Exercise
from sim.exercise.msel_columns import REQUEST_KEYS
from sim.exercise.msel_rows import Row, Sheet, blank, infer_start, read_meta, read_row
from sim.exercise.msel_sheets import SheetError, read_grids
from sim.exercise.msel_skeleton import SKELETON_HEADER, skeleton_data, slug
from sim.exercise.msel_yaml import dump_yaml, replace_injects
from sim.exercise.yamlsafe import Parsed, decode, parse_yaml

__all__ = ["ImportResult", "MselError", "import_msel"]

_INJECT_PATH = re.compile(r"\binjects\[(\d+)\]")


class MselError(Exception):
    """The sheet cannot become a valid exercise; ``messages`` name every problem's cell."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class ImportResult:
    """The exercise text to write, the validated exercise, and warnings (ignored columns)."""

    text: str
    exercise: Exercise
    warnings: list[str] = field(default_factory=list)


def import_msel(
    sheet: str | Path, *, into: str | Path | None = None, output: str = "<output>"
) -> ImportResult:
    """Read an MSEL sheet and return a valid exercise, or raise MselError naming every cell."""
    source = str(sheet)
    try:
        grid, meta_grid = read_grids(Path(sheet), source)
    except SheetError as exc:
        raise MselError([str(exc)]) from None
    base = _Into.read(into) if into is not None else None
    s = Sheet(grid)
    if s.find_header():
        s.read_rows()
    if s.errors:
        raise MselError(_messages(s))
    meta = read_meta(meta_grid, s) if base is None and meta_grid is not None else {}
    start = base.start if base is not None else meta.get("start")
    if base is None and start is None:
        start = infer_start(s)
    for row in s.rows:
        read_row(s, row, start)
        if row.bad:
            _patch(row)

    def build(rows: list[Row]) -> str:
        injects = [row.data for row in rows]
        if base is not None:
            return replace_injects(base.text, base.parsed.marks, dump_yaml({"injects": injects}))
        data = skeleton_data(
            injects,
            [r.minutes for r in rows if r.minutes is not None],
            exercise_id=meta.get("id") or slug(Path(sheet).stem),
            title=meta.get("title") or f"MSEL import from {Path(sheet).name}",
            start=start,
            duration=meta.get("duration"),
            objectives=meta.get("objectives", {}),
        )
        return SKELETON_HEADER.format(sheet=Path(sheet).name) + dump_yaml(data)

    exercise, text = _validate(s, build, output)
    if exercise is None and base is not None:
        base.check()  # the --into file's own problems, with its own line numbers
    if exercise is None or s.errors:
        raise MselError(_messages(s))
    return ImportResult(text, exercise, s.warnings)


@dataclass(frozen=True)
class _Into:
    """The ``--into`` exercise as text with marks: its injects section is replaced as text.

    It is fully validated only if the merged result fails, to report the file's own problems
    at its own lines; a valid merge needs no second load (YAML parsing is the slow part).
    """

    path: Path
    text: str
    parsed: Parsed

    @classmethod
    def read(cls, into: str | Path) -> _Into:
        path = Path(into)
        try:
            text = decode(read_exercise_bytes(path), str(into))
            return cls(path, text, parse_yaml(text, str(into)))
        except ExerciseFileError as exc:
            raise MselError([str(i) for i in exc.issues]) from None

    @property
    def start(self) -> datetime | None:
        meta = self.parsed.data.get("exercise") if isinstance(self.parsed.data, dict) else None
        start = meta.get("start") if isinstance(meta, dict) else None
        return start if isinstance(start, datetime) else None

    def check(self) -> None:
        _raise_loader_errors(self.path)


def _raise_loader_errors(path: Path) -> None:
    """MselError with the loader's own ``file:line:col`` messages, if the file has problems."""
    try:
        load_exercise_full(path)
    except ExerciseFileError as exc:
        raise MselError([str(i) for i in exc.issues]) from None


def _patch(row: Row) -> None:
    """Stand-ins for unreadable cells, so the rest of the row and the sheet can be checked."""
    d = row.data
    d.setdefault("id", f"row{row.number}")
    if "type" not in d:
        d["type"] = "information"
        for name in ("level", "request", "capacity", "mt1", "hub", "reallocate"):
            d.pop(name, None)
    if not {"time", "trigger", "manual"} & d.keys():
        d["manual"] = True


def _validate(s: Sheet, build: Any, output: str) -> tuple[Exercise | None, str]:
    """Validate; after findings, again without the rows they hit, until nothing new appears.

    The loader checks references, ENDEX and duplicates only on a structurally valid exercise,
    so one pass would hide those problems behind any type error: this way every problem in
    the sheet is reported at once.
    """
    included = list(s.rows)
    dropped: set[str] = set()
    while True:
        text = build(included)
        try:
            return load_exercise_text(text, output), text
        except ExerciseFileError as exc:
            hit = _map_issues(s, exc.issues, included, dropped)
        if not hit:
            return None, text
        dropped |= {str(r.data.get("id")) for r in hit}
        included = [r for r in included if all(r is not h for h in hit)]


def _messages(s: Sheet) -> list[str]:
    seen: set[tuple[int, int, str]] = set()
    out = []
    for row, col, text in sorted(s.errors, key=lambda e: (e[0], e[1])):
        if (row, col, text) not in seen:
            seen.add((row, col, text))
            out.append(s.message(row, col, text))
    return out


_PATH = re.compile(r"^injects\[(\d+)\](?:\.([A-Za-z_]+))?(?:\[\d+\])?(?:\.([A-Za-z_]+))?")
_FIELD_KEY = {
    "id": "number",
    "manual": "trigger",
    "from_": "from",
    "capacity": "payload",
    "mt1": "payload",
    "hub": "payload",
    "reallocate": "payload",
}


def _map_issues(s: Sheet, issues: list[Issue], included: list[Row], dropped: set[str]) -> list[Row]:
    """Loader findings -> cell errors; returns the rows they hit.

    Findings on a cell that already has an error, on a row whose type is unreadable, and
    "unknown inject" for rows already set aside are not repeated.
    """
    hit: list[Row] = []

    def number_ref(m: re.Match[str]) -> str:
        index = int(m[1])
        if index < len(included):
            return s.grid.ref(s.columns["number"], included[index].number)
        return m[0]

    for issue in issues:
        message = _INJECT_PATH.sub(number_ref, issue.message)
        m = _PATH.match(issue.path)
        if m is None or int(m[1]) >= len(included):
            where = issue.path + ": " if issue.path else ""
            s.error(0, 0, f"{where}{message}")
            continue
        row = included[int(m[1])]
        if all(row is not h for h in hit):
            hit.append(row)
        key = _issue_key(s, row, m[2], m[3])
        unknown = re.match(r"unknown inject '([^']*)'", message)
        if (
            key in row.bad
            or "type" in row.bad
            or (row.bad and key == "type")
            or (unknown is not None and unknown[1] in dropped)
        ):
            continue
        s.cell_error(row, key, message)
    return hit


def _issue_key(s: Sheet, row: Row, name: str | None, sub: str | None) -> str:
    if name is None:
        return "type"
    if name == "request":
        if sub in REQUEST_KEYS or sub == "crisis":
            return sub
        filled = [k for k in REQUEST_KEYS if k in s.columns and not blank(row.values.get(k))]
        return filled[0] if filled else "type"
    if name == "time" and blank(row.values.get("time")) and "calendar" in s.columns:
        return "calendar"
    key = _FIELD_KEY.get(name, name)
    return key if key in s.columns else "type"
