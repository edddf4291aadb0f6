"""The timeline's shared time axis: grid lines, tick marks and ``T+hh:mm`` labels per panel.

Drawn as a few artists per panel, not as matplotlib ticks: every ``Tick`` is five artists (two
marks, a grid line, two labels) built, styled by deep copy and measured on each save, and the
time axis of a national timeline needed 150 of them, a third of its drawing time. Here each panel
gets one line collection for the grid and one marker line per row of tick marks; the top and
bottom panels add one ``LabelSet`` of labels. They sit where matplotlib puts its ticks (marks
``xtick.major.size`` long pointing out, labels ``pad`` points beyond them), and the x label is
placed below the labels, since matplotlib can no longer see them to dodge them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.markers import TICKDOWN, TICKUP, MarkerStyle
from matplotlib.ticker import MultipleLocator, NullLocator
from matplotlib.transforms import ScaledTranslation

from sim.analysis.labelset import Label, LabelSet, label_height_pt
from sim.analysis.timefmt import format_t, tick_steps

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["TIME_LABELS_GID", "draw_time_axis", "tick_positions", "time_labels", "time_window"]

TIME_LABELS_GID = "time-labels"
"""The ``gid`` of the label sets holding the time labels (``time_labels`` reads them)."""
GRID_COLOUR = "#D0D0D0"
TOP_LABEL_PT = 7.0  # the top labels are a little smaller: they sit under the figure title


def time_window(t_end: float, t_from: float | None, t_to: float | None) -> tuple[float, float]:
    """The minutes a figure of a run shows: ``t_from``-``t_to``, by default STARTEX to ENDEX.

    A run ended at STARTEX (``end`` typed at once) gets one minute, so its rows are drawn with
    nothing on them; a window the user gave that holds no time is refused (``ValueError``).
    """
    t0 = 0.0 if t_from is None else float(t_from)
    t1 = t_end if t_to is None else float(t_to)
    if t_from is None and t_to is None and t1 <= t0:
        t1 = t0 + 1.0
    if t1 <= t0:
        raise ValueError(f"empty time window: {format_t(t0)} to {format_t(t1)}")
    return t0, t1


def tick_positions(t0: float, t1: float) -> tuple[list[float], list[float]]:
    """Major and minor tick positions (minutes) inside ``t0``-``t1``; no minor on a major."""
    major, minor = tick_steps(t1 - t0)

    def inside(step: float) -> list[float]:
        values = MultipleLocator(step).tick_values(t0, t1)
        return [float(x) for x in values if t0 - 1e-6 <= x <= t1 + 1e-6]

    majors = inside(major)
    taken = {round(x, 6) for x in majors}
    return majors, [x for x in inside(minor) if round(x, 6) not in taken]


def draw_time_axis(
    axes: Sequence[Axes],
    t0: float,
    t1: float,
    label: Callable[[float], str],
    xlabel: str,
) -> None:
    """Give ``axes`` (top to bottom) the time window ``t0``-``t1``: grid lines and tick marks
    in every panel, minor marks under the top and bottom panels, ``label(x)`` texts above the top
    and below the bottom one, and
    ``xlabel`` under the bottom one."""
    majors, minors = tick_positions(t0, t1)
    top, bottom = axes[0], axes[-1]
    rc = mpl.rcParams
    size, pad = float(rc["xtick.major.size"]), float(rc["xtick.major.pad"])
    for ax in axes:
        ax.set_xlim(t0, t1)
        ax.xaxis.set_major_locator(NullLocator())
        ax.xaxis.set_minor_locator(NullLocator())
        if majors:
            ax.vlines(majors, 0, 1, transform=ax.get_xaxis_transform(), colors=GRID_COLOUR,
                      linewidths=0.6, zorder=0.4, gid="time-grid")  # fmt: skip
        edge = ax is top or ax is bottom
        _marks(ax, majors, 0.0, "major")
        if edge:
            _marks(ax, minors, 0.0, "minor")
    _marks(top, majors, 1.0, "major")  # above the figure: major marks only, under the labels
    texts = [Label(x, 0.0, label(x), ha="center") for x in majors]
    # one panel alone (a projector page) has both rows of labels in the top panel's size
    bottom_pt = TOP_LABEL_PT if top is bottom else _font_pt(rc["xtick.labelsize"])
    top.add_artist(
        LabelSet(
            texts,
            fontsize=TOP_LABEL_PT,
            va="bottom",
            axis_y=1.0,
            y_offset_pt=size + pad,
            gid=TIME_LABELS_GID,
            zorder=2.6,
        )
    )
    bottom.add_artist(
        LabelSet(
            texts,
            fontsize=bottom_pt,
            va="top",
            axis_y=0.0,
            y_offset_pt=-(size + pad),
            gid=TIME_LABELS_GID,
            zorder=2.6,
        )
    )
    bottom.set_xlabel(xlabel)
    lines = max((text.text.count("\n") + 1 for text in texts), default=1)
    below_pt = size + pad + label_height_pt(lines, bottom_pt) + rc["axes.labelpad"]
    fig = bottom.get_figure()
    assert fig is not None
    offset = ScaledTranslation(0, -below_pt / 72.0, fig.dpi_scale_trans)
    bottom.xaxis.set_label_coords(0.5, 0.0, transform=bottom.transAxes + offset)
    bottom.xaxis.label.set_verticalalignment("top")


def time_labels(ax: Axes) -> list[str]:
    """The time labels a panel shows (empty for the panels between the top and the bottom)."""
    sets = [a for a in ax.artists if isinstance(a, LabelSet) and a.get_gid() == TIME_LABELS_GID]
    return sets[0].get_texts() if sets else []


def _marks(ax: Axes, xs: list[float], y: float, which: str) -> None:
    """One row of tick marks pointing out of the axes at its bottom (``y`` 0) or top (1)."""
    if not xs:
        return
    rc = mpl.rcParams
    ax.add_artist(
        Line2D(
            np.asarray(xs),
            np.full(len(xs), y),
            transform=ax.get_xaxis_transform(),
            linestyle="none",
            marker=MarkerStyle(TICKDOWN if y == 0.0 else TICKUP),
            markersize=float(rc[f"xtick.{which}.size"]),
            markeredgewidth=float(rc[f"xtick.{which}.width"]),
            color=rc["xtick.color"],
            clip_on=False,
            zorder=2.6,
            gid=f"time-ticks-{which}",
        )
    )


def _font_pt(size: object) -> float:
    """A font size from rcParams (a number or a name such as ``small``) in points."""
    from matplotlib.font_manager import FontProperties

    return float(FontProperties(size=size).get_size_in_points())  # type: ignore[arg-type]
