"""Timeline panels for the MSEL: the inject strip at the top and the numbered key at the bottom.

Markers carry the MSEL id and a shape per inject group (scenario, request, capacity/hub,
information, decision point); the key lists number, time and title so long MSEL texts never
cover the data. Skipped and not-reached injects are listed in grey with their reason.
"""

from __future__ import annotations

from itertools import accumulate
from typing import TYPE_CHECKING, Any

from matplotlib.lines import Line2D

from sim.analysis import figstyle as fs
from sim.analysis.drawkit import panel_title, text_width_in
from sim.analysis.labels import t, t_or
from sim.analysis.labelset import Label, LabelSet
from sim.analysis.msel_text import inject_reason_label
from sim.analysis.timefmt import format_t

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from sim.analysis.timeline import Timeline

__all__ = [
    "KEY_GLYPH",
    "draw_inject_key",
    "draw_inject_strip",
    "fit_text",
    "place_injects",
    "strip_height_in",
]

KEY_GLYPH = {
    "scenario": "▲",
    "request": "■",
    "capacity": "◆",
    "information": "●",
    "decision_point": "★",
    "skipped": "○",
}
"""Inject symbols in the key (the strip's marker shapes, as characters)."""
KEY_FONT_PT = 7.5
KEY_PAD_IN = 0.05  # space between the key's columns, inches
KEY_SYMBOL_IN = 0.1  # width of the symbol column, inches
KEY_GREY = "#6A6A6A"  # skipped and not-reached injects


LEVEL_IN = 0.3
"""Height of one row of inject markers: a 12 pt marker and its 7 pt number above it."""


def place_injects(tl: Timeline) -> list[tuple[float, int, str, str, str]]:
    """``(t, row, label, state, marker group)`` per inject in the window: each marker goes on
    the lowest row where it and its number clear the previous one; rows are added as needed,
    so markers never overlap (the strip grows instead)."""
    level_end: list[float] = []
    places = []
    for row in tl.injects.itertuples(index=False):
        label = tl.marker_label.get(row.inject, row.inject)
        width = (len(label) * 0.075 + 0.2) * tl.minutes_per_inch
        level = next((i for i, end in enumerate(level_end) if row.t >= end), None)
        if level is None:
            level = len(level_end)
            level_end.append(0.0)
        level_end[level] = row.t + width
        group = fs.INJECT_GROUP.get(row.type or "", "information")
        places.append(
            (row.t, level, label, row.state, group if row.state == "fired" else "skipped")
        )
    return places


def strip_height_in(places: list[tuple[float, int, str, str, str]]) -> float:
    """The strip's height for its rows of markers (at least three rows, as before)."""
    rows = max((p[1] for p in places), default=0) + 1
    return max(3, rows) * LEVEL_IN + 0.15


def draw_inject_strip(tl: Timeline, ax: Axes) -> None:
    lang = tl.lang
    places = tl.inject_places
    rows = max(3, max((p[1] for p in places), default=0) + 1)
    ax.set_yticks([])
    ax.set_ylim(-0.6, rows - 0.4)
    for side in ("left", "right"):
        ax.spines[side].set_visible(False)
    placed: dict[str, list[tuple[float, float]]] = {}
    texts: list[tuple[float, float, str, str]] = []
    for x, level, label, state, key in places:
        placed.setdefault(key, []).append((x, level))
        texts.append((x, level, label, state))
    handles: list[Any] = []
    for group, style in fs.INJECT_STYLE.items():
        pts = placed.get(group, [])
        handle = Line2D(
            [p[0] for p in pts],
            [p[1] for p in pts],
            linestyle="none",
            marker=style["marker"],
            markersize=9 if style["marker"] != "*" else 12,
            markerfacecolor=style["color"],
            markeredgecolor="black",
            markeredgewidth=0.7,
            label=t(f"inject_group.{group}", lang),
            gid=f"inject-fired-{group}",
            clip_on=False,
        )
        ax.add_line(handle)
        handles.append(handle)
    skipped = placed.get("skipped", [])
    if skipped:
        line = Line2D(
            [p[0] for p in skipped],
            [p[1] for p in skipped],
            linestyle="none",
            marker="o",
            markersize=8,
            markerfacecolor="white",
            markeredgecolor="#777777",
            label=t("inject_state.skipped", lang),
            gid="inject-skipped",
        )
        ax.add_line(line)
        handles.append(line)
    numbers = [
        Label(x, level + 0.3, label, "center", "black" if state == "fired" else "#777777")
        for x, level, label, state in texts
    ]
    ax.add_artist(LabelSet(numbers, fontsize=7, weight="bold", va="bottom", gid="inject-numbers"))
    panel_title(ax, t("timeline.injects_title", lang), pad=30)
    tl.inject_handles = handles


