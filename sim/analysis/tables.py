"""The journal as tidy pandas tables: one row per interval, step, request, inject or decision.

Everything downstream (KPIs, the timeline, the report) reads these tables, never the raw events,
so the rules for turning a stream of state changes into intervals live in one place:
an interval lasts from one event to the next event of the same thing (unit, region, crisis ×
region) and the last one to ENDEX. Times stay float minutes since STARTEX; formatting is the
presenter's job. Event kinds and fields: ``docs/journal.md``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from sim.analysis.timefmt import parse_start
from sim.journal import KEYS

__all__ = [
    "REQUEST_PHASES",
    "REQUEST_STATES",
    "JournalError",
    "RunInfo",
    "RunTables",
    "build_tables",
    "capacity_series",
    "crisis_levels",
    "crisis_spans",
    "decision_table",
    "demand_intervals",
    "detail_of",
    "hub_outages",
    "inject_table",
    "mt1_table",
    "queue_series",
    "reallocation_table",
    "region_level_intervals",
    "region_levels",
    "request_marks",
    "request_phases",
    "request_table",
    "run_info",
    "unit_intervals",
    "validate_journal",
]

Event = dict[str, Any]

REQUEST_STATES: tuple[str, ...] = (
    "drafted",
    "submitted",
    "intake",
    "legal_check",
    "capacity_check",
    "queued",
    "tasked",
    "first_on_scene",
    "extended",
    "released",
    "closed",
)
"""Request lifecycle states in order (``open`` is written at ENDEX for unfinished requests;
``extended`` marks a 24-hour review during the deployment)."""

FINAL_DECISIONS = ("approved", "partial", "substitute", "denied")
"""Decisions that settle a request; ``queued`` only postpones it."""


class JournalError(ValueError):
    """The journal breaks the contract in ``docs/journal.md`` (message names the record)."""


def validate_journal(events: Sequence[Event], source: str = "events.jsonl") -> None:
    """Check the parts of the contract the analysis relies on; raise JournalError otherwise.

    Checked: not empty, every record a mapping with every key, ``run_start`` first, times never
    going backwards. A missing ``run_end`` is allowed (a live session may still be running or
    have crashed); ENDEX then falls back to the last event's time.
    """
    if not events:
        raise JournalError(f"{source}: error: the journal is empty")
    keys = set(KEYS)
    last_t = float("-inf")
    for number, event in enumerate(events, 1):
        if not isinstance(event, dict):
            raise JournalError(f"{source}:{number}: error: a record is not a JSON object")
        missing = keys - event.keys()
        if missing:
            raise JournalError(
                f"{source}:{number}: error: record lacks key(s) {', '.join(sorted(missing))}"
            )
        if not isinstance(event["t"], int | float) or isinstance(event["t"], bool):
            raise JournalError(f"{source}:{number}: error: 't' is not a number")
        if event["t"] < last_t:
            raise JournalError(f"{source}:{number}: error: time goes backwards ({event['t']})")
        last_t = event["t"]
    if events[0]["kind"] != "run_start":
        raise JournalError(f"{source}:1: error: the first record is not run_start")


@dataclass(frozen=True)
class RunInfo:
    """What ``run_start`` (and ``run_end``) say about the run as a whole."""

    exercise: str
    title: str
    seed: int | None
    policy: str | None
    endex: float
    start: datetime | None
    ladder: str | None
    levels: list[dict[str, Any]]
    regions: list[str]
    capabilities: dict[str, dict[str, Any]]
    t_end: float
    finished: bool
    outcomes: dict[str, int] = field(default_factory=dict)
    decider: str | None = None  # who decided: policy:<name> or players (older runs: None)

    def level_code(self, level: int | None) -> str:
        """``GRIP3`` for 3 (or the number itself when the ladder does not name it)."""
        for rung in self.levels:
            if rung.get("level") == level:
                return str(rung.get("code", level))
        return "" if level is None else str(level)

    @property
    def max_level(self) -> int:
        return max((int(r["level"]) for r in self.levels if "level" in r), default=5)


def detail_of(event: Event) -> dict[str, Any]:
    """An event's ``detail``, or an empty dict when it has none."""
    detail = event.get("detail")
    return detail if isinstance(detail, dict) else {}


