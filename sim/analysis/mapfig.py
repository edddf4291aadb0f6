"""The debrief map: where the crises were, where the units came from, and how they travelled.

Evaluators ask "why did the Chinooks take so long to the Meinweg?" and the answer is often a
place: a base far from the site, or a move from another fire. The map answers it from the
journal alone: crisis sites from each ``onset`` event (``detail.sites``), request sites from
``drafted`` requests, and every outbound leg from the ``unit`` events in state ``in_transit``
(``detail.from_lat/from_lon`` → ``to_lat/to_lon``). Legs are straight lines, as the model
travels (distance as the crow flies; see ``docs/model.md``); a leg that does not start at the
unit's base (a reallocation, a unit moved while refuelling) is dashed. Region seats and bases
come from the exercise when it is known; a capability with no single base ("distributed") gets
no base marker and no line from its nominal point, only a ring at the sites its units reached. The outline of the Netherlands is schematic
(simplified coast and borders; the Wadden islands and the IJsselmeer left out) and only there
to orient the reader; no basemap is needed, so the map draws offline and byte-identically.
"""

from __future__ import annotations

import math
import textwrap
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Polygon

from sim.analysis import figstyle as fs
from sim.analysis.labels import count_label, t
from sim.analysis.labelset import Label, LabelSet
from sim.analysis.maplabels import Box, box_at, free_corner, marker_box, seat_anchor

if TYPE_CHECKING:
    from sim.exercise import Exercise

__all__ = ["MapData", "draw_map", "map_data"]

Event = dict[str, Any]
Point = tuple[float, float]  # (lat, lon)

NL_OUTLINE: tuple[Point, ...] = (
    (51.37, 3.37), (51.44, 3.56), (51.54, 3.44), (51.60, 3.67), (51.68, 3.70), (51.73, 3.79),
    (51.82, 3.87), (51.98, 4.12), (52.10, 4.26), (52.24, 4.43), (52.46, 4.56), (52.62, 4.62),
    (52.80, 4.67), (52.96, 4.74), (52.93, 5.03), (53.17, 5.41), (53.31, 5.63), (53.37, 5.90),
    (53.41, 6.20), (53.43, 6.58), (53.45, 6.83), (53.33, 6.93), (53.27, 7.03), (53.18, 7.21),
    (52.88, 7.08), (52.66, 6.74), (52.55, 6.76), (52.41, 6.98), (52.38, 7.07), (52.26, 7.05),
    (52.22, 7.00), (52.16, 6.88), (51.97, 6.83), (51.86, 6.49), (51.86, 6.12), (51.82, 5.98),
    (51.77, 6.00), (51.70, 6.03), (51.60, 6.08), (51.37, 6.23), (51.28, 6.10), (51.19, 6.17),
    (51.00, 5.95), (50.87, 6.08), (50.77, 6.02), (50.75, 5.69), (50.85, 5.64), (51.10, 5.80),
    (51.15, 5.82), (51.25, 5.63), (51.27, 5.57), (51.28, 5.32), (51.42, 5.10), (51.44, 4.93),
    (51.45, 4.80), (51.44, 4.66), (51.46, 4.47), (51.39, 4.33), (51.36, 4.30), (51.27, 4.10),
    (51.21, 3.80), (51.25, 3.45), (51.30, 3.38),
)  # fmt: skip
"""A schematic outline of the European Netherlands (about 60 points, ~5 km accurate): enough to
see north from south and coast from border, not a survey."""

LEG_COLOURS = (fs.BLUE, fs.VERMILLION, fs.GREEN, fs.PURPLE, fs.ORANGE, fs.SKY, fs.BLACK)
"""Okabe-Ito without yellow (too pale on white). Legs are coloured by capability when there are
at most seven, else by the crisis they serve (a colour never stands for two things)."""

EXTRA_COLOURS = ("#882255", "#44AA99", "#999933", "#332288", "#AA4499", "#117733", "#661100")
"""Paul Tol's muted and dark colours, for an eighth to fourteenth crisis."""


@dataclass(frozen=True)
class Leg:
    """Units of one capability that travelled the same straight line."""

    capability: str
    crisis: str
    start: Point
    end: Point
    units: int
    from_base: bool
    no_base: bool = False  # from the nominal point of a capability without a single base


@dataclass
class MapData:
    """What the map shows, read from one journal (and the exercise for seats and bases)."""

    crisis_sites: dict[Point, list[str]] = field(default_factory=dict)  # point -> labels
    request_sites: set[Point] = field(default_factory=set)
    legs: list[Leg] = field(default_factory=list)
    bases: dict[Point, str] = field(default_factory=dict)
    seats: dict[Point, str] = field(default_factory=dict)  # point -> region id
    involved: set[str] = field(default_factory=set)  # regions with a crisis or a request
    no_base: set[str] = field(default_factory=set)  # capabilities with no single base


