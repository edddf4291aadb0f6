"""The debrief timeline: one figure, one shared time axis, everything an exercise leader asks.

Top to bottom (each panel in its own module):
1. **Injects** (``panels_injects``): numbered markers by type, and a numbered key at the bottom
   so long MSEL texts never cover the data.
2. **Regions** (``panels_regions``): escalation level bands, crisis lanes with unmet (and
   life-safety) demand, and requests for assistance as bars coloured by phase, with queued
   segments hatched and markers for denied, substituted, partial, withdrawn and open requests.
3. **Units**, **capacity** and the **hub queue** (``panels_means``).

Ticks read ``T+hh:mm`` with the wall-clock time under them when the exercise has a calendar
start. Only regions, crises and units that do something in the window get a lane; the figure
grows with the lane count and caps the number of bar labels. It is built on
``matplotlib.figure.Figure`` (no pyplot state), laid out once from measured text (no layout
engine re-running on every save) and drawn with fixed rcParams, so the same journal gives
byte-identical PNG, SVG and PDF files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matplotlib.figure import Figure

from sim.analysis import FORMATS, check_formats
from sim.analysis import figstyle as fs
from sim.analysis.drawkit import KEY_ROW_IN, text_width_in
from sim.analysis.figstyle import INJECT_GROUP
from sim.analysis.labels import count_label, region_label, t, t_or
from sim.analysis.labelset import lane_names
from sim.analysis.lanes import TimelinePlan, plan_lanes
from sim.analysis.panels_injects import (
    draw_inject_key,
    draw_inject_strip,
    place_injects,
    strip_height_in,
)
from sim.analysis.panels_means import draw_capacity, draw_queue, draw_units
from sim.analysis.panels_regions import draw_regions, region_legend
from sim.analysis.tables import Event, RunTables, build_tables
from sim.analysis.timeaxis import draw_time_axis, time_window
from sim.analysis.timeline_text import (
    LEGEND_KEYS,
    PAGE_FACTS_PT,
    request_label,
    tick_formatter,
    title_lines,
)
from sim.fileio import write_bytes_atomic

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from sim.exercise import Exercise

__all__ = [
    "INJECT_GROUP",
    "Timeline",
    "draw_timeline",
    "draw_timeline_tables",
    "lane_names",
    "save_timeline",
]

FIG_WIDTH = 16.0  # inches: A3 landscape with margins
PANELS = ("injects", "regions", "units", "capacity", "queue", "key")
"""Panels top to bottom; a projector page draws a few of them."""
AXES_WIDTH = 10.4  # least width of the time axis (margins are capped): packing room for labels
MAX_MARGIN_IN = 2.8  # lane labels and legends never take more than this on either side
LABEL_PAD_IN = 0.04  # between a request bar and its label, and after the label
MAX_BAR_TEXTS = 300  # labels written on bars; beyond this the figure becomes unreadable anyway
REGION_ROW_IN = 0.24
UNIT_ROW_IN = 0.2
CAP_ROW_IN = 0.42
LEGEND_ROW_IN = 0.17
TOP_IN = 0.62  # figure title
GAP_ABOVE_IN = {"injects": 0.62, "panel": 0.34, "key": 0.3}  # panel title (+ top tick labels)
AXIS_LABELS_IN = 0.55  # two-line tick labels and the x label under the last time panel
BOTTOM_IN = 0.15


# --- entry points ------------------------------------------------------------------------------


def draw_timeline(
    events: Sequence[Event],
    exercise: Exercise | None = None,
    lang: str = "en",
    t_from: float | None = None,
    t_to: float | None = None,
) -> Figure:
    """Draw the whole run (or the window ``t_from``-``t_to``, minutes) as one figure.

    ``exercise`` adds region, crisis and capability names; the journal alone is enough.
    """
    return draw_timeline_tables(build_tables(events), exercise, lang, t_from, t_to)


def draw_timeline_tables(
    T: RunTables,
    exercise: Exercise | None = None,
    lang: str = "en",
    t_from: float | None = None,
    t_to: float | None = None,
) -> Figure:
    """``draw_timeline`` for tables already built (the report shares them with the KPIs)."""
    t0, t1 = time_window(T.info.t_end, t_from, t_to)
    with fs.rc():
        return Timeline(T, exercise, lang, t0, t1).draw()


def save_timeline(
    fig_or_events: Figure | Sequence[Event],
    out_dir: str | Path,
    formats: Iterable[str] = FORMATS,
    *,
    stem: str = "timeline",
    exercise: Exercise | None = None,
    lang: str = "en",
) -> list[Path]:
    """Write ``<stem>.<format>`` files into ``out_dir`` (atomically); return their paths.

    Accepts a figure from ``draw_timeline`` or a journal (then draws it first).
    """
    fig = (
        fig_or_events
        if isinstance(fig_or_events, Figure)
        else draw_timeline(fig_or_events, exercise, lang)
    )
    formats = check_formats(formats)
    out = Path(out_dir)
    paths = []
    for fmt in formats:
        path = out / f"{stem}.{fmt}"
        write_bytes_atomic(path, fs.figure_bytes(fig, fmt))
        paths.append(path)
    return paths


# --- the drawing -------------------------------------------------------------------------------


class Timeline:
    """One timeline being drawn: the tables, the window, the lane plan and shared helpers.

    The panel functions (``panels_*``) receive it and read what they need; it lays the panels
    out, draws the title and the time axis, and offers ``legend`` and ``inject_lines``.
    """

    max_texts = MAX_BAR_TEXTS

    def __init__(
        self,
        T: RunTables,
        exercise: Exercise | None,
        lang: str,
        t0: float,
        t1: float,
        *,
        fig_width: float = FIG_WIDTH,
        panels: Sequence[str] = PANELS,
        legends: bool = True,
        page_height: float | None = None,
        title: str | None = None,
        capability_limit: int | None = 8,
    ):
        self.T, self.ex, self.lang, self.t0, self.t1 = T, exercise, lang, t0, t1
        self.fig_width, self.panels, self.legends = fig_width, tuple(panels), legends
        self.page_height, self.page_title = page_height, title
        self.collected_legends: list[tuple[str, list[Any], list[str]]] = []
        self.minutes_per_inch = (t1 - t0) / min(AXES_WIDTH, fig_width * 0.65)
        self.bar_texts = 0
        self.request_labels = {
            row["request"]: request_label(row) for row in T.requests.to_dict("records")
        }
        self.plan: TimelinePlan = plan_lanes(
            T,
            t0,
            t1,
            lambda text: text_width_in([text], 7.0) * self.minutes_per_inch,
            self.request_labels,
            pad=LABEL_PAD_IN * self.minutes_per_inch,
            capability_limit=capability_limit,
            mark_minutes=fs.MARK_HALF_IN * self.minutes_per_inch,
        )
        self.injects = T.injects[
            (T.injects["state"] != "not_reached") & (T.injects["t"] >= t0) & (T.injects["t"] <= t1)
        ].reset_index(drop=True)
        self.not_reached = T.injects[T.injects["state"] == "not_reached"].reset_index(drop=True)
        self.marker_label = self._inject_labels()
        self.used_marks: set[str] = set()  # request marks drawn (the drawing fills it in)
        self.short_levels: set[int] = set()  # levels of bands with no room for their code
        self.used_not_asked: set[str] = set()  # not-asked reasons numbered on crisis lanes
        self.inject_handles: list[Any] = []
        self.key_cols = 1
        self.axes: dict[str, Axes] = {}

    # labels -------------------------------------------------------------------------------------

    def _inject_labels(self) -> dict[str, str]:
        """Marker text per inject: its MSEL id when short, else a running number."""
        all_ids = [str(i) for i in self.T.injects["inject"]]
        if all(len(i) <= 4 for i in all_ids):
            return {i: i for i in all_ids}
        return {i: f"#{k}" for k, i in enumerate(all_ids, 1)}

    def region_name(self, region: str) -> str:
        return region_label(self.ex, region)

    def crisis_name(self, crisis: str) -> str:
        """``peel: Deurnese Peel heath fire`` when it fits the lane-label margin, else the
        crisis kind (``peel: wildfire``), else the id: never a name cut off."""
        spans = self.T.crisis_spans
        kinds = spans.loc[spans["crisis"] == crisis, "kind"]
        kind = kinds.iloc[0] if len(kinds) and isinstance(kinds.iloc[0], str) else ""
        choices = []
        if self.ex is not None:
            name = next((c.name for c in self.ex.crises if c.id == crisis), "")
            if name:
                choices.append(f"{crisis}: {name}")
        if kind:
            choices.append(f"{crisis}: {t_or(f'crisis_kind.{kind}', kind, self.lang)}")
        room = MAX_MARGIN_IN - 0.3
        return next((c for c in choices if text_width_in([c], 7.5) <= room), crisis)

    # layout -------------------------------------------------------------------------------------

    def _legend_height(self, entries: int) -> float:
        return entries * LEGEND_ROW_IN + 0.35

    def draw(self) -> Figure:
        plan = self.plan
        key_entries = len(self.injects) + len(self.not_reached)
        self.key_cols = 1 if key_entries <= 6 else 2 if key_entries <= 24 else 3
        key_rows = -(-key_entries // self.key_cols) if key_entries else 0
        legend = self._legend_height if self.legends else (lambda entries: 0.0)
        left, right = self._margins()
        self.minutes_per_inch = (self.t1 - self.t0) / (self.fig_width - left - right)
        self.inject_places = place_injects(self)
        heights = {
            "injects": strip_height_in(self.inject_places),
            "regions": max(
                len(plan.rows) * REGION_ROW_IN + 0.1,
                legend(len(region_legend(self, sizing=True))),
            ),
            "units": max(len(plan.units) * UNIT_ROW_IN + 0.1, legend(9)),
            "capacity": max(len(plan.capabilities) * CAP_ROW_IN + 0.1, legend(6)),
            "queue": max(0.9, legend(4)),
            "key": key_rows * KEY_ROW_IN + 0.3,
        }
        if not plan.units:
            heights.pop("units")
        if not plan.capabilities:
            heights.pop("capacity")
        if not key_rows:
            heights.pop("key")
        heights = {name: h for name, h in heights.items() if name in self.panels}
        if "key" in heights and "injects" not in heights:
            raise ValueError("the inject key needs the inject strip (panels 'injects', 'key')")
        gaps = {name: GAP_ABOVE_IN.get(name, GAP_ABOVE_IN["panel"]) for name in heights}
        first = next(iter(heights), None)
        if first is not None and first != "key":  # the top panel carries the top tick labels
            gaps[first] = GAP_ABOVE_IN["injects"]
        # AXIS_LABELS_IN: tick labels and x label under the last time panel
        total = TOP_IN + sum(heights.values()) + sum(gaps.values()) + AXIS_LABELS_IN + BOTTOM_IN
        self.content_height = total
        if self.page_height is not None:
            total = max(total, self.page_height)  # a page: content from the top, room below
        W = self.fig_width
        fig = Figure(figsize=(W, total))
        axes: dict[str, Axes] = {}
        shared: Axes | None = None
        top = total - TOP_IN
        width = (W - left - right) / W
        for name, height in heights.items():
            top -= gaps[name]
            if name == "key" and shared is not None:
                top -= AXIS_LABELS_IN
            rect = (left / W, (top - height) / total, width, height / total)
            ax = fig.add_axes(rect, label=name)
            if name != "key":
                shared = shared or ax
            axes[name] = ax
            top -= height
        self.axes = axes
        self._title(fig, total)
        if "injects" in axes:  # the key takes its marker handles from the strip
            draw_inject_strip(self, axes["injects"])
        if "regions" in axes:
            draw_regions(self, axes["regions"])
        if "units" in axes:
            draw_units(self, axes["units"])
        if "capacity" in axes:
            draw_capacity(self, axes["capacity"])
        if "queue" in axes:
            draw_queue(self, axes["queue"])
        if "key" in axes:
            draw_inject_key(self, axes["key"])
        timed = [ax for name, ax in axes.items() if name != "key"]
        if timed:
            self._time_axis(timed)
            if timed[0] is not axes.get("injects"):  # top tick labels above: title clears them
                head_ax = timed[0]
                head_ax.set_title(head_ax.get_title(loc="left"), loc="left", y=1.0, pad=30)
        return fig

    def _margins(self) -> tuple[float, float]:
        """Left (lane labels) and right (legends) margins in inches, from measured text.

        Measuring the longest labels directly is exact and costs a few font look-ups; a
        layout engine would re-measure every tick label of every panel on every save.
        """
        plan, lang = self.plan, self.lang
        lane_labels = [
            self.region_name(r.region) if r.kind == "region" else self.crisis_name(r.crisis or "")
            for r in plan.rows
            if r.kind != "requests"
        ]
        caps = [f"{c} ({count_label('unit', 99, lang)})" for c in plan.capabilities]
        left = max(
            text_width_in(lane_labels, 7.5, weight="bold"),
            text_width_in([*plan.units, *caps], 7.5),
            0.55,
        )
        legend_labels = [t(k, lang) for k in LEGEND_KEYS] + [
            h.get_label() for h in region_legend(self, sizing=True)
        ]
        right = text_width_in(legend_labels, 7.0) + 0.55 if self.legends else 0.1
        return min(left + 0.2, MAX_MARGIN_IN), min(right + 0.15, MAX_MARGIN_IN)

    def _title(self, fig: Figure, height: float) -> None:
        heading, facts = title_lines(
            self.T.info, self.ex, self.lang, self.t0, self.t1, self.page_title, self.fig_width
        )
        x, y = 0.12 / self.fig_width, 1 - 0.12 / height
        if self.page_title:  # a projector page: the run's facts smaller, wrapped to the page
            fig.text(x, y, heading, ha="left", va="top", fontsize=11, fontweight="bold")
            below = y - 11 * 1.3 / 72 / height
            fig.text(x, below, facts, ha="left", va="top", fontsize=PAGE_FACTS_PT, gid="facts")
            return
        fig.text(x, y, f"{heading}\n{facts}", ha="left", va="top", fontsize=11,
                 fontweight="bold")  # fmt: skip

    def _time_axis(self, axes: list[Axes]) -> None:
        for ax in axes:
            ax.set_axisbelow(True)
        start, lang = self.T.info.start, self.lang
        xlabel = t("timeline.xlabel_calendar" if start else "timeline.xlabel", lang)
        draw_time_axis(
            axes, self.t0, self.t1, tick_formatter(start, self.t0, self.t1, lang), xlabel
        )

    def legend(self, ax: Axes, handles: list[Any], title: str) -> None:
        if not handles:  # a title over nothing explains nothing
            return
        if not self.legends:  # a projector page: the key page shows them all
            self.collected_legends.append((title, handles, [h.get_label() for h in handles]))
            return
        ax.legend(
            handles=handles,
            title=title,
            loc="upper left",
            bbox_to_anchor=(1.005, 1.0),
            borderaxespad=0.0,
            alignment="left",
            handlelength=2.2,
            handleheight=1.1,
        )

    def inject_lines(self, ax: Axes) -> None:
        """Faint vertical lines at fired injects, so cause and effect line up across panels."""
        fired = self.injects[self.injects["state"] == "fired"]["t"].unique()
        if len(fired):
            ax.vlines(
                fired,
                0,
                1,
                transform=ax.get_xaxis_transform(),
                colors="#9A9A9A",
                linestyles=(0, (1, 2)),
                linewidth=0.7,
                zorder=0.5,
            )
