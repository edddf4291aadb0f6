"""Completion of partly typed command lines: command words, then ids (requests, units,
injects, capabilities), argument by argument, for the console's Tab key."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sim.runs.commands import _ALIASES, _D_PLUS_AT, ACTIONS, WORDS

__all__ = ["CompletionIds", "complete"]


@dataclass(frozen=True)
class CompletionIds:
    """What the session can name right now, for completion."""

    requests: Sequence[str] = ()  # open requests (``reallocate … to``)
    units: Sequence[str] = ()  # units that can be reallocated
    crises: Sequence[str] = ()  # where ``reallocate N CAPABILITY from`` may take units
    injects: Sequence[str] = ()  # injects still to come: fired, skipped or delayed
    capabilities: Sequence[str] = ()
    awaiting: Sequence[str] = ()  # requests awaiting the players' answer (``decide``)
    fired: Sequence[str] = ()  # injects that reached the players (``answer``)


_ARG_KINDS: dict[str, tuple[str, ...]] = {
    "fire": ("injects",),
    "skip": ("injects",),
    "delay": ("injects",),
    "answer": ("fired",),
    "decide": ("awaiting", "actions", "capabilities"),
    "reallocate": ("units", "to", "requests"),
    "help": ("words",),
}


def complete(prefix: str, ids: CompletionIds) -> list[str]:
    """Whole lines that complete ``prefix`` (its last word: a command word or an id), sorted.

    A time prefix (``@T+01:30``) is kept. An empty list means nothing fits.
    """
    head, body = "", prefix
    if prefix.startswith("@"):
        m = _D_PLUS_AT.match(prefix) or re.match(r"@\S*", prefix)
        assert m is not None
        if m.end() == len(prefix):
            return []  # still typing the time
        end = m.end()
        while end < len(prefix) and prefix[end].isspace():
            end += 1
        head, body = prefix[:end], prefix[end:]
    tokens = body.split()
    current = "" if not body or body[-1].isspace() else tokens[-1]
    index = len(tokens) - 1 if not current else len(tokens) - 2
    if index < 0:
        return [head + w for w in WORDS if w.startswith(current.lower())]
    word = _ALIASES.get(tokens[0].lower(), tokens[0].lower())
    kinds = _ARG_KINDS.get(word)
    if word == "reallocate":
        kinds = _reallocate_kinds(tokens[1 : index + 1])
        if kinds and kinds[-1] == "units" and "," in current:  # the next of several units
            done, _, last = current.rpartition(",")
            stem = head + body[: len(body) - len(last)]
            named = done.split(",")
            return sorted(
                stem + u for u in ids.units if u.lower().startswith(last.lower()) and u not in named
            )
        index = len(kinds) - 1
    if kinds is None or index >= len(kinds) or index < 0:
        return []
    pool = {
        "injects": ids.injects,
        "requests": ids.requests,
        "awaiting": ids.awaiting,
        "fired": ids.fired,
        "units": ids.units,
        "capabilities": ids.capabilities,
        "actions": ACTIONS,
        "count": (),
        "to": ("to",),
        "from": ("from",),
        "sources": (*ids.crises, *ids.requests),
        "words": WORDS,
    }[kinds[index]]
    stem = head + body[: len(body) - len(current)]
    return sorted(stem + c for c in pool if c.lower().startswith(current.lower()))


def _reallocate_kinds(done: list[str]) -> tuple[str, ...]:
    """What each argument of a ``reallocate`` line is, up to and including the one being typed
    (``done`` are the arguments already complete)."""
    if done and done[0].isdigit():
        if len(done) > 5:
            return ()
        return ("count", "capabilities", "from", "sources", "to", "requests")[: len(done) + 1]
    if not done:
        return ("units",)
    if len(done) >= 2 and done[-2].lower() == "to":
        return ()
    if done[-1].lower() == "to":
        return (*(("units",) * len(done)), "requests")
    if done[-1].endswith(","):
        return (*(("units",) * len(done)), "units")
    return (*(("units",) * len(done)), "to")
