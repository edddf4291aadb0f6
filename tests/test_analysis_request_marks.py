"""A request bar's label is kept clear of the markers on its bar: in the national run R085
(VR12) is asked a few minutes before ENDEX, so its bar is shorter than the ▶ that says it is
still open, and its label (set before the bar, at the right edge) sat under that marker.
Measured in pixels as drawn, on every projector page and in the print timeline: a label
touching a marker reads as one shape, so each label keeps CLEAR_PT from every marker."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from matplotlib.lines import Line2D

from sim.analysis.drawkit import text_width_in
from sim.analysis.labelset import LabelSet
from sim.analysis.projector import iter_projector_pages
from sim.analysis.tables import RunTables, build_tables
from sim.analysis.timeline import draw_timeline_tables
from sim.exercise import Exercise, load_exercise
from sim.journal import Journal
from sim.model import build_world

ROOT = Path(__file__).resolve().parent.parent

Box = tuple[float, float, float, float]

CLEAR_PT = 2.0
"""Least room between a request label and a marker (the figure's label pad is 2.9 pt)."""


@cache
def _national() -> tuple[RunTables, Exercise]:
    exercise = load_exercise(ROOT / "exercises" / "national-stress-test.yaml")
    journal = Journal()
    build_world(exercise, journal, seed=exercise.exercise.seed).run()
    return build_tables(journal.events), exercise


def _label_boxes(ax: Any) -> list[tuple[str, Box]]:
    """Each request label's box in display pixels (7 pt, as the label set draws it)."""
    sets = [a for a in ax.artists if isinstance(a, LabelSet) and a.get_gid() == "request-labels"]
    px_per_pt = ax.figure.dpi / 72.0
    out = []
    for s in sets:
        for lb in s.labels:
            x, y = ax.transData.transform((lb.x, lb.y))
            w = text_width_in([lb.text], 7.0) * ax.figure.dpi
            x0 = x - w if lb.ha == "right" else x - w / 2 if lb.ha == "center" else x
            half_h = 3.5 * px_per_pt
            out.append((lb.text, (x0, y - half_h, x0 + w, y + half_h)))
    return out


def _marker_boxes(ax: Any) -> list[tuple[str, Box]]:
    """Each request marker's box in display pixels (marker size and edge), CLEAR_PT wider."""
    out = []
    for line in ax.findobj(Line2D):
        gid = line.get_gid() or ""
        if not gid.startswith("request-mark-"):
            continue
        half_pt = (line.get_markersize() + line.get_markeredgewidth()) / 2 + CLEAR_PT
        half = half_pt * ax.figure.dpi / 72.0
        for x, y in ax.transData.transform(line.get_xydata()):
            out.append(
                (gid.removeprefix("request-mark-"), (x - half, y - half, x + half, y + half))
            )
    return out


def _clashes(fig: Any) -> list[str]:
    fig.canvas.draw()  # transforms as saved
    found = []
    for ax in fig.axes:
        if ax.get_label() != "regions":
            continue
        marks = _marker_boxes(ax)
        for text, (a0, b0, a1, b1) in _label_boxes(ax):
            for mark, (c0, d0, c1, d1) in marks:
                if a0 < c1 and c0 < a1 and b0 < d1 and d0 < b1:
                    found.append(f"{text!r} under the {mark} marker")
    return found


def test_no_request_label_sits_under_a_marker_on_any_projector_page() -> None:
    T, exercise = _national()
    clashes = []
    seen_r085 = False
    for page in iter_projector_pages(T, exercise):
        if page.name.startswith("regions"):
            texts = [t for ax in page.figure.axes for t, _ in _label_boxes(ax)]
            seen_r085 |= any(t.startswith("R085 ") for t in texts)
            clashes += [f"{page.name}: {c}" for c in _clashes(page.figure)]
    assert seen_r085  # the short bar open at ENDEX that started this
    assert not clashes, clashes


def test_no_request_label_sits_under_a_marker_in_the_print_timeline() -> None:
    T, exercise = _national()
    fig = draw_timeline_tables(T, exercise)
    assert not _clashes(fig)