def run_info(events: Sequence[Event]) -> RunInfo:
    """Read the run's header (``run_start``) and end (``run_end``, or the last event)."""
    head = detail_of(events[0]) if events and events[0]["kind"] == "run_start" else {}
    last = events[-1] if events else None
    finished = last is not None and last["kind"] == "run_end"
    endex = head.get("endex")
    t_end = float(last["t"]) if last is not None else 0.0
    if finished or endex is None:  # the actual ENDEX (a live session may end before the plan)
        endex = t_end
    return RunInfo(
        exercise=str(head.get("exercise") or "?"),
        title=str(head.get("title") or head.get("exercise") or ""),
        seed=head.get("seed"),
        policy=head.get("policy"),
        decider=head.get("decider"),
        endex=float(endex),
        start=parse_start(head.get("start")),
        ladder=head.get("ladder"),
        levels=list(head.get("levels") or []),
        regions=list(head.get("regions") or []),
        capabilities=dict(head.get("capabilities") or {}),
        t_end=max(t_end, float(endex)) if finished else t_end,
        finished=finished,
        outcomes=dict(detail_of(last).get("outcomes") or {}) if finished and last else {},
    )


def _by_kind(events: Iterable[Event]) -> dict[str, list[Event]]:
    groups: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        groups[event["kind"]].append(event)
    return groups


def _end_time(events: Sequence[Event], t_end: float | None) -> float:
    if t_end is not None:
        return t_end
    return float(events[-1]["t"]) if events else 0.0


# --- units -------------------------------------------------------------------------------------

UNIT_COLUMNS = ["unit", "capability", "state", "start", "end", "request", "region", "crisis"]


def unit_intervals(events: Sequence[Event], t_end: float | None = None) -> pd.DataFrame:
    """One row per unit state interval: from a unit event to that unit's next event (or ENDEX)."""
    end = _end_time(events, t_end)
    rows: list[tuple[Any, ...]] = []
    open_rows: dict[str, list[Any]] = {}
    for e in events:
        if e["kind"] != "unit" or e["unit"] is None:
            continue
        unit = e["unit"]
        previous = open_rows.get(unit)
        if previous is not None:
            previous[4] = float(e["t"])
            rows.append(tuple(previous))
        capability = e["capability"] or unit.rsplit("-", 1)[0]
        open_rows[unit] = [
            unit,
            capability,
            e["state"],
            float(e["t"]),
            end,
            e["request"],
            e["region"],
            e["crisis"],
        ]
    rows.extend(tuple(r) for r in open_rows.values())
    frame = pd.DataFrame(rows, columns=UNIT_COLUMNS)
    frame = frame[frame["end"] > frame["start"]]
    return frame.sort_values(["capability", "unit", "start"], kind="stable").reset_index(drop=True)


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
        n_queued, queued_min, queued_since = 0, 0.0, None
        outcome, reason = "open", None
        for e in reqs:
            state = e["state"]
            key = f"t_{state}"
            if key in row and row[key] is None:
                row[key] = float(e["t"])
            if queued_since is not None and state != "queued":
                queued_min += float(e["t"]) - queued_since
                queued_since = None
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
    end = _end_time(events, t_end)
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


# --- regions, crises, demand -------------------------------------------------------------------


def region_levels(events: Sequence[Event]) -> pd.DataFrame:
    """The region level step series: one row per change (``t``, ``region``, ``level``, ``from``)."""
    rows = [
        (
            float(e["t"]),
            e["region"],
            e["level"],
            detail_of(e).get("from"),
            detail_of(e).get("crises"),
        )
        for e in events
        if e["kind"] == "region" and e["region"] is not None
    ]
    return pd.DataFrame(rows, columns=["t", "region", "level", "from", "crises"])


