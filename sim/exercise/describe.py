"""Inject triggers as text: in words for people (the console, the dry run), or in the
journal's own form (kept as it always was, so journals stay byte-identical)."""

from __future__ import annotations

from sim.exercise.models import Inject
from sim.exercise.times import format_duration

__all__ = ["trigger_text", "trigger_words"]


def trigger_text(inj: Inject, *, words: bool = False) -> str | None:
    """ "after 3 + 15m", "manual", or the condition: ``when free_units_below {'FBO_GROUND': 1}``
    in the journal's form, ``when free units below FBO_GROUND 1`` with ``words``."""
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
        if not words:
            return f"when {name} {value}{delay}"
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        return f"when {name.replace('_', ' ')} {value}{delay}"
    return None


def trigger_words(inj: Inject) -> str | None:
    """The trigger in words, for people."""
    return trigger_text(inj, words=True)