def _point(lat: Any, lon: Any) -> Point:
    return round(float(lat), 4), round(float(lon), 4)


def map_data(
    events: Sequence[Event],
    exercise: Exercise | None = None,
    window: tuple[float, float] | None = None,
) -> MapData:
    """Collect sites, legs, bases and seats; identical units on one line become one leg."""
    data = MapData()
    bases = _bases(exercise)
    counts: dict[tuple[str, str, Point, Point], int] = defaultdict(int)
    t0, t1 = window if window is not None else (float("-inf"), float("inf"))
    for e in events:
        if not t0 <= float(e["t"]) <= t1 and e["kind"] != "crisis":
            continue  # a window shows the journeys begun in it; crises stay for orientation
        kind, detail = e["kind"], e.get("detail") or {}
        if kind == "crisis" and e["state"] == "onset":
            for region, site in sorted((detail.get("sites") or {}).items()):
                point = _point(site["lat"], site["lon"])
                name = str(site.get("name") or region)
                data.crisis_sites.setdefault(point, []).append(f"{name} ({e['crisis']})")
                data.involved.add(str(region))
        elif kind == "request" and e["state"] == "drafted":
            if e.get("region"):
                data.involved.add(str(e["region"]))
            site = detail.get("site")
            if site:
                data.request_sites.add(_point(site["lat"], site["lon"]))
        elif kind == "unit" and e["state"] == "in_transit" and "from_lat" in detail:
            start = _point(detail["from_lat"], detail["from_lon"])
            end = _point(detail["to_lat"], detail["to_lon"])
            counts[(str(e["capability"]), str(e.get("crisis") or ""), start, end)] += 1
    for (cap, crisis, start, end), n in sorted(counts.items()):
        base = bases.get(cap)
        from_base = base is None or _near(start, base[0])
        distributed = base is not None and _is_distributed(base[1])
        data.legs.append(Leg(cap, crisis, start, end, n, from_base, distributed and from_base))
        if distributed:
            data.no_base.add(cap)  # its base point is a nominal one: never drawn as a place
        elif base is not None:
            data.bases[base[0]] = base[1]
    data.request_sites -= set(data.crisis_sites)
    if exercise is not None:
        data.seats = {_point(r.lat, r.lon): rid for rid, r in exercise.regions.items()}
    return data


def _bases(exercise: Exercise | None) -> dict[str, tuple[Point, str]]:
    """Capability id -> (base point, base name), for the capabilities the exercise has."""
    if exercise is None:
        return {}
    out = {
        cid: (_point(cap.lat, cap.lon), str(cap.base)) for cid, cap in exercise.capabilities.items()
    }
    pool = getattr(exercise, "generic_pool", None)
    if pool is not None:
        out.setdefault("GENERIC", (_point(pool.lat, pool.lon), str(pool.base)))
    return out


def _is_distributed(base: str) -> bool:
    """A base named "distributed" (Natres platoons, the generic pool): units set out from all
    over the country, and the model travels them from a nominal point in its middle (52.10 N,
    5.30 E), which is no place any unit was."""
    return base.strip().casefold() == "distributed"


def _near(a: Point, b: Point) -> bool:
    return abs(a[0] - b[0]) < 1e-3 and abs(a[1] - b[1]) < 1e-3


def draw_map(
    events: Sequence[Event],
    exercise: Exercise | None = None,
    lang: str = "en",
    *,
    figsize: tuple[float, float] = (12.0, 9.0),
    window: tuple[float, float] | None = None,
) -> Figure:
    """The map of one run (``map.png``): sites, bases, seats and the units' outbound legs;
    ``figsize`` (9.6 × 5.4 in for a projector page) and ``window`` (journeys begun in it)."""
    data = map_data(events, exercise, window)
    with fs.rc():
        # fixed axes, not constrained layout: the figure's size never changes, and measuring
        # every label for the layout cost more than drawing the map
        fig = Figure(figsize=figsize)
        ax = fig.add_axes((0.065, 0.09, 0.62, 0.87), label="map")
        side = fig.add_axes((0.70, 0.09, 0.29, 0.87), label="map-legend")
        side.set_axis_off()  # the legend's own column: never over the map, never cut off
        _frame(ax, data)
        handles = _draw_legs(ax, data.legs, lang)
        _draw_points(ax, data)
        handles += _point_handles(data, lang)
        if not data.legs and not data.crisis_sites:
            ax.text(0.5, 0.04, t("map.empty", lang), transform=ax.transAxes, ha="center")
        side.legend(handles=handles, loc="upper left", fontsize=7.5, frameon=False)
        ax.set_title(t("map.title", lang), loc="left")
        # a figure-level x label, so constrained layout keeps it clear of the axis label
        caption = textwrap.fill(t("map.caption", lang), 150)
        fig.text(0.01, 0.012, caption, fontsize=6.5, color="#555555", va="bottom")
        return fig


