"""Request tables from the journal: one row per request, its bar segments, markers, decisions.

A request's events (``request`` and ``decision``, and the ``unit`` events of a helicopter
grounded at its site) become the rows the timeline, the KPIs and the report read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from sim.analysis.journaltables import FINAL_DECISIONS, REQUEST_STATES, Event, detail_of, end_time

# --- requests ----------------------------------------------------------------------------------

REQUEST_COLUMNS = [
    "request",
    "region",
    "crisis",
    "capability",
    "qty",
    "route",
    "requester",
    "effect",
    "tags",
    "urgency",
    "life_safety",
    "scripted",
    "inject",
    "priority",
    *(f"t_{s}" for s in REQUEST_STATES),
    "n_queued",
    "queued_min",
    "queued_to_end",
    "t_first_decision",
    "t_decision",
    "decision",
    "granted_capability",
    "granted_qty",
    "units",
    "outcome",
    "reason",
]


def _requests_events(events: Iterable[Event]) -> dict[str, list[Event]]:
    per: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        if e["kind"] in ("request", "decision") and e["request"] is not None:
            per[e["request"]].append(e)
    return per


def request_table(events: Sequence[Event]) -> pd.DataFrame:
    """One row per request: who asked what, the time of each lifecycle step, and the outcome.

    ``t_decision`` is the first decision that settles the request (approved, partial, substitute
    or denied); a ``queued`` decision only counts for ``t_first_decision``. ``outcome`` is the
    ``closed`` event's outcome, or ``open`` when the request was never closed.
    """
    rows = []
    for rid, evs in _requests_events(events).items():
        reqs = [e for e in evs if e["kind"] == "request"]
        decs = [e for e in evs if e["kind"] == "decision"]
        first = reqs[0] if reqs else evs[0]
        d0 = detail_of(first)
        row: dict[str, Any] = {
            "request": rid,
            "region": first["region"],
            "crisis": first["crisis"],
            "capability": first["capability"]
            if reqs
            else detail_of(first).get("requested_capability"),
            "qty": first["qty"] if reqs else None,
            "route": d0.get("route"),
            "requester": d0.get("requester"),
            "effect": d0.get("effect"),
            "tags": ", ".join(d0.get("tags") or []),
            "urgency": d0.get("urgency"),
            "life_safety": bool(d0.get("life_safety")),
            "scripted": bool(d0.get("scripted")),
            "inject": d0.get("inject"),
            "priority": None,
        }
        for state in REQUEST_STATES:
            row[f"t_{state}"] = None
        n_queued, queued_min, queued_since, queued_to_end = 0, 0.0, None, False
        outcome, reason = "open", None
        for e in reqs:
            state = e["state"]
            key = f"t_{state}"
            if key in row and row[key] is None:
                row[key] = float(e["t"])
            if queued_since is not None and state != "queued":
                queued_min += float(e["t"]) - queued_since
                queued_since = None
                queued_to_end = state == "open"  # still queued at ENDEX ("open at ENDEX")
            if state == "queued":
                n_queued += 1
                if queued_since is None:
                    queued_since = float(e["t"])
            if state == "closed":
                outcome = detail_of(e).get("outcome") or "closed"
                reason = detail_of(e).get("reason")
            if detail_of(e).get("priority") is not None:
                row["priority"] = detail_of(e)["priority"]
        if queued_since is not None:
            queued_min += float(evs[-1]["t"]) - queued_since
        row["n_queued"] = n_queued
        row["queued_min"] = queued_min
        row["queued_to_end"] = queued_to_end or queued_since is not None  # a lower bound
        row["t_first_decision"] = float(decs[0]["t"]) if decs else None
        final = next((d for d in decs if d["state"] in FINAL_DECISIONS), None)
        row["t_decision"] = float(final["t"]) if final else None
        row["decision"] = final["state"] if final else (decs[-1]["state"] if decs else None)
        row["granted_capability"] = final["capability"] if final else None
        row["granted_qty"] = final["qty"] if final else None
        row["units"] = list(detail_of(final).get("units") or []) if final else []
        if final is not None and final["state"] == "denied" and reason is None:
            reason = detail_of(final).get("reason")
        row["outcome"] = outcome
        row["reason"] = reason
        rows.append(row)  # t_submitted stays empty for a draft withdrawn before sending
    frame = pd.DataFrame(rows, columns=REQUEST_COLUMNS)
    order = frame.assign(_at=frame["t_submitted"].fillna(frame["t_drafted"]))  # drafts in time
    return (
        order.sort_values(["_at", "request"], kind="stable")
        .drop(columns="_at")
        .reset_index(drop=True)
    )


_PHASE_OF_STATE = {
    "submitted": "waiting",
    "intake": "handling",
    "legal_check": "handling",
    "capacity_check": "handling",
    "awaiting_decision": "awaiting",  # a live session: with the players
    "queued": "queued",
    "tasked": "travel",
    "first_on_scene": "on_scene",
    "released": "release",
}
_PHASE_OF_DECISION = {
    "approved": "tasking",
    "partial": "tasking",
    "substitute": "tasking",
    "queued": "queued",
    "denied": None,
}
REQUEST_PHASES: tuple[str, ...] = (
    "waiting",
    "handling",
    "awaiting",
    "queued",
    "tasking",
    "travel",
    "grounded",
    "on_scene",
    "release",
)
"""Bar segments of a request: in the in-tray until hub staff picks it up, hub handling (intake,
checks, decision), with the players (live sessions: awaiting their decision), waiting in the queue, decision to tasking order,
tasking to first unit on scene (mobilising and travel), on scene, released to closed."""


def request_phases(events: Sequence[Event], t_end: float | None = None) -> pd.DataFrame:
    """Bar segments per request from submission to closure (or ENDEX for open requests).

    A denied request's bar stops at the denial; a request still open at ENDEX runs to ENDEX.
    """
    end = end_time(events, t_end)
    rows = []
    grounded: dict[str, list[Event]] = defaultdict(list)  # a moved helicopter without a crew
    for e in events:
        if e["kind"] == "unit" and e["state"] == "awaiting_support" and e["request"]:
            grounded[e["request"]].append(e)
    for rid, evs in _requests_events(events).items():
        phase: str | None = None
        since = 0.0
        if rid in grounded:
            evs = sorted(evs + grounded[rid], key=lambda e: e["seq"])
        for e in evs:
            state, now = e["state"], float(e["t"])
            if e["kind"] == "request":
                if state == "drafted":
                    continue
                if state in ("closed", "open"):
                    if phase is not None and now > since:
                        rows.append((rid, phase, since, now))
                    phase = None
                    break
                new = _PHASE_OF_STATE.get(state, phase)
            elif e["kind"] == "unit":  # arrived, grounded: "travel" would say it is on its way
                new = "grounded" if phase == "travel" else phase
            else:
                new = _PHASE_OF_DECISION.get(state, phase)
            if phase in ("on_scene", "release"):
                # after arrival only the release counts: further grants, reviews (extended),
                # queueing or a denial for more units do not interrupt the deployment
                new = "release" if new == "release" else phase
            if new == phase:
                continue
            if phase is not None and now > since:
                rows.append((rid, phase, since, now))
            phase, since = new, now
        if phase is not None and end > since:
            rows.append((rid, phase, since, end))
    return pd.DataFrame(rows, columns=["request", "phase", "start", "end"])


def request_marks(events: Sequence[Event]) -> pd.DataFrame:
    """Point markers on request bars: denied, substituted, partly granted, withdrawn, open.

    ``info`` is the granted capability for a substitution, ``granted/asked`` for a partial
    grant, the reason for a denial.
    """
    rows = []
    for e in events:
        kind, state = e["kind"], e["state"]
        if kind == "decision" and state in ("denied", "substitute", "partial"):
            d = detail_of(e)
            if state == "substitute":
                info = e["capability"] or ""
            elif state == "partial":
                info = f"{e['qty']}/{d.get('requested_units', '?')}"
            else:
                info = d.get("reason") or ""
            rows.append((e["request"], float(e["t"]), state, info))
        elif kind == "request" and state == "open":
            rows.append((e["request"], float(e["t"]), "open", ""))
        elif kind == "request" and state == "closed" and detail_of(e).get("outcome") == "withdrawn":
            rows.append(
                (e["request"], float(e["t"]), "withdrawn", detail_of(e).get("reason") or "")
            )
    return pd.DataFrame(rows, columns=["request", "t", "mark", "info"])


def decision_table(events: Sequence[Event]) -> pd.DataFrame:
    """The decision log: one row per hub decision, with the decider's reason."""
    rows = []
    for e in events:
        if e["kind"] != "decision":
            continue
        d = detail_of(e)
        rows.append(
            {
                "t": float(e["t"]),
                "seq": e["seq"],
                "request": e["request"],
                "region": e["region"],
                "crisis": e["crisis"],
                "state": e["state"],
                "capability": e["capability"],
                "qty": e["qty"],
                "reason": d.get("reason"),
                "decider": d.get("decider"),
                "priority": d.get("priority"),
                "units": list(d.get("units") or []),
                "requested_capability": d.get("requested_capability"),
                "requested_units": d.get("requested_units"),
            }
        )
    columns = [
        "t",
        "seq",
        "request",
        "region",
        "crisis",
        "state",
        "capability",
        "qty",
        "reason",
        "decider",
        "priority",
        "units",
        "requested_capability",
        "requested_units",
    ]
    return pd.DataFrame(rows, columns=columns)
