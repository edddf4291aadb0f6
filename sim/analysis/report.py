"""The after-action report (evaluatierapport): one self-contained HTML file per run.

Everything is in the one file (figures as base64 PNG ``<img>``, styles inline, no scripts, no
links to other files), so a facilitator can mail it or open it offline. Jinja2 renders it with
autoescaping on: inject titles and messages are typed by exercise designers and must never be
able to inject markup. The figures and tables come from the journal (``kpis``,
``draw_timeline``); the exercise adds names and training objectives when it is available.
The three after-action sections are left empty (editable in the browser) for the evaluators.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from jinja2 import Environment, PackageLoader

from sim import __version__
from sim.analysis import figstyle as fs
from sim.analysis.kpis import kpis_from_tables
from sim.analysis.labels import check_language, t, t_or
from sim.analysis.report_rows import ReportRows
from sim.analysis.report_tables import summary_tables
from sim.analysis.runread import RunDir, load_run, output_stem
from sim.analysis.tables import Event, RunTables, build_tables
from sim.fileio import write_text_atomic

if TYPE_CHECKING:
    from sim.exercise import Exercise

__all__ = ["render_report", "report_context", "write_report", "write_report_for"]

_MANIFEST_KEYS = ("version", "tool_version", "command", "overrides", "exercise_sha256")
"""run.json fields shown in the overview (seed and policy are already among the run facts)."""


def write_report(run_dir: str | Path, lang: str = "en", formats: Sequence[str] = ("html",)) -> Path:
    """Write ``report.html`` (``report.<lang>.html`` for other languages; ``.docx`` with
    ``formats``) into the run folder."""
    return write_report_for(load_run(run_dir), lang, formats=formats)


def write_report_for(
    run: RunDir,
    lang: str = "en",
    *,
    tables: RunTables | None = None,
    kpi_tables: dict[str, pd.DataFrame] | None = None,
    timeline_png: bytes | None = None,
    map_png: bytes | None = None,
    formats: Sequence[str] = ("html",),
) -> Path:
    """``write_report`` for a run folder already loaded (``render_run`` shares its tables).

    ``formats``: ``html`` and/or ``docx``; returns the last path written. A malformed
    ``aar.yaml`` raises ``sim.analysis.aar.AarError`` (``FILE:LINE:COL`` lines)."""
    context = report_context(
        run.events,
        run.exercise,
        lang,
        tables=tables,
        kpi_tables=kpi_tables,
        timeline_png=timeline_png,
        map_png=map_png,
        run_id=run.run_id,
        manifest=run.manifest,
        problem=run.exercise_problem if run.exercise is None else None,
        run=run,
    )
    path = run.path
    for fmt in formats:
        path = run.path / f"{output_stem('report', lang)}.{fmt}"
        if fmt == "docx":
            from sim.analysis.report_docx import docx_bytes
            from sim.fileio import write_bytes_atomic

            write_bytes_atomic(path, docx_bytes(context, lang))
        else:
            write_text_atomic(path, _html(context, lang))
    return path


def render_report(
    events: Sequence[Event],
    exercise: Exercise | None = None,
    lang: str = "en",
    **kwargs: Any,
) -> str:
    """The report as one HTML string (figures embedded)."""
    return _html(report_context(events, exercise, lang, **kwargs), lang)


def _html(context: dict[str, Any], lang: str) -> str:
    env = Environment(
        loader=PackageLoader("sim.analysis", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = env.get_template("report.html.j2")
    return template.render(**context, t=lambda key, **kw: t(key, lang, **kw))


def report_context(
    events: Sequence[Event],
    exercise: Exercise | None = None,
    lang: str = "en",
    *,
    tables: RunTables | None = None,
    kpi_tables: dict[str, pd.DataFrame] | None = None,
    timeline_png: bytes | None = None,
    map_png: bytes | None = None,
    run_id: str | None = None,
    manifest: dict[str, Any] | None = None,
    problem: str | None = None,
    run: RunDir | None = None,
) -> dict[str, Any]:
    """Everything the HTML and Word reports show, as display strings and PNG bytes."""
    check_language(lang)
    T = tables if tables is not None else build_tables(events)
    K = kpi_tables if kpi_tables is not None else kpis_from_tables(T, exercise, lang)
    if timeline_png is None:
        from sim.analysis.timeline import draw_timeline_tables

        timeline_png = fs.figure_bytes(draw_timeline_tables(T, exercise, lang), "png")
    if map_png is None:
        from sim.analysis.mapfig import draw_map

        map_png = fs.figure_bytes(draw_map(T.events, exercise, lang), "png")
    from sim.analysis.aar import load_aar
    from sim.analysis.aar_evidence import facilitator_actions, objective_rows, session_notes
    from sim.analysis.heatmap import draw_heatmap_table
    from sim.analysis.notasked import crisis_sites, not_asked_rows

    heat = draw_heatmap_table(K["heatmap"], exercise, lang, travel=K.get("heatmap_travel"))
    heat_png = fs.figure_bytes(heat, "png")
    aar = load_aar(run.aar_path, exercise) if run is not None else None
    decisions = run.decisions() if run is not None else []
    notes = run.notes() if run is not None else []
    context = ReportRows(T, K, exercise, lang).build()
    context.update(
        timeline_png=timeline_png,
        heatmap_png=heat_png,
        timeline_img=_data_uri(timeline_png),
        heatmap_img=_data_uri(heat_png),
        map_png=map_png,
        map_img=_data_uri(map_png),
        run_id=run_id or "",
        manifest=[
            (t_or(f"manifest.{key}", key, lang), _manifest_value(manifest[key]))
            for key in _MANIFEST_KEYS
            if manifest and manifest.get(key) not in (None, "", [])
        ],
        problem=problem,
        version=__version__,
        aar_objectives=objective_rows(T, exercise, decisions, notes, aar, lang),
        session_notes=session_notes(notes, lang),
        facilitator_actions=facilitator_actions(decisions, lang),
        sites=crisis_sites(T.events, exercise),
        not_asked=not_asked_rows(T.events, exercise, lang),
        aar=_aar_view(aar, lang),
    )
    context["tables"] = summary_tables(context, lang)  # the same tables in HTML and Word
    return context


def _aar_view(aar: Any, lang: str) -> dict[str, Any] | None:
    """The evaluators' lists and plan as display strings (None: no aar.yaml yet)."""
    if aar is None:
        return None
    return {
        "evaluators": ", ".join(aar.evaluators),
        "strengths": list(aar.strengths),
        "improvements": list(aar.improvements),
        "plan": [
            {
                "issue": p.issue,
                "action": p.corrective_action,
                "element": t(f"aar.element.{p.capability_element}", lang),
                "responsible": p.responsible,
                "start": p.start.isoformat() if p.start else "–",
                "completion": p.completion.isoformat() if p.completion else "–",
            }
            for p in aar.improvement_plan
        ],
    }


def _manifest_value(value: Any) -> str:
    """A run.json value for people: lists (the command, overrides) joined with spaces."""
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value)
    return str(value)


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