def region_level_intervals(steps: pd.DataFrame, t_end: float) -> pd.DataFrame:
    """Level steps as intervals (``start``, ``end``, ``level``) per region, for bands."""
    rows = []
    for region, group in steps.groupby("region", sort=False):
        ts = group["t"].tolist()
        levels = group["level"].tolist()
        for i, (start, level) in enumerate(zip(ts, levels, strict=True)):
            end = ts[i + 1] if i + 1 < len(ts) else t_end
            if end > start:
                rows.append((region, start, end, level))
    return pd.DataFrame(rows, columns=["region", "start", "end", "level"])


def crisis_levels(events: Sequence[Event]) -> pd.DataFrame:
    """The crisis level series: onset, every escalation and de-escalation, end."""
    rows = []
    for e in events:
        if e["kind"] != "crisis":
            continue
        d = detail_of(e)
        rows.append(
            {
                "t": float(e["t"]),
                "crisis": e["crisis"],
                "state": e["state"],
                "level": e["level"],
                "from": d.get("from"),
                "cause": d.get("cause"),
                "kind": d.get("kind"),
                "regions": list(d.get("regions") or ([e["region"]] if e["region"] else [])),
                "unmet_share": d.get("unmet_share"),
            }
        )
    columns = ["t", "crisis", "state", "level", "from", "cause", "kind", "regions", "unmet_share"]
    return pd.DataFrame(rows, columns=columns)


def crisis_spans(levels: pd.DataFrame, t_end: float) -> pd.DataFrame:
    """One row per crisis: onset, end (ENDEX if still active), kind, regions, peak level."""
    rows = []
    for crisis, group in levels.groupby("crisis", sort=False):
        onset = float(group["t"].iloc[0])
        ended = group[group["state"] == "end"]
        end = float(ended["t"].iloc[0]) if len(ended) else t_end
        regions: list[str] = []
        for rs in group["regions"]:
            regions.extend(r for r in rs if r not in regions)
        kind = next((k for k in group["kind"] if k), None)
        rows.append((crisis, onset, end, kind, regions, group["level"].max()))
    return pd.DataFrame(rows, columns=["crisis", "onset", "end", "kind", "regions", "peak_level"])


def demand_intervals(events: Sequence[Event], t_end: float | None = None) -> pd.DataFrame:
    """Unmet demand per crisis × region as intervals between ``demand`` events, with the
    reasons (``detail.not_asked``) the region gives for not asking for what is unmet.

    An interval ends at the next demand event of the same crisis × region, at the crisis's
    ``end`` event, or at ENDEX.
    """
    end = _end_time(events, t_end)
    crisis_end: dict[str, float] = {}
    for e in events:
        if e["kind"] == "crisis" and e["state"] == "end" and e["crisis"] is not None:
            crisis_end.setdefault(e["crisis"], float(e["t"]))
    rows = []
    open_rows: dict[tuple[Any, Any], list[Any]] = {}
    for e in events:
        if e["kind"] != "demand":
            continue
        key = (e["crisis"], e["region"])
        previous = open_rows.get(key)
        if previous is not None:
            previous[3] = float(e["t"])
            rows.append(tuple(previous))
        value = float(e["value"]) if e["value"] is not None else 0.0
        detail = detail_of(e)
        unmet = {tag for tag, d in (detail.get("tags") or {}).items() if d.get("unmet", 0) > 0}
        reasons = {r for tag, r in (detail.get("not_asked") or {}).items() if tag in unmet}
        open_rows[key] = [
            e["crisis"],
            e["region"],
            float(e["t"]),
            end,
            value,
            e["qty"] or 0,
            bool(detail.get("life_safety_unmet")),
            ",".join(sorted(reasons)),
        ]
    for row in open_rows.values():
        row[3] = min(end, crisis_end.get(row[0], end))
        rows.append(tuple(row))
    columns = [
        "crisis",
        "region",
        "start",
        "end",
        "unmet_share",
        "unmet_tags",
        "life_safety_unmet",
        "not_asked",  # why no request covers the unmet need: NOT_ASKED codes, comma-joined
    ]
    frame = pd.DataFrame(rows, columns=columns)
    if len(frame):
        crisis_stop = frame["crisis"].map(crisis_end).fillna(end).astype(float)
        frame["end"] = frame["end"].where(frame["end"] <= crisis_stop, crisis_stop)
    return frame[frame["end"] > frame["start"]].reset_index(drop=True)


