"""Debrief numbers as tables: per request, region, capability and inject, plus a summary.

``kpis(events, exercise)`` returns plain DataFrames (times in minutes or hours, no formatting),
so a notebook, a sweep or the report can use them alike. Definitions (``docs/debrief.md``):

- *time to decision*: submission → the first decision that settles the request (approved,
  partial, substitute or denied); being put in the queue is not a decision. Requests with no
  decision count too, *censored* at withdrawal or ENDEX (``decision_censored``): medians and
  P90s are then exact or a lower bound (``sim.analysis.censoring``).
- *time to first unit on scene*: submission → ``first_on_scene``; censored likewise, denied
  requests left out (no unit was coming).
- *open at ENDEX*: split by ``open_state`` (on scene, approved, queued, undecided, draft).
- *hours waited* (heat map): at the hub (submission → settling decision, queueing included)
  and, apart, notice and travel (approval → first unit on scene).
- *hours of unmet demand* (per region): time during which any crisis there has unmet need
  (``demand.value`` > 0); *life-safety*: time during which ``life_safety_unmet`` is true.
- *utilisation* (per capability): ``sim.analysis.kpi_capabilities`` (on scene, committed,
  returning; no utilisation for a pool without units).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from sim.analysis.censoring import censored_quantile
from sim.analysis.kpi_capabilities import capability_kpis, union_hours
from sim.analysis.kpi_injects import describe_event, inject_kpis, inject_links, set_off_lines
from sim.analysis.summary import OPEN_STATES, OUTCOMES, summary_lines
from sim.analysis.tables import Event, RunTables, build_tables

if TYPE_CHECKING:
    from sim.exercise import Exercise

__all__ = [
    "EFFECT_ONLY",
    "KPI_TABLES",
    "OPEN_STATES",
    "OUTCOMES",
    "describe_event",
    "heatmap_column_order",
    "heatmap_table",
    "inject_links",
    "kpis",
    "kpis_from_tables",
    "kpis_in_language",
    "set_off_lines",
    "summary_lines",
    "waited_minutes",
]


KPI_TABLES: dict[str, str] = {
    "requests": "one row per request: times to decision and to first unit on scene, outcome",
    "regions": "one row per region: peak level, hours of (life-safety) unmet demand, requests",
    "capabilities": "one row per capability: utilisation, denials, substitutions, reallocations",
    "injects": "one row per MSEL inject: state, fired time, journal events it set off",
    "heatmap": "hours waiting at the hub (submitted → decided, queueing included): a region "
    "column, then one column per capability asked, (effect only) last for requests naming none",
    "heatmap_travel": "hours of notice to move and travel (approved → first unit on scene)",
    "summary": "key / value: requests made and submitted, by outcome, median and P90 times, "
    "conflicts, reallocations",
}
"""The tables ``kpis`` returns and what each holds."""


REGION_COLUMNS = [
    "region",
    "name",
    "peak_level",
    "peak_code",
    "hours_unmet",
    "hours_unmet_life_safety",
    "requests",
    "served",
    "denied",
    "open",
    "median_time_to_decision_min",
    "median_time_to_decision_lower_bound",
    "hours_waited",
]


def waited_minutes(requests: pd.DataFrame, t_end: float) -> pd.Series:
    """Minutes each request waited from submission: to first unit on scene, else to closure,
    else to ENDEX. NaN for a draft withdrawn before it was sent: it never waited at the hub."""
    stop = requests["t_first_on_scene"].fillna(requests["t_closed"]).fillna(t_end)
    return (stop - requests["t_submitted"]).astype(float)


_GRANTS = ("approved", "partial", "substitute")


def open_state(r: pd.DataFrame) -> pd.Series:
    """Where each request open at ENDEX stood (``""`` for closed ones): ``on_scene`` (served
    and ongoing), ``approved`` (granted, no unit on scene yet), ``queued`` (waiting for
    capacity), ``undecided`` (in the in-tray or being handled) or ``draft`` (never sent)."""
    state = pd.Series("", index=r.index, dtype=object)
    is_open = r["outcome"] == "open"
    state[is_open] = "undecided"
    state[is_open & r["t_queued"].notna()] = "queued"
    state[is_open & r["decision"].isin(_GRANTS)] = "approved"
    state[is_open & r["t_first_on_scene"].notna()] = "on_scene"
    state[is_open & r["t_submitted"].isna()] = "draft"
    return state


def _request_kpis(T: RunTables) -> pd.DataFrame:
    """Per request; times to decision and to first unit on scene are censored (``*_censored``
    true) at closure or ENDEX for requests that never got there: see ``sim.analysis.censoring``.
    """
    r, t_end = T.requests, T.info.t_end
    sub = r["t_submitted"].astype(float)
    decided = r["t_decision"].astype(float)
    on_scene = r["t_first_on_scene"].astype(float)
    closed = r["t_closed"].astype(float)
    dec_censored = sub.notna() & decided.isna()
    time_to_decision = decided.fillna(closed).fillna(t_end) - sub
    # a denied request never gets a unit: it counts as denied, not as a wait for a unit
    os_population = sub.notna() & ~((r["decision"] == "denied") & on_scene.isna())
    os_censored = os_population & on_scene.isna()
    time_to_on_scene = (on_scene.fillna(closed).fillna(t_end) - sub).where(os_population)
    granted = r["decision"].isin(_GRANTS) & decided.notna()
    travel = (on_scene.fillna(closed).fillna(t_end) - decided).where(granted)
    out = pd.DataFrame(
        {
            "request": r["request"],
            "region": r["region"],
            "crisis": r["crisis"],
            "capability": r["capability"],
            "granted_capability": r["granted_capability"],
            "route": r["route"],
            "life_safety": r["life_safety"],
            "scripted": r["scripted"],
            "inject": r["inject"],
            "priority": r["priority"],
            "submitted": sub,  # NaN: never sent
            "time_to_decision_min": time_to_decision,
            "decision_censored": dec_censored,
            "time_to_first_on_scene_min": time_to_on_scene,
            "on_scene_censored": os_censored,
            "queued_min": r["queued_min"].astype(float),
            "queued_censored": r["queued_to_end"].astype(bool),  # still queued at the end
            "n_queued": r["n_queued"],
            "hub_wait_min": time_to_decision,
            "travel_min": travel,
            "waited_min": waited_minutes(r, t_end),
            "decision": r["decision"],
            "outcome": r["outcome"],
            "open_state": open_state(r),
            "units": r["units"].map(lambda u: ", ".join(u) if isinstance(u, list) else ""),
            "reason": r["reason"],
        }
    )
    return out.reset_index(drop=True)


def _region_names(exercise: Exercise | None) -> dict[str, str]:
    if exercise is None:
        return {}
    return {rid: region.name for rid, region in exercise.regions.items()}


def _region_kpis(T: RunTables, req: pd.DataFrame, exercise: Exercise | None) -> pd.DataFrame:
    names = _region_names(exercise)
    regions: list[str] = list(T.info.regions)
    for source in (T.region_steps["region"], req["region"], T.demand["region"]):
        regions.extend(r for r in source.dropna().unique() if r not in regions)
    rows = []
    for region in regions:
        steps = T.region_steps[T.region_steps["region"] == region]
        peak = int(steps["level"].max()) if len(steps) else None
        demand = T.demand[T.demand["region"] == region]
        unmet = demand[demand["unmet_share"] > 0]
        ls = demand[demand["life_safety_unmet"].astype(bool)]
        mine = req[req["region"] == region]
        median = censored_quantile(mine["time_to_decision_min"], mine["decision_censored"], 0.5)
        rows.append(
            {
                "region": region,
                "name": names.get(region, ""),
                "peak_level": peak,
                "peak_code": T.info.level_code(peak) if peak is not None else "",
                "hours_unmet": union_hours(list(zip(unmet["start"], unmet["end"], strict=True))),
                "hours_unmet_life_safety": union_hours(
                    list(zip(ls["start"], ls["end"], strict=True))
                ),
                "requests": len(mine),
                "served": int(
                    mine["outcome"].isin(["served", "partly_served", "substituted"]).sum()
                ),
                "denied": int((mine["outcome"] == "denied").sum()),
                "open": int((mine["outcome"] == "open").sum()),
                "median_time_to_decision_min": median.minutes,
                "median_time_to_decision_lower_bound": median.lower_bound,
                "hours_waited": mine["waited_min"].sum() / 60.0,
            }
        )
    return pd.DataFrame(rows, columns=REGION_COLUMNS)


# --- heat map and summary ----------------------------------------------------------------------


HEATMAP_PARTS: dict[str, str] = {
    "hub": "hub_wait_min",
    "travel": "travel_min",
}
"""Heat map parts: ``hub`` = waiting at the hub (submission → the decision that settled the
request, queueing for capacity included; to closure or ENDEX if none came); ``travel`` =
notice to move and travel (approval → first unit on scene, or → closure or ENDEX)."""


EFFECT_ONLY = "(effect only)"
"""The heat map's column for requests that asked for an effect and named no capability (no
capability id can be spelt so: ids have no brackets or spaces). Such a request is filed here,
never under the capability the hub chose for it, so every column is a capability *asked*."""


def heatmap_column_order(column: str) -> tuple[bool, str]:
    """Sort key of the heat map's columns: capabilities by id, ``EFFECT_ONLY`` last."""
    return column == EFFECT_ONLY, column


