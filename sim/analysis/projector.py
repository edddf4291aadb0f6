"""Timeline pages for a room: 16:9, 1920 × 1080 px, no text under 18 px (``--preset projector``).

The tall single figure (1600 px wide, up to thousands of pixels high) is right for print and
for zooming on a laptop, not for a projector. Here the same drawing code lays out pages of
9.6 × 5.4 in saved at 200 dpi: the smallest text in the timeline (6.5 pt) is then 18 px high.
A run becomes a short deck:

1. the injects strip and the numbered MSEL key;
2. one page per group of regions (their levels, crises and request bars), as many regions as
   fit (a region with more rows than a page gets a page of its own, taller if it must);
3. one page per group of capabilities for the unit lanes (units idle all window folded);
4. the scarce capabilities and the hub queue;
5. one key page with every legend used on the pages before (the data pages carry none, so the
   time axis gets the full width).

Every page shares the window ``t_from``-``t_to`` and draws the faint inject lines, so the pages
line up when flicked through.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from matplotlib.figure import Figure

from sim.analysis import figstyle as fs
from sim.analysis.labels import t
from sim.analysis.timeaxis import time_window
from sim.analysis.timeline import (
    AXIS_LABELS_IN,
    BOTTOM_IN,
    CAP_ROW_IN,
    GAP_ABOVE_IN,
    REGION_ROW_IN,
    TOP_IN,
    UNIT_ROW_IN,
    Timeline,
)
from sim.analysis.viewfilter import filter_tables

if TYPE_CHECKING:
    from sim.analysis.tables import RunTables
    from sim.exercise import Exercise

__all__ = ["PAGE_DPI", "PAGE_IN", "Page", "iter_projector_pages", "projector_pages"]

PAGE_IN = (9.6, 5.4)
PAGE_DPI = 200
"""9.6 × 5.4 in at 200 dpi: 1920 × 1080 px; 6.5 pt text is 18 px."""

_ROOM = PAGE_IN[1] - TOP_IN - GAP_ABOVE_IN["injects"] - AXIS_LABELS_IN - BOTTOM_IN - 0.1
"""Height one data panel may take on a page (inches)."""


@dataclass
class Page:
    """One projector page: a short name for its file (``regions-1``) and its figure."""

    name: str
    figure: Figure


def _groups(sizes: list[tuple[str, float]], room: float) -> list[list[str]]:
    """Consecutive groups whose sizes add up to at most ``room`` (one item may exceed it)."""
    groups: list[list[str]] = []
    used = room + 1.0
    for name, size in sizes:
        if used + size > room:
            groups.append([])
            used = 0.0
        groups[-1].append(name)
        used += size
    return groups


def _region_pages(plan: Any) -> list[tuple[list[str], tuple[str, list[str]] | None]]:
    """Regions per page; a region with more request rows than a page holds is split by rows
    into parts (``1/2``, ``2/2``), each with its level band and crises again."""
    per_page = int(_ROOM // REGION_ROW_IN)
    head: dict[str, int] = {}
    by_row: dict[str, dict[int, list[str]]] = {}
    for row in plan.rows:
        if row.kind != "requests":
            head[row.region] = head.get(row.region, 0) + 1
    for rid, index in [*plan.request_row.items(), *plan.label_row.items()]:
        region = plan.rows[index].region  # a label on a row of its own counts as a row
        by_row.setdefault(region, {}).setdefault(index, []).append(rid)
    whole: list[tuple[str, float]] = []
    pages: list[tuple[list[str], tuple[str, list[str]] | None]] = []

    def flush() -> None:
        for group in _groups(whole, _ROOM):
            pages.append((group, None))
        whole.clear()

    for region in plan.regions:
        rows = by_row.get(region, {})
        size = (head.get(region, 1) + len(rows)) * REGION_ROW_IN
        if size <= _ROOM:
            whole.append((region, size))
            continue
        flush()
        # one row spare: a request whose bar and label rows fall in two parts is in both
        room = max(1, per_page - head.get(region, 1) - 1)
        ordered = [rows[i] for i in sorted(rows)]
        chunks = [ordered[i : i + room] for i in range(0, len(ordered), room)]
        for n, chunk in enumerate(chunks, 1):
            ids = list(dict.fromkeys(r for line in chunk for r in line))
            pages.append(([region], (f"{n}/{len(chunks)}", ids)))
    flush()
    return pages


def _page(
    T: RunTables,
    exercise: Exercise | None,
    lang: str,
    t0: float,
    t1: float,
    panels: tuple[str, ...],
    title: str,
    legends: list[tuple[str, list[Any], list[str]]],
) -> Figure:
    tl = Timeline(
        T, exercise, lang, t0, t1, fig_width=PAGE_IN[0], panels=panels, legends=False,
        page_height=PAGE_IN[1], title=title, capability_limit=None,
    )  # fmt: skip
    fig = tl.draw()
    _merge_legends(legends, tl.collected_legends)
    return fig


def _merge_legends(
    legends: list[tuple[str, list[Any], list[str]]],
    more: list[tuple[str, list[Any], list[str]]],
) -> None:
    """Add a page's legend entries to the key: each kind once, with every entry any page drew
    (a page shows only the symbols its own rows use). Only entries not seen yet are kept, as
    their handles keep their page alive."""
    by_title = {title: (handles, labels) for title, handles, labels in legends}
    for title, handles, labels in more:
        if title not in by_title:
            legends.append((title, list(handles), list(labels)))
            by_title[title] = (legends[-1][1], legends[-1][2])
            continue
        have_handles, have_labels = by_title[title]
        for handle, label in zip(handles, labels, strict=True):
            if label not in have_labels:
                have_handles.append(handle)
                have_labels.append(label)


def projector_pages(
    T: RunTables,
    exercise: Exercise | None = None,
    lang: str = "en",
    t_from: float | None = None,
    t_to: float | None = None,
) -> list[Page]:
    """The deck for one run (or window): a list of 16:9 pages, in showing order."""
    return list(iter_projector_pages(T, exercise, lang, t_from, t_to))


def iter_projector_pages(
    T: RunTables,
    exercise: Exercise | None = None,
    lang: str = "en",
    t_from: float | None = None,
    t_to: float | None = None,
) -> Iterator[Page]:
    """The pages one at a time, so a 100-page deck never holds more than one figure (the
    caller saves each and lets it go)."""
    t0, t1 = time_window(T.info.t_end, t_from, t_to)
    legends: list[tuple[str, list[Any], list[str]]] = []
    with fs.rc():
        # every scarce capability: the deck pages them (a print timeline shows the first 8)
        whole = Timeline(
            T, exercise, lang, t0, t1, fig_width=PAGE_IN[0], legends=False, capability_limit=None
        )
        plan = whole.plan
        yield from _inject_pages(T, exercise, lang, t0, t1, legends)
        for k, (group, subset) in enumerate(_region_pages(plan), 1):
            names = ", ".join(group) + (f" {subset[0]}" if subset else "")
            title = f"{t('timeline.regions_title', lang)} ({names})"
            part = filter_tables(T, regions=group, requests=subset[1] if subset else None)
            fig = _page(part, exercise, lang, t0, t1, ("regions",), title, legends)
            yield (Page(f"regions-{k}", fig))
        lanes: dict[str, float] = {}
        for cap in plan.unit_caps:
            lanes[cap] = lanes.get(cap, 0.0) + UNIT_ROW_IN
        for k, group in enumerate(_groups(list(lanes.items()), _ROOM), 1):
            title = f"{t('timeline.units_title', lang)} ({', '.join(group)})"
            part = filter_tables(T, capabilities=group)
            fig = _page(part, exercise, lang, t0, t1, ("units",), title, legends)
            yield (Page(f"units-{k}", fig))
        caps = [(c, CAP_ROW_IN) for c in plan.capabilities]
        queue_in = 0.9 + GAP_ABOVE_IN["panel"]
        groups = _groups(caps, _ROOM - queue_in) if caps else [[]]
        for k, group in enumerate(groups, 1):
            panels = ("capacity", "queue") if k == 1 else ("capacity",)
            part = filter_tables(T, capabilities=group) if group else T
            title = t("timeline.capacity_title", lang) if group else t("timeline.queue_title", lang)
            yield (Page(f"capacity-{k}", _page(part, exercise, lang, t0, t1,
                                                     panels if group else ("queue",), title, legends)))  # fmt: skip
        from sim.analysis.mapfig import draw_map

        # the journeys of the requests these pages show (all, unless regions etc. were chosen)
        kept = set(T.requests["request"])
        trips = [e for e in T.events if e["kind"] != "unit" or e.get("request") in kept]
        window = (t0, t1) if (t_from, t_to) != (None, None) else None
        yield Page("map", draw_map(trips, exercise, lang, figsize=PAGE_IN, window=window))
        yield Page("key", _legend_page(legends, lang))


def _inject_pages(
    T: RunTables,
    exercise: Exercise | None,
    lang: str,
    t0: float,
    t1: float,
    legends: list[tuple[str, list[Any], list[str]]],
) -> Iterator[Page]:
    """The strip with the numbered MSEL key; when the key does not fit one page, the injects
    are split in time order over as many pages as it takes, each with its own strip and key."""
    rows = T.injects.sort_values(["t", "seq"], kind="stable")
    title = t("timeline.injects", lang)
    for parts in range(1, max(2, len(rows) + 1)):
        size = -(-len(rows) // parts) if len(rows) else 0
        chunks = [rows.iloc[i : i + size] for i in range(0, len(rows), size)] if size else [rows]
        figures = []
        for k, chunk in enumerate(chunks, 1):
            name = title if len(chunks) == 1 else f"{title} ({k}/{len(chunks)})"
            tl = Timeline(
                replace(T, injects=chunk), exercise, lang, t0, t1, fig_width=PAGE_IN[0],
                panels=("injects", "key"), legends=False, page_height=PAGE_IN[1], title=name,
            )  # fmt: skip
            figures.append(tl.draw())
            if tl.content_height > PAGE_IN[1] + 1e-9:
                break
        else:
            for k, fig in enumerate(figures, 1):
                yield Page("injects" if len(figures) == 1 else f"injects-{k}", fig)
            return


def _is_numbered(label: str) -> bool:
    return bool(label) and 0x2460 <= ord(label[0]) <= 0x2473  # ① .. ⑳


def _numbered_together(handles: list[Any], labels: list[str]) -> tuple[list[Any], list[str]]:
    """The numbered reasons (②, ③, ⑦: why a need was not asked for) in order right under
    their heading, the line before the first of them, however the pages brought them in."""
    pairs = list(zip(handles, labels, strict=True))
    numbered = sorted((p for p in pairs if _is_numbered(p[1])), key=lambda p: p[1][0])
    if not numbered:
        return handles, labels
    first = next(i for i, p in enumerate(pairs) if _is_numbered(p[1]))
    rest = [p for p in pairs if not _is_numbered(p[1])]
    at = first if first == 0 else rest.index(pairs[first - 1]) + 1
    ordered = rest[:at] + numbered + rest[at:]
    return [h for h, _ in ordered], [label for _, label in ordered]


def _legend_page(legends: list[tuple[str, list[Any], list[str]]], lang: str) -> Figure:
    """Every legend the data pages would have carried, once each, side by side."""
    fig = Figure(figsize=PAGE_IN)
    seen: dict[str, tuple[list[Any], list[str]]] = {}
    for title, handles, labels in legends:
        if title not in seen:
            seen[title] = (handles, labels)
    fig.text(0.12 / PAGE_IN[0], 1 - 0.12 / PAGE_IN[1], t("timeline.key_page", lang),
             ha="left", va="top", fontsize=11, fontweight="bold")  # fmt: skip
    columns = max(1, len(seen))
    for k, (title, (handles, labels)) in enumerate(seen.items()):
        handles, labels = _numbered_together(handles, labels)
        fig.legend(
            handles=handles, labels=labels, title=title, loc="upper left",
            bbox_to_anchor=(0.02 + k / columns * 0.98, 0.9), alignment="left",
            handlelength=2.2, handleheight=1.1, frameon=False,
        )  # fmt: skip
    return fig
