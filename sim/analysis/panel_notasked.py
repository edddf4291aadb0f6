"""Timeline marks for unmet need that no region asked for, with the reason why.

A crisis lane hatched as "demand unmet" with no request bar beside it leaves the room asking
why nobody asked. Each stretch of such need gets a numbered mark (①, ②, …) at its start, one
number per reason the journal gives (``detail.not_asked`` of the ``demand`` events: waiting
for the crisis team, below the request level, no capability, no legal route, …); the legend
spells out each number that is drawn. The numbers are the same in every language, the reasons
come from the label table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from matplotlib.lines import Line2D

from sim.analysis.labels import t, t_or
from sim.analysis.labelset import Label, LabelSet

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from sim.analysis.timeline import Timeline

__all__ = ["NOT_ASKED_ORDER", "draw_not_asked", "not_asked_legend", "not_asked_stretches"]

# The order of the numbers: the journal's codes (sim.model.subsidiarity.NOT_ASKED), as the hub
# would check them. A code this table does not know gets the next number.
NOT_ASKED_ORDER = (
    "no_auto_requests",
    "below_request_level",
    "waiting_for_team",
    "denied_at_level",
    "no_capability",
    "no_route",
    "covered_by_other",
)
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
MIN_STRETCH_IN = 0.12  # a stretch narrower than this on the page gets no mark


def glyph(reason: str, extra: list[str]) -> str:
    """The number drawn for a reason: its place in NOT_ASKED_ORDER, then in ``extra`` (the
    run's codes this table does not know, sorted)."""
    order = list(NOT_ASKED_ORDER) + extra
    k = order.index(reason) if reason in order else len(order)
    return _CIRCLED[k] if k < len(_CIRCLED) else f"({k + 1})"


def _extra(stretches: list[tuple[str, str, float, float, tuple[str, ...]]]) -> list[str]:
    return sorted({r for s in stretches for r in s[4]} - set(NOT_ASKED_ORDER))


def not_asked_stretches(demand: Any) -> list[tuple[str, str, float, float, tuple[str, ...]]]:
    """(region, crisis, start, end, reasons) per unbroken stretch of unmet, unasked need.

    Demand intervals follow each other per crisis × region; neighbours with the same reasons
    are one stretch, so a mark is drawn where the reason changes, not at every demand event.
    """
    out: list[tuple[str, str, float, float, tuple[str, ...]]] = []
    last: dict[tuple[str, str], int] = {}
    frame = demand.sort_values(["region", "crisis", "start"], kind="stable")
    for d in frame.itertuples(index=False):
        reasons = tuple(r for r in str(d.not_asked or "").split(",") if r)
        key = (str(d.region), str(d.crisis))
        if d.unmet_share <= 0 or not reasons:
            last.pop(key, None)
            continue
        k = last.get(key)
        if k is not None and out[k][4] == reasons and abs(out[k][3] - d.start) < 1e-9:
            region, crisis, start, _, _ = out[k]
            out[k] = (region, crisis, start, float(d.end), reasons)
            continue
        last[key] = len(out)
        out.append((key[0], key[1], float(d.start), float(d.end), reasons))
    return out


def draw_not_asked(tl: Timeline, ax: Axes, crisis_y: dict[tuple[str, str | None], int]) -> None:
    """Number each stretch of unasked need at its start (in the window) on its crisis lane."""
    stretches = not_asked_stretches(tl.T.demand)
    extra = _extra(stretches)
    labels: list[Label] = []
    for region, crisis, start, end, reasons in stretches:
        y = crisis_y.get((region, crisis))
        if y is None or end <= tl.t0 or start >= tl.t1:
            continue
        left, right = max(start, tl.t0), min(end, tl.t1)
        if (right - left) / tl.minutes_per_inch < MIN_STRETCH_IN:
            continue
        tl.used_not_asked.update(reasons)
        text = "".join(glyph(r, extra) for r in reasons)
        labels.append(Label(left + 0.03 * tl.minutes_per_inch, y, text))
    if labels:
        ax.add_artist(LabelSet(labels, fontsize=8, weight="bold", gid="not-asked", zorder=3.5))


def not_asked_legend(tl: Timeline, sizing: bool = False) -> list[Any]:
    """One legend line per reason drawn (``sizing``: per reason the run has, to size the
    margin before drawing)."""
    stretches = not_asked_stretches(tl.T.demand)
    extra = _extra(stretches)
    used = {r for s in stretches for r in s[4]} if sizing else set(tl.used_not_asked)
    if not used:
        return []
    ordered = [r for r in NOT_ASKED_ORDER + tuple(extra) if r in used]
    lang = tl.lang
    handles: list[Any] = [Line2D([], [], linestyle="none", label=t("legend.not_asked", lang))]
    for r in ordered:
        text = t_or(f"not_asked.{r}", r.replace("_", " "), lang)
        handles.append(Line2D([], [], linestyle="none", label=f"{glyph(r, extra)}  {text}"))
    return handles
