"""Small drawing helpers shared by the timeline panels: measured text, bars, colour maps.

Text is measured with the font itself (``text_to_path``), not by a layout engine: the timeline
sizes its margins and packs request labels from these widths before anything is drawn, which is
both exact and far cheaper than letting matplotlib re-measure every label on every save.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any, cast

import numpy as np
from matplotlib.collections import Collection, PathCollection, PolyCollection
from matplotlib.path import Path

from sim.analysis import figstyle as fs

__all__ = [
    "KEY_ROW_IN",
    "bars",
    "cmap",
    "font",
    "held",
    "line_metrics_pt",
    "panel_title",
    "rect",
    "shade_sections",
    "text_width_in",
]

KEY_ROW_IN = 0.16  # one line of the inject key, inches


def text_width_in(
    texts: Iterable[str], size: float, weight: str = "normal", style: str = "normal"
) -> float:
    """Width in inches of the widest of ``texts`` (of their widest line) in the figure font at
    ``size`` points."""
    lines = {line for text in texts for line in text.split("\n") if line}
    return max((_width_pt(line, size, weight, style) for line in lines), default=0.0) / 72.0


@cache
def _width_pt(text: str, size: float, weight: str, style: str = "normal") -> float:
    from matplotlib.textpath import text_to_path

    width, _, _ = text_to_path.get_text_width_height_descent(
        text, font(size, weight, style), ismath=False
    )
    return float(width)


@cache
def font(size: float, weight: str = "normal", style: str = "normal") -> Any:
    """The figure font (DejaVu Sans) at ``size`` points."""
    from matplotlib.font_manager import FontProperties

    return FontProperties(family="DejaVu Sans", size=size, weight=weight, style=cast(Any, style))


@cache
def line_metrics_pt(size: float, weight: str = "normal") -> tuple[float, float]:
    """(height, descent) in points of one line of the figure font, as ``Text`` measures a line."""
    from matplotlib.textpath import text_to_path

    _, height, descent = text_to_path.get_text_width_height_descent(
        "lp", font(size, weight), ismath=False
    )
    return float(height), float(descent)


def panel_title(ax: Any, text: str, pad: float | None = None) -> None:
    """Left-aligned panel title at a fixed height above the axes (``pad`` points).

    An explicit ``y`` switches off matplotlib's automatic title placement, which measures every
    y tick label of the axes on each draw to dodge top tick labels: hundreds of lane names, in
    each of the three formats. Only the inject strip has top tick labels, and its pad clears them.
    """
    ax.set_title(text, loc="left", y=1.0, pad=pad)


def rect(x0: float, x1: float, y: float, h: float) -> list[tuple[float, float]]:
    """Corners of a bar from ``x0`` to ``x1`` centred on lane ``y``, ``h`` lanes high."""
    half = h / 2
    return [(x0, y - half), (x0, y + half), (x1, y + half), (x1, y - half)]


def bars(rects: list[Any], style: fs.BarStyle, gid: str, zorder: float) -> Collection:
    """All bars of one style as one collection (one artist, however many bars).

    Hatched bars become one compound path: Agg renders the hatch tile once per path, so three
    hundred hatched bars as separate paths cost about forty times as much as one path holding
    them all, for the same pixels (the pattern is anchored to the page either way).
    """
    look = {
        "facecolors": style.face,
        "edgecolors": style.edge,
        "hatch": style.hatch,
        "linewidths": 0.4,
        "zorder": zorder,
        "gid": gid,
    }
    if style.hatch:
        compound = Path.make_compound_path_from_polys(np.asarray(rects, dtype=float))
        return PathCollection([compound], **look)
    return PolyCollection(rects, **look)  # type: ignore[arg-type]


def shade_sections(ax: Any, starts: list[int], end: int) -> None:
    """Lanes grouped in sections (a region's rows, a capability's units): every other section
    shaded and a thin line between sections, so a long panel reads section by section."""
    bounds = [*starts, end]
    for k in range(len(bounds) - 1):
        if k % 2:
            ax.axhspan(bounds[k] - 0.5, bounds[k + 1] - 0.5, color="#F3F3F3", zorder=0)
        if k:
            ax.axhline(bounds[k] - 0.5, color="#B0B0B0", linewidth=0.6, zorder=0.6)


def held(values: Any) -> np.ndarray:
    """A step series' values as floats with the last one repeated: held to the window's end
    (``step(where="post")`` needs one more x than the values it changes at)."""
    array = np.asarray(values, dtype=float)
    return np.append(array, array[-1])


def cmap(name: str) -> Any:
    import matplotlib as mpl

    return mpl.colormaps[name]
