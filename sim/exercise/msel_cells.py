"""One MSEL cell to file-form data and back: times, durations, numbers, yes/no, texts, lists.

A spreadsheet hands us whatever the author typed or the program stored: text, numbers, dates,
clock times, durations. Each parser accepts the forms exercise staff really use and raises
:class:`CellError` with a message that says what to write instead, so the importer can point
at the cell. Each formatter writes a form its parser reads back exactly (to the second).
Cells that hold structure (triggers in words, YAML payloads, sites) are ``msel_structured.py``.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from typing import Any

from sim.exercise.times import MAX_MINUTES, format_duration, parse_scenario_time

__all__ = [
    "CellError",
    "calendar_of",
    "format_minutes_duration",
    "format_time",
    "minutes_since",
    "parse_bool",
    "parse_calendar",
    "parse_datetime_text",
    "parse_duration",
    "parse_int",
    "parse_list",
    "parse_text",
    "parse_time",
]


class CellError(ValueError):
    """A cell that cannot be read; the message says what to write instead."""


_TIME_HINT = (
    "write a scenario time such as T+02:30, D+1 08:00, J+1 08:00, H+2, H+2:30 or M+30"
    " (or a spreadsheet date-time when the exercise has a start)"
)
# re.ASCII everywhere: a str pattern's \d matches any Unicode digit ('٣'), and int() reads it
_H_PLUS = re.compile(r"^H\+(\d{1,4})(?::([0-5]\d))?$", re.IGNORECASE | re.ASCII)
_M_PLUS = re.compile(r"^M\+(\d{1,6})$", re.IGNORECASE | re.ASCII)
_DAY_PLUS = re.compile(r"^[DJ]\+(\d{1,3})\s+(\d{1,2}:[0-5]\d)$", re.IGNORECASE | re.ASCII)
_T_PLUS = re.compile(r"^T\+", re.IGNORECASE)
_CLOCK = re.compile(r"\d{1,2}:[0-5]\d", re.ASCII)
_HH_MM = re.compile(r"(\d{1,4}):([0-5]\d)", re.ASCII)
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_DATE_FORMATS = ("%d-%m-%Y %H:%M", "%d-%m-%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S")


def _round_seconds(minutes: float) -> float:
    """Minutes rounded to whole seconds: spreadsheets store date-times as inexact day fractions."""
    return round(minutes * 60) / 60


def _bounded(value: Any, minutes: float) -> float:
    """``minutes``, or CellError when it is over the limit for every time and duration."""
    if not minutes <= MAX_MINUTES:
        shown = value if isinstance(value, str) else str(value)
        raise CellError(
            f"{shown!r} is longer than the limit of {MAX_MINUTES / 1440:.0f} days for any time "
            "or duration"
        )
    return minutes


def minutes_since(start: datetime | None, when: datetime) -> float:
    """Scenario minutes of a calendar time; naive times are read in the start's time zone."""
    if start is None:
        raise CellError(
            "a calendar time needs the exercise's start (use --into with an exercise that has "
            "'start', or write a scenario time such as T+02:30)"
        )
    if when.tzinfo is None and start.tzinfo is not None:
        when = when.replace(tzinfo=start.tzinfo)
    elif when.tzinfo is not None and start.tzinfo is None:
        when = when.replace(tzinfo=None)
    minutes = _round_seconds((when - start).total_seconds() / 60)
    if minutes < 0:
        raise CellError(f"{when:%Y-%m-%d %H:%M} is before STARTEX ({start:%Y-%m-%d %H:%M})")
    return _bounded(f"{when:%Y-%m-%d %H:%M}", minutes)


def calendar_of(start: datetime, minutes: float) -> datetime:
    """Wall-clock time of a scenario time, naive, in the start's own time zone (for sheets)."""
    return (start + timedelta(minutes=minutes)).replace(tzinfo=None)


def _clock(start: datetime | None, value: time) -> float:
    """A bare clock time: its first occurrence at or after STARTEX."""
    if start is None:
        raise CellError(
            f"the clock time {value:%H:%M} needs the exercise's start (use --into with an "
            "exercise that has 'start', or write a scenario time such as T+02:30)"
        )
    when = datetime.combine(start.date(), value.replace(tzinfo=None), tzinfo=start.tzinfo)
    if when < start:
        when += timedelta(days=1)
    return minutes_since(start, when)


