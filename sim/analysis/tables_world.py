"""The world's tables from the journal: unit, region, crisis and demand intervals, capacity,
queue, hub outages, main task 1, reallocations and injects.

An interval lasts from one event of a thing to its next, the last one to ENDEX.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from sim.analysis.journaltables import Event, detail_of, end_time

# --- units -------------------------------------------------------------------------------------

UNIT_COLUMNS = ["unit", "capability", "state", "start", "end", "request", "region", "crisis"]


def unit_intervals(events: Sequence[Event], t_end: float | None = None) -> pd.DataFrame:
    """One row per unit state interval: from a unit event to that unit's next event (or ENDEX)."""
    end = end_time(events, t_end)
    rows: list[tuple[Any, ...]] = []
    open_rows: dict[str, list[Any]] = {}
    for e in events:
        if e["kind"] != "unit" or e["unit"] is None:
            continue
        unit = e["unit"]
        previous = open_rows.get(unit)
        if previous is not None:
            previous[4] = float(e["t"])
            rows.append(tuple(previous))
        capability = e["capability"] or unit.rsplit("-", 1)[0]
        open_rows[unit] = [
            unit,
            capability,
            e["state"],
            float(e["t"]),
            end,
            e["request"],
            e["region"],
            e["crisis"],
        ]
    rows.extend(tuple(r) for r in open_rows.values())
    frame = pd.DataFrame(rows, columns=UNIT_COLUMNS)
    frame = frame[frame["end"] > frame["start"]]
    return frame.sort_values(["capability", "unit", "start"], kind="stable").reset_index(drop=True)


# --- regions, crises, demand -------------------------------------------------------------------


def region_levels(events: Sequence[Event]) -> pd.DataFrame:
    """The region level step series: one row per change (``t``, ``region``, ``level``, ``from``)."""
    rows = [
        (
            float(e["t"]),
            e["region"],
            e["level"],
            detail_of(e).get("from"),
            detail_of(e).get("crises"),
        )
        for e in events
        if e["kind"] == "region" and e["region"] is not None
    ]
    return pd.DataFrame(rows, columns=["t", "region", "level", "from", "crises"])


def region_level_intervals(steps: pd.DataFrame, t_end: float) -> pd.DataFrame:
    """Level steps as intervals (``start``, ``end``, ``level``) per region, for bands."""
    rows = []
    for region, group in steps.groupby("region", sort=False):
        ts = group["t"].tolist()
        levels = group["level"].tolist()
        for i, (start, level) in enumerate(zip(ts, levels, strict=True)):
            end = ts[i + 1] if i + 1 < len(ts) else t_end
            if end > start:
                rows.append((region, start, end, level))
    return pd.DataFrame(rows, columns=["region", "start", "end", "level"])


def crisis_levels(events: Sequence[Event]) -> pd.DataFrame:
    """The crisis level series: onset, every escalation and de-escalation, end."""
    rows = []
    for e in events:
        if e["kind"] != "crisis":
            continue
        d = detail_of(e)
        rows.append(
            {
                "t": float(e["t"]),
                "crisis": e["crisis"],
                "state": e["state"],
                "level": e["level"],
                "from": d.get("from"),
                "cause": d.get("cause"),
                "kind": d.get("kind"),
                "regions": list(d.get("regions") or ([e["region"]] if e["region"] else [])),
                "unmet_share": d.get("unmet_share"),
            }
        )
    columns = ["t", "crisis", "state", "level", "from", "cause", "kind", "regions", "unmet_share"]
    return pd.DataFrame(rows, columns=columns)


def crisis_spans(levels: pd.DataFrame, t_end: float) -> pd.DataFrame:
    """One row per crisis: onset, end (ENDEX if still active), kind, regions, peak level."""
    rows = []
    for crisis, group in levels.groupby("crisis", sort=False):
        onset = float(group["t"].iloc[0])
        ended = group[group["state"] == "end"]
        end = float(ended["t"].iloc[0]) if len(ended) else t_end
        regions: list[str] = []
        for rs in group["regions"]:
            regions.extend(r for r in rs if r not in regions)
        kind = next((k for k in group["kind"] if k), None)
        rows.append((crisis, onset, end, kind, regions, group["level"].max()))
    return pd.DataFrame(rows, columns=["crisis", "onset", "end", "kind", "regions", "peak_level"])


def demand_intervals(events: Sequence[Event], t_end: float | None = None) -> pd.DataFrame:
    """Unmet demand per crisis × region as intervals between ``demand`` events, with the
    reasons (``detail.not_asked``) the region gives for not asking for what is unmet.

    An interval ends at the next demand event of the same crisis × region, at the crisis's
    ``end`` event, or at ENDEX.
    """
    end = end_time(events, t_end)
    crisis_end: dict[str, float] = {}
    for e in events:
        if e["kind"] == "crisis" and e["state"] == "end" and e["crisis"] is not None:
            crisis_end.setdefault(e["crisis"], float(e["t"]))
    rows = []
    open_rows: dict[tuple[Any, Any], list[Any]] = {}
    for e in events:
        if e["kind"] != "demand":
            continue
        key = (e["crisis"], e["region"])
        previous = open_rows.get(key)
        if previous is not None:
            previous[3] = float(e["t"])
            rows.append(tuple(previous))
        value = float(e["value"]) if e["value"] is not None else 0.0
        detail = detail_of(e)
        unmet = {tag for tag, d in (detail.get("tags") or {}).items() if d.get("unmet", 0) > 0}
        reasons = {r for tag, r in (detail.get("not_asked") or {}).items() if tag in unmet}
        open_rows[key] = [
            e["crisis"],
            e["region"],
            float(e["t"]),
            end,
            value,
            e["qty"] or 0,
            bool(detail.get("life_safety_unmet")),
            ",".join(sorted(reasons)),
        ]
    for row in open_rows.values():
        row[3] = min(end, crisis_end.get(row[0], end))
        rows.append(tuple(row))
    columns = [
        "crisis",
        "region",
        "start",
        "end",
        "unmet_share",
        "unmet_tags",
        "life_safety_unmet",
        "not_asked",  # why no request covers the unmet need: NOT_ASKED codes, comma-joined
    ]
    frame = pd.DataFrame(rows, columns=columns)
    if len(frame):
        crisis_stop = frame["crisis"].map(crisis_end).fillna(end).astype(float)
        frame["end"] = frame["end"].where(frame["end"] <= crisis_stop, crisis_stop)
    return frame[frame["end"] > frame["start"]].reset_index(drop=True)


