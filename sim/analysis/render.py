"""A run folder in, debrief files out: the glue between ``ttx run``/``ttx plot`` and the figures.

A run folder is ``results/<exercise-id>/<run-id>/`` with ``events.jsonl`` (required),
``effective.yaml`` (the exercise, optional for the analysis: it only adds names and objectives)
and ``run.json``. Output files go into the same folder, written atomically, and never into
another run's folder. Names: ``timeline.<fmt>`` and ``report.html`` in English; other languages
add the language (``timeline.nl.png``, ``report.nl.html``) and a time window adds it
(``timeline_0200-0600.png``), so re-plotting never replaces a different view.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.analysis import FORMATS, check_formats
from sim.analysis.labels import check_language
from sim.analysis.tables import Event, JournalError, RunTables, validate_journal
from sim.exercise.times import format_t
from sim.journal import read_events

if TYPE_CHECKING:
    from sim.exercise import Exercise

__all__ = [
    "FORMATS",
    "RunFolder",
    "RunFolderError",
    "check_formats",
    "load_run",
    "output_stem",
    "render_loaded",
    "render_run",
]


class RunFolderError(ValueError):
    """The run folder cannot be analysed; the message is one line naming the file."""


@dataclass
class RunFolder:
    """What the analysis reads from a run folder."""

    path: Path
    events: list[Event]
    exercise: Exercise | None = None
    exercise_problem: str | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    name: str | None = None  # the run's id while it is written under a hidden name

    @property
    def run_id(self) -> str:
        return self.name or self.path.resolve().name


def load_run(run_dir: str | Path, exercise: Exercise | None = None) -> RunFolder:
    """Read a run folder; raise RunFolderError (one line, naming the file) when unusable.

    A missing or broken ``effective.yaml`` is not fatal: it is noted in ``exercise_problem``
    and the figures fall back to ids instead of names. ``exercise``: the run's exercise when the
    caller already holds it (``ttx run``), so ``effective.yaml`` need not be validated again.
    """
    path = Path(run_dir)
    if not path.exists():
        raise RunFolderError(f"{path}: error: no such run folder")
    if not path.is_dir():
        raise RunFolderError(f"{path}: error: not a folder (give the run folder, not a file)")
    journal = path / "events.jsonl"
    if not journal.is_file():
        raise RunFolderError(f"{journal}: error: no journal in this run folder")
    try:
        events = read_events(journal)
        validate_journal(events, str(journal))
    except (JournalError, ValueError) as exc:
        raise RunFolderError(str(exc).splitlines()[0]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RunFolderError(f"{journal}: error: cannot read: {exc}") from None
    run = RunFolder(path, events)
    effective = path / "effective.yaml"
    if exercise is not None:
        run.exercise = exercise
    elif effective.is_file():
        run.exercise, run.exercise_problem = _load_exercise(effective)
    else:
        run.exercise_problem = f"{effective}: warning: missing; names and objectives left out"
    manifest = path / "run.json"
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


def render_run(
    run_dir: str | Path,
    lang: str = "en",
    formats: Iterable[str] = FORMATS,
    report: bool = True,
    *,
    t_from: float | None = None,
    t_to: float | None = None,
    exercise: Exercise | None = None,
) -> list[Path]:
    """Draw the timeline (and the report) of one run folder; return the files written."""
    check_language(lang)
    chosen = check_formats(formats)
    return render_loaded(
        load_run(run_dir, exercise), lang, chosen, report, t_from=t_from, t_to=t_to
    )


def render_loaded(
    run: RunFolder,
    lang: str,
    formats: list[str],
    report: bool = True,
    *,
    t_from: float | None = None,
    t_to: float | None = None,
    tables: RunTables | None = None,
    kpi_tables: dict[str, Any] | None = None,
) -> list[Path]:
    """``render_run`` for a run already read: ``ttx run`` passes the tables and KPIs (in
    ``lang``) it built from the same journal, so nothing is read or built twice."""
    from sim.analysis import figstyle as fs
    from sim.analysis.tables import build_tables
    from sim.analysis.timeline import draw_timeline_tables
    from sim.fileio import write_bytes_atomic

    if tables is None:
        tables = build_tables(run.events, validate=False)
    fig = draw_timeline_tables(tables, run.exercise, lang, t_from, t_to)
    stem = output_stem("timeline", lang, t_from, t_to)
    written: list[Path] = []
    png: bytes | None = None
    for fmt in formats:
        data = fs.figure_bytes(fig, fmt)
        if fmt == "png":
            png = data
        target = run.path / f"{stem}.{fmt}"
        write_bytes_atomic(target, data)
        written.append(target)
    if report:
        from sim.analysis.report import write_report_for

        whole = t_from is None and t_to is None
        if whole and png is None:  # the report embeds the same figure as PNG
            png = fs.figure_bytes(fig, "png")
        written.append(
            write_report_for(
                run,
                lang,
                tables=tables,
                kpi_tables=kpi_tables,
                timeline_png=png if whole else None,
            )
        )
    return written
