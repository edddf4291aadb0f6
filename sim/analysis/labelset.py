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

__all__ = ["Label", "LabelSet"]


@dataclass(frozen=True)
class Label:
    x: float  # data coordinates
    y: float
    text: str
    ha: str = "left"  # "left", "right" or "center"
    color: str | None = None  # None: the set's colour


_SHIFT = {"left": 0.0, "center": 0.5, "right": 1.0}


class LabelSet(Artist):
    """One-line labels at data points of one axes, aligned like ``Text`` with ``ha`` per label
    and ``va`` ("center" or "bottom") for the set."""

    def __init__(
        self,
        labels: list[Label],
        *,
        fontsize: float,
        color: str = "black",
        weight: str = "normal",
        va: str = "center",
        clip: bool = False,
        gid: str | None = None,
        zorder: float = 4,
        axis_x: float | None = None,
        x_offset_pt: float = 0.0,
    ) -> None:
        """``axis_x``: place every label at this x in axes coordinates (0 = the left spine),
        ignoring the labels' own x, as tick labels are; ``x_offset_pt`` shifts them sideways."""
        super().__init__()
        if va not in ("center", "bottom"):
            raise ValueError(f"va must be 'center' or 'bottom', not {va!r}")
        self.labels = labels
        self.prop = font(fontsize, weight)
        self.weight = weight
        self.color = color
        self.va = va
        self.clip = clip
        self.set_gid(gid)
        self.set_zorder(zorder)
        self.axis_x = axis_x
        self.x_offset_pt = x_offset_pt
        self._shift_pt = np.array(  # left-aligned labels (most) need no measuring
            [
                text_width_in([lb.text], fontsize, weight) * 72.0 * _SHIFT[lb.ha]
                if lb.ha != "left"
                else 0.0
                for lb in labels
            ]
        )

    def get_texts(self) -> list[str]:
        """The label strings, in drawing order (for tests and tools, as ``ax.texts`` is)."""
        return [lb.text for lb in self.labels]

    @allow_rasterization
    def draw(self, renderer: Any) -> None:
        if not self.get_visible() or not self.labels or self.axes is None:
            return
        if self.axis_x is None:
            points = self.axes.transData.transform([(lb.x, lb.y) for lb in self.labels])
        else:
            points = self.axes.get_yaxis_transform().transform(
                [(self.axis_x, lb.y) for lb in self.labels]
            )
        px_per_pt = renderer.points_to_pixels(1.0)
        height, descent = line_metrics_pt(self.prop.get_size_in_points(), self.weight)
        rise = (height / 2 - descent) if self.va == "center" else -descent
        baseline = points[:, 1] - rise * px_per_pt
        left = points[:, 0] + (self.x_offset_pt - self._shift_pt) * px_per_pt
        flip = renderer.flipy()
        _, canvas_h = renderer.get_canvas_width_height()
        gc = renderer.new_gc()
        gc.set_alpha(self.get_alpha())
        if self.clip:
            gc.set_clip_rectangle(self.axes.bbox)
        renderer.open_group("labelset", gid=self.get_gid())
        current = None
        for label, x, y in zip(self.labels, left, baseline, strict=True):
            colour = label.color or self.color
            if colour != current:
                gc.set_foreground(colour)
                current = colour
            renderer.draw_text(
                gc, float(x), float(canvas_h - y if flip else y), label.text, self.prop, 0.0
            )
        renderer.close_group("labelset")
        gc.restore()
        self.stale = False
