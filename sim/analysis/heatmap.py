"""Bottleneck heat map: regions × capabilities, hours that requests waited, in two parts.

The hot wash-up question "where did we make people wait, and for what?" needs two answers,
because they have different owners: hours *waiting at the hub* (submission → the decision that
settled the request, queueing for capacity included, or → closure or ENDEX when none came) are
the LOCC's; hours of *notice to move and travel* (approval → first unit on scene) are Defence's
readiness and distance. The top panel shows the first, the bottom panel the second, with the
same rows and columns so a cell can be read down. Cells carry their number, so the colour scale
(single-hue, readable in greyscale and by colour-blind readers) is only a guide; regions or
capabilities without requests have no row or column.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.analysis import figstyle as fs
from sim.analysis.kpis import kpis_from_tables
from sim.analysis.labels import region_label, t
from sim.analysis.tables import Event, build_tables

if TYPE_CHECKING:
    from sim.exercise import Exercise

__all__ = ["draw_heatmap", "draw_heatmap_table"]


def draw_heatmap(
    events: Sequence[Event], exercise: Exercise | None = None, lang: str = "en"
) -> Figure:
    """The bottleneck heat map of one run's journal."""
    tables = kpis_from_tables(build_tables(events), exercise, lang)
    return draw_heatmap_table(tables["heatmap"], exercise, lang, travel=tables["heatmap_travel"])


def _aligned(hub: pd.DataFrame, travel: pd.DataFrame | None) -> list[tuple[str, pd.DataFrame]]:
    frames = [("hub", hub)] + ([("travel", travel)] if travel is not None else [])
    frames = [(k, f.set_index("region") if "region" in f.columns else f) for k, f in frames]
    rows = sorted(set().union(*(f.index for _, f in frames if not f.empty)))
    cols = sorted(set().union(*(f.columns for _, f in frames if not f.empty)))
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
        parts = _aligned(wide, travel)
        rows, cols = parts[0][1].shape
        panel_h = min(20.0, max(2.8, 1.9 + 0.34 * rows))
        fig = Figure(
            figsize=(min(16.0, max(7.0, 3.6 + 0.8 * cols)), panel_h * len(parts)),
            layout="constrained",
        )
        axes = fig.subplots(len(parts), 1, squeeze=False)[:, 0]
        for ax, (part, frame) in zip(axes, parts, strict=True):
            _panel(fig, ax, part, frame, exercise, lang)
        return fig


def _panel(
    fig: Figure, ax: Any, part: str, wide: pd.DataFrame, exercise: Exercise | None, lang: str
) -> None:
    values = wide.to_numpy(dtype=float)
    rows, cols = values.shape
    ax.set_label("heatmap" if part == "hub" else f"heatmap-{part}")
    masked = np.ma.masked_invalid(values)
    import matplotlib as mpl

    cmap = mpl.colormaps["Oranges" if part == "hub" else "Blues"].with_extremes(bad="#F2F2F2")
    vmax = float(np.nanmax(values)) if np.isfinite(values).any() else 1.0
    image = ax.imshow(masked, cmap=cmap, vmin=0, vmax=max(vmax, 1e-9), aspect="auto")
    h = t("unit.h", lang)
    row_sum, col_sum = np.nansum(values, axis=1), np.nansum(values, axis=0)
    ax.set_yticks(
        range(rows),
        [
            f"{region_label(exercise, str(r))} (Σ {s:.0f} {h})"
            for r, s in zip(wide.index, row_sum, strict=True)
        ],
    )
    ax.set_xticks(
        range(cols),
        [f"{c}\n(Σ {s:.0f} {h})" for c, s in zip(wide.columns, col_sum, strict=True)],
        rotation=35,
        ha="right",
    )
    ax.tick_params(length=0)
    ax.set_xticks(np.arange(-0.5, cols, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, rows, 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    for i in range(rows):
        for j in range(cols):
            v = values[i, j]
            if np.isfinite(v):
                dark = v > 0.55 * vmax
                ax.text(j, i, f"{v:.1f} {h}", ha="center", va="center", fontsize=7.5,
                        color="white" if dark else "black")  # fmt: skip
    ax.set_xlabel(t("heatmap.xlabel", lang))
    ax.set_ylabel(t("heatmap.ylabel", lang))
    ax.set_title(t(f"heatmap.title_{part}", lang), loc="left")
    bar = fig.colorbar(image, ax=ax, shrink=0.9, pad=0.02)
    bar.set_label(t(f"heatmap.colorbar_{part}", lang), fontsize=7)
