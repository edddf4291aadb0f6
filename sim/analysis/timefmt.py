"""Scenario time for people: ``T+hh:mm``, durations in hours and minutes, calendar labels.

MSEL practice is ``T+hh:mm`` from STARTEX, so that is what every axis and table shows; when the
exercise has a calendar ``start`` we add the wall time under it because players remember
"the Chinook came at 17:40", not "at T+04:55". Babel is not a dependency: the few month names
come from the label table.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sim.analysis.labels import t
from sim.exercise.times import format_t

__all__ = [
    "calendar_label",
    "format_duration",
    "format_t",
    "parse_start",
    "tick_steps",
]

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def parse_start(value: object) -> datetime | None:
    """The calendar STARTEX from ``run_start.detail.start`` (ISO 8601 text), or None."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def calendar_label(start: datetime, minutes: float, lang: str = "en", *, date: bool = True) -> str:
    """Wall time at ``minutes`` after ``start``: ``20 Apr 14:45`` (or ``14:45`` without date)."""
    moment = start + timedelta(minutes=round(minutes))
    clock = f"{moment.hour:02d}:{moment.minute:02d}"
    if not date:
        return clock
    month = t(f"month.{_MONTHS[moment.month - 1]}", lang)
    return f"{moment.day} {month} {clock}"


def format_duration(minutes: float | None, lang: str = "en") -> str:
    """``1 h 35 min`` / ``1 u 35 min``; ``–`` for a missing value (no decision yet, never served)."""
    if minutes is None or (isinstance(minutes, float) and math.isnan(minutes)):
        return "–"
    total = round(minutes)
    hours, mins = divmod(total, 60)
    h, m = t("unit.h", lang), t("unit.min", lang)
    if hours == 0:
        return f"{mins} {m}"
    return f"{hours} {h} {mins:02d} {m}"


def tick_steps(span_minutes: float) -> tuple[float, float]:
    """Major and minor tick spacing (minutes) giving 6-16 labelled ticks over the span."""
    for major, minor in (
        (15, 5),
        (30, 10),
        (60, 15),
        (120, 30),
        (180, 60),
        (360, 120),
        (720, 360),
        (1440, 720),
        (2880, 1440),
        (10080, 2880),
    ):
        if span_minutes / major <= 14:
            return float(major), float(minor)
    return 10080.0, 1440.0
