"""Debrief numbers as tables: per request, region, capability and inject, plus a summary.

``kpis(events, exercise)`` returns plain DataFrames (times in minutes or hours, no formatting),
so a notebook, a sweep or the report can use them alike. Definitions, chosen to match what an
exercise leader asks in the hot wash-up:

- *time to decision*: submission → the first decision that settles the request (approved,
  partial, substitute or denied); being put in the queue is not a decision.
- *time to first unit on scene*: submission → ``first_on_scene``.
- *hours waited*: submission → first unit on scene, or → closure (denied, withdrawn), or → ENDEX
  for requests still open; this is what the bottleneck heat map adds up.
- *hours of unmet demand* (per region): time during which any crisis there has unmet need
  (``demand.value`` > 0); *life-safety*: time during which ``life_safety_unmet`` is true.
- *utilisation* (per capability): unit-hours in use (mobilising to resting) / unit-hours available
  for national tasks (total − main-task-1 reserved − unavailable), both from ``capacity`` events.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.analysis.censoring import censored_quantile
from sim.analysis.kpi_capabilities import capability_kpis, union_hours
from sim.analysis.labels import t, t_or
from sim.analysis.msel_text import inject_reason_label, trigger_label
from sim.analysis.summary import OPEN_STATES, OUTCOMES, summary_lines
from sim.analysis.tables import Event, RunTables, build_tables, detail_of
from sim.analysis.timefmt import format_t

if TYPE_CHECKING:
    from sim.exercise import Exercise

__all__ = [
    "KPI_TABLES",
    "OPEN_STATES",
    "OUTCOMES",
    "describe_event",
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
    "column, then one column per capability",
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


# --- injects: what each one set off ------------------------------------------------------------


def inject_links(T: RunTables) -> dict[int, list[Event]]:
    """Journal events each inject set off, keyed by the inject event's ``seq``.

    Linked: events that name the inject (``inject`` field or ``detail.inject``); the requests
    it created (their submission, decisions and closure); and, at the same instant and between
    the neighbouring inject events, the crisis change it caused (``cause`` = inject) with the
    region levels that followed, and for capacity, main-task-1 and hub injects the unit,
    capacity and request changes of the capabilities involved (units reserved or recalled,
    requests stood down).
    """
    events = T.events
    n = len(events)
    position = {e["seq"]: i for i, e in enumerate(events)}
    per_request: dict[str, list[Event]] = {}
    naming: dict[str, list[Event]] = {}
    for e in events:
        if e["kind"] in ("request", "decision") and e["request"] is not None:
            per_request.setdefault(e["request"], []).append(e)
        if e["kind"] == "inject":
            continue
        d = detail_of(e)
        named = e["inject"] if e["inject"] is not None else d.get("inject")
        if named is not None:
            naming.setdefault(str(named), []).append(e)
    links: dict[int, list[Event]] = {}
    for row in T.injects.itertuples(index=False):
        if row.state == "not_reached" or row.seq not in position:
            links[row.seq] = []
            continue
        iid = str(row.inject)
        named = naming.get(iid, [])
        found = [e for e in named if e["kind"] != "request"]
        requests = {row.request} if isinstance(row.request, str) else set()
        requests |= {e["request"] for e in named if e["kind"] == "request"}
        caps = {row.capability} if isinstance(row.capability, str) else set()
        caps |= {e["capability"] for e in named if e["capability"]}
        i = position[row.seq]
        lo, hi = i, i
        while lo > 0 and events[lo - 1]["t"] == row.t and events[lo - 1]["kind"] != "inject":
            lo -= 1
        while hi + 1 < n and events[hi + 1]["t"] == row.t and events[hi + 1]["kind"] != "inject":
            hi += 1
        window = [e for e in events[lo : hi + 1] if e["inject"] in (None, iid)]
        crisis_regions: set[str] = set()
        capacity_type = row.type in _UNIT_INJECTS
        for e in window:
            k, d = e["kind"], detail_of(e)
            if k == "crisis" and e["crisis"] == row.crisis and d.get("cause") == "inject":
                found.append(e)
                crisis_regions.update(d.get("regions") or [])
            elif (
                capacity_type
                and k in ("capacity", "mt1", "unit")
                and (e["capability"] in caps or not caps)
            ):
                found.append(e)
            elif (
                capacity_type
                and k == "request"
                and e["state"] == "closed"
                and e["capability"] in caps
            ):
                found.append(e)  # stood down: its units were taken
            elif k == "hub" and row.type == "hub_change":
                found.append(e)
        found.extend(e for e in window if e["kind"] == "region" and e["region"] in crisis_regions)
        for rid in sorted(r for r in requests if r):
            found.extend(
                e
                for e in per_request.get(rid, [])
                if e["kind"] == "decision" or e["state"] in ("submitted", "closed", "open")
            )
        links[row.seq] = _last_capacity_only(found)
    return links


def _last_capacity_only(found: list[Event]) -> list[Event]:
    """Unique events in journal order, keeping only the last capacity change per capability
    (one inject can step a capability's count several times at the same instant)."""
    unique = sorted({e["seq"]: e for e in found}.values(), key=lambda e: e["seq"])
    last = {e["capability"]: e["seq"] for e in unique if e["kind"] == "capacity"}
    return [e for e in unique if e["kind"] != "capacity" or last[e["capability"]] == e["seq"]]


_UNIT_INJECTS = ("capacity_change", "mt1_claim", "mt1_release")
"""Inject types whose effects are unit, capacity and main-task-1 changes."""


def describe_event(e: Event, info: Any, lang: str = "en") -> str:
    """One short line for a linked journal event, for the MSEL table's "set off" column."""
    k, s, d = e["kind"], e["state"], detail_of(e)
    when = format_t(e["t"])
    if k == "request":
        state = t_or(f"request_state.{s}", s, lang)
        if s == "closed":
            state = t_or(f"outcome.{d.get('outcome')}", str(d.get("outcome")), lang)
        return f"{e['request']} ({e['region']}): {state} {when}"
    if k == "decision":
        what = t_or(f"decision.{s}", s, lang)
        cap = f" {e['capability']} ×{e['qty']}" if e["capability"] else ""
        return f"{e['request']}: {what}{cap} {when}"
    if k == "crisis":
        return t(
            "set_off.crisis",
            lang,
            crisis=e["crisis"],
            state=t_or(f"crisis_state.{s}", s, lang),
            level=info.level_code(e["level"]),
        )
    if k == "region":
        return t("set_off.region", lang, region=e["region"], level=info.level_code(e["level"]))
    if k == "capacity":
        return t("set_off.capacity", lang, capability=e["capability"], available=e["qty"])
    if k == "mt1":
        text = t(f"set_off.mt1_{s}", lang, capability=e["capability"], qty=e["qty"])
        if d.get("conflict"):
            text += " — " + t(
                "set_off.mt1_conflict", lang, units=", ".join(d.get("recalled") or [])
            )
        return text
    if k == "unit":
        return f"{e['unit']}: {t_or(f'unit_state.{s}', s, lang)} {when}"
    if k == "hub":
        return f"{t_or(f'hub_state.{s}', s, lang)} {when}"
    return f"{k} {s} {when}"


def set_off_lines(T: RunTables, lang: str = "en") -> dict[int, list[str]]:
    """What each inject set off, one line per linked event, keyed by the inject event's seq."""
    return {
        seq: [describe_event(e, T.info, lang) for e in linked]
        for seq, linked in inject_links(T).items()
    }


def _inject_kpis(T: RunTables, lang: str = "en") -> pd.DataFrame:
    """One row per inject; lists are joined into text (``; ``) so the CSV reads plainly."""
    links = inject_links(T)
    rows = []
    for row in T.injects.itertuples(index=False):
        linked = links.get(row.seq, [])
        rows.append(
            {
                "inject": row.inject,
                "state": row.state,
                "type": row.type,
                "title": row.title,
                "scheduled": row.scheduled,
                "trigger": trigger_label(row.trigger, lang),
                "fired": row.t if row.state == "fired" else None,
                "t": row.t,
                "expected_action": row.expected_action,
                "objectives": ", ".join(row.objectives),
                "reason": inject_reason_label(row.reason, lang),
                "linked_seq": " ".join(str(e["seq"]) for e in linked),
                "set_off": "; ".join(describe_event(e, T.info, lang) for e in linked),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "inject",
            "state",
            "type",
            "title",
            "scheduled",
            "trigger",
            "fired",
            "t",
            "expected_action",
            "objectives",
            "reason",
            "linked_seq",
            "set_off",
        ],
    )


# --- heat map and summary ----------------------------------------------------------------------


HEATMAP_PARTS: dict[str, str] = {
    "hub": "hub_wait_min",
    "travel": "travel_min",
}
"""Heat map parts: ``hub`` = waiting at the hub (submission → the decision that settled the
request, queueing for capacity included; to closure or ENDEX if none came); ``travel`` =
notice to move and travel (approval → first unit on scene, or → closure or ENDEX)."""


def heatmap_table(req: pd.DataFrame, part: str = "hub") -> pd.DataFrame:
    """Hours per region (``region`` column) and capability asked (else the one granted) spent
    in ``part`` of ``HEATMAP_PARTS``; empty where no request of that region asked for it.
    Drafts withdrawn before sending never waited at the hub and are left out."""
    column = HEATMAP_PARTS[part]
    req = req[req["submitted"].notna() & req[column].notna()]
    if not len(req):
        return pd.DataFrame()
    cap = req["capability"].fillna(req["granted_capability"]).fillna("—")
    frame = pd.DataFrame({"region": req["region"], "capability": cap, "h": req[column] / 60})
    wide = frame.pivot_table(index="region", columns="capability", values="h", aggfunc="sum")
    wide = wide.sort_index().sort_index(axis=1)
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
        "injects": _inject_kpis(T, lang),
        "heatmap": heatmap_table(req, "hub"),
        "heatmap_travel": heatmap_table(req, "travel"),
        "summary": _summary(T, req, regions),
    }


def kpis_in_language(
    kpi_tables: dict[str, pd.DataFrame], T: RunTables, lang: str
) -> dict[str, pd.DataFrame]:
    """``kpi_tables`` (built in any language) with the one table whose words depend on the
    language, the injects' ``set_off``, rebuilt in ``lang``; the others are shared."""
    return {**kpi_tables, "injects": _inject_kpis(T, lang)}


def kpis(events: Sequence[Event], exercise: Exercise | None = None) -> dict[str, pd.DataFrame]:
    """All debrief tables of one run; keys and contents are listed in ``KPI_TABLES``.

    ``exercise`` (optional) adds region and capability names; everything else comes from the
    journal alone.
    """
    return kpis_from_tables(build_tables(events), exercise)
