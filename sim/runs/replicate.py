"""One replication of a sweep: derive its seed, shift its injects, simulate, return its row.

Everything a worker needs travels in one immutable ``SweepSpec`` (the exercise *text*, not a
path, so a Dask worker on another machine needs only the installed package). Replication ``i``
of root seed ``S`` simulates with ``derived_seed(S, i)``; with ``--jitter`` its timed injects
move by whole minutes drawn from a stream of their own (``jitter_rng(S, i)``), written as
``--set injects.<id>.time=…`` in the row. So ``ttx run EXERCISE --seed <seed> --set …`` with the
row's ``sets`` is exactly that replication. The same seed is used for replication ``i`` of every
variant (common random numbers): variants differ by their settings, not by luck.

No matplotlib or pandas here: workers import only the model.
"""

from __future__ import annotations

import math
import traceback
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.exercise import Exercise, format_t, load_exercise_text
from sim.exercise.overrides import Override
from sim.runs.kpirecorder import KpiRecorder
from sim.runs.session import Session

__all__ = [
    "Outcome",
    "SweepSpec",
    "Variant",
    "derived_seed",
    "jitter_rng",
    "replicate",
    "run_chunk",
    "variant_exercise",
]


@dataclass(frozen=True)
class Variant:
    """One combination of ``--vary`` values: its index, a readable name and its overrides."""

    index: int
    name: str
    sets: tuple[Override, ...]


@dataclass(frozen=True)
class SweepSpec:
    """Everything a replication needs, picklable and the same on every worker."""

    text: str
    source: str
    base_sets: tuple[Override, ...]
    variants: tuple[Variant, ...]
    root_seed: int
    n: int
    jitter: float = 0.0  # half-width of the uniform inject shift, minutes (0: none)
    grid: float | None = 15.0  # band sampling step in minutes (None: no series)
    check: bool = False  # keep per-inject times and milestones (the dry run)


@dataclass
class Outcome:
    """What one replication sends back: its table row, band series and dry-run extras."""

    variant: int
    replication: int
    row: dict[str, Any]
    series: list[list[float]] | None = None
    injects: dict[str, tuple[str, float, str | None]] = field(default_factory=dict)
    first: dict[str, float] = field(default_factory=dict)


def derived_seed(root: int, i: int) -> int:
    """The model seed of replication ``i``: a SeedSequence child of the root, 63 bits."""
    state = np.random.SeedSequence(root, spawn_key=(0, i)).generate_state(1, np.uint64)
    return int(state[0] >> np.uint64(1))


def jitter_rng(root: int, i: int) -> np.random.Generator:
    """The inject-timing stream of replication ``i``: independent of the model's streams."""
    return np.random.default_rng(np.random.SeedSequence(root, spawn_key=(1, i)))


_CACHE: dict[tuple[str, str, tuple[Override, ...]], Exercise] = {}


def variant_exercise(spec: SweepSpec, variant: Variant) -> Exercise:
    """The validated exercise of a variant, loaded once per process."""
    key = (spec.text, spec.source, (*spec.base_sets, *variant.sets))
    ex = _CACHE.get(key)
    if ex is None:
        ex = load_exercise_text(spec.text, spec.source, [*spec.base_sets, *variant.sets])
        if len(_CACHE) > 64:
            _CACHE.clear()
        _CACHE[key] = ex
    return ex


def jittered(ex: Exercise, width: float, rng: np.random.Generator) -> tuple[Exercise, list[Any]]:
    """Shift every timed inject by a uniform whole-minute draw in [-width, width].

    Times stay within [STARTEX, ENDEX]. Returns the exercise and ``(inject id, shift, new time)``
    per timed inject, in MSEL order (one draw per timed inject, so the stream is stable).
    """
    endex = ex.exercise.duration
    shifts, injects = [], []
    for inj in ex.injects:
        if inj.time is None:
            injects.append(inj)
            continue
        draw = float(rng.uniform(-width, width))
        new = float(min(max(round(inj.time + draw), 0), math.floor(endex)))
        shifts.append((str(inj.id), new - inj.time, new))
        injects.append(inj.model_copy(update={"time": new}))
    return ex.model_copy(update={"injects": injects}), shifts


def replicate(spec: SweepSpec, variant: int, i: int, seed: int) -> Outcome:
    """Simulate replication ``i`` of ``variant`` with ``seed``; an error becomes the row's
    ``error`` instead of stopping the sweep."""
    v = spec.variants[variant]
    sets = [f"{k}={val}" for k, val in v.sets]
    row: dict[str, Any] = {
        "variant": v.name,
        "replication": i,
        "seed": seed,
        "sets": "",
        "error": "",
    }
    try:
        ex = variant_exercise(spec, v)
        if spec.jitter > 0:
            ex, shifts = jittered(ex, spec.jitter, jitter_rng(spec.root_seed, i))
            for iid, shift, new in shifts:
                row[f"shift.{iid}"] = shift
                sets.append(f"injects.{iid}.time={format_t(new)}")
        row["sets"] = " ".join(sets)
        rec = KpiRecorder(spec.grid)
        session = Session(ex, seed=seed, record=rec)  # the one session path, lean recorder
        session.start()
        session.finish()
        if rec.row is None:
            raise RuntimeError("the run ended without run_end")
        row.update(rec.row)
        out = Outcome(variant, i, row)
        if spec.grid is not None:
            out.series = rec.series(math.floor(ex.exercise.duration / spec.grid) + 1)
        if spec.check:
            out.injects, out.first = rec.injects, rec.first
        return out
    except Exception as exc:  # recorded, not fatal: the sweep goes on
        row["sets"] = row["sets"] or " ".join(sets)
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" at {last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno}" if last else ""
        row["error"] = f"{type(exc).__name__}: {exc}{where}"
        return Outcome(variant, i, row)


def run_chunk(spec: SweepSpec, tasks: list[tuple[int, int, int]]) -> list[Outcome]:
    """Run ``(variant, replication, seed)`` tasks in one go (one pickling round trip).

    The seeds travel with every task, so Dask, which merges identical calls, cannot merge two
    replications.
    """
    return [replicate(spec, v, i, seed) for v, i, seed in tasks]
