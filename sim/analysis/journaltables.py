"""The journal's contract as the analysis reads it: validation, the run's own facts, helpers.

Shared by every table builder (``tables_requests``, ``tables_world``) and by ``tables``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sim.analysis.timefmt import parse_start
from sim.journal import KEYS

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


def events_by_kind(events: Iterable[Event]) -> dict[str, list[Event]]:
    """The events of each kind, in journal order (one pass for all the tables)."""
    groups: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        groups[event["kind"]].append(event)
    return groups


def end_time(events: Sequence[Event], t_end: float | None) -> float:
    """ENDEX as given, else the last event's time: where open intervals end."""
    if t_end is not None:
        return t_end
    return float(events[-1]["t"]) if events else 0.0
