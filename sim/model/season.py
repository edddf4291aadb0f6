"""When a capability is ready in the year: FBO units, for one, serve from March to October."""

from __future__ import annotations

from sim.exercise.reference import Capability

__all__ = ["in_season"]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def in_season(cap: Capability, month: int | None) -> bool:
    """Whether a capability is ready in this calendar month (FBO: March-October); a season
    may run over the new year (first month after the last)."""
    if cap.season is None or month is None:
        return True
    first, last = (_MONTHS.index(m) + 1 for m in cap.season)
    return first <= month <= last if first <= last else (month >= first or month <= last)
