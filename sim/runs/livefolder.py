"""The folder of a live session: visible from its first moment, appended as things happen.

Unlike a batch run (built under a hidden name, renamed when complete), a live session's folder
must be on disk while it runs, so that ``ttx play --resume`` can rebuild it after a crash. It
holds the same files as a batch run; ``run.json`` says ``"status": "in progress"`` until the
session ends, then ``complete``, and the debrief files (KPI tables, timeline, report) are
written last. ``events.jsonl``, ``decisions.jsonl`` and ``notes.jsonl`` are flushed line by
line; ``script.jsonl`` records which lines of a script were applied, for ``--resume --script``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sim.exercise import LoadedExercise
from sim.fileio import write_text_atomic
from sim.journal import canonical
from sim.runs.folder import RunFolder, new_run_id
from sim.runs.single import effective_yaml, manifest_for, write_manifest, write_tables

__all__ = ["DebriefNotDrawn", "LiveFolder"]

STREAMS = ("events.jsonl", "decisions.jsonl", "notes.jsonl", "script.jsonl")


class DebriefNotDrawn(Exception):
    """The run is complete and its KPI tables written, but its figures or report are not."""


class LiveFolder:
    def __init__(self, path: Path, manifest: dict[str, Any]) -> None:
        self.path = path
        self.manifest = manifest
        self._files: dict[str, IO[str]] = {}

    @classmethod
    def create(
        cls,
        loaded: LoadedExercise,
        out: Path,
        *,
        command: list[str] | None,
        players: bool,
        speed: float,
    ) -> LiveFolder:
        ex = loaded.exercise
        started = datetime.now(UTC)
        building = RunFolder(out, ex.id, new_run_id(ex.exercise.seed, started) + "-live")
        try:  # built under a hidden name, so a crash now leaves no folder that cannot resume
            write_text_atomic(building.path("exercise.yaml"), loaded.text)
            write_text_atomic(building.path("effective.yaml"), effective_yaml(loaded))
            manifest = manifest_for(
                loaded,
                command,
                started,
                players="hub" if players else "none",
                status="in progress",
                live={"speed": speed},
            )
            write_manifest(building.path("run.json"), manifest)
            for name in STREAMS:
                building.path(name).touch()
            path = building.commit()
        except BaseException:
            building.abandon()
            raise
        folder = cls(path, manifest)
        folder.open("a")
        return folder

    @classmethod
    def reopen(cls, path: Path) -> LiveFolder:
        manifest = json.loads((path / "run.json").read_text(encoding="utf-8"))
        return cls(path, manifest)

    def open(self, mode: str) -> None:
        for name in STREAMS:
            self._files[name] = open(  # noqa: SIM115 - kept open for the whole session
                self.path / name, mode, encoding="utf-8", newline="\n"
            )

    def stream(self, name: str) -> IO[str]:
        return self._files[name]

    def script_step(self, line: int, decisions: int, notes: int, state: str) -> None:
        """A script line is being applied, or was (with what the logs held then)."""
        out = self._files["script.jsonl"]
        record = {"line": line, "decisions": decisions, "notes": notes, "state": state}
        out.write(canonical(record) + "\n")
        out.flush()

    def close_streams(self, keep: tuple[str, ...] = ()) -> None:
        for name in [n for n in self._files if n not in keep]:
            self._files.pop(name).close()

    def complete(self, loaded: LoadedExercise, *, plots: bool, lang: str, events: int) -> None:
        """The session ended: write the KPI tables and the debrief files, then mark it so.

        ``notes.jsonl`` stays open: a note typed at the console after ENDEX (the hot wash) is
        kept there, though the report written now does not show it (``ttx report`` again does).
        """
        self.close_streams(keep=("notes.jsonl",))
        run, analysis, tables = write_tables(self.path, loaded.exercise)
        self.tables = tables
        self.manifest.update(  # the run is complete; the figures and report are drawn from it
            status="complete", finished=datetime.now(UTC).isoformat(), events=events
        )
        write_manifest(self.path / "run.json", self.manifest)
        if not plots:
            return
        from sim.analysis.kpis import kpis_in_language
        from sim.analysis.render import render_loaded

        run.manifest = self.manifest
        try:
            render_loaded(
                run,
                lang,
                ["png"],
                tables=analysis,
                kpi_tables=kpis_in_language(tables, analysis, lang),
            )
        except Exception as exc:  # the run stays complete; run.json says what was not drawn
            why = f"{type(exc).__name__}: {exc}"
            self.manifest["debrief_error"] = why
            write_manifest(self.path / "run.json", self.manifest)
            raise DebriefNotDrawn(why) from exc