# --- capacity, queue, hub, main task 1, reallocations ------------------------------------------


def capacity_series(events: Sequence[Event]) -> pd.DataFrame:
    """Use of each capability over time (``in_use`` tasked units, ``available`` for HT3)."""
    rows = []
    for e in events:
        if e["kind"] != "capacity" or e["capability"] is None:
            continue
        d = detail_of(e)
        rows.append(
            (
                float(e["t"]),
                e["capability"],
                float(e["value"] if e["value"] is not None else d.get("in_use", 0)),
                float(e["qty"] if e["qty"] is not None else 0),
                d.get("total"),
                d.get("reserved"),
                d.get("unavailable"),
                d.get("free"),
            )
        )
    columns = ["t", "capability", "in_use", "available", "total", "reserved", "unavailable", "free"]
    return pd.DataFrame(rows, columns=columns)


def queue_series(events: Sequence[Event]) -> pd.DataFrame:
    """Hub queue length over time: ``waiting`` for staff, ``queued`` for capacity."""
    rows = []
    for e in events:
        if e["kind"] != "queue":
            continue
        d = detail_of(e)
        value = float(e["value"] or 0)
        waiting = d.get("waiting")
        queued = d.get("queued")
        rows.append(
            (
                float(e["t"]),
                value,
                float(waiting) if waiting is not None else float("nan"),
                float(queued) if queued is not None else float("nan"),
            )
        )
    return pd.DataFrame(rows, columns=["t", "value", "waiting", "queued"])


def hub_outages(events: Sequence[Event], t_end: float | None = None) -> pd.DataFrame:
    """Intervals in which the hub could not handle requests (``outage_start`` → ``outage_end``)."""
    end = _end_time(events, t_end)
    rows, since = [], None
    for e in events:
        if e["kind"] != "hub":
            continue
        if e["state"] == "outage_start" and since is None:
            since = float(e["t"])
        elif e["state"] == "outage_end" and since is not None:
            rows.append((since, float(e["t"])))
            since = None
    if since is not None:
        rows.append((since, end))
    return pd.DataFrame(rows, columns=["start", "end"])


def mt1_table(events: Sequence[Event]) -> pd.DataFrame:
    """Main-task-1 claims and releases, with conflicts (units taken from civil tasks)."""
    rows = [
        (
            float(e["t"]),
            e["state"],
            e["capability"],
            e["qty"],
            bool(detail_of(e).get("conflict")),
            list(detail_of(e).get("recalled") or []),
            detail_of(e).get("shortfall"),
        )
        for e in events
        if e["kind"] == "mt1"
    ]
    columns = ["t", "state", "capability", "qty", "conflict", "recalled", "shortfall"]
    return pd.DataFrame(rows, columns=columns)


def reallocation_table(events: Sequence[Event]) -> pd.DataFrame:
    """Units moved by the hub from one request to a more urgent one (ordered / effective)."""
    rows = []
    for e in events:
        if e["kind"] != "reallocation":
            continue
        d = detail_of(e)
        rows.append(
            (
                float(e["t"]),
                e["state"],
                e["unit"],
                e["capability"],
                e["request"],
                e["region"],
                d.get("from_request"),
                d.get("from_region"),
                d.get("latency"),
                d.get("authority"),
            )
        )
    columns = [
        "t",
        "state",
        "unit",
        "capability",
        "request",
        "region",
        "from_request",
        "from_region",
        "latency",
        "authority",
    ]
    return pd.DataFrame(rows, columns=columns)


