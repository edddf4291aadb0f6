"""Where each crisis happens, and the unmet demand no region asked for, with the reason.

Both come from the journal: a crisis's ``onset`` event names its sites per region, and every
``demand`` event says, per effect still unmet, why the region does not ask
(``detail.not_asked``: waiting for its crisis team, below the request level, no capability or
no legal route, covered by another grant, denied at this level). The debrief shows hours of
such demand by reason, so "57 h unmet underwater" reads as "below the request level".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sim.analysis.labels import region_label, t_or, tag_label
from sim.analysis.timefmt import format_duration

__all__ = ["crisis_sites", "not_asked_rows"]

Event = dict[str, Any]


def crisis_sites(events: Sequence[Event], exercise: Any = None) -> list[dict[str, str]]:
    """One row per crisis and region: the site its units travel to (a place or the seat)."""
    rows = []
    for e in events:
        if e["kind"] != "crisis" or e["state"] != "onset":
            continue
        for region, site in sorted((e["detail"].get("sites") or {}).items()):
            rows.append(
                {
                    "crisis": str(e["crisis"]),
                    "region": region_label(exercise, region),
                    "site": str(site.get("name") or ""),
                    "seat": "yes" if site.get("seat") else "",
                }
            )
    return rows


def not_asked_hours(events: Sequence[Event]) -> dict[tuple[str, str, str, str], float]:
    """Minutes of unmet need per (region, crisis, tag, reason) that no request was made for."""
    end = float(events[-1]["t"]) if events else 0.0
    open_since: dict[tuple[str, str], tuple[float, dict[str, str]]] = {}
    totals: dict[tuple[str, str, str, str], float] = defaultdict(float)

    def close(key: tuple[str, str], until: float) -> None:
        if key in open_since:
            since, reasons = open_since.pop(key)
            for tag, reason in reasons.items():
                totals[(key[1], key[0], tag, reason)] += until - since

    for e in events:
        if e["kind"] != "demand" or e["crisis"] is None or e["region"] is None:
            continue
        key = (str(e["crisis"]), str(e["region"]))
        close(key, float(e["t"]))
        detail = e["detail"] or {}
        unmet = {tag for tag, d in (detail.get("tags") or {}).items() if d.get("unmet", 0) > 0}
        reasons = {tag: r for tag, r in (detail.get("not_asked") or {}).items() if tag in unmet}
        if reasons:
            open_since[key] = (float(e["t"]), reasons)
    for key in list(open_since):
        close(key, end)
    return dict(totals)


def not_asked_rows(events: Sequence[Event], exercise: Any, lang: str) -> list[dict[str, str]]:
    """The report's table: region, crisis, effect, why not asked, how long; longest first."""
    rows = []
    hours = not_asked_hours(events)
    for (region, crisis, tag, reason), minutes in sorted(hours.items(), key=lambda kv: -kv[1]):
        if minutes <= 0:
            continue
        rows.append(
            {
                "region": region_label(exercise, region),
                "crisis": crisis,
                "tag": tag_label(exercise, tag, lang),
                "reason": t_or(f"not_asked.{reason}", reason.replace("_", " "), lang),
                "hours": format_duration(minutes, lang),
            }
        )
    return rows
