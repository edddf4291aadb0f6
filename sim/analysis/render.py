"""A run folder in, debrief files out: the glue between ``ttx run``/``ttx plot`` and the figures.

A run folder is ``results/<exercise-id>/<run-id>/`` with ``events.jsonl`` (required),
``effective.yaml`` (the exercise, optional for the analysis: it only adds names and objectives)
and ``run.json``. Output files go into the same folder, written atomically, and never into
another run's folder. Names: ``timeline.<fmt>``, ``map.<fmt>`` and ``report.html`` in English; other languages
add the language (``timeline.nl.png``, ``report.nl.html``) and a time window adds it
(``timeline_0200-0600.png``), so re-plotting never replaces a different view.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.analysis import FORMATS, check_formats
from sim.analysis.labels import check_language
from sim.analysis.runread import RunDir, RunFolderError, load_run, output_stem
from sim.analysis.tables import RunTables

if TYPE_CHECKING:
    from sim.exercise import Exercise

__all__ = [
    "FORMATS",
    "PRESETS",
    "RunFolder",
    "RunFolderError",
    "check_formats",
    "load_run",
    "output_stem",
    "render_loaded",
    "render_projector",
    "render_run",
]


RunFolder = RunDir
"""The run folder as the analysis reads it (``sim.rundir.RunDir``; old name kept)."""


def render_run(
    run_dir: str | Path,
    lang: str = "en",
    formats: Iterable[str] = FORMATS,
    report: bool = True,
    *,
    t_from: float | None = None,
    t_to: float | None = None,
    exercise: Exercise | None = None,
    preset: str = "print",
    regions: list[str] | None = None,
    capabilities: list[str] | None = None,
    crises: list[str] | None = None,
) -> list[Path]:
    """Draw the timeline (and the report) of one run folder; return the files written.

    ``preset``: ``print`` (one tall figure) or ``projector`` (16:9 pages, see
    ``sim.analysis.projector``). ``regions``/``capabilities``/``crises`` choose what is shown
    (ValueError names one the run does not have)."""
    check_language(lang)
    chosen = check_formats(formats)
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; choose from {', '.join(PRESETS)}")
    run = load_run(run_dir, exercise)
    selection = {"regions": regions, "capabilities": capabilities, "crises": crises}
    if preset == "projector" or any(v is not None for v in selection.values()):
        from sim.analysis.tables import build_tables
        from sim.analysis.viewfilter import filter_tables

        tables = filter_tables(build_tables(run.events, validate=False), **selection)
        suffix = _selection_suffix(selection)
        if preset == "projector":
            return render_projector(run, lang, chosen, tables, t_from, t_to, suffix)
        return render_loaded(
            run, lang, chosen, False, t_from=t_from, t_to=t_to, tables=tables, suffix=suffix
        )
    return render_loaded(run, lang, chosen, report, t_from=t_from, t_to=t_to)


PRESETS: tuple[str, ...] = ("print", "projector")
"""``ttx plot --preset``: one tall figure for print and zooming, or 16:9 pages for a room."""


def _selection_suffix(selection: dict[str, list[str] | None]) -> str:
    """``_VR22+VR23`` …: a chosen view gets its own file name (never replaces the whole run)."""
    names = [n for values in selection.values() if values for n in values]
    if not names:
        return ""
    text = "+".join(names)
    return "_" + (text if len(text) <= 60 else text[:57] + "…")


def render_projector(
    run: RunDir,
    lang: str,
    formats: list[str],
    tables: RunTables,
    t_from: float | None = None,
    t_to: float | None = None,
    suffix: str = "",
) -> list[Path]:
    """Write the projector deck: ``projector-01-injects.png``, ``projector-02-regions-1.png`` …
    (``.nl.png`` in Dutch), 1920 × 1080 px each."""
    from sim.analysis import figstyle as fs
    from sim.analysis.projector import PAGE_DPI, iter_projector_pages
    from sim.fileio import write_bytes_atomic

    written: list[Path] = []
    pages = iter_projector_pages(tables, run.exercise, lang, t_from, t_to)
    with heap_settled():
        for k, page in enumerate(pages, 1):  # saved and let go one by one
            stem = output_stem(f"projector{suffix}-{k:02d}-{page.name}", lang, t_from, t_to)
            for fmt in formats:
                target = run.path / f"{stem}.{fmt}"
                write_bytes_atomic(target, fs.figure_bytes(page.figure, fmt, dpi=PAGE_DPI))
                written.append(target)
    return written


def render_loaded(
    run: RunDir,
    lang: str,
    formats: list[str],
    report: bool = True,
    *,
    t_from: float | None = None,
    t_to: float | None = None,
    tables: RunTables | None = None,
    kpi_tables: dict[str, Any] | None = None,
    suffix: str = "",
) -> list[Path]:
    """``render_run`` for a run already read: ``ttx run`` passes the tables and KPIs (in
    ``lang``) it built from the same journal, so nothing is read or built twice."""
    # imported before the heap is settled, so that their own objects are left out too
    from sim.analysis import heatmap, mapfig, timeline  # noqa: F401
    from sim.analysis import report as report_module  # noqa: F401

    with heap_settled():
        return _render(run, lang, formats, report, t_from, t_to, tables, kpi_tables, suffix)


@contextmanager
def heap_settled() -> Iterator[None]:
    """Leave what exists so far (modules, the journal, the tables) out of the cyclic garbage
    collector while figures are drawn, and hand it back afterwards.

    Drawing allocates many short-lived objects, so the collector runs often, and each of its
    full passes walked every object the run had made: in ``ttx run`` of the national exercise
    that was 0.16 s of the 1.9 s that plots add (0.07 s now). Nothing is kept alive longer than
    it would be; only cycles that die during the drawing wait for the next pass after it.
    """
    if gc.get_freeze_count():  # frozen already (by the caller, or an outer use): leave it so
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _render(
    run: RunDir,
    lang: str,
    formats: list[str],
    report: bool,
    t_from: float | None,
    t_to: float | None,
    tables: RunTables | None,
    kpi_tables: dict[str, Any] | None,
    suffix: str,
) -> list[Path]:
    from sim.analysis import figstyle as fs
    from sim.analysis.mapfig import draw_map
    from sim.analysis.report import write_report_for
    from sim.analysis.tables import build_tables
    from sim.analysis.timeline import draw_timeline_tables

    if tables is None:
        tables = build_tables(run.events, validate=False)
    fig = draw_timeline_tables(tables, run.exercise, lang, t_from, t_to)
    stem = output_stem(f"timeline{suffix}", lang, t_from, t_to)
    written: list[Path] = []
    png = _save(fig, run.path, stem, formats, written)
    if report:
        # the whole run's sites and journeys, drawn once, saved in every format
        map_fig = draw_map(run.events, run.exercise, lang)
        map_png = _save(map_fig, run.path, output_stem("map", lang), formats, written)
        if map_png is None:
            map_png = fs.figure_bytes(map_fig, "png")
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
                map_png=map_png,
            )
        )
    return written


def _save(
    fig: Any, folder: Path, stem: str, formats: list[str], written: list[Path]
) -> bytes | None:
    """Write ``stem.<fmt>`` for each format (atomically); return the PNG bytes if one was made."""
    from sim.analysis import figstyle as fs
    from sim.fileio import write_bytes_atomic

    png = None
    for fmt in formats:
        data = fs.figure_bytes(fig, fmt)
        if fmt == "png":
            png = data
        target = folder / f"{stem}.{fmt}"
        write_bytes_atomic(target, data)
        written.append(target)
    return png
