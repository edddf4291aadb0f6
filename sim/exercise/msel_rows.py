"""MSEL sheet rows -> inject data in file form, with every unreadable cell recorded.

:class:`Sheet` finds the header row (English or Dutch, any order; unknown columns are ignored
with a warning) and the inject rows under it; :func:`read_row` turns one row into the dict an
exercise file would hold, reading each cell with :mod:`sim.exercise.msel_cells`. Problems are
collected per cell, never raised, so the importer can report them all at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sim.exercise.base import Requester
from sim.exercise.models import INJECT_TYPES
from sim.exercise.msel_cells import (
    CellError,
    format_minutes_duration,
    format_time,
    parse_bool,
    parse_calendar,
    parse_datetime_text,
    parse_duration,
    parse_int,
    parse_list,
    parse_text,
    parse_time,
)
from sim.exercise.msel_columns import (
    CHANNEL_NL,
    COLUMN_BY_KEY,
    META_KEYS,
    REQUEST_KEYS,
    TYPE_NL,
    VISIBILITY_NL,
    header_key,
    lookup_word,
    normalise,
)
from sim.exercise.msel_sheets import Grid
from sim.exercise.msel_structured import parse_payload, parse_site, parse_trigger
from sim.exercise.msel_yaml import id_value

__all__ = ["Row", "Sheet", "blank", "infer_start", "read_meta", "read_row"]

_HEADER_SCAN = 10
_PAYLOAD_FIELD = {
    "capacity_change": "capacity",
    "mt1_claim": "mt1",
    "mt1_release": "mt1",
    "hub_change": "hub",
    "reallocate": "reallocate",
}
_REQUESTERS: tuple[str, ...] = Requester.__args__  # type: ignore[attr-defined]
_REQUESTER_NL = {
    "voorzitter_VR": "voorzitter veiligheidsregio",
    "OvJ": "officier van justitie",
    "CdK": "commissaris van de koning",
}


@dataclass(eq=False)
class Row:
    """One inject row: its cells by column key, the inject data read from them, bad cells."""

    number: int
    values: dict[str, Any]
    data: dict[str, Any] = field(default_factory=dict)
    minutes: float | None = None
    bad: set[str] = field(default_factory=set)


class Sheet:
    """The MSEL grid with its header mapped to column keys; collects cell errors."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.columns: dict[str, int] = {}
        self.errors: list[tuple[int, int, str]] = []  # row, col, message (sortable)
        self.warnings: list[str] = []
        self.rows: list[Row] = []
        self.header_row = 1

    def error(self, row: int, col: int, message: str) -> None:
        self.errors.append((row, col, message))

    def cell_error(self, row: Row, key: str, message: str) -> None:
        row.bad.add(key)
        self.error(row.number, self.columns.get(key, self.columns["type"]), message)

    def find_header(self) -> bool:
        for number, values in self.grid.rows[:_HEADER_SCAN]:
            keys = [header_key(v) if isinstance(v, str) else None for v in values]
            if "number" in keys and "type" in keys:
                self.header_row = number
                self._map(values, keys)
                return True
        self.error(
            1,
            0,
            f"no header row with a 'number' and a 'type' column (or 'nummer', 'soort') in the "
            f"first {_HEADER_SCAN} rows",
        )
        return False

    def _map(self, values: list[Any], keys: list[str | None]) -> None:
        for col, (value, key) in enumerate(zip(values, keys, strict=True)):
            if key is None:
                if value is not None and str(value).strip():
                    ref = self.grid.ref(col, self.header_row)
                    self.warnings.append(
                        f"{ref}: warning: column {value!r} ignored (not an MSEL column)"
                    )
            elif key in self.columns:
                first = self.grid.ref(self.columns[key], self.header_row)
                self.error(self.header_row, col, f"column {value!r} repeats {first}")
            else:
                self.columns[key] = col
        if not {"time", "calendar", "trigger"} & self.columns.keys():
            self.error(
                self.header_row,
                0,
                "needs a 'scenario time', 'calendar time' or 'trigger' column",
            )

    def read_rows(self) -> None:
        after_header = False
        for number, values in self.grid.rows:
            if number == self.header_row:
                after_header = True
                continue
            if not after_header or all(blank(v) for v in values):
                continue
            cells = {k: values[c] if c < len(values) else None for k, c in self.columns.items()}
            self.rows.append(Row(number, cells))

    def message(self, row: int, col: int, text: str) -> str:
        """``FILE!C12: error: ...``; row 0 stands for the file as a whole."""
        if row == 0:
            return f"{self.grid.source}: error: {text}"
        return f"{self.grid.ref(col, row)}: error: {text}"


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def infer_start(s: Sheet) -> datetime | None:
    """STARTEX from the first row that has both a scenario time and a calendar date-time."""
    for row in s.rows:
        cal = row.values.get("calendar")
        if isinstance(cal, str):
            cal = parse_datetime_text(cal)
        if not isinstance(cal, datetime):
            continue
        try:
            minutes = parse_time(row.values.get("time"), None)
        except CellError:
            continue
        if minutes is not None:
            return cal - timedelta(minutes=minutes)
    return None


