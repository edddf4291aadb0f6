"""A lean recorder: one flat row of KPIs, computed while the model runs.

A sweep replication must cost about what a bare simulation costs, so this recorder builds no
journal records (no key template, no ``seq``, no list of events): each call updates a few
counters for the kinds it needs and ignores the rest. At ``run_end`` it closes what is still
open at ENDEX. The definitions follow ``docs/journal.md`` and ``docs/sweeps.md``:

- *time to decision*: submission → the first settling decision (approved, partial, substitute,
  denied). A request still open at ENDEX without one is **censored** at ENDEX (its time counts as
  ENDEX − submission, a lower bound); a request closed without one (withdrawn) is left out.
- *time to first unit on scene*: submission → ``first_on_scene``; censored the same way; a
  request closed without a unit on scene (denied, withdrawn, stood down) is left out.
- a median or P90 over censored values is flagged as a *lower bound* when a censored value is
  among the order statistics it was interpolated from or below them.
- *hours of unmet (life-safety) demand*: per region, the time during which any crisis there has
  unmet need (``life_safety_unmet``), summed over regions.
"""

from __future__ import annotations

import math
from typing import Any

from sim.journal import REQUEST_OUTCOMES

__all__ = ["OUTCOMES", "KpiRecorder", "censored_quantile", "kpi_columns"]

OUTCOMES = REQUEST_OUTCOMES
_SETTLING = frozenset({"approved", "partial", "substitute", "denied"})
_TIMES = ("decision", "on_scene")


def censored_quantile(values: list[tuple[float, bool]], q: float) -> tuple[float, bool]:
    """Quantile ``q`` (numpy's linear method) of ``(value, censored)`` pairs.

    Returns ``(value, lower_bound)``; ``lower_bound`` is true when a censored value is at or
    below the upper order statistic used, so the true quantile may be higher. NaN when empty.
    """
    if not values:
        return math.nan, False
    ordered = sorted(values)
    h = (len(ordered) - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, len(ordered) - 1)
    value = ordered[lo][0] + (h - lo) * (ordered[hi][0] - ordered[lo][0])
    top = ordered[hi][0] if h > lo else ordered[lo][0]
    lower = any(c and v <= top for v, c in ordered)
    return value, lower


def kpi_columns(regions: list[str], injects: list[str]) -> list[str]:
    """The row's KPI columns, in order, for an exercise with these regions and injects."""
    cols = ["requests"]
    for name in _TIMES:
        cols += [
            f"{name}_n",
            f"{name}_censored",
            f"{name}_median_min",
            f"{name}_median_lower_bound",
            f"{name}_p90_min",
            f"{name}_p90_lower_bound",
        ]
    cols += [
        "life_safety_unmet_h",
        "unmet_h",
        "denials",
        "substitutions",
        "reallocations",
        "mt1_conflicts",
        "requests_queued",
        "max_queue",
        *(f"outcome.{o}" for o in OUTCOMES),
        *(f"peak_level.{r}" for r in regions),
        "injects_fired",
        "injects_skipped",
        "injects_not_reached",
        *(f"inject.{i}" for i in injects),
    ]
    return cols


class _Span:
    """Time during which a set of keys is non-empty (union of intervals), in minutes."""

    __slots__ = ("active", "since", "total")

    def __init__(self) -> None:
        self.active: set[Any] = set()
        self.since = 0.0
        self.total = 0.0

    def set(self, key: Any, on: bool, t: float) -> None:
        if on:
            if not self.active:
                self.since = t
            self.active.add(key)
        elif key in self.active:
            self.active.discard(key)
            if not self.active:
                self.total += t - self.since

    def close(self, t: float) -> float:
        return self.total + (t - self.since if self.active else 0.0)


