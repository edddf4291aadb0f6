"""Timeline panel for the regions: escalation levels, crises with unmet demand, requests.

Per region a band of escalation levels (darker = higher, the ladder's code written in), a thin
lane per crisis (grey = active, vermillion = demand unmet, solid = life-safety demand unmet,
▲/▼ = level change, filled when an inject caused it, ①② = why no region asked for the unmet
need, panel_notasked.py) and the region's requests for assistance
as bars from submission to closure, coloured by phase, with markers for denials,
substitutions, partial grants, withdrawals and requests still open at ENDEX.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from matplotlib.collections import PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.analysis import figstyle as fs
from sim.analysis.drawkit import bars, cmap, panel_title, rect, shade_sections
from sim.analysis.labels import t
from sim.analysis.labelset import LANE_GID, Label, LabelSet
from sim.analysis.level_codes import LEVEL_CODE_PT, Band, level_labels
from sim.analysis.panel_notasked import draw_not_asked, not_asked_legend

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from sim.analysis.timeline import Timeline

__all__ = ["draw_regions", "draw_request_bars", "region_legend"]


def draw_regions(tl: Timeline, ax: Axes) -> None:
    T, plan, lang = tl.T, tl.plan, tl.lang
    n = len(plan.rows)
    ax.set_ylim(max(n, 1) - 0.5, -0.5)
    panel_title(ax, t("timeline.regions_title", lang))
    if not n:
        ax.text(0.5, 0.5, t("timeline.no_regions", lang), transform=ax.transAxes, ha="center")
    crisis_y = {(r.region, r.crisis): i for i, r in enumerate(plan.rows) if r.kind == "crisis"}
    labels = []
    for row in plan.rows:
        if row.kind == "region":
            labels.append(tl.region_name(row.region))
        elif row.kind == "crisis":
            labels.append(tl.crisis_name(row.crisis or ""))
        else:
            labels.append("")
    # names on labelled rows only (request rows carry their labels on the bars), as two label
    # sets (bold regions, italic crises), not a y tick each: see ``timeaxis`` on tick costs
    ax.set_yticks([])
    lane_fonts = {"region": (7.5, "bold", "normal"), "crisis": (7.0, "normal", "italic")}
    for kind, (size, weight, style) in lane_fonts.items():
        names = [
            Label(0.0, i, labels[i], "right") for i, r in enumerate(plan.rows) if r.kind == kind
        ]
        lane_set = LabelSet(names, fontsize=size, weight=weight, style=style, axis_x=0.0,
                            x_offset_pt=-3.5, gid=LANE_GID)  # fmt: skip
        ax.add_artist(lane_set)
    # separators and alternating shading per region section
    shade_sections(ax, [i for i, r in enumerate(plan.rows) if r.kind == "region"], n)
    tl.inject_lines(ax)

    # level bands
    top = max(T.info.max_level, 1)

    def norm(level: float) -> float:
        return level_shade(level, top)

    levels = cmap(fs.LEVEL_CMAP)
    verts, faces = [], []
    bands_by_row = level_rows(tl)
    for lane, bands in bands_by_row.items():
        for band in bands:
            verts.append(rect(band.start, band.end, lane, 0.8))
            faces.append(levels(norm(band.level)))
    ax.add_collection(
        PolyCollection(verts, facecolors=faces, edgecolors="#555555", linewidths=0.4, zorder=2),
        autolim=False,
    )
    # short bands are labelled beside themselves; those with no room anywhere get a key entry
    codes, tl.short_levels = level_labels(bands_by_row, tl.t0, tl.t1, tl.minutes_per_inch)
    ax.add_artist(LabelSet(codes, fontsize=LEVEL_CODE_PT, clip=True, gid="level-codes", zorder=3))

    # crisis lanes: active span, unmet demand, level changes
    span_rects: list[Any] = []
    unmet_rects: list[Any] = []
    ls_rects: list[Any] = []
    for span in T.crisis_spans.itertuples(index=False):
        for region in span.regions:
            y = crisis_y.get((region, span.crisis))
            if y is not None:
                span_rects.append(rect(span.onset, span.end, y, 0.42))
    for d in T.demand.itertuples(index=False):
        y = crisis_y.get((d.region, d.crisis))
        if y is None or d.unmet_share <= 0:
            continue
        (ls_rects if d.life_safety_unmet else unmet_rects).append(rect(d.start, d.end, y, 0.42))
    ax.add_collection(
        PolyCollection(span_rects, facecolors="#BDBDBD", edgecolors="#777777", linewidths=0.4,
                       zorder=2),
        autolim=False,
    )  # fmt: skip
    ax.add_collection(
        PolyCollection(unmet_rects, facecolors="#FBE1CF", edgecolors=fs.UNMET, hatch="\\\\\\\\",
                       linewidths=0.4, zorder=2.1),
        autolim=False,
    )  # fmt: skip
    ax.add_collection(
        PolyCollection(ls_rects, facecolors=fs.UNMET, edgecolors="#7A2E00", linewidths=0.4,
                       zorder=2.1),
        autolim=False,
    )  # fmt: skip
    changes = T.crises[T.crises["state"].isin(["escalate", "deescalate"])]
    pts: dict[tuple[str, bool], list[tuple[float, float]]] = {}
    for c in changes.itertuples(index=False):
        for region in c.regions:
            y = crisis_y.get((region, c.crisis))
            if y is not None:
                key = ("^" if c.state == "escalate" else "v", c.cause == "inject")
                pts.setdefault(key, []).append((c.t, y))
    for (marker, by_inject), xy in pts.items():
        ax.plot(
            [p[0] for p in xy],
            [p[1] for p in xy],
            linestyle="none",
            marker=marker,
            markersize=5.5,
            markerfacecolor="black" if by_inject else "white",
            markeredgecolor="black",
            markeredgewidth=0.8,
            zorder=4,
        )

    draw_not_asked(tl, ax, crisis_y)
    draw_request_bars(tl, ax)
    handles = region_legend(tl)
    tl.legend(ax, handles, t("timeline.regions_legend", lang))


def draw_request_bars(tl: Timeline, ax: Axes) -> None:
    plan = tl.plan
    by_phase: dict[str, list[Any]] = {}
    for p in tl.T.phases.itertuples(index=False):
        y = plan.request_row.get(p.request)
        if y is None or p.end <= tl.t0 or p.start >= tl.t1:
            continue
        by_phase.setdefault(p.phase, []).append(rect(p.start, p.end, y, 0.62))
    for phase, style in fs.PHASE_STYLE.items():
        rects = by_phase.get(phase)
        if rects:
            ax.add_collection(bars(rects, style, f"request-phase-{phase}", zorder=2.5))
    # one outline per request: the whole bar, for a clear edge and for counting
    spans = tl.T.phases.groupby("request").agg(start=("start", "min"), end=("end", "max"))
    outline, label_pos = [], []
    for rid, row in spans.iterrows():
        y = plan.request_row.get(str(rid))
        if y is None:
            continue
        outline.append(rect(row["start"], row["end"], y, 0.62))
        label_pos.append((str(rid), y))
    ax.add_collection(
        PolyCollection(
            outline,
            facecolors="none",
            edgecolors="black",
            linewidths=0.7,
            zorder=3,
            gid="request-bars",
        ),
        autolim=False,
    )
    beside: list[Label] = []
    for rid, y in label_pos:
        if tl.bar_texts >= tl.max_texts:
            break
        label = tl.request_labels.get(rid, rid)
        place = plan.request_label[rid]  # where packing left room for it
        if place.side == "after":
            beside.append(Label(place.x, y, label, "left"))
        elif place.side == "before":
            beside.append(Label(place.x, y, label, "right"))
        else:  # the bar spans the window: the label has a row of its own
            beside.append(Label(place.x, plan.label_row.get(rid, y), label, "left"))
        tl.bar_texts += 1
    ax.add_artist(LabelSet(beside, fontsize=7, gid="request-labels", zorder=4))
    # markers: denied, substituted, partial, open, withdrawn
    marks = tl.T.marks
    for mark, mark_style in fs.MARK_STYLE.items():
        sel = marks[(marks["mark"] == mark) & marks["request"].isin(plan.request_row)]
        sel = sel[(sel["t"] >= tl.t0) & (sel["t"] <= tl.t1)]
        if not len(sel):
            continue
        tl.used_marks.add(mark)  # the legend lists only what the figure shows
        ax.plot(
            sel["t"].to_numpy(),
            [plan.request_row[r] for r in sel["request"]],
            linestyle="none",
            marker=mark_style["marker"],
            markersize=mark_style["size"],
            markerfacecolor=mark_style["color"],
            markeredgecolor="black",
            markeredgewidth=fs.MARK_EDGE_PT,
            zorder=5,
            gid=f"request-mark-{mark}",
            clip_on=False,
        )


def level_rows(tl: Timeline) -> dict[float, list[Band]]:
    """The level bands in the window, by region row (clipped to the window)."""
    T = tl.T
    top = max(T.info.max_level, 1)
    region_y = {r.region: i for i, r in enumerate(tl.plan.rows) if r.kind == "region"}
    rows: dict[float, list[Band]] = {}
    for band in T.region_bands.itertuples(index=False):
        y = region_y.get(band.region)
        if y is None or band.level <= 0 or band.end <= tl.t0 or band.start >= tl.t1:
            continue
        colour = "white" if level_shade(band.level, top) > 0.62 else "black"
        rows.setdefault(y, []).append(
            Band(max(band.start, tl.t0), min(band.end, tl.t1), int(band.level),
                 T.info.level_code(band.level), colour)
        )  # fmt: skip
    return rows


def level_shade(level: float, top: int) -> float:
    """Where a level's shade sits on the level colour map (darker = higher)."""
    return 0.2 + 0.75 * min(level, top) / top