def heatmap_table(req: pd.DataFrame, part: str = "hub") -> pd.DataFrame:
    """Hours per region (``region`` column) and capability asked spent in ``part`` of
    ``HEATMAP_PARTS``, requests that named no capability under ``EFFECT_ONLY`` (the last
    column); empty where no request of that region asked for it. Drafts withdrawn before
    sending never waited at the hub and are left out."""
    column = HEATMAP_PARTS[part]
    req = req[req["submitted"].notna() & req[column].notna()]
    if not len(req):
        return pd.DataFrame()
    cap = req["capability"].fillna(EFFECT_ONLY)
    frame = pd.DataFrame({"region": req["region"], "capability": cap, "h": req[column] / 60})
    wide = frame.pivot_table(index="region", columns="capability", values="h", aggfunc="sum")
    wide = wide.sort_index()
    wide = wide[sorted(wide.columns, key=heatmap_column_order)]
    wide.columns.name = None
    return wide.reset_index()  # region as a column, so the CSV keeps it


def _summary(T: RunTables, req: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    rows: list[tuple[str, float]] = [
        ("requests", float(len(req))),  # every request made, also drafts withdrawn unsent
        ("submitted", float(req["submitted"].notna().sum())),  # sent to the LOCC: timeline bars
    ]
    for outcome in OUTCOMES:
        rows.append((f"outcome.{outcome}", float((req["outcome"] == outcome).sum())))
    for name, col, flag in (
        ("time_to_decision", "time_to_decision_min", "decision_censored"),
        ("time_to_first_on_scene", "time_to_first_on_scene_min", "on_scene_censored"),
    ):
        for label, q in (("median", 0.5), ("p90", 0.9)):
            quantile = censored_quantile(req[col], req[flag], q)
            rows.append((f"{name}.{label}_min", quantile.minutes))
            rows.append((f"{name}.{label}_lower_bound", float(quantile.lower_bound)))
        rows.append((f"{name}.n", float(req[col].notna().sum())))
        rows.append((f"{name}.censored", float((req[col].notna() & req[flag]).sum())))
    for state in OPEN_STATES:
        rows.append((f"open.{state}", float((req["open_state"] == state).sum())))
    rows.append(("mt1_conflicts", float(T.mt1["conflict"].sum()) if len(T.mt1) else 0.0))
    rows.append(("reallocations", float((T.reallocations["state"] == "effective").sum())))
    ordered = T.reallocations[T.reallocations["state"] == "ordered"]["latency"].dropna()
    rows.append(
        ("reallocation_latency.median_min", float(ordered.median()) if len(ordered) else 0.0)
    )
    for state in ("fired", "skipped", "not_reached"):
        rows.append((f"injects.{state}", float((T.injects["state"] == state).sum())))
    rows.append(("hours_unmet_life_safety", float(regions["hours_unmet_life_safety"].sum())))
    rows.append(("peak_queue", float(T.queue["value"].max()) if len(T.queue) else 0.0))
    return pd.DataFrame(rows, columns=["key", "value"])


def kpis_from_tables(
    T: RunTables, exercise: Exercise | None = None, lang: str = "en"
) -> dict[str, pd.DataFrame]:
    """``kpis`` for tables already built (the report builds them once for all figures)."""
    req = _request_kpis(T)
    regions = _region_kpis(T, req, exercise)
    return {
        "requests": req,
        "regions": regions,
        "capabilities": capability_kpis(T, exercise),
        "injects": inject_kpis(T, lang),
        "heatmap": heatmap_table(req, "hub"),
        "heatmap_travel": heatmap_table(req, "travel"),
        "summary": _summary(T, req, regions),
    }


def kpis_in_language(
    kpi_tables: dict[str, pd.DataFrame], T: RunTables, lang: str
) -> dict[str, pd.DataFrame]:
    """``kpi_tables`` (built in any language) with the one table whose words depend on the
    language, the injects' ``set_off``, rebuilt in ``lang``; the others are shared."""
    return {**kpi_tables, "injects": inject_kpis(T, lang)}


def kpis(events: Sequence[Event], exercise: Exercise | None = None) -> dict[str, pd.DataFrame]:
    """All debrief tables of one run; keys and contents are listed in ``KPI_TABLES``.

    ``exercise`` (optional) adds region and capability names; everything else comes from the
    journal alone.
    """
    return kpis_from_tables(build_tables(events), exercise)
