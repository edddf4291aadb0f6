"""Console wording: labels from the one label table, and short time formats for a busy screen."""

from __future__ import annotations

import math
from typing import Any

from sim.analysis.labels import check_language, t
from sim.exercise.times import format_t

__all__ = ["Labels", "countdown", "format_speed", "scenario_t"]


class Labels:
    """``lab("speed")`` is ``console.speed`` in the console's language (English or Dutch)."""

    def __init__(self, lang: str = "en") -> None:
        self.lang = check_language(lang)

    def __call__(self, key: str, **values: Any) -> str:
        return t(f"console.{key}", self.lang, **values)

    def other(self, key: str, **values: Any) -> str:
        """A label outside the console section (``unit_state.on_scene``, ``inject_state.fired``)."""
        return t(key, self.lang, **values)


def scenario_t(minutes: float | None) -> str:
    """``T+02:35`` (the minute that has begun, as a clock shows it); ``–`` for no time."""
    if minutes is None or not math.isfinite(minutes):
        return "–"
    return format_t(math.floor(minutes + 1e-9))


def countdown(minutes: float) -> str:
    """A short duration for a countdown: ``<1m``, ``25m``, ``1h05m``, ``2d03h`` (whole minutes
    rounded up, so with the clock showing the minute begun, due time = clock + countdown)."""
    if minutes < 1:
        return "<1m"
    total = math.ceil(minutes - 1e-9)
    days, rest = divmod(total, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d{hours:02d}h"
    if hours:
        return f"{hours}h{mins:02d}m"
    return f"{mins}m"


def format_speed(speed: float) -> str:
    """``×60``, ``×0.5``."""
    return f"×{speed:g}"