class KpiRecorder:
    """Callable recorder (``record(kind, t, **fields)``) that keeps only what the KPIs need.

    ``grid`` (minutes, or None) also samples three step series for percentile bands: the highest
    region level, the hub queue, and the highest unmet share of any crisis in any region.
    """

    def __init__(self, grid: float | None = None) -> None:
        self._on = {
            "run_start": self._run_start,
            "request": self._request,
            "decision": self._decision,
            "demand": self._demand,
            "region": self._region,
            "queue": self._queue,
            "reallocation": self._reallocation,
            "mt1": self._mt1,
            "inject": self._inject,
            "run_end": self._run_end,
        }
        self.grid = grid
        self.regions: list[str] = []
        self.endex = 0.0
        self.requests: dict[
            str, list[Any]
        ] = {}  # id -> [t_submitted, t_decision, t_on_scene, closed]
        self.queued: set[str] = set()
        self.denials = self.substitutions = self.reallocations = self.mt1_conflicts = 0
        self.peak: dict[str, int] = {}
        self.level: dict[str, int] = {}
        self.max_queue = 0.0
        self.life_by_region: dict[str, _Span] = {}
        self.unmet_by_region: dict[str, _Span] = {}
        self.unmet_share: dict[tuple[str, str], float] = {}
        self.injects: dict[str, tuple[str, float, str | None]] = {}  # id -> (state, t, reason)
        self.first: dict[str, float] = {}  # milestone -> first time (submitted, decision, ...)
        self.changes: tuple[list[tuple[float, float]], ...] = ([], [], [])
        self.outcomes: dict[str, int] = {}
        self.row: dict[str, Any] | None = None

    def __call__(self, kind: str, t: float, **fields: Any) -> None:
        handler = self._on.get(kind)
        if handler is not None:
            handler(t, fields)

    # -- per kind ---------------------------------------------------------------------------------
    def _run_start(self, t: float, f: dict[str, Any]) -> None:
        d = f["detail"]
        self.regions = list(d.get("regions") or [])
        self.endex = float(d["endex"])

    def _request(self, t: float, f: dict[str, Any]) -> None:
        state = f.get("state")
        rid: str = f["request"]  # the model always names the request of these kinds
        r = self.requests.get(rid)
        if r is None:
            r = self.requests[rid] = [None, None, None, False]
        if state == "submitted":
            if r[0] is None:
                r[0] = t
                self.first.setdefault("submitted", t)
        elif state == "first_on_scene":
            if r[2] is None:
                r[2] = t
                self.first.setdefault("first_on_scene", t)
        elif state == "queued":
            self.queued.add(rid)
        elif state == "closed":
            r[3] = True

    def _decision(self, t: float, f: dict[str, Any]) -> None:
        state = f.get("state")
        if state == "denied":
            self.denials += 1
        elif state == "substitute":
            self.substitutions += 1
        if state in _SETTLING:
            rid: str = f["request"]
            r = self.requests.get(rid)
            if r is None:
                r = self.requests[rid] = [None, None, None, False]
            if r[1] is None:
                r[1] = t
                self.first.setdefault("decision", t)

    def _demand(self, t: float, f: dict[str, Any]) -> None:
        region: str = f["region"]
        crisis: str = f["crisis"]
        life = bool(f["detail"].get("life_safety_unmet"))
        value = f.get("value") or 0.0
        span = self.life_by_region.get(region)
        if span is None:
            span = self.life_by_region[region] = _Span()
            self.unmet_by_region[region] = _Span()
        span.set(crisis, life, t)
        self.unmet_by_region[region].set(crisis, value > 0, t)
        if self.grid is not None:
            self.unmet_share[(crisis, region)] = value
            self._change(2, t, max(self.unmet_share.values()))

    def _region(self, t: float, f: dict[str, Any]) -> None:
        region: str = f["region"]
        level = f.get("level") or 0
        if level > self.peak.get(region, 0):
            self.peak[region] = level
        if self.grid is not None:
            self.level[region] = level
            self._change(0, t, max(self.level.values()))

    def _queue(self, t: float, f: dict[str, Any]) -> None:
        value = f.get("value") or 0.0
        if value > self.max_queue:
            self.max_queue = value
        if self.grid is not None:
            self._change(1, t, value)

    def _reallocation(self, t: float, f: dict[str, Any]) -> None:
        if f.get("state") == "effective":
            self.reallocations += 1

    def _mt1(self, t: float, f: dict[str, Any]) -> None:
        if (f.get("detail") or {}).get("conflict"):
            self.mt1_conflicts += 1

    def _inject(self, t: float, f: dict[str, Any]) -> None:
        self.injects[str(f["inject"])] = (f["state"], t, (f.get("detail") or {}).get("reason"))

    def _change(self, series: int, t: float, value: float) -> None:
        changes = self.changes[series]
        if changes and changes[-1][0] == t:
            changes[-1] = (t, value)
        elif not changes or changes[-1][1] != value:
            changes.append((t, value))

    def _run_end(self, t: float, f: dict[str, Any]) -> None:
        self.outcomes = dict((f.get("detail") or {}).get("outcomes") or {})
        self.endex = t
        self.row = self._finish(t)

    # -- at ENDEX ---------------------------------------------------------------------------------
    def _finish(self, end: float) -> dict[str, Any]:
        row: dict[str, Any] = {"requests": 0}
        samples: dict[str, list[tuple[float, bool]]] = {name: [] for name in _TIMES}
        for t_sub, t_dec, t_os, closed in self.requests.values():
            if t_sub is None:
                continue  # a draft never sent did not wait at the hub
            row["requests"] += 1
            for name, t_done in (("decision", t_dec), ("on_scene", t_os)):
                if t_done is not None:
                    samples[name].append((t_done - t_sub, False))
                elif not closed:
                    samples[name].append((end - t_sub, True))
        for name in _TIMES:
            vals = samples[name]
            row[f"{name}_n"] = len(vals)
            row[f"{name}_censored"] = sum(1 for _, c in vals if c)
            for label, q in (("median", 0.5), ("p90", 0.9)):
                value, lower = censored_quantile(vals, q)
                row[f"{name}_{label}_min"] = value
                row[f"{name}_{label}_lower_bound"] = lower
        row["life_safety_unmet_h"] = sum(s.close(end) for s in self.life_by_region.values()) / 60
        row["unmet_h"] = sum(s.close(end) for s in self.unmet_by_region.values()) / 60
        row["denials"] = self.denials
        row["substitutions"] = self.substitutions
        row["reallocations"] = self.reallocations
        row["mt1_conflicts"] = self.mt1_conflicts
        row["requests_queued"] = len(self.queued)
        row["max_queue"] = self.max_queue
        for o in OUTCOMES:
            row[f"outcome.{o}"] = self.outcomes.get(o, 0)
        for region in self.regions:
            row[f"peak_level.{region}"] = self.peak.get(region, 0)
        for region in self.peak:
            row.setdefault(f"peak_level.{region}", self.peak[region])
        states = [s for s, _, _ in self.injects.values()]
        for state in ("fired", "skipped", "not_reached"):
            row[f"injects_{state}"] = states.count(state)
        for iid, (state, _, _) in self.injects.items():
            row[f"inject.{iid}"] = state
        return row

    def series(self, points: int) -> list[list[float]]:
        """The three step series sampled at ``0, grid, 2·grid, …`` (``points`` values each)."""
        assert self.grid is not None
        out = []
        for changes in self.changes:
            values, k, current = [], 0, 0.0
            for p in range(points):
                at = p * self.grid
                while k < len(changes) and changes[k][0] <= at:
                    current = changes[k][1]
                    k += 1
                values.append(float(current))
            out.append(values)
        return out
