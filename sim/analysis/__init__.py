"""Layer 4, analysis: KPIs, the debrief timeline, the heat map and the HTML report.

Everything here reads a journal (``events.jsonl`` as a list of dicts) and, optionally, the
exercise it came from; never SimPy or the model's objects. Importing this package is cheap:
pandas and matplotlib are imported only by the modules that need them, on first use, so
``ttx run --no-plots`` and sweep workers never pay for them.

Public entry points (imported lazily on first access):
``render_run``, ``kpis``, ``summary_lines``, ``draw_timeline``, ``save_timeline``,
``draw_heatmap``, ``write_report``, ``build_tables``, ``t``.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "FORMATS",
    "build_tables",
    "check_formats",
    "draw_heatmap",
    "draw_timeline",
    "kpis",
    "render_run",
    "save_timeline",
    "summary_lines",
    "t",
    "write_report",
]

FORMATS: tuple[str, ...] = ("png", "svg", "pdf")
"""The figure formats the debrief writes (``ttx run``, ``ttx plot --format``)."""


def check_formats(formats: Iterable[str]) -> list[str]:
    """The formats asked for, trimmed and in lower case; ValueError names one not in FORMATS.

    Here, not beside the drawing code, so the CLI can check before importing matplotlib.
    """
    chosen = [f.strip().lower() for f in formats if f.strip()]
    for fmt in chosen:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    return chosen


_LAZY = {
    "build_tables": "sim.analysis.tables",
    "draw_heatmap": "sim.analysis.heatmap",
    "draw_timeline": "sim.analysis.timeline",
    "kpis": "sim.analysis.kpis",
    "save_timeline": "sim.analysis.timeline",
    "summary_lines": "sim.analysis.kpis",
    "t": "sim.analysis.labels",
    "write_report": "sim.analysis.report",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'sim.analysis' has no attribute {name!r}")


def render_run(
    run_dir: str | Path,
    lang: str = "en",
    formats: Iterable[str] = FORMATS,
    report: bool = True,
    exercise: Any = None,
) -> list[Path]:
    """Write ``timeline.<format>`` (and ``report.html``) into a finished run folder.

    Returns the paths written. Raises ``sim.analysis.render.RunFolderError`` (a ValueError) for
    a folder without a usable journal.
    """
    from sim.analysis.render import render_run as _render_run

    return _render_run(run_dir, lang=lang, formats=formats, report=report, exercise=exercise)
