"""Inject triggers in words, for people (the console, the dry run)."""

from __future__ import annotations

from sim.exercise.models import Inject
from sim.exercise.times import format_duration

__all__ = ["trigger_words"]


def trigger_words(inj: Inject) -> str | None:
    """ "after 3 + 15m", "when free units of FBO_GROUND below 1", "manual": for people."""
    trig = inj.trigger
    if trig is None:
        return "manual" if inj.manual else None
    delay = f" + {format_duration(trig.delay)}" if trig.delay else ""
    if trig.after is not None:
        return f"after {trig.after}{delay}"
    cond = trig.when
    if cond is None:
        return None
    for name in type(cond).model_fields:
        value = getattr(cond, name)
        if value is None:
            continue
        words = name.replace("_", " ")
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        return f"when {words} {value}{delay}"
    return None
