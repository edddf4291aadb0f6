"""Which lanes the timeline gets, in which order, and how request bars share rows.

Kept apart from the drawing so the rules are testable without matplotlib:
- only regions, crises and units that do something in the time window get a lane;
- regions appear in the order they became involved (the exercise story reads top-down);
- a region's requests are packed into as few rows as possible, leaving room after each bar
  for its label, so a national run with hundreds of requests stays readable; the plan also
  says where each label goes, so the drawing puts it exactly in the room packing left, clear
  of the markers on the bar (a request open at ENDEX ends in ▶ at the right edge);
- units are grouped by capability (first used first) and numbered naturally (-2 before -10);
  units reserved for main task 1 or unavailable for the whole window share one lane
  (``BDE13 ×3``), so a national run's idle units do not fill the panel.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from sim.analysis.tables import RunTables

__all__ = [
    "LabelPlace",
    "Row",
    "TimelinePlan",
    "natural_key",
    "pack_rows",
    "plan_lanes",
    "scarce_capabilities",
]


FOLDED_STATES = ("reserved", "unavailable")
"""Units in one of these states for the whole window share one lane per capability."""

# requests whose bar ends in a marker: their label starts further right, clear of it
END_MARKS = ("denied", "open", "withdrawn")


@dataclass(frozen=True)
class Row:
    """One lane of the regions panel: a region's level band, a crisis, or packed requests."""

    kind: str  # "region" | "crisis" | "requests"
    region: str
    crisis: str | None = None


@dataclass(frozen=True)
class LabelPlace:
    """Where a request bar's label goes, in minutes of the time axis.

    ``side`` is "after" the bar (``x`` is the label's left edge), "before" it (``x`` is its
    right edge) or, when the bar spans the window, "row": on a row of its own below or above,
    at the bar's start (``plan.label_row``), so a label is never drawn over its own bar. ``x0``..``x1`` is
    the room the label takes, the same room the packing reserved.
    """

    side: str
    x: float
    x0: float
    x1: float


@dataclass
class TimelinePlan:
    """Lanes of every panel, decided before anything is drawn (so the figure can be sized)."""

    rows: list[Row] = field(default_factory=list)
    request_row: dict[str, int] = field(default_factory=dict)
    request_label: dict[str, LabelPlace] = field(default_factory=dict)
    label_row: dict[str, int] = field(default_factory=dict)  # labels on a row of their own
    units: list[str] = field(default_factory=list)  # lane labels of the units panel
    unit_lane: dict[str, int] = field(default_factory=dict)  # unit id -> its lane
    unit_caps: list[str] = field(default_factory=list)  # capability of each unit lane
    capabilities: list[str] = field(default_factory=list)
    capabilities_more: int = 0  # scarce capabilities beyond the panel's limit (not drawn)

    @property
    def regions(self) -> list[str]:
        return [r.region for r in self.rows if r.kind == "region"]