def read_row(s: Sheet, row: Row, start: datetime | None) -> None:
    """Fill ``row.data`` (file form, in the order of a hand-written inject) or record errors."""
    v, d = row.values, row.data

    def get(key: str, parse: Any, *args: Any) -> Any:
        try:
            return parse(v.get(key), *args)
        except CellError as exc:
            s.cell_error(row, key, str(exc))
            return None

    number = get("number", parse_text)
    if number is None and "number" not in row.bad:
        s.cell_error(row, "number", "every inject needs a number")
    elif number is not None:
        d["id"] = id_value(number.strip())
    _read_when(s, row, start, get)
    kind = parse_text(v.get("type"))
    code = lookup_word(kind, INJECT_TYPES, TYPE_NL) if kind else None
    if code is None:
        known = ", ".join(INJECT_TYPES)
        s.cell_error(
            row,
            "type",
            f"{kind!r} is not an inject type; use one of {known}"
            if kind
            else "every inject needs a type",
        )
    else:
        d["type"] = code
    crisis = get("crisis", parse_text)
    if crisis is not None and code != "request":
        d["crisis"] = crisis.strip()
    if (level := get("level", parse_int)) is not None:
        d["level"] = level
    if (steps := get("steps", parse_int)) is not None and steps != 1:
        d["steps"] = steps
    for name in ("title", "from", "to", "method"):
        if (text := get(name, parse_text)) is not None:
            d[name] = text
    if (channel := get("channel", parse_text)) is not None:
        d["channel"] = lookup_word(channel, tuple(CHANNEL_NL), CHANNEL_NL) or channel.strip()
    if (seen := get("visibility", parse_text)) is not None:
        word = lookup_word(seen, tuple(VISIBILITY_NL), VISIBILITY_NL) or seen.strip()
        if word != "players":
            d["visibility"] = word
    for name in ("message", "expected_action"):
        if (text := get(name, parse_text)) is not None:
            d[name] = text
    if (objectives := get("objectives", parse_list)) is not None:
        d["objectives"] = [id_value(o) for o in objectives]
    if (notes := get("notes", parse_text)) is not None:
        d["notes"] = notes
    if (why := get("conditional", parse_text)) is not None:
        d["conditional"] = why
    _read_request(s, row, code, crisis, get)
    _read_payload(s, row, code, get)


