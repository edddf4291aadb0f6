"""Scenario time: strings in the exercise, float minutes since STARTEX inside the simulator.

Exercise staff write MSEL times as ``T+02:30``; we also accept ``D+1 08:00`` (day 1 is the first
day, 00:00 of day 1 is STARTEX), ``90m`` / ``2h30m`` / ``1d6h`` and ISO 8601 ``PT2H30M``.
Bare numbers are refused: YAML 1.1 reads an unquoted ``2:30`` as the integer 150, so a number
in a time field is almost always a typo that would silently mean something else.

Digits are ASCII only (``T+٣٠:00`` is refused, not read as 30 hours), and every form has the same
limit, :data:`MAX_MINUTES` (1000 days, so every ``T+hhhh:mm`` and ``D+ddd hh:mm`` fits): an
ENDEX of ``99999999999999999999d`` or ``P99999999999999D`` is an error, not a run that never
ends.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

__all__ = [
    "MAX_MINUTES",
    "TIME_PATTERN",
    "ScenarioTime",
    "format_duration",
    "format_t",
    "parse_scenario_time",
]

MAX_MINUTES = 1000 * 1440.0
"""The longest time or duration in any form: 1000 days (D+1000 00:00, 24000h, 1000d, P1000D)."""

# re.ASCII: \d is 0-9 and \s is ASCII blank only (str patterns match any Unicode digit otherwise)
_T_PLUS = re.compile(r"^T\+(\d{1,4}):([0-5]\d)(?::([0-5]\d))?$", re.ASCII)
_D_PLUS = re.compile(r"^D\+(\d{1,3})\s+([01]\d|2[0-3]):([0-5]\d)$", re.ASCII)
_COMPACT = re.compile(
    r"^(?=\d)(?:(\d+(?:\.\d+)?)d)?(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+)s)?$",
    re.ASCII,
)
_ISO = re.compile(
    r"^P(?=\d|T\d)(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$", re.ASCII
)

# The editor schema's pattern: the same forms as the regexes above (lookaheads refuse an empty
# compact form, "P" and "PT"); surrounding blanks are stripped by the parser.
TIME_PATTERN = (
    r"^\s*(T\+\d{1,4}:[0-5]\d(:[0-5]\d)?"
    r"|D\+[1-9]\d{0,2}\s+([01]\d|2[0-3]):[0-5]\d"
    r"|(?=\d)(\d+(\.\d+)?d)?(\d+(\.\d+)?h)?(\d+(\.\d+)?m)?(\d+s)?"
    r"|P(?=\d|T\d)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?)\s*$"
)

_HINT = "write a string such as 'T+02:30', 'D+1 08:00', '90m', '2h30m' or 'PT2H30M'"


def parse_scenario_time(value: Any) -> float:
    """Return minutes since STARTEX for a time string; raise ValueError with a helpful message."""
    if isinstance(value, bool):
        raise ValueError(f"got the boolean {value!r}, not a time; {_HINT}")
    if isinstance(value, int | float):
        raise ValueError(
            f"got the number {value!r}; a unitless number is ambiguous (YAML 1.1 reads an "
            f"unquoted 2:30 as 150 and 1:30:00 as 5400); {_HINT}"
        )
    if not isinstance(value, str):
        raise ValueError(f"expected a time string, got {type(value).__name__}; {_HINT}")
    text = value.strip(" \t\r\n")
    return _within_limit(value, _minutes(value, text))


def _minutes(value: str, text: str) -> float:
    if m := _T_PLUS.match(text):
        hours, minutes, seconds = int(m[1]), int(m[2]), int(m[3] or 0)
        return hours * 60.0 + minutes + seconds / 60.0
    if m := _D_PLUS.match(text):
        day = int(m[1])
        if day < 1:
            raise ValueError("day numbers start at D+1 (the day of STARTEX)")
        return (day - 1) * 1440.0 + int(m[2]) * 60.0 + int(m[3])
    if text and (m := _COMPACT.match(text)):
        d, h, mi, s = (_number(g) for g in m.groups())
        return d * 1440.0 + h * 60.0 + mi + s / 60.0
    if m := _ISO.match(text):
        d, h, mi, s = (_number(g) for g in m.groups())
        return d * 1440.0 + h * 60.0 + mi + s / 60.0
    raise ValueError(f"{value!r} is not a scenario time; {_HINT}")


def _number(digits: str | None) -> float:
    return float(digits) if digits else 0.0  # float(), not int(): no limit on digit count


def _within_limit(value: str, minutes: float) -> float:
    if minutes <= MAX_MINUTES:
        return minutes
    too_long = f"{value!r} is longer than the limit of {MAX_MINUTES / 1440:.0f} days for any time or duration"
    if not math.isfinite(minutes):
        raise ValueError(f"time is not finite ({too_long})")
    raise ValueError(too_long)


def _validate(value: Any) -> float:
    minutes = parse_scenario_time(value)
    if not math.isfinite(minutes):
        raise ValueError("time is not finite")
    return minutes


ScenarioTime = Annotated[
    float,
    BeforeValidator(_validate),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": TIME_PATTERN,
            "examples": ["T+02:30", "D+2 08:00", "90m", "PT2H30M"],
            "description": "Scenario time or duration, at most 1000 days. Quote it: YAML reads "
            "2:30 as 150.",
        }
    ),
]
"""A time or duration in the exercise file, held as float minutes."""


def format_t(minutes: float) -> str:
    """``T+hh:mm`` for a scenario time in minutes (rounded to the minute; negative allowed)."""
    sign = "-" if minutes < 0 else "+"
    total = round(abs(minutes))
    return f"T{sign}{total // 60:02d}:{total % 60:02d}"


def format_duration(minutes: float) -> str:
    """A duration as the compact string form (``2h30m``) that parses back to the same value."""
    total = round(minutes * 60)  # seconds
    if total == 0:
        return "0m"
    d, rem = divmod(total, 86400)
    h, rem = divmod(rem, 3600)
    m, s = divmod(rem, 60)
    parts = [f"{d}d" if d else "", f"{h}h" if h else "", f"{m}m" if m else "", f"{s}s" if s else ""]
    return "".join(parts)
