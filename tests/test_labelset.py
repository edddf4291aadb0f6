"""LabelSet draws its labels where matplotlib's own ``Text`` would, in every output format."""

from __future__ import annotations

import re

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sim.analysis import figstyle as fs
from sim.analysis.labelset import Label, LabelSet

CASES = [
    ("left", "center", "normal", "normal", 1),
    ("right", "center", "normal", "italic", 1),
    ("center", "bottom", "bold", "normal", 1),
    ("center", "top", "normal", "normal", 2),  # a time label: T+hh:mm over the date
    ("center", "bottom", "normal", "normal", 2),
    ("right", "center", "bold", "normal", 3),
]


def _figure(use_set: bool, ha: str, va: str, weight: str, style: str, lines: int) -> Figure:
    fig = Figure(figsize=(3, 1.5), dpi=150)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 3)
    ax.set_axis_off()
    tail = "\n14 Jul 08:00\nGRIP3 pj"[: None if lines == 3 else 13 if lines == 2 else 0]
    words = [(2.0, 0.8, "R001 FBO_CH47" + tail), (8.0, 1.5, "GRIP3"), (5.0, 2.2, "12")]
    if use_set:
        labels = [Label(x, y, s, ha) for x, y, s in words]
        ax.add_artist(LabelSet(labels, fontsize=7, weight=weight, style=style, va=va))
    else:
        for x, y, s in words:
            ax.text(x, y, s, ha=ha, va=va, fontsize=7, fontweight=weight, fontstyle=style,
                    family="DejaVu Sans")  # fmt: skip
    return fig


def _ink(fig: Figure) -> np.ndarray:
    canvas = FigureCanvasAgg(fig)
    with fs.rc():
        canvas.draw()
    return 255 - np.asarray(canvas.buffer_rgba())[:, :, 0].astype(int)  # darkness


@pytest.mark.parametrize(("ha", "va", "weight", "style", "lines"), CASES)
def test_labels_land_where_text_would(
    ha: str, va: str, weight: str, style: str, lines: int
) -> None:
    ours = _ink(_figure(True, ha, va, weight, style, lines))
    theirs = _ink(_figure(False, ha, va, weight, style, lines))
    assert (theirs > 128).sum() > 100  # something was drawn
    # the same glyphs at the same place, up to a pixel of rounding
    rows_o, cols_o = np.nonzero(ours > 128)
    rows_t, cols_t = np.nonzero(theirs > 128)
    assert abs(rows_o.min() - rows_t.min()) <= 1 and abs(rows_o.max() - rows_t.max()) <= 1
    assert abs(cols_o.min() - cols_t.min()) <= 1 and abs(cols_o.max() - cols_t.max()) <= 1
    assert abs(int(ours.sum()) - int(theirs.sum())) <= 0.03 * theirs.sum()  # same amount of ink


def test_labels_stay_text_in_svg_and_pdf() -> None:
    fig = _figure(True, "left", "center", "normal", "normal", 1)
    svg = fs.figure_bytes(fig, "svg").decode()
    assert len(re.findall(r"<text\b", svg)) == 3 and "R001 FBO_CH47" in svg
    assert fs.figure_bytes(fig, "pdf").startswith(b"%PDF-")


def test_clipped_labels_do_not_leave_the_axes() -> None:
    fig = Figure(figsize=(3, 1), dpi=100)
    ax = fig.add_axes((0.25, 0.25, 0.5, 0.5))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    ax.add_artist(LabelSet([Label(0.9, 0.5, "a long label that overflows")], fontsize=7, clip=True))
    cols = np.nonzero(_ink(fig) > 0)[1]
    assert cols.max() <= 0.75 * 300 + 1


def test_bad_alignment_is_refused() -> None:
    with pytest.raises(ValueError, match="va must be"):
        LabelSet([], fontsize=7, va="baseline")