def region_legend(tl: Timeline, sizing: bool = False) -> list[Any]:
    """Legend entries of the regions panel: only marks and notations the figure shows.

    ``sizing`` (before anything is drawn, to size the margin) counts every mark and notation
    the run has, so the margin is wide enough for whatever the window ends up showing.
    """
    lang = tl.lang
    marks = set(tl.T.marks["mark"]) if sizing else tl.used_marks
    shown = tl.request_labels if sizing else tl.plan.request_label  # requests in the window
    arrows = any("→" in tl.request_labels.get(rid, rid) for rid in shown)
    levels = cmap(fs.LEVEL_CMAP)
    top = max(tl.T.info.max_level, 1)
    if sizing:  # the bands that will find no room for their code, at the current scale
        drawn = level_labels(level_rows(tl), tl.t0, tl.t1, tl.minutes_per_inch)[1]
    else:
        drawn = tl.short_levels
    handles: list[Any] = [
        Patch(facecolor=levels(0.45), edgecolor="#555555", label=t("legend.level", lang)),
        *(  # a key to the shades of bands too short for their code anywhere
            Patch(facecolor=levels(level_shade(level, top)), edgecolor="#555555",
                  label=tl.T.info.level_code(level))
            for level in sorted(int(x) for x in drawn if x > 0)
        ),
        Patch(facecolor="#BDBDBD", edgecolor="#777777", label=t("legend.crisis_active", lang)),
        Patch(facecolor="#FBE1CF", edgecolor=fs.UNMET, hatch="\\\\\\\\",
              label=t("legend.unmet", lang)),
        Patch(facecolor=fs.UNMET, edgecolor="#7A2E00", label=t("legend.unmet_life_safety", lang)),
        Line2D([], [], linestyle="none", marker="^", markerfacecolor="black",
               markeredgecolor="black", label=t("legend.escalation_inject", lang)),
    ]  # fmt: skip
    phases_drawn = set(tl.T.phases["phase"]) if len(tl.T.phases) else set()
    for phase, style in fs.PHASE_STYLE.items():
        if phase in ("awaiting", "grounded") and phase not in phases_drawn:
            continue  # only live sessions or players' moves have them: the legend stays short
        handles.append(
            Patch(facecolor=style.face, edgecolor=style.edge, hatch=style.hatch,
                  label=t(f"phase.{phase}", lang))
        )  # fmt: skip
    for mark, mark_style in fs.MARK_STYLE.items():
        if mark in marks:
            handles.append(
                Line2D([], [], linestyle="none", marker=mark_style["marker"],
                       markersize=mark_style["size"] * 0.9, markerfacecolor=mark_style["color"],
                       markeredgecolor="black", label=t(f"mark.{mark}", lang))
            )  # fmt: skip
    handles.append(Line2D([], [], linestyle="none", label=t("legend.life_safety", lang)))
    if arrows:
        handles.append(Line2D([], [], linestyle="none", label=t("legend.asked_given", lang)))
    return handles + not_asked_legend(tl, sizing)
