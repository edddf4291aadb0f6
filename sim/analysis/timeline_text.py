"""The words on the debrief timeline: request bar labels, the legend entries that size the right
margin, the heading with the run's facts, and the tick labels of the time axis.

Split from ``timeline.py``, which lays the figure out and draws it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sim.analysis import figstyle as fs
from sim.analysis.drawkit import text_width_in
from sim.analysis.labels import t
from sim.analysis.timefmt import calendar_label, format_t, tick_steps

if TYPE_CHECKING:
    from sim.analysis.journaltables import RunInfo
    from sim.exercise import Exercise

__all__ = ["LEGEND_KEYS", "request_label", "tick_formatter", "title_lines"]

# every legend entry of the time panels: their widths set the right margin
LEGEND_KEYS = (
    *(f"unit_state.{state}" for state in fs.UNIT_STYLE),
    "mark.reallocation",
    "legend.in_use",
    "legend.all_in_use",
    "legend.available",
    "legend.reserved_unavailable",
    "legend.mt1_claim",
    "legend.hub_outage",
    "legend.waiting_staff",
    "legend.queued_capacity",
    "legend.queue_total",
    *(f"inject_group.{group}" for group in fs.INJECT_STYLE),
    "inject_state.skipped",
    "timeline.regions_legend",
    "timeline.units_legend",
    "timeline.capacity_legend",
)


def title_lines(
    info: RunInfo,
    exercise: Exercise | None,
    lang: str,
    t0: float,
    t1: float,
    page_title: str | None = None,
    fig_width: float = 16.0,
) -> tuple[str, str]:
    """The figure's heading and its line of facts (exercise, seed, decider, ENDEX, STARTEX, the
    window, unfinished); a projector page puts its own title first and cuts both to fit."""
    title = exercise.exercise.title if exercise is not None else info.title
    parts = [f"{t('run.exercise', lang)} {info.exercise}"]
    if info.seed is not None:
        parts.append(f"{t('run.seed', lang)} {info.seed}")
    if info.decider == "players":
        parts.append(t("run.players", lang, policy=info.policy or "–"))
    elif info.policy:
        parts.append(f"{t('run.policy', lang)} {info.policy}")
    parts.append(f"ENDEX {format_t(info.endex)}")
    if info.start is not None:
        parts.append(f"STARTEX {calendar_label(info.start, 0, lang)} ({info.start.year})")
    if (t0, t1) != (0.0, info.t_end):
        parts.append(f"{t('timeline.window', lang)} {format_t(t0)}–{format_t(t1)}")
    if not info.finished:
        parts.append(t("timeline.unfinished", lang))
    heading = f"{t('timeline.title', lang)}: {title}"
    facts = " · ".join(parts)
    if page_title:  # a projector page: what the page shows, then the run, wrapped to fit
        from sim.analysis.panels_injects import fit_text

        room = fig_width - 0.3
        heading = fit_text(page_title, room, 11, "bold") or page_title
        facts = "\n".join(wrap_parts([title, *parts], room, PAGE_FACTS_PT, PAGE_FACTS_LINES))
    return heading, facts


PAGE_FACTS_PT = 9.0
PAGE_FACTS_LINES = 2
"""A projector page's line of facts: 9 pt regular (25 px at 200 dpi), wrapped over at most two
lines under its 11 pt heading, inside the 0.62 in the title has."""


def wrap_parts(parts: list[str], width_in: float, size: float, most: int) -> list[str]:
    """``parts`` joined by " · " into at most ``most`` lines no wider than ``width_in``
    (breaking between parts, inside one only when it is wider than a line); the last line
    is cut with "…" only when even ``most`` lines cannot hold them all."""
    from sim.analysis.panels_injects import fit_text

    lines: list[str] = []
    for part in parts:
        joined = f"{lines[-1]} · {part}" if lines else part
        if lines and text_width_in([joined], size) <= width_in:
            lines[-1] = joined
        else:
            lines.append(part)
    out: list[str] = []
    for line in lines:  # a part wider than a line (a long exercise title) is wrapped by words
        out += _wrap_words(line, width_in, size)
    if len(out) > most:
        out = [*out[: most - 1], fit_text(" ".join(out[most - 1 :]), width_in, size)]
    return out


def _wrap_words(text: str, width_in: float, size: float) -> list[str]:
    lines: list[str] = []
    for word in text.split(" "):
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and text_width_in([joined], size) <= width_in:
            lines[-1] = joined
        else:
            lines.append(word)
    return lines


def tick_formatter(
    start: datetime | None, t0: float, t1: float, lang: str
) -> Callable[[float], str]:
    """Tick labels ``T+hh:mm``, with the wall-clock time under them (and the date where it
    changes, and at the first tick) when the exercise has a calendar start."""
    major, _ = tick_steps(t1 - t0)

    def fmt(x: float) -> str:
        text = format_t(x)
        if start is None:
            return text
        with_date = x - major < t0 - 1e-6 or (
            calendar_label(start, x, lang).split(" ")[:2]
            != calendar_label(start, x - major, lang).split(" ")[:2]
        )
        return f"{text}\n{calendar_label(start, x, lang, date=with_date)}"

    return fmt


def request_label(row: dict[str, Any]) -> str:
    """``⚠ R003 FBO_CH47→BDE13``: id, means asked (→ means given when substituted).

    A request that asks for the effect, not the means (no capability), shows its effect tag and
    the means the hub chose: ``R012 generators→GNBAT101``.
    """
    cap = row["capability"] if isinstance(row["capability"], str) else ""
    granted = row["granted_capability"]
    if not cap:
        tags = row.get("tags")  # "generators, power" in the requests table
        cap = tags.split(",")[0].strip() if isinstance(tags, str) else ""
        if isinstance(granted, str):
            cap = f"{cap}→{granted}"
    elif row["decision"] == "substitute" and isinstance(granted, str):
        cap = f"{cap}→{granted}"
    prefix = "⚠ " if bool(row["life_safety"]) else ""
    return f"{prefix}{row['request']} {cap}".rstrip()
