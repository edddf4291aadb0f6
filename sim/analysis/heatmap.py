"""Bottleneck heat map: regions × capabilities, hours that requests waited, in two parts.

The hot wash-up question "where did we make people wait, and for what?" needs two answers,
because they have different owners: hours *waiting at the hub* (submission → the decision that
settled the request, queueing for capacity included, or → closure or ENDEX when none came) are
the LOCC's; hours of *notice to move and travel* (approval → first unit on scene) are Defence's
readiness and distance. The top panel shows the first, the bottom panel the second, with the
same rows and columns so a cell can be read down. Cells carry their number, so the colour scale
(single-hue, readable in greyscale and by colour-blind readers) is only a guide; regions or
capabilities without requests have no row or column. Columns are the capability each request
*asked* for; requests that asked only for an effect (no capability named) have a column of
their own at the right, "effect only", never the capability the hub chose for them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.transforms import ScaledTranslation

from sim.analysis import figstyle as fs
from sim.analysis.drawkit import text_width_in
from sim.analysis.kpis import EFFECT_ONLY, heatmap_column_order, kpis_from_tables
from sim.analysis.labels import region_label, t
from sim.analysis.labelset import Label, LabelSet
from sim.analysis.tables import Event, build_tables

if TYPE_CHECKING:
    from sim.exercise import Exercise

__all__ = ["draw_heatmap", "draw_heatmap_table", "heatmap_labels"]


def draw_heatmap(
    events: Sequence[Event], exercise: Exercise | None = None, lang: str = "en"
) -> Figure:
    """The bottleneck heat map of one run's journal."""
    tables = kpis_from_tables(build_tables(events), exercise, lang)
    return draw_heatmap_table(tables["heatmap"], exercise, lang, travel=tables["heatmap_travel"])


def _aligned(hub: pd.DataFrame, travel: pd.DataFrame | None) -> list[tuple[str, pd.DataFrame]]:
    """Both panels with the same rows and columns, so a cell can be read down."""
    frames = [("hub", hub)] + ([("travel", travel)] if travel is not None else [])
    frames = [(k, f.set_index("region") if "region" in f.columns else f) for k, f in frames]
    rows = sorted(set().union(*(f.index for _, f in frames if not f.empty)))
    cols = sorted(set().union(*(f.columns for _, f in frames if not f.empty)),
                  key=heatmap_column_order)  # fmt: skip
    return [(k, f.reindex(index=rows, columns=cols)) for k, f in frames]


def draw_heatmap_table(
    wide: pd.DataFrame,
    exercise: Exercise | None = None,
    lang: str = "en",
    *,
    travel: pd.DataFrame | None = None,
) -> Figure:
    """Draw the ``heatmap`` KPI table (hours waiting at the hub) and, when given, the
    ``heatmap_travel`` table below it (regions as rows, capabilities as columns, hours)."""
    with fs.rc():
        if wide is None or wide.empty:
            fig = Figure(figsize=(6, 1.2), layout="constrained")
            ax = fig.add_subplot()
            ax.set_axis_off()
            ax.text(0.5, 0.5, t("heatmap.empty", lang), ha="center", va="center")
            return fig
        parts = [(part, frame, _tick_labels(frame, exercise, lang)) for part, frame in
                 _aligned(wide, travel)]  # fmt: skip
        rows, cols = parts[0][1].shape
        box = _Margins.of(parts)
        titles = [t(f"heatmap.title_{part}", lang) for part, _, _ in parts]
        bars = [t(f"heatmap.colorbar_{part}", lang) for part, _, _ in parts]
        title_w = text_width_in(titles, 9.0, weight="bold") + 0.2  # the title starts at the cells
        width = min(16.0, max(7.0, 3.6 + 0.8 * cols, box.left + 0.45 * cols, box.left + title_w)
                    + box.right)  # fmt: skip
        # cells tall enough for a row each and for the colour bar's (rotated) label
        cells_h = max(0.8, 0.3 * rows + 0.2, text_width_in(bars, 7.0) / 0.9 + 0.1)
        panel_h = box.top + box.bottom + cells_h
        fig = Figure(figsize=(width, panel_h * len(parts)))
        for k, (part, frame, ticks) in enumerate(parts):
            # fixed axes from measured text, not constrained layout: measuring every tick
            # label for the layout cost more than drawing the whole heat map
            y0 = 1.0 - (k + 1) * panel_h / fig.get_figheight()
            ax = fig.add_axes(box.axes_rect(width, fig.get_figheight(), y0, panel_h))
            cax = fig.add_axes(box.colorbar_rect(width, fig.get_figheight(), y0, panel_h))
            _panel(fig, ax, cax, part, frame, ticks, lang)
        return fig