# --- capacity, queue, hub, main task 1, reallocations ------------------------------------------


def capacity_series(events: Sequence[Event]) -> pd.DataFrame:
    """Use of each capability over time (``in_use`` tasked units, ``available`` for HT3)."""
    rows = []
    for e in events:
        if e["kind"] != "capacity" or e["capability"] is None:
            continue
        d = detail_of(e)
        rows.append(
            (
                float(e["t"]),
                e["capability"],
                float(e["value"] if e["value"] is not None else d.get("in_use", 0)),
                float(e["qty"] if e["qty"] is not None else 0),
                d.get("total"),
                d.get("reserved"),
                d.get("unavailable"),
                d.get("free"),
            )
        )
    columns = ["t", "capability", "in_use", "available", "total", "reserved", "unavailable", "free"]
    return pd.DataFrame(rows, columns=columns)


def queue_series(events: Sequence[Event]) -> pd.DataFrame:
    """Hub queue length over time: ``waiting`` for staff, ``queued`` for capacity."""
    rows = []
    for e in events:
        if e["kind"] != "queue":
            continue
        d = detail_of(e)
        value = float(e["value"] or 0)
        waiting = d.get("waiting")
        queued = d.get("queued")
        rows.append(
            (
                float(e["t"]),
                value,
                float(waiting) if waiting is not None else float("nan"),
                float(queued) if queued is not None else float("nan"),
            )
        )
    return pd.DataFrame(rows, columns=["t", "value", "waiting", "queued"])


def hub_outages(events: Sequence[Event], t_end: float | None = None) -> pd.DataFrame:
    """Intervals in which the hub could not handle requests (``outage_start`` → ``outage_end``)."""
    end = end_time(events, t_end)
    rows, since = [], None
    for e in events:
        if e["kind"] != "hub":
            continue
        if e["state"] == "outage_start" and since is None:
            since = float(e["t"])
        elif e["state"] == "outage_end" and since is not None:
            rows.append((since, float(e["t"])))
            since = None
    if since is not None:
        rows.append((since, end))
    return pd.DataFrame(rows, columns=["start", "end"])


def mt1_table(events: Sequence[Event]) -> pd.DataFrame:
    """Main-task-1 claims and releases, with conflicts (units taken from civil tasks)."""
    rows = [
        (
            float(e["t"]),
            e["state"],
            e["capability"],
            e["qty"],
            bool(detail_of(e).get("conflict")),
            list(detail_of(e).get("recalled") or []),
            detail_of(e).get("shortfall"),
        )
        for e in events
        if e["kind"] == "mt1"
    ]
    columns = ["t", "state", "capability", "qty", "conflict", "recalled", "shortfall"]
    return pd.DataFrame(rows, columns=columns)


def reallocation_table(events: Sequence[Event]) -> pd.DataFrame:
    """Units moved by the hub from one request to a more urgent one (ordered / effective)."""
    rows = []
    for e in events:
        if e["kind"] != "reallocation":
            continue
        d = detail_of(e)
        rows.append(
            (
                float(e["t"]),
                e["state"],
                e["unit"],
                e["capability"],
                e["request"],
                e["region"],
                d.get("from_request"),
                d.get("from_region"),
                d.get("latency"),
                d.get("authority"),
            )
        )
    columns = [
        "t",
        "state",
        "unit",
        "capability",
        "request",
        "region",
        "from_request",
        "from_region",
        "latency",
        "authority",
    ]
    return pd.DataFrame(rows, columns=columns)


# --- injects -----------------------------------------------------------------------------------

INJECT_COLUMNS = [
    "inject",
    "seq",
    "state",
    "t",
    "type",
    "title",
    "scheduled",
    "trigger",
    "from",
    "to",
    "method",
    "channel",
    "message",
    "expected_action",
    "objectives",
    "visibility",
    "reason",
    "crisis",
    "region",
    "request",
    "capability",
]


def inject_table(events: Sequence[Event]) -> pd.DataFrame:
    """One row per MSEL inject: fired / skipped / not_reached, when, and its MSEL fields."""
    rows = []
    for e in events:
        if e["kind"] != "inject":
            continue
        d = detail_of(e)
        rows.append(
            {
                "inject": str(e["inject"]),
                "seq": e["seq"],
                "state": e["state"],
                "t": float(e["t"]),
                "type": d.get("type"),
                "title": d.get("title") or "",
                "scheduled": d.get("time"),
                "trigger": d.get("trigger"),
                "from": d.get("from"),
                "to": d.get("to"),
                "method": d.get("method"),
                "channel": d.get("channel"),
                "message": d.get("message") or "",
                "expected_action": d.get("expected_action") or "",
                "objectives": [str(o) for o in d.get("objectives") or []],
                "visibility": d.get("visibility"),
                "reason": d.get("reason"),
                "crisis": e["crisis"],
                "region": e["region"],
                "request": e["request"],
                "capability": e["capability"],
            }
        )
    return pd.DataFrame(rows, columns=INJECT_COLUMNS)
