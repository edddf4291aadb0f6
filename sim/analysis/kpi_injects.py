"""Injects in the debrief: what each one set off (journal events linked to it), as lines for
the MSEL table and as the ``injects`` KPI table (lists joined into text for the CSV)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.analysis.labels import t, t_or
from sim.analysis.msel_text import inject_reason_label, trigger_label
from sim.analysis.tables import Event, RunTables, detail_of
from sim.analysis.timefmt import format_t

__all__ = ["describe_event", "inject_kpis", "inject_links", "set_off_lines"]


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


def inject_kpis(T: RunTables, lang: str = "en") -> pd.DataFrame:
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
