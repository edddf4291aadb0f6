"""Where the map puts a crisis site's label: beside its star, clear of the other sites' stars.

Labels are placed from estimated boxes (in points) before anything is drawn: measuring drawn
texts would mean drawing the map twice.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Box", "box_at", "free_corner", "marker_box"]

Point = tuple[float, float]  # (lon, lat) here: the axes' x and y


_CORNERS = ((8, -4, "left", "top"), (-8, 6, "right", "bottom"), (8, 8, "left", "bottom"),
            (-8, -4, "right", "top"), (9, 0, "left", "center"), (-9, 0, "right", "center"),
            (0, 9, "center", "bottom"), (0, -9, "center", "top"))  # fmt: skip


Box = tuple[float, float, float, float]  # left, bottom, right, top in points


def box_at(ax: Any, xy: Point, text: str, dx: float, dy: float, ha: str, va: str,
           size: float = 7.5) -> Box:  # fmt: skip
    """The estimated box (points) of ``text`` set at ``dx, dy`` points from ``xy`` (lon, lat)."""
    px_per_pt = ax.figure.dpi / 72.0
    x0, y0 = ax.transData.transform(xy) / px_per_pt
    lines = text.split("\n")
    w, h = 0.62 * size * max(len(line) for line in lines), 1.35 * size * len(lines)
    left = x0 + dx - (w if ha == "right" else w / 2 if ha == "center" else 0.0)
    bottom = y0 + dy - (h if va == "top" else 0.0 if va == "bottom" else h / 2)
    return left, bottom, left + w, bottom + h


def _overlap(a: Box, b: Box) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def marker_box(ax: Any, xy: Point, half: float) -> Box:
    """The box (points) of a marker ``half`` points either side of ``xy`` (lon, lat)."""
    x, y = ax.transData.transform(xy) / (ax.figure.dpi / 72.0)
    return x - half, y - half, x + half, y + half


_STAR_WEIGHT = 50.0
"""How much worse a label over a crisis site's star is than one over another label."""


def free_corner(
    ax: Any, xy: Point, text: str, placed: list[Box], stars: list[Box], marks: list[Box]
) -> tuple[float, float, str, str]:
    """The place beside a site whose label box overlaps least with what is there: the other
    sites' stars above all (a label there names the wrong site), then the bases' and request
    sites' markers and the labels already set (seats, bases, other sites); the first place on
    a tie. Near sites such as Haarlem and Amsterdam then label on their outer sides."""
    boxes = [box_at(ax, xy, text, *corner) for corner in _CORNERS]

    def cost(k: int) -> tuple[float, int]:
        box = boxes[k]
        covered = sum(_overlap(box, b) for b in stars) * _STAR_WEIGHT
        covered += sum(_overlap(box, b) for b in [*marks, *placed])
        return covered, k

    best = min(range(len(_CORNERS)), key=cost)
    placed.append(boxes[best])
    return _CORNERS[best]
