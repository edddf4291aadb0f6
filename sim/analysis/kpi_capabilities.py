"""Per-capability KPIs: how the scarce units spent the exercise.

*Utilisation* is unit-hours in use / unit-hours available for national tasks (total − main
task 1 reserved − unavailable, from ``capacity`` events). "In use" is split, because a unit on
its way or resting after a job is not helping anyone yet or any more:

- *on scene*: ``on_scene`` and ``refuelling`` (part of the job);
- *committed*: ``mobilising`` (notice to move), ``in_transit`` and ``awaiting_support`` (a
  moved helicopter waiting at its new site for a ground crew);
- *returning*: ``returning`` and ``resting``.

A capability without units of its own (the ``GENERIC`` pool, filled on demand) has no
utilisation (NaN, shown as "pool"), never "100 % used"; "hours fully used" counts only time when
units were in use and none was left. Only capabilities that played a part (asked for, granted,
used, substituted, reallocated or claimed for main task 1) are listed.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from sim.analysis.tables import RunTables
    from sim.exercise import Exercise

__all__ = ["CAPABILITY_COLUMNS", "STATE_GROUPS", "capability_kpis", "union_hours"]

STATE_GROUPS: dict[str, tuple[str, ...]] = {
    "on_scene": ("on_scene", "refuelling"),
    "committed": ("mobilising", "in_transit", "awaiting_support"),
    "returning": ("returning", "resting"),
}
"""Unit states counted as in use, by what the unit was doing."""

CAPABILITY_COLUMNS = [
    "capability",
    "name",
    "units",
    "peak_in_use",
    "unit_hours_on_scene",
    "unit_hours_committed",
    "unit_hours_returning",
    "unit_hours_in_use",
    "unit_hours_available",
    "utilisation",
    "on_scene_share",
    "hours_saturated",
    "requests",
    "granted",
    "denials",
    "substituted_away",
    "substituted_in",
    "reallocations",
    "mt1_claims",
    "mt1_conflicts",
]


def union_hours(intervals: list[tuple[float, float]]) -> float:
    """Hours covered by the union of ``(start, end)`` minute intervals."""
    total, cur_start, cur_end = 0.0, 0.0, None
    for start, end in sorted(intervals):
        if cur_end is None or start > cur_end:
            if cur_end is not None:
                total += cur_end - cur_start
            cur_start, cur_end = start, end
        else:
            cur_end = max(cur_end, end)
    if cur_end is not None:
        total += cur_end - cur_start
    return total / 60.0


def _step_integral(ts: list[float], values: list[float], start_value: float, t_end: float) -> float:
    """Area under a step function (value holds from each time to the next) over [0, t_end]."""
    total, prev_t, prev_v = 0.0, 0.0, start_value
    for time, value in zip(ts, values, strict=True):
        total += prev_v * (min(time, t_end) - prev_t)
        prev_t, prev_v = min(time, t_end), value
    total += prev_v * (t_end - prev_t)
    return total


def _own_units(units: Any) -> bool:
    return units is not None and not (isinstance(units, float) and math.isnan(units)) and units > 0


def capability_kpis(T: RunTables, exercise: Exercise | None) -> pd.DataFrame:
    """One row per capability that played a part; columns ``CAPABILITY_COLUMNS``."""
    info, t_end = T.info, T.info.t_end
    caps: list[str] = []
    for source in (
        T.capacity["capability"],
        T.units["capability"],
        T.requests["capability"],
        T.decisions["capability"],
        T.mt1["capability"],
    ):
        caps.extend(c for c in source.dropna().unique() if c not in caps)
    dec, lanes = T.decisions, T.units
    rows = []
    for cap in caps:
        meta = info.capabilities.get(cap, {})
        units = meta.get("units")
        series = T.capacity[T.capacity["capability"] == cap]
        ts = series["t"].tolist()
        start_available = float((units or 0) - (meta.get("reserved") or 0))
        avail_h = _step_integral(ts, series["available"].tolist(), start_available, t_end) / 60.0
        mine = lanes[lanes["capability"] == cap]
        hours = {
            group: float(
                (mine["end"].clip(upper=t_end) - mine["start"])[mine["state"].isin(states)].sum()
            )
            / 60.0
            for group, states in STATE_GROUPS.items()
        }
        in_use_h = sum(hours.values())
        if not len(mine) and len(series):  # no unit lanes: the capacity counts alone
            in_use_h = _step_integral(ts, series["in_use"].tolist(), 0.0, t_end) / 60.0
        own = _own_units(units)
        full = (series["in_use"] > 0) & (series["in_use"] >= series["available"])
        sat = [(a, b) for a, b, s in zip(ts, [*ts[1:], t_end], full, strict=True) if s and own]
        name = meta.get("name") or ""
        if exercise is not None and cap in exercise.capabilities:
            name = exercise.capabilities[cap].name
        asked_for = dec["requested_capability"] == cap
        row = {
            "capability": cap,
            "name": name,
            "units": units,
            "peak_in_use": float(series["in_use"].max()) if len(series) else None,
            **{f"unit_hours_{g}": h for g, h in hours.items()},
            "unit_hours_in_use": in_use_h,
            "unit_hours_available": avail_h,
            "utilisation": in_use_h / avail_h if own and avail_h > 0 else float("nan"),
            "on_scene_share": hours["on_scene"] / avail_h if own and avail_h > 0 else float("nan"),
            "hours_saturated": union_hours(sat),
            "requests": int((T.requests["capability"] == cap).sum()),
            "granted": int(
                dec[
                    (dec["capability"] == cap)
                    & dec["state"].isin(["approved", "partial", "substitute"])
                ]["request"].nunique()
            ),
            "denials": int(((dec["state"] == "denied") & asked_for).sum()),
            "substituted_away": int(((dec["state"] == "substitute") & asked_for).sum()),
            "substituted_in": int(
                ((dec["state"] == "substitute") & (dec["capability"] == cap)).sum()
            ),
            "reallocations": int(
                (
                    (T.reallocations["capability"] == cap)
                    & (T.reallocations["state"] == "effective")
                ).sum()
            ),
            "mt1_claims": int(((T.mt1["capability"] == cap) & (T.mt1["state"] == "claim")).sum()),
            "mt1_conflicts": int(((T.mt1["capability"] == cap) & T.mt1["conflict"]).sum()),
        }
        if _played_a_part(row):
            rows.append(row)
    return pd.DataFrame(rows, columns=CAPABILITY_COLUMNS)


def _played_a_part(row: dict[str, Any]) -> bool:
    keys = ("requests", "granted", "denials", "substituted_in", "reallocations", "mt1_claims")
    return row["unit_hours_in_use"] > 0 or any(row[k] for k in keys)
