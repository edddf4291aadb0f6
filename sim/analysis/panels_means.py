"""Timeline panels for the means: Defence unit lanes, scarce capacity and the hub queue.

Unit lanes show each unit's state (mobilising, in transit, on scene, refuelling, returning,
resting; main-task-1 reservations hatched) with the request it serves; capacity lanes show units
in use against units available for national tasks, vermillion while none is free; the queue
panel stacks requests waiting for hub staff and queued for capacity, with hub outages hatched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MultipleLocator

from sim.analysis import figstyle as fs
from sim.analysis.drawkit import bars, held, panel_title, rect, shade_sections, text_width_in
from sim.analysis.labels import count_label, t
from sim.analysis.labelset import LANE_GID, Label, LabelSet

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from sim.analysis.timeline import Timeline

__all__ = ["draw_capacity", "draw_queue", "draw_units"]


def draw_units(tl: Timeline, ax: Axes) -> None:
    lang, units = tl.lang, tl.plan.units
    y_of = tl.plan.unit_lane  # unit id -> lane (idle units may share one)
    n = len(units)
    ax.set_ylim(n - 0.5, -0.5)
    # lane names as one label set, not a tick each: a national run has 130 unit lanes, and
    # matplotlib builds and measures every tick label on every save
    ax.set_yticks([])
    names = [Label(0.0, i, u, ha="right") for i, u in enumerate(units)]
    ax.add_artist(LabelSet(names, fontsize=7.5, axis_x=0.0, x_offset_pt=-3.5, gid=LANE_GID))
    panel_title(ax, t("timeline.units_title", lang))
    caps = tl.plan.unit_caps
    shade_sections(ax, [i for i in range(n) if i == 0 or caps[i] != caps[i - 1]], n)
    tl.inject_lines(ax)
    sel = tl.T.units[
        tl.T.units["unit"].isin(y_of) & (tl.T.units["end"] > tl.t0) & (tl.T.units["start"] < tl.t1)
    ]
    by_state: dict[str, list[Any]] = {}
    for r in sel.itertuples(index=False):
        if r.state in fs.UNIT_STYLE:
            by_state.setdefault(r.state, []).append(rect(r.start, r.end, y_of[r.unit], 0.7))
    for state, style in fs.UNIT_STYLE.items():
        rects = by_state.get(state)
        if rects:
            ax.add_collection(bars(rects, style, f"unit-state-{state}", zorder=2))
    # request ids on on-scene bars, where they fit; once per stretch of work for one request
    # (a helicopter's sorties between refuels are one job, not eight)
    scene = sel[(sel["state"] == "on_scene") & sel["request"].notna()].sort_values(
        ["unit", "start"], kind="stable"
    )
    ids: list[Label] = []
    labelled: dict[str, str] = {}  # unit -> request last written on its lane
    for r in scene.itertuples(index=False):
        if tl.bar_texts >= tl.max_texts:
            break
        if labelled.get(r.unit) == r.request:
            continue
        start, end = max(r.start, tl.t0), min(r.end, tl.t1)
        if (end - start) / tl.minutes_per_inch < text_width_in([r.request], 6.5) + 0.06:
            continue
        ids.append(Label(start + 0.03 * tl.minutes_per_inch, y_of[r.unit], r.request))
        labelled[r.unit] = r.request
        tl.bar_texts += 1
    ax.add_artist(
        LabelSet(ids, fontsize=6.5, color="white", clip=True, gid="unit-requests", zorder=4)
    )
    moves = tl.T.reallocations[tl.T.reallocations["state"] == "effective"]
    moves = moves[moves["unit"].isin(y_of)]
    if len(moves):
        ax.plot(
            moves["t"].to_numpy(),
            [y_of[u] for u in moves["unit"]],
            linestyle="none",
            marker="P",
            markersize=8,
            markerfacecolor=fs.PURPLE,
            markeredgecolor="black",
            markeredgewidth=0.7,
            zorder=5,
            gid="reallocation",
        )
    handles: list[Any] = [
        Patch(facecolor=s.face, edgecolor=s.edge, hatch=s.hatch, label=t(f"unit_state.{st}", lang))
        for st, s in fs.UNIT_STYLE.items()
        if st != "awaiting_support" or st in by_state  # only after a move: else not listed
    ]
    handles.append(
        Line2D([], [], linestyle="none", marker="P", markersize=8, markerfacecolor=fs.PURPLE,
               markeredgecolor="black", label=t("mark.reallocation", lang))
    )  # fmt: skip
    tl.legend(ax, handles, t("timeline.units_legend", lang))


def draw_capacity(tl: Timeline, ax: Axes) -> None:
    lang, caps = tl.lang, tl.plan.capabilities
    cap_table = tl.T.capacity
    n = len(caps)
    ax.set_ylim(n - 0.05, -0.15)
    title = t("timeline.capacity_title", lang)
    if tl.plan.capabilities_more:  # never left out silently (lanes.scarce_capabilities)
        title += " · " + t(
            "timeline.capacity_more", lang, n=tl.plan.capabilities_more, shown=len(caps)
        )
    panel_title(ax, title)
    labels = []
    tl.inject_lines(ax)
    for i, cap in enumerate(caps):
        g = cap_table[cap_table["capability"] == cap]
        total = g["total"].dropna()
        top = float(max(total.max() if len(total) else 0, g["available"].max(), 1))
        scale = 0.82 / top
        base = i + 0.9  # lane bottom (axis is inverted: larger y is lower)
        xs = np.append(g["t"].to_numpy(dtype=float), tl.t1)
        in_use = held(g["in_use"])
        avail = held(g["available"])
        ax.fill_between(xs, base, base - in_use * scale, step="post", facecolor=fs.BLUE,
                        edgecolor="none", alpha=0.75, zorder=2)  # fmt: skip
        ax.fill_between(xs, base - avail * scale, base - top * scale, step="post",
                        facecolor="#E6E6E6", edgecolor="#555555", hatch="xx", linewidth=0,
                        zorder=1.5)  # fmt: skip
        ax.step(xs, base - avail * scale, where="post", color="black", linewidth=1.1, zorder=3)
        ax.axhline(base, color="#B0B0B0", linewidth=0.5, zorder=0.6)
        full = np.flatnonzero((in_use[:-1] >= avail[:-1]) & (in_use[:-1] > 0))
        if len(full):
            rects = [
                [(xs[k], base), (xs[k], base - in_use[k] * scale),
                 (xs[k + 1], base - in_use[k] * scale), (xs[k + 1], base)]
                for k in full
            ]  # fmt: skip
            ax.add_collection(
                PolyCollection(rects, facecolors=fs.VERMILLION, edgecolors="none", zorder=2.2),
                autolim=False,
            )
        labels.append(f"{cap} ({count_label('unit', int(top), lang)})")
        claims = tl.T.mt1[(tl.T.mt1["capability"] == cap) & (tl.T.mt1["state"] == "claim")]
        for conflict, group in claims.groupby("conflict"):
            ax.plot(
                group["t"].to_numpy(),
                [base - top * scale - 0.02] * len(group),
                linestyle="none",
                marker="v",
                markersize=7,
                markerfacecolor=fs.VERMILLION if conflict else "white",
                markeredgecolor="black",
                zorder=5,
                clip_on=False,
            )
    ax.set_yticks([])  # lane names as one label set (see draw_units)
    names = [Label(0.0, i + 0.9 - 0.41, text, ha="right") for i, text in enumerate(labels)]
    ax.add_artist(LabelSet(names, fontsize=7.5, axis_x=0.0, x_offset_pt=-3.5, gid=LANE_GID))
    handles = [
        Patch(facecolor=fs.BLUE, alpha=0.75, label=t("legend.in_use", lang)),
        Patch(facecolor=fs.VERMILLION, label=t("legend.all_in_use", lang)),
        Line2D([], [], color="black", linewidth=1.1, label=t("legend.available", lang)),
        Patch(facecolor="#E6E6E6", edgecolor="#555555", hatch="xx",
              label=t("legend.reserved_unavailable", lang)),
        Line2D([], [], linestyle="none", marker="v", markerfacecolor=fs.VERMILLION,
               markeredgecolor="black", label=t("legend.mt1_claim", lang)),
    ]  # fmt: skip
    tl.legend(ax, handles, t("timeline.capacity_legend", lang))


def draw_queue(tl: Timeline, ax: Axes) -> None:
    lang, q = tl.lang, tl.T.queue
    panel_title(ax, t("timeline.queue_title", lang))
    tl.inject_lines(ax)
    handles: list[Any] = []
    for out in tl.T.outages.itertuples(index=False):
        ax.axvspan(out.start, out.end, facecolor="#EDEDED", edgecolor="#777777", hatch="..",
                   linewidth=0, zorder=0.8)  # fmt: skip
    if len(tl.T.outages):
        handles.append(Patch(facecolor="#EDEDED", edgecolor="#777777", hatch="..",
                             label=t("legend.hub_outage", lang)))  # fmt: skip
    top = 1.0
    if len(q):
        xs = np.append(q["t"].to_numpy(dtype=float), tl.t1)
        if q["waiting"].notna().all() and q["queued"].notna().all():
            waiting = held(q["waiting"])
            queued = held(q["queued"])
            ax.fill_between(xs, 0, waiting, step="post", facecolor=fs.SKY, edgecolor="none",
                            zorder=2)  # fmt: skip
            ax.fill_between(xs, waiting, waiting + queued, step="post", facecolor="#FBE1CF",
                            edgecolor=fs.VERMILLION, hatch="////", linewidth=0, zorder=2)  # fmt: skip
            handles.append(Patch(facecolor=fs.SKY, label=t("legend.waiting_staff", lang)))
            handles.append(Patch(facecolor="#FBE1CF", edgecolor=fs.VERMILLION, hatch="////",
                                 label=t("legend.queued_capacity", lang)))  # fmt: skip
            # a live session's requests with the players (not also queued): the rest of value
            players = np.maximum(held(q["value"]) - waiting - queued, 0.0)
            if players.any():
                ax.fill_between(xs, waiting + queued, waiting + queued + players, step="post",
                                facecolor="#F2D4E6", edgecolor="#A8327A", hatch="xx",
                                linewidth=0, zorder=2)  # fmt: skip
                handles.append(Patch(facecolor="#F2D4E6", edgecolor="#A8327A", hatch="xx",
                                     label=t("legend.awaiting_players", lang)))  # fmt: skip
        values = held(q["value"])
        ax.step(xs, values, where="post", color="black", linewidth=1.0, zorder=3)
        handles.append(Line2D([], [], color="black", linewidth=1.0,
                              label=t("legend.queue_total", lang)))  # fmt: skip
        top = max(1.0, float(values.max()))
    else:  # no queue event at all (a run ended at STARTEX): nothing ever waited at the hub
        ax.plot([tl.t0, tl.t1], [0.0, 0.0], color="black", linewidth=1.0, zorder=3)
        handles.append(Line2D([], [], color="black", linewidth=1.0,
                              label=t("legend.queue_total", lang)))  # fmt: skip
    ax.set_ylim(0, top * 1.15 + 0.2)
    ax.yaxis.set_major_locator(MultipleLocator(max(1, int(np.ceil(top / 4)))))
    ax.set_ylabel(t("timeline.queue_ylabel", lang))
    tl.legend(ax, handles, t("timeline.queue_legend", lang))
