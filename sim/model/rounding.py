"""``round(x, digits)`` remembered, for the values the journal rounds over and over.

``round`` with digits converts the float to decimal and back (a few thousand instructions); a
run rounds a few dozen distinct shares, scores and travel times some 1,500 times. The memo gives
the same float ``round`` gives: ints and zeros (``0.0`` and ``-0.0`` are one dict key) go to
``round`` itself, and the memo is emptied when it grows large.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["round3", "round6"]

_LIMIT = 4096


def _remembered(digits: int) -> Callable[[float], float]:
    memo: dict[float, float] = {}

    def rounded(x: float) -> float:
        if type(x) is not float or x == 0.0:
            return round(x, digits)
        hit = memo.get(x)
        if hit is None:
            if len(memo) >= _LIMIT:
                memo.clear()
            hit = memo[x] = round(x, digits)
        return hit

    rounded.__doc__ = f"round(x, {digits}), remembered"
    return rounded


round3 = _remembered(3)
round6 = _remembered(6)
