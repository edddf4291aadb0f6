"""The key figures as a few readable lines, for the console and the report's summary.

Every figure says what it includes: a median that censored requests reach into is shown as
"≥ 3 h 45" with the number of requests still waiting at ENDEX, the open requests are split by
where they stood, utilisation is split by what the units were doing, and counts agree in number
with their noun ("1 unit", "2 units"; "1 eenheid", "2 eenheden").
"""

from __future__ import annotations

import math

import pandas as pd

from sim.analysis.labels import count_label, t
from sim.analysis.timefmt import format_duration
from sim.journal import REQUEST_OUTCOMES

__all__ = ["OPEN_STATES", "OUTCOMES", "bounded_duration", "summary_lines"]

OUTCOMES = REQUEST_OUTCOMES

OPEN_STATES: tuple[str, ...] = ("on_scene", "approved", "queued", "undecided", "draft")
"""Where a request open at ENDEX stood (``open_state``)."""


def bounded_duration(minutes: float, lower_bound: bool, lang: str = "en") -> str:
    """``3 h 45`` or, for a lower bound, ``≥ 3 h 45``; ``–`` when there is nothing to show."""
    if minutes is None or (isinstance(minutes, float) and math.isnan(minutes)):
        return "–"
    text = format_duration(float(minutes), lang)
    return f"≥ {text}" if lower_bound else text


def _value(summary: pd.DataFrame, key: str) -> float:
    hit = summary.loc[summary["key"] == key, "value"]
    return float(hit.iloc[0]) if len(hit) else float("nan")


def _int(summary: pd.DataFrame, key: str) -> int:
    value = _value(summary, key)
    return 0 if math.isnan(value) else int(value)


def _time_line(s: pd.DataFrame, name: str, lang: str) -> str:
    parts = []
    for label, q in (("median", t("summary.median", lang)), ("p90", "P90")):
        minutes = _value(s, f"{name}.{label}_min")
        bound = _value(s, f"{name}.{label}_lower_bound") == 1.0
        parts.append(f"{q} {bounded_duration(minutes, bound, lang)}")
    n, censored = _int(s, f"{name}.n"), _int(s, f"{name}.censored")
    note = f"n = {n}"
    if censored:
        note += "; " + t(
            f"summary.censored_{name}", lang, what=count_label("request", censored, lang)
        )
    return f"{t(f'kpi.{name}', lang)}: {', '.join(parts)} ({note})"


def _open_line(s: pd.DataFrame, lang: str) -> str | None:
    total = _int(s, "outcome.open")
    if not total:
        return None
    parts = [
        f"{_int(s, f'open.{state}')} {t(f'open_state.{state}', lang)}"
        for state in OPEN_STATES
        if _int(s, f"open.{state}")
    ]
    return f"{t('summary.open_at_endex', lang)}: {total} ({', '.join(parts)})"


def _utilisation_line(caps: pd.DataFrame | None, lang: str) -> str | None:
    if caps is None or not len(caps):
        return None
    top = caps.dropna(subset=["utilisation"]).sort_values(
        ["utilisation", "capability"], ascending=[False, True]
    )
    busiest = []
    for r in top.head(3).itertuples():
        avail = r.unit_hours_available or 0.0
        split = " / ".join(
            f"{(h / avail if avail else 0.0):.0%}"
            for h in (r.unit_hours_on_scene, r.unit_hours_committed, r.unit_hours_returning)
        )
        busiest.append(f"{r.capability} {r.utilisation:.0%} ({split})")
    if not busiest:
        return None
    return f"{t('summary.utilisation_split', lang)}: {', '.join(busiest)}"


def summary_lines(kpi_tables: dict[str, pd.DataFrame], lang: str = "en") -> list[str]:
    """A short readable summary for the console (and the report's KPI section)."""
    s = kpi_tables["summary"]
    n = _int(s, "requests")
    parts = [
        f"{t(f'outcome.{o}', lang)} {_int(s, f'outcome.{o}')}"
        for o in OUTCOMES
        if _int(s, f"outcome.{o}")
    ]
    detail = ", ".join(parts)
    sent = _value(s, "submitted")  # NaN in a kpi_summary.csv from before this row existed
    # drafts withdrawn before sending: say so, or the timeline's bars seem missing
    if not math.isnan(sent) and int(sent) != n:
        detail = "; ".join(x for x in (t("summary.submitted", lang, n=int(sent)), detail) if x)
    lines = [f"{t('summary.requests', lang)}: {n}" + (f" ({detail})" if detail else "")]
    open_line = _open_line(s, lang)
    if open_line:
        lines.append(open_line)
    lines += [_time_line(s, name, lang) for name in ("time_to_decision", "time_to_first_on_scene")]
    moves = _int(s, "reallocations")
    latency = _value(s, "reallocation_latency.median_min")
    lag = ""
    if moves and not math.isnan(latency):
        lag = " " + t("summary.reallocation_latency", lang, latency=format_duration(latency, lang))
    lines.append(
        f"{t('summary.mt1_conflicts', lang)}: {_int(s, 'mt1_conflicts')}; "
        f"{t('summary.reallocations', lang)}: {moves}{lag}"
    )
    lines.append(
        f"{t('summary.injects', lang)}: {_int(s, 'injects.fired')} "
        f"{t('inject_state.fired', lang)}, {_int(s, 'injects.skipped')} "
        f"{t('inject_state.skipped', lang)}, {_int(s, 'injects.not_reached')} "
        f"{t('inject_state.not_reached', lang)}"
    )
    regions = kpi_tables.get("regions")
    if regions is not None and len(regions):
        peaks = [
            f"{r.region} {r.peak_code}"
            for r in regions.sort_values(
                ["peak_level", "region"], ascending=[False, True]
            ).itertuples()
            if isinstance(r.peak_code, str) and r.peak_code
        ]
        if peaks:
            shown = ", ".join(peaks[:8]) + (f" (+{len(peaks) - 8})" if len(peaks) > 8 else "")
            lines.append(f"{t('kpi.peak_level', lang)}: {shown}")
    ls_hours = _value(s, "hours_unmet_life_safety")
    if not math.isnan(ls_hours):
        lines.append(
            f"{t('kpi.hours_unmet_life_safety', lang)}: {format_duration(ls_hours * 60, lang)}"
        )
    util = _utilisation_line(kpi_tables.get("capabilities"), lang)
    if util:
        lines.append(util)
    return lines