# --- injects -----------------------------------------------------------------------------------

INJECT_COLUMNS = [
    "inject",
    "seq",
    "state",
    "t",
    "type",
    "title",
    "scheduled",
    "trigger",
    "from",
    "to",
    "method",
    "channel",
    "message",
    "expected_action",
    "objectives",
    "visibility",
    "reason",
    "crisis",
    "region",
    "request",
    "capability",
]


def inject_table(events: Sequence[Event]) -> pd.DataFrame:
    """One row per MSEL inject: fired / skipped / not_reached, when, and its MSEL fields."""
    rows = []
    for e in events:
        if e["kind"] != "inject":
            continue
        d = detail_of(e)
        rows.append(
            {
                "inject": str(e["inject"]),
                "seq": e["seq"],
                "state": e["state"],
                "t": float(e["t"]),
                "type": d.get("type"),
                "title": d.get("title") or "",
                "scheduled": d.get("time"),
                "trigger": d.get("trigger"),
                "from": d.get("from"),
                "to": d.get("to"),
                "method": d.get("method"),
                "channel": d.get("channel"),
                "message": d.get("message") or "",
                "expected_action": d.get("expected_action") or "",
                "objectives": [str(o) for o in d.get("objectives") or []],
                "visibility": d.get("visibility"),
                "reason": d.get("reason"),
                "crisis": e["crisis"],
                "region": e["region"],
                "request": e["request"],
                "capability": e["capability"],
            }
        )
    return pd.DataFrame(rows, columns=INJECT_COLUMNS)


# --- everything at once ------------------------------------------------------------------------


@dataclass(frozen=True)
class RunTables:
    """All tables of one journal, built once and shared by KPIs, figures and the report."""

    events: Sequence[Event]
    info: RunInfo
    units: pd.DataFrame
    requests: pd.DataFrame
    phases: pd.DataFrame
    marks: pd.DataFrame
    decisions: pd.DataFrame
    region_steps: pd.DataFrame
    region_bands: pd.DataFrame
    crises: pd.DataFrame
    crisis_spans: pd.DataFrame
    demand: pd.DataFrame
    capacity: pd.DataFrame
    queue: pd.DataFrame
    outages: pd.DataFrame
    mt1: pd.DataFrame
    reallocations: pd.DataFrame
    injects: pd.DataFrame


def build_tables(events: Sequence[Event], *, validate: bool = True) -> RunTables:
    """Validate the journal and build every table (one pass per table, no model objects)."""
    if validate:
        validate_journal(events)
    info = run_info(events)
    groups = _by_kind(events)
    end = info.t_end

    def of(*kinds: str) -> list[Event]:
        if len(kinds) == 1:
            return groups.get(kinds[0], [])
        return [e for e in events if e["kind"] in kinds]

    requestish = of("request", "decision")
    steps = region_levels(of("region"))
    crises = crisis_levels(of("crisis"))
    return RunTables(
        events=events,
        info=info,
        units=unit_intervals(of("unit"), end),
        requests=request_table(requestish),
        phases=request_phases(of("request", "decision", "unit"), end),
        marks=request_marks(requestish),
        decisions=decision_table(of("decision")),
        region_steps=steps,
        region_bands=region_level_intervals(steps, end),
        crises=crises,
        crisis_spans=crisis_spans(crises, end),
        demand=demand_intervals(of("crisis", "demand"), end),
        capacity=capacity_series(of("capacity")),
        queue=queue_series(of("queue")),
        outages=hub_outages(of("hub"), end),
        mt1=mt1_table(of("mt1")),
        reallocations=reallocation_table(of("reallocation")),
        injects=inject_table(of("inject")),
    )