def _frame(ax: Any, data: MapData) -> None:
    """Whole country in view (plus any point outside it), degrees scaled for latitude 52°."""
    ax.add_patch(
        Polygon(
            [(lon, lat) for lat, lon in NL_OUTLINE],
            closed=True,
            facecolor="#F1F1EC",
            edgecolor="#9A9A90",
            linewidth=0.8,
            zorder=0,
        )
    )
    points = list(NL_OUTLINE) + list(data.crisis_sites) + list(data.bases)
    points += [
        p for leg in data.legs for p in (leg.start, leg.end) if not leg.no_base or p == leg.end
    ]
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    ax.set_xlim(min(lons) - 0.25, max(lons) + 0.25)
    ax.set_ylim(min(lats) - 0.15, max(lats) + 0.15)
    ax.set_aspect(1.0 / math.cos(math.radians(52.0)))
    # no degree ticks (nobody in the room reads longitudes; they cost a third of the drawing):
    # a 50 km scale bar instead, true at 52° N where a degree of longitude is 68.6 km
    ax.set_xticks([])
    ax.set_yticks([])
    x0, y0 = min(lons) - 0.1, min(lats) - 0.05  # lower left: Belgium, where nothing is drawn
    x1 = x0 + 50.0 / (111.32 * math.cos(math.radians(52.0)))
    ax.plot([x0, x1], [y0, y0], color=fs.BLACK, linewidth=2.5, solid_capstyle="butt", zorder=2)
    ax.text((x0 + x1) / 2, y0 + 0.03, "50 km", ha="center", va="bottom", fontsize=7.5)


