"""One batch run of an exercise: a session played to ENDEX into a new results folder.

The folder holds everything needed to understand and replay the run from it alone:
``exercise.yaml`` (the exact input), ``effective.yaml`` (every default, reference value and
override filled in), ``run.json`` (manifest), ``events.jsonl`` (journal), ``decisions.jsonl``
(every choice), KPI tables and, unless ``plots`` is off, the timeline and the report. It is
written under a hidden name and appears only when all of that is written: an interrupted or
failed run leaves no folder that looks finished.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from sim import __version__
from sim.cellsafe import neutralise_frame
from sim.exercise import LoadedExercise
from sim.fileio import write_text_atomic
from sim.runs.fingerprint import model_fingerprint
from sim.runs.folder import RunFolder, new_run_id
from sim.runs.session import Session
from sim.runs.versions import package_versions

__all__ = ["RunResult", "effective_yaml", "manifest_for", "package_versions", "run_exercise"]


@dataclass
class RunResult:
    """What a run returns: its folder and its KPI tables (not the live world)."""

    folder: Path
    seconds: float
    events: int
    kpis: dict[str, Any]


def effective_yaml(loaded: LoadedExercise) -> str:
    header = (
        f"# Effective exercise for {loaded.exercise.id}: the input {loaded.source}\n"
        "# with every default, reference value and --set override filled in.\n"
        "# `ttx validate` accepts it and `ttx run` on it reproduces the run.\n"
        "# Rules some values set: a crisis with hold_for_injects: true stays active (it may\n"
        "# de-escalate, not end by itself) until the last timed or chained inject naming it has\n"
        "# fired; an end_crisis inject still ends it. hub.mobilisation_threshold: 0 means only a\n"
        "# mobilise inject or the players decide the national mobilisation.\n"
    )
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when present: ~10x faster
    body = yaml.dump(
        loaded.exercise.to_data(), Dumper=dumper, sort_keys=False, allow_unicode=True, width=100
    )
    return header + body


def manifest_for(
    loaded: LoadedExercise, command: list[str] | None, started: datetime, **extra: Any
) -> dict[str, Any]:
    """``run.json``: what made the run, for replay and for the debrief."""
    ex = loaded.exercise
    return {
        "tool": "knooppunt-ttx",
        "version": __version__,
        "model": model_fingerprint(),
        "exercise": ex.id,
        "exercise_file": loaded.source,
        "exercise_sha256": loaded.sha256,
        "input_sha256": hashlib.sha256(loaded.text.encode("utf-8")).hexdigest(),
        "seed": ex.exercise.seed,
        "policy": ex.hub.policy,
        "overrides": [f"{k}={v}" for k, v in loaded.overrides],
        "command": command if command is not None else sys.argv,
        "started": started.isoformat(),
        "versions": package_versions(),
        **extra,
    }


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    write_text_atomic(path, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


def run_exercise(
    loaded: LoadedExercise,
    out: Path,
    *,
    command: list[str] | None = None,
    plots: bool = True,
    lang: str = "en",
    formats: list[str] | None = None,
) -> RunResult:
    """Simulate ``loaded`` and write a complete, new results folder under ``out``."""
    ex = loaded.exercise
    started = datetime.now(UTC)
    folder = RunFolder(out, ex.id, new_run_id(ex.exercise.seed, started))
    try:
        t0 = time.perf_counter()
        with (
            open(folder.path("events.jsonl"), "w", encoding="utf-8", newline="\n") as events,
            open(folder.path("decisions.jsonl"), "w", encoding="utf-8", newline="\n") as log,
        ):
            session = Session(ex, events=events, decisions=log)
            session.start()
            session.finish()
        seconds = time.perf_counter() - t0
        write_text_atomic(folder.path("exercise.yaml"), loaded.text)
        write_text_atomic(folder.path("effective.yaml"), effective_yaml(loaded))
        run, analysis, tables = write_tables(folder.path(""), ex)
        manifest = manifest_for(
            loaded,
            command,
            started,
            players="none",
            status="complete",
            finished=datetime.now(UTC).isoformat(),
            simulation_seconds=round(seconds, 3),
            events=len(session.journal),
        )
        write_manifest(folder.path("run.json"), manifest)
        if plots:
            from sim.analysis.kpis import kpis_in_language
            from sim.analysis.render import render_loaded

            run.manifest, run.name = manifest, folder.name
            render_loaded(
                run,
                lang,
                formats or ["png"],
                tables=analysis,
                kpi_tables=kpis_in_language(tables, analysis, lang),  # the CSVs are in English
            )
        path = folder.commit()
    except BaseException:
        folder.abandon()
        raise
    return RunResult(path, seconds, len(session.journal), tables)


def write_tables(directory: Path, exercise: Any) -> tuple[Any, Any, dict[str, Any]]:
    """KPI tables as CSV (for spreadsheets) next to the journal. Returns the run as the
    analysis reads it, its tables and the KPIs, for the timeline and report to reuse.

    They come from ``events.jsonl`` as written, not from the events in memory, so they are
    exactly what ``ttx plot`` and ``ttx report`` build from the folder later.
    """
    from sim.analysis.kpis import kpis_from_tables
    from sim.analysis.render import load_run
    from sim.analysis.tables import build_tables

    run = load_run(directory, exercise)  # reads and checks the journal
    analysis = build_tables(run.events, validate=False)
    tables = kpis_from_tables(analysis, exercise)
    for name, frame in tables.items():  # for spreadsheets: no cell can run as a formula
        text = neutralise_frame(frame).to_csv(index=False, lineterminator="\n")
        write_text_atomic(directory / f"kpi_{name}.csv", text)
    return run, analysis, tables