def _read_when(s: Sheet, row: Row, start: datetime | None, get: Any) -> None:
    """Exactly one of time (scenario or calendar column), trigger or manual."""
    minutes = get("time", parse_time, start)
    calendar = get("calendar", parse_calendar, start)
    if minutes is not None and calendar is not None and abs(minutes - calendar) >= 0.5:
        s.cell_error(
            row,
            "calendar",
            f"calendar time is {format_time(calendar)} but the scenario time says "
            f"{format_time(minutes)}; correct one or clear one of them",
        )
    if minutes is None:
        minutes = calendar
    trigger = get("trigger", parse_trigger, s.grid.ref(s.columns.get("trigger", 0), row.number))
    if minutes is not None and trigger is not None:
        s.cell_error(row, "trigger", "give a time or a trigger, not both")
    elif minutes is not None:
        row.minutes = minutes
        row.data["time"] = format_time(minutes)
    elif trigger is not None:
        if trigger.get("manual") is True and len(trigger) == 1:
            row.data["manual"] = True
        else:
            after = trigger.get("after")
            if isinstance(after, str):
                trigger["after"] = id_value(after)
            row.data["trigger"] = trigger
    elif not ({"time", "calendar", "trigger"} & row.bad):
        key = next(k for k in ("time", "calendar", "trigger") if k in s.columns)
        s.cell_error(
            row,
            key,
            "no scenario time, calendar time or trigger; write 'manual' in the trigger column "
            "for an inject the facilitator fires by hand",
        )


def _read_request(s: Sheet, row: Row, code: str | None, crisis: str | None, get: Any) -> None:
    filled = [k for k in REQUEST_KEYS if not blank(row.values.get(k))]
    if code != "request":
        for key in filled:
            s.cell_error(row, key, f"{COLUMN_BY_KEY[key].en!r} is only for request injects")
        return
    req: dict[str, Any] = {}
    if (region := get("region", parse_text)) is not None:
        req["region"] = region.strip()
    if crisis is not None:
        req["crisis"] = crisis.strip()
    if (route := get("route", parse_text)) is not None:
        req["route"] = route.strip().upper()
    if (who := get("requester", parse_text)) is not None:
        req["requester"] = lookup_word(who, _REQUESTERS, _REQUESTER_NL) or who.strip()
    if (effect := get("effect", parse_text)) is not None:
        req["effect"] = effect
    if (tags := get("tags", parse_list)) is not None:
        req["tags"] = tags
    if (capability := get("capability", parse_text)) is not None:
        req["capability"] = capability.strip()
    if (quantity := get("quantity", parse_int)) is not None:
        req["quantity"] = quantity
    for key in ("urgency", "duration"):
        if (minutes := get(key, parse_duration)) is not None:
            req[key] = format_minutes_duration(minutes)
    if (life := get("life_safety", parse_bool)) is not None:
        req["life_safety"] = life
    if (site := get("site", parse_site)) is not None:
        req["site"] = site
    row.data["request"] = req


def _read_payload(s: Sheet, row: Row, code: str | None, get: Any) -> None:
    ref = s.grid.ref(s.columns.get("payload", 0), row.number)
    payload = get("payload", parse_payload, ref)
    if payload is None:
        return
    name = _PAYLOAD_FIELD.get(code or "")
    if name is None:
        s.cell_error(row, "payload", f"a {code or 'untyped'} inject takes no payload")
    else:
        row.data[name] = payload


def read_meta(grid: Grid, s: Sheet) -> dict[str, Any]:
    """id, title, start, ENDEX and objective texts from the workbook's metadata sheet."""
    out: dict[str, Any] = {"objectives": {}}
    labels = {normalise(w): key for key, pair in META_KEYS.items() for w in pair}
    for number, values in grid.rows[1:]:
        key = parse_text(values[0] if values else None)
        value = values[1] if len(values) > 1 else None
        if key is None or blank(value):
            continue
        word = normalise(key)
        if re.fullmatch(r"(?:objective|doelstelling)\s+\S+", word):
            out["objectives"][key.split()[-1]] = parse_text(value)
        elif labels.get(word) == "start":
            out["start"] = _meta_start(value, grid, number, s)
        elif (name := labels.get(word)) is not None:
            out[name] = str(parse_text(value)).strip()
    return out


def _meta_start(value: Any, grid: Grid, number: int, s: Sheet) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if (when := parse_datetime_text(str(value))) is not None:
        return when
    s.warnings.append(
        f"{grid.ref(1, number)}: warning: start {value!r} is not a date-time; ignored"
    )
    return None
