"""Numbers over a finished sweep: percentile bands over time, and inject-timing sensitivity.

NumPy only (no pandas, no matplotlib), so the figures in ``sim.analysis.bands`` and the CLI's
text output both start from the same arrays.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["SERIES_NAMES", "Bands", "Sensitivity", "bands", "read_table", "sensitivity"]

SERIES_NAMES = ("level", "queue", "unmet")
"""The band series: highest region level, requests waiting at the hub, highest unmet share."""


@dataclass
class Bands:
    """P10/P50/P90 of each series per variant; ``t`` in minutes."""

    t: np.ndarray
    by_variant: dict[str, dict[str, np.ndarray]]  # variant -> series -> (3, points)
    runs: dict[str, int]


def read_table(folder: Path) -> tuple[list[str], list[list[str]]]:
    with open(folder / "table.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def bands(folder: Path, grid: float, variants: list[str]) -> Bands:
    """Read ``series.jsonl`` (one line per successful replication) into percentile bands."""
    per: dict[str, list[list[list[float]]]] = {v: [] for v in variants}
    seen: set[tuple[str, int]] = set()
    path = folder / "series.jsonl"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue  # a line torn by a kill; its row was not written either
            key = (item["variant"], item["replication"])
            if key in seen or item["variant"] not in per:
                continue
            seen.add(key)
            per[item["variant"]].append(item["series"])
    out: dict[str, dict[str, np.ndarray]] = {}
    points = 0
    for v, runs in per.items():
        if not runs:
            continue
        arr = np.asarray(runs, dtype=float)  # (runs, series, points)
        points = arr.shape[2]
        q = np.percentile(arr, [10, 50, 90], axis=0, method="nearest")  # values that occur
        out[v] = {name: q[:, k, :] for k, name in enumerate(SERIES_NAMES)}
    return Bands(np.arange(points) * grid, out, {v: len(r) for v, r in per.items()})


@dataclass
class Sensitivity:
    """How much of a KPI's spread the inject shifts explain (adjusted R² of a linear fit), and the inject
    whose shift correlates most with it."""

    kpi: str
    r2: float
    std: float
    top_inject: str
    top_corr: float


def _numeric(values: list[str]) -> np.ndarray | None:
    try:
        return np.array([float(v) if v != "" else np.nan for v in values])
    except ValueError:
        return None


def sensitivity(header: list[str], rows: list[list[str]], variant: str) -> list[Sensitivity]:
    """KPIs of one variant ranked by how much inject timing moves them (highest R² first)."""
    mine = [r for r in rows if r[0] == variant and not r[4]]
    shift_cols = [k for k, name in enumerate(header) if name.startswith("shift.")]
    if len(mine) < len(shift_cols) + 3 or not shift_cols:
        return []
    X = np.array([[float(r[k]) for k in shift_cols] for r in mine])
    X1 = np.column_stack([np.ones(len(mine)), X])
    out = []
    start = header.index("requests")
    for k in range(start, len(header)):
        name = header[k]
        if name.startswith(("inject.", "shift.")) or name.endswith("lower_bound"):
            continue
        y = _numeric([r[k] for r in mine])
        if y is None:
            continue
        ok = ~np.isnan(y)
        if ok.sum() < len(shift_cols) + 3 or np.nanstd(y) == 0:
            continue
        yk, Xk, X1k = y[ok], X[ok], X1[ok]
        beta, *_ = np.linalg.lstsq(X1k, yk, rcond=None)
        resid = yk - X1k @ beta
        r2 = 1.0 - float(resid @ resid) / float(((yk - yk.mean()) ** 2).sum())
        n, p = len(yk), Xk.shape[1]
        r2 = 1.0 - (1.0 - r2) * (n - 1) / (n - p - 1)  # adjusted: chance fits score about 0
        corrs = []
        for j in range(Xk.shape[1]):
            xs = Xk[:, j]
            corrs.append(0.0 if xs.std() == 0 else float(np.corrcoef(xs, yk)[0, 1]))
        j = int(np.argmax(np.abs(corrs)))
        out.append(
            Sensitivity(
                name, r2, float(yk.std()), header[shift_cols[j]].removeprefix("shift."), corrs[j]
            )
        )
    out.sort(key=lambda s: (-s.r2, s.kpi))
    return out
