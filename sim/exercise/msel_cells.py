"""One MSEL cell to file-form data and back: times, durations, triggers, lists, payloads.

A spreadsheet hands us whatever the author typed or the program stored: text, numbers, dates,
clock times, durations. Each parser accepts the forms exercise staff really use and raises
:class:`CellError` with a message that says what to write instead, so the importer can point
at the cell. Each formatter writes a form its parser reads back exactly (to the second).
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from typing import Any

from sim.exercise.errors import ExerciseFileError
from sim.exercise.models import Trigger
from sim.exercise.times import MAX_MINUTES, format_duration, parse_scenario_time
from sim.exercise.yamlsafe import parse_yaml

__all__ = [
    "CellError",
    "calendar_of",
    "format_minutes_duration",
    "format_time",
    "format_trigger",
    "manual_word",
    "minutes_since",
    "parse_bool",
    "parse_calendar",
    "parse_datetime_text",
    "parse_duration",
    "parse_int",
    "parse_list",
    "parse_payload",
    "parse_site",
    "parse_text",
    "parse_time",
    "parse_trigger",
    "site_text",
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
_DIGITS = re.compile(r"\d+", re.ASCII)
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


_WORDS = {
    "manual": ("manual", "handmatig"),
    "after": ("after", "na"),
    "when": ("when", "als"),
    "region": ("region", "regio"),
    "crisis": ("crisis",),
    "free": ("free", "vrij"),
    "denied": ("denied", "afgewezen"),
    "queued": ("queued", "wachtrij"),
    "any": ("any", "elk"),
}
_NL = {k: v[-1] for k, v in _WORDS.items()}
_TRIGGER_HINT = (
    "write 'manual', 'after 3', 'when region VR22 >= 4', 'when crisis peel >= 3', "
    "'when free FBO_GROUND < 1', 'when denied any' or 'when queued VR22', optionally followed "
    "by a delay such as '+ 30m' (Dutch: handmatig, na, als regio/crisis/vrij/afgewezen/wachtrij)"
)


def _word(token: str) -> str | None:
    low = token.lower()
    for key, forms in _WORDS.items():
        if low in forms:
            return key
    return None


def parse_trigger(value: Any, source: str) -> dict[str, Any] | None:
    """``{"manual": True}``, a trigger in file form (``{"after": "3", "delay": "30m"}``) or None.

    A cell may also hold the file form itself as a YAML flow mapping (``{after: 3}``).
    """
    text = parse_text(value)
    if text is None:
        return None
    text = text.strip()
    if text.startswith("{"):
        return parse_payload(text, source)
    m = re.fullmatch(r"(.*?)(?:\s*\+\s*(\S+))?", text)
    assert m is not None  # the pattern matches any text
    body, delay_text = m[1].strip(), m[2]
    tokens = body.split()
    words = [_word(t) for t in tokens]
    if words[:1] == ["when"]:
        tokens, words = tokens[1:], words[1:]
    out: dict[str, Any]
    if words == ["manual"]:
        if delay_text:
            raise CellError("a manual inject takes no delay")
        return {"manual": True}
    if len(tokens) == 2 and words[0] == "after":
        out = {"after": tokens[1]}
    elif len(tokens) == 4 and words[0] in ("region", "crisis") and tokens[2] in (">=", "≥"):
        name = "region_level" if words[0] == "region" else "crisis_level"
        out = {"when": {name: {tokens[1]: _level(tokens[3])}}}
    elif len(tokens) == 4 and words[0] == "free" and tokens[2] == "<":
        out = {"when": {"free_units_below": {tokens[1]: _level(tokens[3])}}}
    elif len(tokens) == 2 and words[0] in ("denied", "queued"):
        who = "any" if words[1] == "any" else tokens[1]
        out = {"when": {f"request_{words[0]}": who}}
    else:
        raise CellError(f"{text!r} is not a trigger; {_TRIGGER_HINT}")
    if delay_text:
        delay = parse_duration(delay_text)
        assert delay is not None
        out["delay"] = format_minutes_duration(delay)
    return out


def _level(token: str) -> int:
    if not _DIGITS.fullmatch(token) or len(token) > 9:
        raise CellError(f"{token!r} is not a whole number; {_TRIGGER_HINT}")
    return int(token)


def format_trigger(trigger: Trigger, lang: str = "en") -> str:
    """The readable trigger notation that :func:`parse_trigger` reads back."""
    w = _NL if lang == "nl" else {k: k for k in _WORDS}
    if trigger.after is not None:
        text = f"{w['after']} {trigger.after}"
    else:
        cond = trigger.when
        assert cond is not None
        if cond.region_level:
            ((name, level),) = cond.region_level.items()
            text = f"{w['when']} {w['region']} {name} >= {level}"
        elif cond.crisis_level:
            ((name, level),) = cond.crisis_level.items()
            text = f"{w['when']} {w['crisis']} {name} >= {level}"
        elif cond.free_units_below:
            ((name, level),) = cond.free_units_below.items()
            text = f"{w['when']} {w['free']} {name} < {level}"
        else:
            kind = "denied" if cond.request_denied is not None else "queued"
            who = cond.request_denied if kind == "denied" else cond.request_queued
            text = f"{w['when']} {w[kind]} {w['any'] if who == 'any' else who}"
    if trigger.delay:
        text += f" + {format_minutes_duration(trigger.delay)}"
    return text


def manual_word(lang: str) -> str:
    return _NL["manual"] if lang == "nl" else "manual"


def parse_payload(value: Any, source: str) -> dict[str, Any] | None:
    """A YAML flow mapping such as ``{capability: NH90, units: -1}``, read with the safe loader."""
    text = parse_text(value)
    if text is None:
        return None
    try:
        data = parse_yaml(text, source).data
    except ExerciseFileError as exc:
        first = exc.issues[0].message if exc.issues else "unreadable"
        raise CellError(
            f"not a YAML mapping such as {{capability: NH90, units: -1}}: {first}"
        ) from None
    if not isinstance(data, dict):
        raise CellError("write a mapping such as {capability: NH90, units: -1}")
    return data


_POINT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*(?:\((.*)\))?\s*$")


def site_text(site: Any) -> str:
    """A request's site in a cell: the place name, or ``lat, lon (name)``."""
    if isinstance(site, str):
        return site
    name = f" ({site.name})" if site.name else ""
    return f"{site.lat:g}, {site.lon:g}{name}"


def parse_site(value: Any) -> Any:
    """A place of the gazetteer (its name), or ``lat, lon`` with an optional ``(name)``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise CellError(
            f"{value!r} is not a site; write a place such as Deurnese Peel or 51.42, 5.86"
        )
    m = _POINT.match(value)
    if m is None:
        return value.strip()
    point: dict[str, Any] = {"lat": float(m.group(1)), "lon": float(m.group(2))}
    if m.group(3):
        point["name"] = m.group(3).strip()
    return point