def _draw_legs(ax: Any, legs: list[Leg], lang: str) -> list[Any]:
    """One arrow per leg, its width by the number of units; legs on one line fan out."""

    def key(leg: Leg) -> str:
        return leg.capability if by_capability else leg.crisis

    by_capability = len({leg.capability for leg in legs}) <= len(LEG_COLOURS)
    keys = sorted({key(leg) for leg in legs})
    palette = LEG_COLOURS + EXTRA_COLOURS
    colour = {k: palette[i % len(palette)] for i, k in enumerate(keys)}
    units: dict[str, int] = defaultdict(int)
    fan: dict[tuple[Point, Point], int] = defaultdict(int)
    rings: dict[Point, list[str]] = defaultdict(list)  # site -> colour keys, no-base arrivals
    for leg in legs:
        units[key(leg)] += leg.units
        if leg.no_base:  # no line from a made-up start: a ring at the site it reached
            if key(leg) not in rings[leg.end]:
                rings[leg.end].append(key(leg))
            continue
        k = fan[(leg.start, leg.end)]
        fan[(leg.start, leg.end)] += 1
        rad = 0.08 * ((k + 1) // 2) * (1 if k % 2 else -1)
        dashed = not leg.from_base  # dashed means one thing only: moved
        ax.add_patch(
            FancyArrowPatch(
                (leg.start[1], leg.start[0]),
                (leg.end[1], leg.end[0]),
                connectionstyle=f"arc3,rad={rad}",
                arrowstyle="-|>",
                mutation_scale=9,
                linewidth=min(4.0, 0.9 + 0.6 * leg.units),
                linestyle=(0, (4, 2)) if dashed else "-",
                color=colour[key(leg)],
                alpha=0.85,
                shrinkA=2,
                shrinkB=4,
                zorder=3,
            )
        )
    for (lat, lon), ring_keys in sorted(rings.items()):
        for k, ring_key in enumerate(ring_keys):  # one ring per colour, the later ones wider
            ax.plot(lon, lat, "o", markersize=19 + 5 * k, markerfacecolor="none",
                    markeredgecolor=colour[ring_key], markeredgewidth=1.8, zorder=4,
                    gid="map-no-base")  # fmt: skip
    what = t("map.by_capability" if by_capability else "map.by_crisis", lang)
    handles: list[Any] = [Line2D([], [], linestyle="none", label=textwrap.fill(what, 40))]
    handles += [
        Line2D(
            [], [], color=colour[k], linewidth=2, label=f"{k}: {count_label('leg', units[k], lang)}"
        )
        for k in keys
    ]
    if any(not leg.from_base for leg in legs):
        handles.append(
            Line2D(
                [],
                [],
                color="#555555",
                linewidth=1.5,
                linestyle=(0, (4, 2)),
                label=t("map.moved", lang),
            )
        )
    if rings:
        caps = ", ".join(sorted({leg.capability for leg in legs if leg.no_base}))
        handles.append(
            Line2D([], [], linestyle="none", marker="o", markersize=10, markerfacecolor="none",
                   markeredgecolor="#555555", markeredgewidth=1.5,
                   label=textwrap.fill(t("map.no_base", lang, caps=caps), 44))
        )  # fmt: skip
    return handles


def _draw_points(ax: Any, data: MapData) -> None:
    """Seats and bases as one artist per kind, their names as one ``LabelSet`` each (a map of
    the whole country has dozens of them); crisis sites keep a boxed ``Text`` each."""
    lat_step, lon_step = 0.022, 0.03  # about 2.5 km: labels beside their marker
    placed: list[Box] = [  # the bases' names, as obstacles for the seats' and sites' labels
        box_at(ax, (p[1] + lon_step, p[0] + lat_step), name, 0, 0, "left", "center", 7.0)
        for p, name in data.bases.items()
    ]
    # every marker is an obstacle too, a star most of all: a site's label set on or beside
    # another site's star reads as that site's (Amsterdam's label sat on the Haarlem star), and
    # a seat's label under a star hides the site (VR13 under Amsterdam's)
    stars = [marker_box(ax, (lon, lat), 7.5) for lat, lon in data.crisis_sites]
    marks = [marker_box(ax, (p[1], p[0]), 3.5) for p in [*data.bases, *data.request_sites]]
    marks += [marker_box(ax, (p[1], p[0]), 2.0) for p in data.seats]
    for strong in (False, True):
        seats = [(p, r) for p, r in sorted(data.seats.items()) if (r in data.involved) == strong]
        if not seats:
            continue
        grey = "#333333" if strong else "#9A9A9A"
        ax.plot([p[1] for p, _ in seats], [p[0] for p, _ in seats], "o", linestyle="none",
                markersize=4 if strong else 3, color=grey, zorder=2)  # fmt: skip
        labels = []
        for p, r in seats:
            lon, lat, ha = seat_anchor(ax, (p[1], p[0]), r, placed, stars, marks)
            labels.append(Label(lon, lat, r, ha))
        ax.add_artist(LabelSet(labels, fontsize=6.5, color=grey, zorder=2, gid="map-seats"))
    if data.bases:
        bases = sorted(data.bases.items())
        ax.plot([p[1] for p, _ in bases], [p[0] for p, _ in bases], "s", linestyle="none",
                markersize=7, color="white", markeredgecolor=fs.BLACK, zorder=5)  # fmt: skip
        labels = [Label(p[1] + lon_step, p[0] + lat_step, name) for p, name in bases]
        ax.add_artist(LabelSet(labels, fontsize=7, zorder=6, gid="map-bases"))
    if data.request_sites:
        sites = sorted(data.request_sites)
        ax.plot([p[1] for p in sites], [p[0] for p in sites], "D", linestyle="none",
                markersize=5, color=fs.SKY, markeredgecolor=fs.BLACK, zorder=5)  # fmt: skip
    for (lat, lon), names in sorted(data.crisis_sites.items()):
        ax.plot(lon, lat, "*", markersize=15, color=fs.YELLOW, markeredgecolor=fs.BLACK,
                zorder=6)  # fmt: skip
        text = "\n".join(names)
        dx, dy, ha, va = free_corner(ax, (lon, lat), text, placed, stars, marks)
        ax.annotate(text, (lon, lat), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                    fontsize=7.5, fontweight="bold", zorder=7,
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none",
                          "alpha": 0.8})  # fmt: skip


def _point_handles(data: MapData, lang: str) -> list[Any]:
    def marker(symbol: str, label: str, size: float, face: str) -> Line2D:
        return Line2D([], [], linestyle="none", marker=symbol, markersize=size,
                      markerfacecolor=face, markeredgecolor=fs.BLACK, label=label)  # fmt: skip

    out = [marker("*", t("map.crisis_site", lang), 12, fs.YELLOW)]
    if data.request_sites:
        out.append(marker("D", t("map.request_site", lang), 5, fs.SKY))
    if data.bases:
        out.append(marker("s", t("map.base", lang), 7, "white"))
    if data.seats:
        out.append(marker("o", t("map.seat", lang), 4, "#333333"))
    return out
