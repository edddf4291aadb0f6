"""One run of an exercise: simulate, write the journal and the inputs, then the debrief files.

The folder holds everything needed to understand and replay the run from it alone:
``exercise.yaml`` (the exact input), ``effective.yaml`` (every default, reference value and
override filled in), ``run.json`` (manifest), ``events.jsonl`` (journal), KPI tables and, unless
``plots`` is off, the timeline and the report.
"""

from __future__ import annotations

import json
import platform
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from sim import __version__
from sim.exercise import LoadedExercise
from sim.fileio import write_text_atomic
from sim.journal import Journal
from sim.model import World, simulate
from sim.runs.fingerprint import model_fingerprint
from sim.runs.folder import RunFolder, new_run_id

__all__ = ["RunResult", "effective_yaml", "run_exercise"]


@dataclass
class RunResult:
    folder: Path
    world: World
    events: list[dict[str, Any]]
    seconds: float
    kpis: dict[str, Any]


def effective_yaml(loaded: LoadedExercise) -> str:
    header = (
        f"# Effective exercise for {loaded.exercise.id}: the input {loaded.source}\n"
        "# with every default, reference value and --set override filled in.\n"
        "# `ttx validate` accepts it and `ttx run` on it reproduces the run.\n"
    )
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when present: ~10x faster
    body = yaml.dump(
        loaded.exercise.to_data(), Dumper=dumper, sort_keys=False, allow_unicode=True, width=100
    )
    return header + body


def package_versions() -> dict[str, str]:
    """Python and the versions of the packages a run depends on (recorded in run.json)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("simpy", "numpy", "pydantic", "pyyaml", "matplotlib", "pandas"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "missing"
    return out


def run_exercise(
    loaded: LoadedExercise,
    out: Path,
    *,
    command: list[str] | None = None,
    plots: bool = True,
    lang: str = "en",
) -> RunResult:
    """Simulate ``loaded`` and write a complete, new results folder under ``out``."""
    ex = loaded.exercise
    seed = ex.exercise.seed
    started = datetime.now(UTC)
    folder = RunFolder(out, ex.id, new_run_id(seed, started))
    try:
        t0 = time.perf_counter()
        with open(folder.path("events.jsonl"), "w", encoding="utf-8", newline="\n") as stream:
            journal = Journal(stream)
            world = simulate(ex, journal)
        seconds = time.perf_counter() - t0
        write_text_atomic(folder.path("exercise.yaml"), loaded.text)
        write_text_atomic(folder.path("effective.yaml"), effective_yaml(loaded))
        run, analysis, tables = _write_tables(folder, ex)
        manifest = {
            "tool": "knooppunt-ttx",
            "version": __version__,
            "model": model_fingerprint(),
            "exercise": ex.id,
            "exercise_file": loaded.source,
            "exercise_sha256": loaded.sha256,
            "seed": seed,
            "policy": ex.hub.policy,
            "overrides": [f"{k}={v}" for k, v in loaded.overrides],
            "command": command if command is not None else sys.argv,
            "started": started.isoformat(),
            "finished": datetime.now(UTC).isoformat(),
            "simulation_seconds": round(seconds, 3),
            "events": len(journal),
            "versions": package_versions(),
        }
        write_text_atomic(
            folder.path("run.json"), json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        )
        path = folder.commit()
    except BaseException:
        folder.abandon()
        raise
    if plots:
        from sim.analysis.kpis import kpis_in_language
        from sim.analysis.render import FORMATS, render_loaded

        run.path, run.manifest = path, manifest  # the folder as committed
        render_loaded(
            run,
            lang,
            list(FORMATS),
            tables=analysis,
            kpi_tables=kpis_in_language(tables, analysis, lang),  # the CSVs are in English
        )
    return RunResult(path, world, journal.events, seconds, tables)


def _write_tables(folder: RunFolder, exercise: Any) -> tuple[Any, Any, dict[str, Any]]:
    """KPI tables as CSV (for spreadsheets) next to the journal. Returns the run as the
    analysis reads it, its tables and the KPIs, for the timeline and report to reuse.

    They come from ``events.jsonl`` as written, not from the events in memory, so they are
    exactly what ``ttx plot`` and ``ttx report`` build from the folder later.
    """
    from sim.analysis.kpis import kpis_from_tables
    from sim.analysis.render import load_run
    from sim.analysis.tables import build_tables

    run = load_run(folder.path(""), exercise)  # reads and checks the journal
    analysis = build_tables(run.events, validate=False)
    tables = kpis_from_tables(analysis, exercise)
    for name, frame in tables.items():
        write_text_atomic(
            folder.path(f"kpi_{name}.csv"), frame.to_csv(index=False, lineterminator="\n")
        )
    return run, analysis, tables
