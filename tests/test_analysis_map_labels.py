"""Region seats' labels on the map keep off the crisis sites' stars: in the national run the
seat label VR13 sat partly under Amsterdam's star (the seat is a few km from the site), and
VR12, VR15, VR23, VR24 and more under or against theirs. Measured in pixels as drawn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.lines import Line2D

from sim.analysis.drawkit import text_width_in
from sim.analysis.labelset import LabelSet
from sim.analysis.mapfig import draw_map
from sim.exercise import load_exercise
from sim.journal import Journal
from sim.model import build_world

ROOT = Path(__file__).resolve().parent.parent


def _seat_boxes(ax: Any) -> list[tuple[str, tuple[float, float, float, float]]]:
    px_per_pt = ax.figure.dpi / 72.0
    out = []
    for s in ax.artists:
        if not (isinstance(s, LabelSet) and s.get_gid() == "map-seats"):
            continue
        assert s.va == "center"
        for lb in s.labels:
            x, y = ax.transData.transform((lb.x, lb.y))
            w = text_width_in([lb.text], 6.5) * ax.figure.dpi
            x0 = x - w if lb.ha == "right" else x - w / 2 if lb.ha == "center" else x
            h = 6.5 * 0.75 * px_per_pt  # cap height's half either side, about
            out.append((lb.text, (x0, y - h, x0 + w, y + h)))
    return out


def _star_boxes(ax: Any) -> list[tuple[float, float, float, float]]:
    px_per_pt = ax.figure.dpi / 72.0
    out = []
    for line in ax.findobj(Line2D):
        if line.get_marker() != "*":
            continue
        half = line.get_markersize() / 2 * 0.8 * px_per_pt  # the star's points, not its box
        for x, y in ax.transData.transform(line.get_xydata()):
            out.append((x - half, y - half, x + half, y + half))
    return out


def test_no_seat_label_sits_under_a_crisis_star() -> None:
    exercise = load_exercise(ROOT / "exercises" / "national-stress-test.yaml")
    journal = Journal()
    build_world(exercise, journal, seed=exercise.exercise.seed).run()
    fig = draw_map(journal.events, exercise, "en")
    fig.canvas.draw()
    (ax,) = [a for a in fig.axes if a.get_label() == "map"]
    seats, stars = _seat_boxes(ax), _star_boxes(ax)
    assert len(stars) >= 8 and any(text == "VR13" for text, _ in seats)
    under = [
        text
        for text, (a0, b0, a1, b1) in seats
        for c0, d0, c1, d1 in stars
        if a0 < c1 and c0 < a1 and b0 < d1 and d0 < b1
    ]
    assert not under, under
