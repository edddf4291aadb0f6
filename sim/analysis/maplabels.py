"""Where the map puts a crisis site's label: beside its star, clear of the other sites' stars;
and a region seat's label: beside its dot, clear of every star (VR13's sat under Amsterdam's).

Labels are placed from estimated boxes (in points) before anything is drawn: measuring drawn
texts would mean drawing the map twice.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SEAT_CORNERS", "Box", "box_at", "free_corner", "marker_box", "seat_anchor"]

Point = tuple[float, float]  # (lon, lat) here: the axes' x and y


_CORNERS = ((8, -4, "left", "top"), (-8, 6, "right", "bottom"), (8, 8, "left", "bottom"),
            (-8, -4, "right", "top"), (9, 0, "left", "center"), (-9, 0, "right", "center"),
            (0, 9, "center", "bottom"), (0, -9, "center", "top"))  # fmt: skip


SEAT_CORNERS = ((3, -1, "left", "top"), (3, 1, "left", "bottom"), (-3, -1, "right", "top"),
                (-3, 1, "right", "bottom"), *_CORNERS)  # fmt: skip
"""Places beside a seat's small dot: close first (lower right, as seats were labelled), then
as far out as a star's labels, for a seat under a star."""

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
    ax: Any,
    xy: Point,
    text: str,
    placed: list[Box],
    stars: list[Box],
    marks: list[Box],
    corners: tuple[tuple[float, float, str, str], ...] = _CORNERS,
    size: float = 7.5,
) -> tuple[float, float, str, str]:
    """The place beside a site whose label box overlaps least with what is there: the other
    sites' stars above all (a label there names the wrong site), then the bases' and request
    sites' markers and the labels already set (seats, bases, other sites); the first place on
    a tie. Near sites such as Haarlem and Amsterdam then label on their outer sides.
    ``corners`` are the places tried (dx, dy in points, ha, va), ``size`` the font size."""
    boxes = [box_at(ax, xy, text, *corner, size=size) for corner in corners]

    def cost(k: int) -> tuple[float, int]:
        box = boxes[k]
        covered = sum(_overlap(box, b) for b in stars) * _STAR_WEIGHT
        covered += sum(_overlap(box, b) for b in [*marks, *placed])
        return covered, k

    best = min(range(len(corners)), key=cost)
    placed.append(boxes[best])
    return corners[best]


def seat_anchor(
    ax: Any, xy: Point, text: str, placed: list[Box], stars: list[Box], marks: list[Box],
    size: float = 6.5,
) -> tuple[float, float, str]:  # fmt: skip
    """Where a seat's one-line label goes (``free_corner`` over ``SEAT_CORNERS``), as the
    data point (lon, lat) and ``ha`` of a label set drawn with ``va="center"``."""
    corner = free_corner(ax, xy, text, placed, stars, marks, SEAT_CORNERS, size)
    left, bottom, right, top = placed[-1]
    x = left if corner[2] == "left" else right if corner[2] == "right" else (left + right) / 2
    px_per_pt = ax.figure.dpi / 72.0
    lon, lat = ax.transData.inverted().transform((x * px_per_pt, (bottom + top) / 2 * px_per_pt))
    return float(lon), float(lat), corner[2]