@dataclass(frozen=True)
class _Margins:
    """Space around each panel's cells, in inches, from the widest tick labels."""

    left: float
    right: float
    top: float
    bottom: float

    @classmethod
    def of(cls, parts: list[tuple[str, pd.DataFrame, tuple[list[str], list[str]]]]) -> _Margins:
        ylabels = [y for _, _, (ys, _) in parts for y in ys]
        xnames = [x for _, _, (_, xs) in parts for x in xs]
        x_w = text_width_in(xnames, 7.5)  # the widest line of a two-line name
        left = max(text_width_in(ylabels, 7.5) + 0.45, x_w * math.cos(_SLANT) + 0.1)
        bottom = _column_names_drop_in(xnames) + 0.45
        return cls(left=left, right=1.0, top=0.4, bottom=bottom)

    def axes_rect(
        self, fig_w: float, fig_h: float, y0: float, panel_h: float
    ) -> tuple[float, float, float, float]:
        return (self.left / fig_w, y0 + self.bottom / fig_h,
                (fig_w - self.left - self.right) / fig_w,
                (panel_h - self.top - self.bottom) / fig_h)  # fmt: skip

    def colorbar_rect(
        self, fig_w: float, fig_h: float, y0: float, panel_h: float
    ) -> tuple[float, float, float, float]:
        cells_h = panel_h - self.top - self.bottom
        return ((fig_w - self.right + 0.12) / fig_w, y0 + (self.bottom + 0.05 * cells_h) / fig_h,
                0.14 / fig_w, 0.9 * cells_h / fig_h)  # fmt: skip


_X_ROTATION = 35.0
_SLANT = math.radians(_X_ROTATION)


def _column_names_drop_in(names: Sequence[str]) -> float:
    """How far the slanted column names (two lines, three for "effect only") reach below the
    cells, in inches."""
    lines = max((name.count("\n") + 1 for name in names), default=2)
    return text_width_in(names, 7.5) * math.sin(_SLANT) + lines * 7.5 * 1.5 / 72.0 * math.cos(
        _SLANT
    )


def _tick_labels(
    wide: pd.DataFrame, exercise: Exercise | None, lang: str
) -> tuple[list[str], list[str]]:
    values = wide.to_numpy(dtype=float)
    h = t("unit.h", lang)
    row_sum, col_sum = np.nansum(values, axis=1), np.nansum(values, axis=0)
    ys = [f"{region_label(exercise, str(r))} (Σ {s:.1f} {h})"
          for r, s in zip(wide.index, row_sum, strict=True)]  # fmt: skip
    xs = [f"{_column_name(str(c), lang)}\n(Σ {s:.1f} {h})"
          for c, s in zip(wide.columns, col_sum, strict=True)]  # fmt: skip
    return ys, xs


def _column_name(column: str, lang: str) -> str:
    """A column's name: the capability asked, or "effect only" for requests naming none."""
    return t("heatmap.effect_only", lang) if column == EFFECT_ONLY else column