def natural_key(name: str) -> tuple[object, ...]:
    """Sort key that orders ``FBO_CH47-2`` before ``FBO_CH47-10``."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name))


def pack_rows(bars: list[tuple[str, float, float]], gap: float = 0.0) -> dict[str, int]:
    """Greedy interval packing: each bar (key, start, end) goes to the first row free at start.

    ``end`` should already include the room the label needs. Returns key -> row (0-based).
    """
    row_end: list[float] = []
    rows: dict[str, int] = {}
    for key, start, end in sorted(bars, key=lambda b: (b[1], b[2], natural_key(b[0]))):
        for i, last in enumerate(row_end):
            if start >= last + gap:
                row_end[i] = end
                rows[key] = i
                break
        else:
            rows[key] = len(row_end)
            row_end.append(end)
    return rows


def _overlaps(start: pd.Series, end: pd.Series, t0: float, t1: float) -> pd.Series:
    return (end > t0) & (start < t1)


def plan_lanes(
    T: RunTables,
    t0: float,
    t1: float,
    label_minutes: Callable[[str], float],
    request_labels: dict[str, str],
    pad: float = 0.0,
    capability_limit: int | None = 8,
    mark_minutes: float | None = None,
) -> TimelinePlan:
    """Decide every lane for the window [t0, t1].

    ``label_minutes(text)`` says how many minutes of axis a label is wide; ``pad`` (minutes)
    keeps it clear of its bar (three pads after a bar that ends in a marker) and of the next
    bar. Packing reserves that room after each request bar, or before it when the bar ends near
    the right edge, and ``plan.request_label`` records the choice for the drawing.
    ``mark_minutes`` (default two pads) is how far a request marker reaches either side of its
    time: a label is kept that far plus a pad from every marker on its bar, so a short bar
    ending in ENDEX's ▶ gets its label left of the marker, not under it.
    """
    plan = TimelinePlan()
    phases = T.phases[_overlaps(T.phases["start"], T.phases["end"], t0, t1)]
    bands = T.region_bands[
        _overlaps(T.region_bands["start"], T.region_bands["end"], t0, t1)
        & (T.region_bands["level"] > 0)
    ]
    spans = T.crisis_spans[_overlaps(T.crisis_spans["onset"], T.crisis_spans["end"], t0, t1)]

    first_seen: dict[str, float] = {}

    def seen(region: object, when: float) -> None:
        if isinstance(region, str):
            first_seen[region] = min(first_seen.get(region, when), when)

    for row in bands.itertuples(index=False):
        seen(row.region, row.start)
    for row in spans.itertuples(index=False):
        for region in row.regions:
            seen(region, row.onset)
    req_region = dict(zip(T.requests["request"], T.requests["region"], strict=True))
    req_start = phases.groupby("request")["start"].min()
    req_end = phases.groupby("request")["end"].max()
    for rid, start in req_start.items():
        seen(req_region.get(rid), start)
    order = sorted(first_seen, key=lambda r: (first_seen[r], natural_key(r)))

    crises_of: dict[str, list[str]] = {}
    for row in spans.sort_values("onset", kind="stable").itertuples(index=False):
        for region in row.regions:
            crises_of.setdefault(region, []).append(row.crisis)

    marked_end = set(T.marks.loc[T.marks["mark"].isin(END_MARKS), "request"])
    half = 2 * pad if mark_minutes is None else mark_minutes
    drawn = T.marks[(T.marks["t"] >= t0) & (T.marks["t"] <= t1)]  # markers the figure draws
    mark_first = drawn.groupby("request")["t"].min()
    mark_last = drawn.groupby("request")["t"].max()

    def reach(rid: str, start: float, end: float) -> tuple[float, float]:
        """The bar's ends in the window, or its outermost markers' edges if they stick out."""
        left, right = max(start, t0), min(end, t1)
        if rid in mark_last.index:
            left = min(left, float(mark_first[rid]) - half)
            right = max(right, float(mark_last[rid]) + half)
        return left, right

    def place(rid: str, start: float, end: float) -> LabelPlace:
        width = label_minutes(request_labels.get(rid, rid))
        left, right = reach(rid, start, end)
        after = max(min(end, t1) + pad * (3 if rid in marked_end else 1), right + pad)
        if after + width + pad <= t1:
            return LabelPlace("after", after, after, after + width + pad)
        before = left - pad
        if before - width - pad >= t0:  # the bar runs to the right edge
            return LabelPlace("before", before, before - width - pad, before)
        # neither fits (the bar spans the window): on a row of its own, never over its bar
        x = max(start, t0) + pad
        return LabelPlace("row", x, x - pad, x + width + pad)

    for region in order:
        plan.rows.append(Row("region", region))
        for crisis in crises_of.get(region, []):
            plan.rows.append(Row("crisis", region, crisis))
        bars = []
        own_row = set()  # requests whose label needs a row of its own (the bar spans the window)
        for rid in req_start.index:
            if req_region.get(rid) != region:
                continue
            start, end = float(req_start[rid]), float(req_end[rid])
            label = plan.request_label[rid] = place(rid, start, end)
            left, right = reach(rid, start, end)  # with its markers and its label's room:
            bars.append((rid, min(start, left, label.x0), max(end, right, label.x1)))
            if label.side == "row":  # labels sharing a row never overlap
                own_row.add(rid)
        packed = pack_rows(bars, gap=(t1 - t0) * 0.004)
        # a label of its own gets an empty row right above its bar: sharing a row with other
        # bars, it read as theirs (R004's label in front of R012's bar)
        labelled: dict[int, list[str]] = {}  # packed row -> requests labelled above it
        for rid in own_row:
            labelled.setdefault(packed[rid], []).append(rid)
        row_of: dict[int, int] = {}  # packed row -> its row in the plan
        for k in range(max(packed.values(), default=-1) + 1):
            if k in labelled:
                plan.rows.append(Row("requests", region))
                for rid in labelled[k]:
                    plan.label_row[rid] = len(plan.rows) - 1
            plan.rows.append(Row("requests", region))
            row_of[k] = len(plan.rows) - 1
        for key, k in packed.items():
            plan.request_row[key] = row_of[k]

    busy = T.units[
        (T.units["state"] != "available") & _overlaps(T.units["start"], T.units["end"], t0, t1)
    ]
    first_use = busy.groupby("capability")["start"].min().sort_values(kind="stable")
    for cap in first_use.index:
        mine = busy[busy["capability"] == cap]
        names = sorted(mine["unit"].unique().tolist(), key=natural_key)
        idle: dict[str, list[str]] = {}
        for name, lane in mine.groupby("unit"):
            states = set(lane["state"])
            whole = lane["start"].min() <= t0 and lane["end"].max() >= t1
            if whole and len(states) == 1 and states <= set(FOLDED_STATES):
                idle.setdefault(states.pop(), []).append(str(name))
        folded = {u for group in idle.values() if len(group) > 1 for u in group}
        for name in names:
            if name not in folded:
                plan.unit_lane[name] = len(plan.units)
                plan.units.append(name)
                plan.unit_caps.append(cap)
        for _state, group in sorted(idle.items()):
            if len(group) > 1:  # one line for units out of play the whole window
                for name in group:
                    plan.unit_lane[name] = len(plan.units)
                plan.units.append(f"{cap} ×{len(group)}")
                plan.unit_caps.append(cap)
    plan.capabilities, plan.capabilities_more = scarce_capabilities(T, t0, t1, capability_limit)
    return plan


def scarce_capabilities(
    T: RunTables, t0: float, t1: float, limit: int | None = 8
) -> tuple[list[str], int]:
    """Capabilities worth a capacity lane: those that ran out (in use >= available), were
    denied, queued for, or claimed by main task 1; else the busiest few. At most ``limit``
    (None: all), the most contested first: main-task-1 conflicts, then requests queued or
    denied for them, then the peak share in use. Returns them in the book's order, and how
    many more would qualify (the panel says so: none is left out silently)."""
    cap = T.capacity
    if not len(cap):
        return [], 0
    mt1 = set(T.mt1["capability"])
    conflicts = T.mt1.loc[T.mt1["conflict"], "capability"].value_counts().to_dict()
    score: dict[str, float] = {}
    for name, group in cap.groupby("capability", sort=False):
        nxt = group["t"].shift(-1).fillna(t1)
        inside = _overlaps(group["t"], nxt, t0, t1)
        g = group[inside]
        if not len(g):
            continue
        peak = float((g["in_use"] / g["available"].where(g["available"] > 0)).max())
        if g["in_use"].max() <= 0 and name not in mt1:
            continue
        score[name] = 0.0 if pd.isna(peak) else peak
    waited = T.decisions.loc[T.decisions["state"].isin(["queued", "denied"])]
    asked = waited.groupby("requested_capability")["request"].nunique().to_dict()
    hot = [c for c in score if score[c] >= 1.0 or c in asked or c in mt1]
    ranked = hot or sorted(score, key=lambda c: -score[c])[:3]
    ranked = sorted(
        ranked,
        key=lambda c: (-conflicts.get(c, 0), -asked.get(c, 0), -score.get(c, 0.0), natural_key(c)),
    )
    shown = ranked if limit is None else ranked[:limit]
    order = {c: i for i, c in enumerate(cap["capability"].drop_duplicates())}
    return sorted(shown, key=lambda c: order.get(c, 0)), len(ranked) - len(shown)
