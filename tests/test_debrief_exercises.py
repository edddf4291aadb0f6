"""Every exercise in the library gives a full debrief: three timeline files and a report, whose
figure agrees with the journal (a bar per submitted request, a marker per fired inject) and
whose labels beside request bars sit clear of every bar and of each other, for the whole run
and for a window (in Dutch), and whose legends fit in the figure. A bar across the whole window
puts its label on a row of its own, so every label is checked; and every output meant for
people (KPI CSVs, summary, HTML in English and Dutch) carries no NaN, no Python text and no
"1 units"."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from sim.analysis.drawkit import text_width_in
from sim.analysis.labelset import LabelSet
from sim.analysis.render import load_run
from sim.analysis.timeline import draw_timeline
from sim.exercise import load_exercise_full
from sim.runs import run_exercise

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = sorted((ROOT / "exercises").glob("*.yaml"))


def _label_clashes(ax: Any) -> list[str]:
    """Labels beside request bars that overlap a request bar or another such label on their row
    (measured in pixels, as drawn)."""
    (outline,) = [c for c in ax.collections if c.get_gid() == "request-bars"]
    (labels,) = [
        a for a in ax.artists if isinstance(a, LabelSet) and a.get_gid() == "request-labels"
    ]
    dpi = ax.figure.dpi
    rows: dict[float, list[tuple[float, float, str]]] = {}
    for path in outline.get_paths():
        (x0, y0), (x1, y1) = ax.transData.transform(path.get_extents().get_points())
        rows.setdefault(round((y0 + y1) / 2, 1), []).append((x0, x1, "bar"))
    spans = []
    for lb in labels.labels:
        x, y = ax.transData.transform((lb.x, lb.y))
        w = text_width_in([lb.text], 7.0) * dpi
        x0, x1 = (x, x + w) if lb.ha == "left" else (x - w, x)
        spans.append((round(y, 1), x0, x1, lb.text))
    clashes = []
    for k, (y, x0, x1, text) in enumerate(spans):
        others = rows.get(y, []) + [
            (a, b, t) for j, (yy, a, b, t) in enumerate(spans) if yy == y and j != k
        ]
        clashes += [
            f"{text!r} overlaps {t!r}" for a, b, t in others if a < x1 - 0.5 and x0 + 0.5 < b
        ]
    return clashes


def _legend_text_outside(fig: Any) -> list[str]:
    """Legend entries that run past the figure's right edge (cut off in the saved files).

    Legends are placed when the figure is drawn: call this on a drawn figure."""
    renderer = FigureCanvasAgg(fig).get_renderer()  # the figure is drawn for PNG with Agg
    right = fig.bbox.x1
    return [
        text.get_text()
        for ax in fig.axes
        if ax.get_legend() is not None
        for text in ax.get_legend().get_texts()
        if text.get_window_extent(renderer).x1 > right + 0.5
    ]


_DATA_URI = re.compile(r"data:image/[a-z]+;base64,[A-Za-z0-9+/=]+")
_REPR = re.compile(r"\{'|\['|<NA>|\bnan\b|\bNaT\b|>None<|\bNone\b(?= *[,)<]|$)", re.IGNORECASE)
_SINGULAR_PLURAL = re.compile(
    r"(?<![\d.,])1 (units|requests|crises|regions|injects|decisions|hours"
    r"|eenheden|verzoeken|regio's|besluiten|uren)\b"
)


def _text_problems(name: str, text: str) -> list[str]:
    """Python reprs, NaN and "1 units" in a file meant for people (images left out)."""
    text = _DATA_URI.sub("", text)
    found = [f"{name}: {m.group(0)!r} in …{text[max(0, m.start() - 40) : m.end() + 20]!r}"
             for m in _REPR.finditer(text)]  # fmt: skip
    found += [f"{name}: {m.group(0)!r}" for m in _SINGULAR_PLURAL.finditer(text)]
    return found


def _csv_problems(path: Path) -> list[str]:
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        cells = [cell for row in csv.reader(fh) for cell in row]
    bad = {"nan", "NaN", "None", "<NA>", "NaT", "[]", "{}"}
    return [f"{path.name}: cell {c!r}" for c in cells if c in bad or _REPR.search(c)]


def _count(events: list[dict[str, Any]], kind: str, state: str) -> int:
    return sum(1 for e in events if e["kind"] == kind and e["state"] == state)


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
def test_exercise_debrief_files_and_structure(path: Path, tmp_path: Path) -> None:
    result = run_exercise(
        load_exercise_full(path), tmp_path, plots=True, formats=["png", "svg", "pdf"]
    )
    for name in ("timeline.png", "timeline.svg", "timeline.pdf", "report.html"):
        assert (result.folder / name).stat().st_size > 1000, name
    html = (result.folder / "report.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and 'src="http' not in html
    run = load_run(result.folder)
    fig = draw_timeline(run.events, run.exercise)
    axes = {ax.get_label(): ax for ax in fig.axes}
    (bars,) = [c for c in axes["regions"].collections if c.get_gid() == "request-bars"]
    assert len(bars.get_paths()) == _count(run.events, "request", "submitted")
    fired = sum(
        len(line.get_xdata())
        for line in axes["injects"].lines
        if (line.get_gid() or "").startswith("inject-fired-")
    )
    assert fired == _count(run.events, "inject", "fired")
    fig.draw_without_rendering()
    assert _label_clashes(axes["regions"]) == []
    # a window (ttx plot --from/--to) cuts bars at its edges: labels must still fit beside them
    end = run.events[-1]["t"]
    window = draw_timeline(run.events, run.exercise, "nl", t_from=0.2 * end, t_to=0.55 * end)
    window.draw_without_rendering()
    assert _label_clashes({ax.get_label(): ax for ax in window.axes}["regions"]) == []
    assert _legend_text_outside(fig) == [] and _legend_text_outside(window) == []
    # every output meant for people, in both languages: no NaN, no Python text, right plurals
    from sim.analysis.kpis import kpis_from_tables, summary_lines
    from sim.analysis.report import write_report_for
    from sim.analysis.tables import build_tables

    tables = build_tables(run.events)
    dutch = kpis_from_tables(tables, run.exercise, "nl")
    nl_html = write_report_for(run, "nl", tables=tables, kpi_tables=dutch).read_text("utf-8")
    problems = _text_problems("report.html", html) + _text_problems("report.nl.html", nl_html)
    for lang in ("en", "nl"):
        lines = summary_lines(kpis_from_tables(tables, run.exercise, lang), lang)
        problems += _text_problems(f"summary ({lang})", "\n".join(lines))
    for csv_path in sorted(result.folder.glob("kpi_*.csv")):
        problems += _csv_problems(csv_path)
    assert problems == []