def draw_inject_key(tl: Timeline, ax: Axes) -> None:
    """The numbered key: marker, number, time and title of every inject in the window."""
    lang = tl.lang
    ax.set_axis_off()
    ax.set_label("key")
    rows = [*tl.injects.itertuples(index=False), *tl.not_reached.itertuples(index=False)]
    per_col = -(-len(rows) // tl.key_cols)
    ax.set_xlim(0, tl.key_cols)
    ax.set_ylim(per_col - 0.4, -1.4)
    column_in = (tl.t1 - tl.t0) / tl.minutes_per_inch / tl.key_cols
    ax.text(0, -1.2, t("timeline.inject_key", lang), fontweight="bold", fontsize=8.5, va="center")
    if tl.inject_handles:
        # right after the key's title, never over it (a projector page is narrower)
        title_in = text_width_in([t("timeline.inject_key", lang)], 8.5, "bold") + 0.15
        handles = tl.inject_handles
        wide = sum(text_width_in([h.get_label()], 7.0) + 0.45 for h in handles)
        legend_rows = 1 if wide <= column_in * tl.key_cols - title_in else 2
        ax.legend(
            handles=handles,
            loc="center left",
            bbox_to_anchor=(title_in / (column_in * tl.key_cols), 1.0 - 0.2 / (per_col + 1.0)),
            ncols=-(-len(handles) // legend_rows),
            markerscale=0.75,
            handletextpad=0.3,
            columnspacing=1.2,
        )
    # Four aligned columns of one-line labels (symbol, number, time, title) in one LabelSet:
    # a national MSEL has a hundred injects, and a multi-line Text lays out every line again in
    # each file format. Proportional type in columns needs no padding spaces, which cost
    # glyphs too.
    pad = KEY_PAD_IN
    numbers = [tl.marker_label.get(row.inject, row.inject) for row in rows]
    whens = [format_t(row.t) if row.state != "not_reached" else "–" for row in rows]
    number_right = 2 * pad + KEY_SYMBOL_IN + text_width_in(numbers, KEY_FONT_PT)
    when_left = number_right + pad
    title_left = when_left + text_width_in(whens, KEY_FONT_PT) + 1.5 * pad
    title_room = column_in - title_left - pad
    labels: list[Label] = []
    for k, row in enumerate(rows):
        col, line = divmod(k, per_col)
        group = fs.INJECT_GROUP.get(row.type or "", "information")
        fired = row.state == "fired"
        glyph = KEY_GLYPH[group] if fired else KEY_GLYPH["skipped"]
        title = row.title or t_or(f"inject_type.{row.type}", str(row.type), lang)
        if not fired:
            note = t(f"inject_state.{row.state}", lang)
            reason = inject_reason_label(row.reason, lang)
            title += f"  ({note}{': ' + reason if reason else ''})"
        colour = None if fired else KEY_GREY
        x = col + pad / column_in  # data x: one key column is one unit wide
        labels += [
            Label(x + KEY_SYMBOL_IN / 2 / column_in, line, glyph, "center", colour),
            Label(col + number_right / column_in, line, numbers[k], "right", colour),
            Label(col + when_left / column_in, line, whens[k], "left", colour),
            Label(col + title_left / column_in, line, fit_text(title, title_room), "left", colour),
        ]
    ax.add_artist(LabelSet(labels, fontsize=KEY_FONT_PT, gid="inject-key"))


def fit_text(text: str, width_in: float, size: float = KEY_FONT_PT, weight: str = "normal") -> str:
    """``text`` on one line (runs of white space, newlines too, become one space), cut to the
    longest start that fits ``width_in`` inches with "…" after it; "" if not even "…" fits."""
    text = " ".join(text.split())
    if text_width_in([text], size, weight) <= width_in:
        return text

    def cut(keep: int) -> str:
        return text[:keep].rstrip() + "…"

    def fits(keep: int) -> bool:
        return text_width_in([cut(keep)], size, weight) <= width_in

    # first guess from the widths of single characters (cached), then measure whole cuts:
    # measuring a long string costs about a millisecond, so a plain bisection is slow
    room = width_in - text_width_in(["…"], size, weight)
    keep = sum(1 for w in accumulate(text_width_in([c], size, weight) for c in text) if w <= room)
    while keep > 0 and not fits(keep):
        keep -= 1
    while keep + 1 < len(text) and fits(keep + 1):
        keep += 1
    return cut(keep) if fits(keep) else ""
