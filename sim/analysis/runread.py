"""A run folder as the analysis reads it, and the names of the files the debrief writes.

Reading goes through ``sim.rundir`` (the one reader of run folders); this module adds the
journal check the figures rely on. It imports neither ``render`` nor ``report``, so both can
use it without importing each other.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sim.analysis.tables import JournalError, validate_journal
from sim.exercise.times import format_t
from sim.rundir import FILES, RunDir, RunFolderError, open_run

if TYPE_CHECKING:
    from sim.exercise import Exercise

__all__ = ["RunDir", "RunFolderError", "load_run", "output_stem"]


def load_run(run_dir: str | Path, exercise: Exercise | None = None) -> RunDir:
    """``sim.rundir.open_run`` plus the journal check; RunFolderError (one line) when unusable."""
    run = open_run(run_dir, exercise)
    try:
        validate_journal(run.events, str(run.path / FILES["events"]))
    except (JournalError, ValueError) as exc:
        raise RunFolderError(str(exc).splitlines()[0]) from None
    return run


def output_stem(
    name: str, lang: str = "en", t_from: float | None = None, t_to: float | None = None
) -> str:
    """``timeline``, ``timeline.nl``, ``timeline_0200-0600`` …: one file name per view."""
    stem = name
    if t_from is not None or t_to is not None:
        a = format_t(t_from or 0.0)[2:].replace(":", "")
        b = format_t(t_to)[2:].replace(":", "") if t_to is not None else "ENDEX"
        stem += f"_{a}-{b}"
    if lang != "en":
        stem += f".{lang}"
    return stem
