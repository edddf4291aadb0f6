"""Durations that did not finish before ENDEX: honest medians and P90s.

A request still waiting for a decision at ENDEX has waited *at least* ENDEX − submission. Leaving
it out makes the hub look fast exactly when it was slowest (the national exercise's median time
to decision dropped from ≥ 25 h for the requests left out to 3 h 45 for the rest). So every
request that could have reached the event is counted: the ones that did with their time, the
others *censored* at the moment we stopped watching (ENDEX, or their withdrawal).

The quantile is taken over all of them, the censored ones at their censoring time. That value is
exact when no censored duration sits at or below the order statistics it is read from (raising a
censored value above them cannot move it), and otherwise a lower bound, shown as "≥". This is
simpler to explain in a hot wash-up than a Kaplan-Meier curve and never claims more than the
journal shows; ``docs/debrief.md`` says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Quantile", "censored_quantile"]


@dataclass(frozen=True)
class Quantile:
    """A quantile in minutes (NaN when there is nothing to measure) and whether it is only a
    lower bound because censored durations reach into it."""

    minutes: float
    lower_bound: bool

    @property
    def missing(self) -> bool:
        return math.isnan(self.minutes)


def censored_quantile(minutes: pd.Series, censored: pd.Series, q: float) -> Quantile:
    """The ``q`` quantile (linear interpolation, as pandas) of ``minutes`` where ``censored``
    marks the durations that are only known to be at least that long. Rows with NaN minutes
    are not in the population and are ignored."""
    keep = minutes.notna()
    values = minutes[keep].to_numpy(dtype=float)
    flags = censored[keep].to_numpy(dtype=bool)
    if not len(values):
        return Quantile(float("nan"), False)
    order = np.argsort(values, kind="stable")
    values, flags = values[order], flags[order]
    position = q * (len(values) - 1)
    lo, hi = math.floor(position), math.ceil(position)
    value = values[lo] + (values[hi] - values[lo]) * (position - lo)
    # censored durations tied with the top order statistic sort anywhere among equals:
    # count every censored value up to it
    return Quantile(float(value), bool(flags[values <= values[hi]].any()))