def parse_datetime_text(text: str) -> datetime | None:
    """A date-time typed as text: ISO (``2027-01-28 14:40``) or Dutch (``28-01-2027 14:40``)."""
    text = text.strip()
    if not text.isascii():  # dates are written in ASCII digits; nothing else is read as one
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def parse_time(value: Any, start: datetime | None) -> float | None:
    """Scenario time in minutes from a scenario-time cell, or None if the cell is empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return minutes_since(start, value)
    if isinstance(value, date):
        return minutes_since(start, datetime(value.year, value.month, value.day))
    if isinstance(value, time):
        return _clock(start, value)
    if isinstance(value, timedelta):
        return _bounded(value, _round_seconds(value.total_seconds() / 60))
    if isinstance(value, bool) or not isinstance(value, str):
        raise CellError(f"got the number {value!r}; {_TIME_HINT}")
    text = value.strip()
    if m := _H_PLUS.match(text):
        return _bounded(value, int(m[1]) * 60.0 + int(m[2] or 0))
    if m := _M_PLUS.match(text):
        return _bounded(value, float(int(m[1])))
    if m := _DAY_PLUS.match(text):
        hh, mm = m[2].split(":")
        if int(hh) > 23:
            raise CellError(f"{text!r}: hour {hh} is not a clock hour; {_TIME_HINT}")
        text = f"D+{m[1]} {int(hh):02d}:{mm}"
    elif _T_PLUS.match(text):
        text = "T" + text[1:]
    try:
        return parse_scenario_time(text)
    except ValueError as exc:
        if "the limit" in str(exc):
            raise CellError(str(exc)) from None
    if (when := parse_datetime_text(text)) is not None:
        return minutes_since(start, when)
    raise CellError(f"{value!r} is not a time; {_TIME_HINT}")


def parse_calendar(value: Any, start: datetime | None) -> float | None:
    """Scenario time in minutes from a calendar-time cell (date-time or clock time)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return minutes_since(start, value)
    if isinstance(value, time):
        return _clock(start, value)
    if isinstance(value, str):
        text = value.strip()
        if (when := parse_datetime_text(text)) is not None:
            return minutes_since(start, when)
        if _CLOCK.fullmatch(text):
            hh, mm = (int(p) for p in text.split(":"))
            if hh < 24:
                return _clock(start, time(hh, mm))
    raise CellError(f"{value!r} is not a calendar time; write a date-time such as 2027-01-28 14:40")


def format_time(minutes: float) -> str:
    """``T+hh:mm`` (``T+hh:mm:ss`` when there are seconds), which :func:`parse_time` reads back."""
    seconds = minutes * 60
    if not math.isclose(seconds, round(seconds), abs_tol=1e-6):
        return _decimal_minutes(minutes)
    h, rem = divmod(round(seconds), 3600)
    m, s = divmod(rem, 60)
    if h >= 10_000:  # T+hhhh has four digits of hours: later times in the compact form
        return format_duration(minutes)
    return f"T+{h:02d}:{m:02d}" + (f":{s:02d}" if s else "")


def format_minutes_duration(minutes: float) -> str:
    """A duration (``2h30m``) that reads back exactly, also below a second."""
    seconds = minutes * 60
    if math.isclose(seconds, round(seconds), abs_tol=1e-6):
        return format_duration(minutes)
    return _decimal_minutes(minutes)


def _decimal_minutes(minutes: float) -> str:
    return f"{minutes:.9f}".rstrip("0").rstrip(".") + "m"


def parse_duration(value: Any) -> float | None:
    """A duration in minutes (urgency, duration, delay); a spreadsheet time counts as hh:mm."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, timedelta):
        return _bounded(value, _round_seconds(value.total_seconds() / 60))
    if isinstance(value, time) and not isinstance(value, datetime):
        return value.hour * 60.0 + value.minute + value.second / 60.0
    if isinstance(value, str):
        text = value.strip()
        if m := _HH_MM.fullmatch(text):  # hh:mm as typed in a sheet
            return _bounded(value, int(m[1]) * 60.0 + int(m[2]))
        if _T_PLUS.match(text):
            text = "T" + text[1:]
        try:
            return parse_scenario_time(text)
        except ValueError as exc:
            if "the limit" in str(exc):
                raise CellError(str(exc)) from None
    raise CellError(f"{value!r} is not a duration; write for example 6h, 90m, 1d, 2h30m or 2:30")


def parse_int(value: Any) -> int | None:
    """A whole number from a number or text cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError(f"{value!r} is not a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()) and len(value.strip()) <= 19:
        return int(value.strip())
    raise CellError(f"{value!r} is not a whole number")


_TRUE = {"yes", "ja", "j", "y", "true", "waar", "1", "x"}
_FALSE = {"no", "nee", "n", "false", "onwaar", "0"}


def parse_bool(value: Any) -> bool | None:
    """Yes or no (English or Dutch); empty means not given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise CellError(f"{value!r} is not yes or no (ja/nee)")


def parse_text(value: Any) -> str | None:
    """Free text exactly as typed (numbers and dates as text); blank means not given."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)


def parse_list(value: Any) -> list[str] | None:
    """Identifiers separated by commas, semicolons or spaces (``O1, O2``)."""
    text = parse_text(value)
    if text is None:
        return None
    return [part for part in re.split(r"[,;\s]+", text.strip()) if part]
