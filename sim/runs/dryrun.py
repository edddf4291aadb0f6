"""The dry run (``ttx check``): play an exercise many times before the day and tell the designer
what the MSEL will do.

Per inject the share of runs in which it fires, is skipped or is not reached (with the reasons);
per objective whether its key injects (those that name it) are reached; conditional injects that
never trigger; the controller's workload (injects to deliver per 15 minutes); whether scarcity
occurs at all; and the spread of the storyline (earliest, median, latest time of key events).
An inject counts as *reached* when it fired: a skipped inject did not take effect.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from sim.exercise import LoadedExercise
from sim.exercise.describe import trigger_words
from sim.runs.executors import execute
from sim.runs.replicate import Outcome, SweepSpec, Variant, derived_seed

__all__ = ["BIN_MIN", "CheckReport", "dry_run"]

BIN_MIN = 15.0
"""Workload bins: injects to deliver per 15 minutes of scenario time."""

MILESTONES = {
    "submitted": "first request sent to the LOCC",
    "decision": "first hub decision that settles a request",
    "first_on_scene": "first Defence unit on scene",
}


def _spread(times: list[float]) -> dict[str, float | None]:
    if not times:
        return {"earliest": None, "median": None, "latest": None}
    return {
        "earliest": float(min(times)),
        "median": float(np.median(times)),
        "latest": float(max(times)),
    }


@dataclass
class CheckReport:
    exercise: str
    source: str
    runs: int
    root_seed: int
    min_reach: float
    failed: list[dict[str, Any]] = field(default_factory=list)
    injects: list[dict[str, Any]] = field(default_factory=list)
    objectives: list[dict[str, Any]] = field(default_factory=list)
    never_triggered: list[str] = field(default_factory=list)
    workload: dict[str, Any] = field(default_factory=dict)
    scarcity: dict[str, Any] = field(default_factory=dict)
    storyline: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failing(self) -> list[dict[str, Any]]:
        """Objectives with a key inject reached in under ``min_reach`` of the runs."""
        return [o for o in self.objectives if o["key_injects"] and not o["ok"]]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["failing"] = [o["id"] for o in self.failing]
        return data


def dry_run(
    loaded: LoadedExercise,
    n: int,
    *,
    root_seed: int | None = None,
    min_reach: float = 0.9,
    workers: int = 1,
    dask: str | None = None,
    progress: Any = None,
) -> CheckReport:
    """Play ``loaded`` ``n`` times (seeds derived from the root, as in a sweep) and report."""
    ex = loaded.exercise
    root = ex.exercise.seed if root_seed is None else root_seed
    spec = SweepSpec(
        loaded.text,
        loaded.source,
        tuple(loaded.overrides),
        (Variant(0, "base", ()),),
        root,
        n,
        grid=None,
        check=True,
    )
    tasks = [(0, i, derived_seed(root, i)) for i in range(n)]
    outcomes: list[Outcome] = []
    for chunk in execute(spec, tasks, workers=workers, dask=dask):
        outcomes.extend(chunk)
        if progress:
            progress(len(outcomes), n, sum(1 for o in outcomes if o.row["error"]))
    outcomes.sort(key=lambda o: o.replication)
    ok = [o for o in outcomes if not o.row["error"]]
    report = CheckReport(ex.id, loaded.source, len(outcomes), root, min_reach)
    report.failed = [
        {"replication": o.replication, "seed": o.row["seed"], "error": o.row["error"]}
        for o in outcomes
        if o.row["error"]
    ]
    runs = max(1, len(ok))
    reach: dict[str, float] = {}
    for inj in ex.injects:
        iid = str(inj.id)
        states = Counter(o.injects.get(iid, ("not_reached", 0.0, None))[0] for o in ok)
        reasons = Counter(
            o.injects[iid][2] or "" for o in ok if iid in o.injects and o.injects[iid][0] != "fired"
        )
        fired_t = [o.injects[iid][1] for o in ok if o.injects.get(iid, ("",))[0] == "fired"]
        reach[iid] = states["fired"] / runs
        when = inj.time if inj.time is not None else None
        report.injects.append(
            {
                "id": iid,
                "title": inj.title,
                "type": inj.type,
                "time": when,
                "trigger": trigger_words(inj),
                "objectives": [str(x) for x in inj.objectives],
                "fired": states["fired"] / runs,
                "skipped": states["skipped"] / runs,
                "not_reached": states["not_reached"] / runs,
                "reasons": dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
                **_spread(fired_t),
            }
        )
        if inj.time is None and states["fired"] + states["skipped"] == 0:
            report.never_triggered.append(iid)
    for obj in ex.exercise.objectives:
        oid = str(obj.id)
        keys = [str(i.id) for i in ex.injects if oid in [str(x) for x in i.objectives]]
        report.objectives.append(
            {
                "id": oid,
                "text": obj.text,
                "key_injects": [{"id": k, "reach": reach[k]} for k in keys],
                "min_key_reach": min((reach[k] for k in keys), default=None),
                "ok": all(reach[k] >= min_reach for k in keys),
            }
        )
    report.workload = _workload(ok, ex.exercise.duration)
    report.scarcity = _scarcity(ok)
    report.storyline = _storyline(ok, ex, reach)
    return report


def _workload(ok: list[Outcome], endex: float) -> dict[str, Any]:
    """Mean injects fired per 15-minute bin over the runs, its peak, and the worst single run."""
    bins = max(1, math.floor(endex / BIN_MIN) + 1)
    counts = np.zeros((max(1, len(ok)), bins))
    for r, o in enumerate(ok):
        for state, t, _ in o.injects.values():
            if state == "fired":
                counts[r, min(bins - 1, int(t // BIN_MIN))] += 1
    mean = counts.mean(axis=0)
    peak_bin = int(np.argmax(mean))
    worst = counts.max(axis=1)
    return {
        "bin_min": BIN_MIN,
        "mean_per_bin": [round(float(x), 4) for x in mean],
        "peak_mean": float(mean[peak_bin]),
        "peak_at_min": peak_bin * BIN_MIN,
        "worst_run_peak": int(worst.max()) if len(worst) else 0,
        "busy_bins_mean": float((counts > 0).sum(axis=1).mean()),
    }


def _scarcity(ok: list[Outcome]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    runs = max(1, len(ok))
    for key in ("requests_queued", "substitutions", "denials", "reallocations", "mt1_conflicts"):
        values = [float(o.row.get(key) or 0) for o in ok]
        out[key] = {
            "share_of_runs": sum(1 for v in values if v > 0) / runs,
            "mean": float(np.mean(values)) if values else 0.0,
            "max": float(max(values)) if values else 0.0,
        }
    return out


def _storyline(ok: list[Outcome], ex: Any, reach: dict[str, float]) -> list[dict[str, Any]]:
    """Milestones, then every inject that names an objective, with the spread of their times."""
    runs = max(1, len(ok))
    events = []
    for key, text in MILESTONES.items():
        times = [o.first[key] for o in ok if key in o.first]
        events.append({"event": text, "key": key, "reached": len(times) / runs, **_spread(times)})
    for inj in ex.injects:
        if not inj.objectives:
            continue
        iid = str(inj.id)
        times = [o.injects[iid][1] for o in ok if o.injects.get(iid, ("",))[0] == "fired"]
        events.append(
            {
                "event": f"inject {iid}: {inj.title}",
                "key": f"inject.{iid}",
                "reached": reach[iid],
                **_spread(times),
            }
        )
    return events
