"""Reading a run folder: the one place that knows its file names and how to read them.

Layer 2 (beside the journal): imports only the standard library, ``sim.journal`` and
``sim.exercise``, so the analysis, the runs layer and the faces can all use it. A run folder is
``results/<exercise-id>/<run-id>/``:

=================== ==================================================================
``events.jsonl``    the journal (required)
``exercise.yaml``   the exact input
``effective.yaml``  the exercise with every default filled in (names, objectives)
``run.json``        the manifest (seed, command, versions)
``decisions.jsonl`` every decision and who made it (``docs/debrief.md`` has the keys)
``notes.jsonl``     facilitator and observer notes, answers to injects (live sessions)
``aar.yaml``        the evaluators' input to the after-action report
=================== ==================================================================

Problems become ``RunFolderError``: a ValueError whose message is one line naming the file
(and line), for the faces to print with exit code 2. The writer lives in ``sim.runs.folder``
for now; the lead moves it here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.decisionlog import DecisionLogError, check_decision_line
from sim.journal import read_events

if TYPE_CHECKING:
    from sim.exercise import Exercise

__all__ = ["FILES", "RunDir", "RunFolderError", "open_run", "read_jsonl"]

FILES: dict[str, str] = {
    "events": "events.jsonl",
    "exercise": "exercise.yaml",
    "effective": "effective.yaml",
    "manifest": "run.json",
    "decisions": "decisions.jsonl",
    "notes": "notes.jsonl",
    "aar": "aar.yaml",
}
"""File names inside a run folder, by role."""


class RunFolderError(ValueError):
    """The run folder (or one file in it) cannot be read; the message is one line naming it."""


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """JSON Lines of objects; RunFolderError with ``FILE:LINE:COL`` on the first bad line."""
    records: list[dict[str, Any]] = []
    try:
        with path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise RunFolderError(
                        f"{path}:{number}:{exc.colno}: error: not a JSON line: {exc.msg}"
                    ) from None
                if not isinstance(record, dict):
                    raise RunFolderError(f"{path}:{number}:1: error: a line must be a JSON object")
                records.append(record)
    except (OSError, UnicodeDecodeError) as exc:
        raise RunFolderError(f"{path}: error: cannot read: {exc}") from None
    return records


@dataclass
class RunDir:
    """A run folder as read for the debrief: the journal, the exercise when it loads, the
    manifest, and the paths of the optional files (read on demand)."""

    path: Path
    events: list[dict[str, Any]]
    exercise: Exercise | None = None
    exercise_problem: str | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    name: str | None = None  # the run's id while it is being written under a hidden name

    @property
    def run_id(self) -> str:
        return self.name or self.path.resolve().name

    def file(self, role: str) -> Path:
        """The path of one file by its role in ``FILES`` (it may not exist)."""
        return self.path / FILES[role]

    @property
    def aar_path(self) -> Path:
        return self.file("aar")

    def decisions(self) -> list[dict[str, Any]]:
        """``decisions.jsonl`` in order of ``n``; [] when the run has none."""
        path = self.file("decisions")
        if not path.is_file():
            return []
        lines = read_jsonl(path)
        try:  # each line's fields checked, as replay does (a NaN time was an internal error)
            for number, line in enumerate(lines, 1):
                check_decision_line(line, f"{path}:{number}")
        except DecisionLogError as exc:
            raise RunFolderError(str(exc)) from None
        return sorted(lines, key=lambda d: (d.get("n") is None, d.get("n") or 0))

    def notes(self) -> list[dict[str, Any]]:
        """``notes.jsonl`` (live sessions) in order of ``n``; [] when there is none."""
        path = self.file("notes")
        if not path.is_file():
            return []
        return sorted(read_jsonl(path), key=lambda d: (d.get("n") is None, d.get("n") or 0))


def open_run(run_dir: str | Path, exercise: Exercise | None = None) -> RunDir:
    """Read a run folder's journal, manifest and exercise; RunFolderError when unusable.

    A missing or broken ``effective.yaml`` is not fatal: it is noted in ``exercise_problem``
    and the debrief falls back to ids instead of names. ``exercise``: the run's exercise when
    the caller already holds it, so ``effective.yaml`` is not validated again.
    """
    path = Path(run_dir)
    if not path.exists():
        raise RunFolderError(f"{path}: error: no such run folder")
    if not path.is_dir():
        raise RunFolderError(f"{path}: error: not a folder (give the run folder, not a file)")
    journal = path / FILES["events"]
    if not journal.is_file():
        raise RunFolderError(f"{journal}: error: no journal in this run folder")
    try:
        events = read_events(journal)
    except ValueError as exc:
        raise RunFolderError(str(exc).splitlines()[0]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RunFolderError(f"{journal}: error: cannot read: {exc}") from None
    run = RunDir(path, events)
    effective = path / FILES["effective"]
    if exercise is not None:
        run.exercise = exercise
    elif effective.is_file():
        run.exercise, run.exercise_problem = _load_exercise(effective)
    else:
        run.exercise_problem = f"{effective}: warning: missing; names and objectives left out"
    manifest = path / FILES["manifest"]
    if manifest.is_file():
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            run.manifest = data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            run.manifest = {}
    return run


def _load_exercise(path: Path) -> tuple[Exercise | None, str | None]:
    from sim.exercise import ExerciseFileError, load_exercise

    try:
        return load_exercise(path), None
    except ExerciseFileError as exc:
        first = str(exc.issues[0]) if exc.issues else str(exc)
        return None, f"{first.splitlines()[0]} (figures use ids instead of names)"
