"""Counts kept in step with where each item is counted: the capacity book's tables of tasked
units per region, per site and per request are all kept this way, one unit move at a time."""

from __future__ import annotations

from typing import Any

__all__ = ["retally"]


def retally(tally: dict[Any, int], placed: dict[str, Any], item: str, key: Any) -> bool:
    """Count ``item`` under ``key`` (None: nowhere) instead of where ``placed`` had it.

    ``tally`` holds no zero counts. Returns whether the item moved.
    """
    old = placed.get(item)
    if old == key:
        return False
    if old is not None:
        tally[old] -= 1
        if not tally[old]:
            del tally[old]
        del placed[item]
    if key is not None:
        tally[key] = tally.get(key, 0) + 1
        placed[item] = key
    return True
