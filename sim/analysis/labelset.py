"""Many short one-line labels in one artist: the request ids and labels on timeline bars.

A matplotlib ``Text`` lays itself out again for every renderer (PNG, SVG and PDF each draw the
figure once), with transforms, a bounding box and line metrics per label. A national timeline
has hundreds of bar labels, so that layout cost more than the bars themselves. The labels here
are measured once, with the font itself (``drawkit.text_width_in``), and drawn straight through
``renderer.draw_text``: the files still hold real text (searchable in SVG and PDF), placed where
a ``Text`` with the same alignment would put it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.artist import Artist, allow_rasterization

from sim.analysis.drawkit import font, line_metrics_pt, text_width_in

__all__ = ["LANE_GID", "Label", "LabelSet", "label_height_pt", "lane_names", "line_pitch_pt"]

LANE_GID = "lane-names"
"""The ``gid`` of a panel's lane-name label sets (``lane_names`` reads them)."""


@dataclass(frozen=True)
class Label:
    x: float  # data coordinates
    y: float
    text: str
    ha: str = "left"  # "left", "right" or "center"
    color: str | None = None  # None: the set's colour


_SHIFT = {"left": 0.0, "center": 0.5, "right": 1.0}


class LabelSet(Artist):
    """Labels at data points of one axes, aligned like ``Text`` with ``ha`` per label and
    ``va`` ("center", "bottom" or "top") for the set; a label may have several lines."""

    def __init__(
        self,
        labels: list[Label],
        *,
        fontsize: float,
        color: str = "black",
        weight: str = "normal",
        style: str = "normal",
        va: str = "center",
        clip: bool = False,
        gid: str | None = None,
        zorder: float = 4,
        axis_x: float | None = None,
        x_offset_pt: float = 0.0,
        axis_y: float | None = None,
        y_offset_pt: float = 0.0,
    ) -> None:
        """``axis_x``: place every label at this x in axes coordinates (0 = the left spine),
        ignoring the labels' own x, as y tick labels are; ``x_offset_pt`` shifts them sideways.
        ``axis_y`` and ``y_offset_pt`` do the same upwards, as x tick labels are placed."""
        super().__init__()
        if va not in _RISE:
            raise ValueError(f"va must be one of {', '.join(_RISE)}, not {va!r}")
        if axis_x is not None and axis_y is not None:
            raise ValueError("axis_x and axis_y place labels on different axes: give one")
        self.labels = labels
        self.prop = font(fontsize, weight, style)
        self.weight, self.style = weight, style
        self.color = color
        self.va = va
        self.clip = clip
        self.set_gid(gid)
        self.set_zorder(zorder)
        self.axis_x, self.x_offset_pt = axis_x, x_offset_pt
        self.axis_y, self.y_offset_pt = axis_y, y_offset_pt
        # one row per line: (label index, line number, line, shift left in points); left-aligned
        # lines (most) need no measuring
        self._lines = [
            (k, n, line, _line_shift_pt(line, lb.ha, fontsize, weight, style))
            for k, lb in enumerate(labels)
            for n, line in enumerate(lb.text.split("\n"))
        ]

    def get_texts(self) -> list[str]:
        """The label strings, in drawing order (for tests and tools, as ``ax.texts`` is)."""
        return [lb.text for lb in self.labels]

    def _anchors(self) -> np.ndarray:
        """Each label's anchor point in display pixels."""
        assert self.axes is not None
        if self.axis_x is not None:
            return self.axes.get_yaxis_transform().transform(
                [(self.axis_x, lb.y) for lb in self.labels]
            )
        if self.axis_y is not None:
            return self.axes.get_xaxis_transform().transform(
                [(lb.x, self.axis_y) for lb in self.labels]
            )
        return self.axes.transData.transform([(lb.x, lb.y) for lb in self.labels])

    @allow_rasterization
    def draw(self, renderer: Any) -> None:
        if not self.get_visible() or not self.labels or self.axes is None:
            return
        points = self._anchors()
        px_per_pt = renderer.points_to_pixels(1.0)
        size = self.prop.get_size_in_points()
        height, descent = line_metrics_pt(size, self.weight)
        pitch = line_pitch_pt(size, self.weight)
        lines_of = [lb.text.count("\n") + 1 for lb in self.labels]
        flip = renderer.flipy()
        _, canvas_h = renderer.get_canvas_width_height()
        gc = renderer.new_gc()
        gc.set_alpha(self.get_alpha())
        if self.clip:
            gc.set_clip_rectangle(self.axes.bbox)
        renderer.open_group("labelset", gid=self.get_gid())
        current = None
        for k, n, line, shift in self._lines:
            label, lines = self.labels[k], lines_of[k]
            block = height + (lines - 1) * pitch  # the whole label's height, top to bottom
            # the baseline of line n (0 = the top line), relative to the anchor, in points
            top = _RISE[self.va] * block
            rise = top - height + descent - n * pitch + self.y_offset_pt
            x = points[k, 0] + (self.x_offset_pt - shift) * px_per_pt
            y = points[k, 1] + rise * px_per_pt
            colour = label.color or self.color
            if colour != current:
                gc.set_foreground(colour)
                current = colour
            renderer.draw_text(
                gc, float(x), float(canvas_h - y if flip else y), line, self.prop, 0.0
            )
        renderer.close_group("labelset")
        gc.restore()
        self.stale = False


_LINESPACING = 1.2  # matplotlib's Text default


def line_pitch_pt(size: float, weight: str = "normal") -> float:
    """Baseline to baseline of a label's lines, as ``Text`` lays them out: below a line's
    descent, the next line's ascent times the line spacing."""
    height, descent = line_metrics_pt(size, weight)
    return descent + (height - descent) * _LINESPACING


def label_height_pt(lines: int, size: float, weight: str = "normal") -> float:
    """Height of a label of ``lines`` lines, top of the first to the bottom of the last."""
    height, _ = line_metrics_pt(size, weight)
    return height + (lines - 1) * line_pitch_pt(size, weight)


_RISE = {"bottom": 1.0, "center": 0.5, "top": 0.0}
"""Where the label's top is above its anchor, as a share of the label's height."""


def _line_shift_pt(line: str, ha: str, size: float, weight: str, style: str) -> float:
    if ha == "left":
        return 0.0
    return text_width_in([line], size, weight, style) * 72.0 * _SHIFT[ha]


def lane_names(fig: Any) -> dict[str, list[str]]:
    """The lane labels of each panel (``regions``, ``units``, ``capacity``) from top to bottom,
    for tests and accessibility text."""
    names: dict[str, list[str]] = {}
    for ax in fig.axes:
        if ax.get_label() in ("regions", "units", "capacity"):
            sets = [a for a in ax.artists if isinstance(a, LabelSet) and a.get_gid() == LANE_GID]
            lanes = sorted((lb.y, lb.text) for s in sets for lb in s.labels)
            names[str(ax.get_label())] = [text for _, text in lanes]
    return names
