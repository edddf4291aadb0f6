"""MSEL cells that hold structure: triggers in words, YAML payloads and request sites.

Staff write triggers as words (``after 3 + 30m``, ``als regio VR22 >= 4``), payloads as YAML
flow mappings (``{capability: NH90, units: -1}``, read with the safe loader) and sites as a
place name or ``lat, lon (name)``. Each parser raises ``CellError`` saying what to write
instead; each formatter writes what its parser reads back.
"""

from __future__ import annotations

import re
from typing import Any

from sim.exercise.errors import ExerciseFileError
from sim.exercise.injectspec import Trigger
from sim.exercise.msel_cells import CellError, format_minutes_duration, parse_duration, parse_text
from sim.exercise.yamlsafe import parse_yaml

__all__ = [
    "format_trigger",
    "manual_word",
    "parse_payload",
    "parse_site",
    "parse_trigger",
    "site_text",
]


_DIGITS = re.compile(r"\d+", re.ASCII)
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