def _panel(
    fig: Figure,
    ax: Any,
    cax: Any,
    part: str,
    wide: pd.DataFrame,
    ticks: tuple[list[str], list[str]],
    lang: str,
) -> None:
    values = wide.to_numpy(dtype=float)
    rows, cols = values.shape
    ax.set_label("heatmap" if part == "hub" else f"heatmap-{part}")
    masked = np.ma.masked_invalid(values)
    cmap = mpl.colormaps["Oranges" if part == "hub" else "Blues"].with_extremes(bad="#F2F2F2")
    vmax = float(np.nanmax(values)) if np.isfinite(values).any() else 1.0
    image = ax.imshow(masked, cmap=cmap, vmin=0, vmax=max(vmax, 1e-9), aspect="auto")
    h = t("unit.h", lang)
    _cell_labels(ax, ticks, rows, cols)
    for spine in ax.spines.values():
        spine.set_visible(False)
    cells = [
        Label(
            j,
            i,
            f"{values[i, j]:.1f} {h}",
            ha="center",
            color="white" if values[i, j] > 0.55 * vmax else "black",
        )
        for i in range(rows)
        for j in range(cols)
        if np.isfinite(values[i, j])
    ]
    ax.add_artist(LabelSet(cells, fontsize=7.5, gid=f"heatmap-{part}-cells"))
    if list(wide.columns)[-1:] == [EFFECT_ONLY] and cols > 1:  # set apart: not a capability
        ax.vlines([cols - 1.5], -0.5, rows - 0.5, colors="#555555", linewidths=1.5, zorder=2.6)
    _axis_labels(ax, ticks, t("heatmap.xlabel", lang), t("heatmap.ylabel", lang))
    ax.set_title(t(f"heatmap.title_{part}", lang), loc="left")
    bar = fig.colorbar(image, cax=cax)
    bar.set_label(t(f"heatmap.colorbar_{part}", lang), fontsize=7)


ROW_LABELS_GID = "heatmap-rows"
COLUMN_LABELS_GID = "heatmap-columns"
_PAD_PT = 3.5  # between the cells and their row and column names, as tick labels sit


def _cell_labels(ax: Any, ticks: tuple[list[str], list[str]], rows: int, cols: int) -> None:
    """Row and column names, and white lines between the cells.

    Drawn as a label set, a few texts and two line collections rather than as ticks: the two
    panels' 117 ticks (a grid line and two marks each, styled by deep copy) cost half the heat
    map's drawing time.
    """
    limits = ax.get_xlim(), ax.get_ylim()
    ax.set_xticks([])
    ax.set_yticks([])
    names = [Label(0.0, i, text, ha="right") for i, text in enumerate(ticks[0])]
    ax.add_artist(
        LabelSet(names, fontsize=7.5, axis_x=0.0, x_offset_pt=-_PAD_PT, gid=ROW_LABELS_GID)
    )
    fig = ax.get_figure()
    below = ax.get_xaxis_transform() + ScaledTranslation(0, -_PAD_PT / 72, fig.dpi_scale_trans)
    for j, text in enumerate(ticks[1]):
        # line spacing 1.5: at 1.2 the second line's top hid the first line's underscores
        # (FBO_CH47 read "FBO CH47")
        ax.text(j, 0.0, text, transform=below, rotation=_X_ROTATION, ha="right", va="top",
                fontsize=7.5, linespacing=1.5, gid=COLUMN_LABELS_GID)  # fmt: skip
    lines = {"colors": "white", "linewidths": 1.5, "zorder": 2.5}
    ax.vlines(np.arange(-0.5, cols, 1), -0.5, rows - 0.5, **lines)
    ax.hlines(np.arange(-0.5, rows, 1), -0.5, cols - 0.5, **lines)
    ax.set_xlim(*limits[0])
    ax.set_ylim(*limits[1])


def _axis_labels(ax: Any, ticks: tuple[list[str], list[str]], xlabel: str, ylabel: str) -> None:
    """The axis labels beyond the row and column names (matplotlib cannot see those)."""
    fig = ax.get_figure()
    pad = _PAD_PT + float(mpl.rcParams["axes.labelpad"])
    down = _column_names_drop_in(ticks[1]) + pad / 72
    left = text_width_in(ticks[0], 7.5) + pad / 72
    ax.set_xlabel(xlabel)
    ax.xaxis.set_label_coords(
        0.5, 0.0, transform=ax.transAxes + ScaledTranslation(0, -down, fig.dpi_scale_trans)
    )
    ax.xaxis.label.set_verticalalignment("top")
    ax.set_ylabel(ylabel)
    ax.yaxis.set_label_coords(
        0.0, 0.5, transform=ax.transAxes + ScaledTranslation(-left, 0, fig.dpi_scale_trans)
    )


def heatmap_labels(ax: Any) -> tuple[list[str], list[str]]:
    """A heat-map panel's row and column names, top to bottom and left to right (for tests and
    accessibility text)."""
    rows = [a for a in ax.artists if isinstance(a, LabelSet) and a.get_gid() == ROW_LABELS_GID]
    cols = [text.get_text() for text in ax.texts if text.get_gid() == COLUMN_LABELS_GID]
    return (rows[0].get_texts() if rows else []), cols
