"""The timeline's own time axis: where its marks and labels go, and that it builds no ticks."""

from __future__ import annotations

from typing import Any

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from sim.analysis.timeaxis import tick_positions, time_labels
from sim.analysis.timefmt import tick_steps
from sim.analysis.timeline import draw_timeline
from tests.analysis_fixtures import peel_meinweg_events


@pytest.mark.parametrize(("t0", "t1"), [(0, 1800), (35, 725), (0, 90), (600, 20000)])
def test_ticks_fall_inside_the_window_and_minor_never_on_major(t0: float, t1: float) -> None:
    majors, minors = tick_positions(t0, t1)
    major, minor = tick_steps(t1 - t0)
    assert majors and all(t0 <= x <= t1 for x in majors + minors)
    assert all(x % major == 0 for x in majors) and all(x % minor == 0 for x in minors)
    assert not set(majors) & set(minors)
    assert sorted(majors + minors) == [x for x in range(int(t0), int(t1) + 1) if x % minor == 0]


@pytest.fixture(scope="module")
def figure() -> Any:
    fig = draw_timeline(peel_meinweg_events(), lang="en")
    FigureCanvasAgg(fig).draw()
    return fig


def test_top_and_bottom_panels_carry_the_labels_and_the_rest_none(figure: Any) -> None:
    timed = [ax for ax in figure.axes if ax.get_label() != "key"]
    top, bottom = timed[0], timed[-1]
    assert time_labels(top) == time_labels(bottom)
    assert time_labels(bottom)[0].startswith("T+00:00")
    assert all(time_labels(ax) == [] for ax in timed[1:-1])
    for ax in timed:  # grid lines at every labelled time, in every panel
        (grid,) = [c for c in ax.collections if c.get_gid() == "time-grid"]
        assert len(grid.get_segments()) == len(time_labels(bottom))


def test_no_matplotlib_ticks_on_the_time_axis(figure: Any) -> None:
    """Each matplotlib tick is five artists built on every save: the axis draws its own."""
    for ax in [ax for ax in figure.axes if ax.get_label() != "key"]:  # the key has no axis
        assert len(ax.xaxis.majorTicks) <= 1 and len(ax.xaxis.minorTicks) <= 1
        assert not len(ax.xaxis.get_majorticklocs()) and not len(ax.xaxis.get_minorticklocs())


def test_the_x_label_sits_below_the_time_labels(figure: Any) -> None:
    """Measured in pixels: the rows the x label inks lie below the rows the time labels ink."""
    import numpy as np

    bottom = [ax for ax in figure.axes if ax.get_label() != "key"][-1]
    (labels,) = [a for a in bottom.artists if a.get_gid() == "time-labels"]

    def ink_rows(show_labels: bool, show_xlabel: bool) -> set[int]:
        labels.set_visible(show_labels)
        bottom.xaxis.label.set_visible(show_xlabel)
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        pixels = np.asarray(canvas.buffer_rgba())[:, :, 0]
        labels.set_visible(True)
        bottom.xaxis.label.set_visible(True)
        return set(np.nonzero((pixels < 128).any(axis=1))[0].tolist())

    neither = ink_rows(False, False)
    label_rows = ink_rows(True, False) - neither
    xlabel_rows = ink_rows(False, True) - neither
    assert label_rows and xlabel_rows
    assert max(label_rows) < min(xlabel_rows)  # rows count downwards
