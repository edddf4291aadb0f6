"""What one YAML scalar may be, and the words for what it may not: text up to a spreadsheet
cell, no control character written as an escape, finite numbers, and no YAML 1.1 base-60
number (an unquoted ``2:30`` is read as 150, ``1:30:00`` as 5400, ``staff: 1:0`` as 60 staff).

Split from ``yamlsafe.py`` (which re-exports ``MAX_TEXT``): the walker asks, this answers.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from sim.exercise.yamltext import BAD_CHAR, bad_char_message

__all__ = ["MAX_TEXT", "base60_problem", "cannot_read", "value_problem"]

MAX_TEXT = 32_767
"""Longest text (or key), in characters: what one spreadsheet cell holds."""


def value_problem(value: Any) -> str | None:
    """Why a constructed scalar is refused, or None: escapes and numbers the tool cannot use."""
    if isinstance(value, str):
        if m := BAD_CHAR.search(value):
            return f"{bad_char_message(m[0])} (written as an escape in a quoted text)"
        if len(value) > MAX_TEXT:
            return f"text of {len(value):,} characters; the limit is {MAX_TEXT:,}"
    elif isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a number the tool can use; write a finite number"
    return None


def base60_problem(node: yaml.ScalarNode) -> str | None:
    """What to say about a number written with colons, which YAML 1.1 reads in base 60; None
    for any other scalar (a text with a colon that is not such a number is left to the usual
    checks)."""
    word, tag = node.value, node.tag.removeprefix("tag:yaml.org,2002:")
    if ":" not in word or tag not in ("int", "float"):  # plain, or an explicit !!int, !!float
        return None
    try:
        value = getattr(yaml.SafeLoader, f"construct_yaml_{tag}")(_LOADER, node)
    except (ValueError, TypeError, AttributeError):
        return None  # not a number in any base: cannot_read says why
    return (
        f"{word} is read by YAML 1.1 as the base-60 number {value}; quote it ('{word}') if it "
        "is text, write a time as 'T+02:30' or '2h30m', and a number without colons"
    )


_LOADER = yaml.SafeLoader("")  # the constructors above read only the node they are given


def cannot_read(node: yaml.ScalarNode, exc: Exception) -> str:
    kind = node.tag.removeprefix("tag:yaml.org,2002:")
    reason = exc.args[0] if isinstance(exc, ValueError) and exc.args else "not a valid " + kind
    return f"cannot read {node.value!r} as a {kind}: {reason}"
