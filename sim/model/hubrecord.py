"""How the hub writes a decision down: the ``decision`` journal event and the decision log.

Kept apart from the hub's flow so the record's form (which the journal's readers and the replay
depend on) is in one place. Plain functions: the collaborators (journal, decision log, the
capabilities, the clock's time) are passed in.
"""

from __future__ import annotations

from collections.abc import Mapping

from sim.decisionlog import DecisionLog
from sim.exercise.reference import Capability
from sim.journal import Recorder
from sim.model.entities import Request, Unit, units_needed
from sim.model.hubview import Decision

__all__ = ["LEGAL_TEST", "log_choice", "record_decision"]

LEGAL_TEST = "rule:legal-test"  # who, in decisions.jsonl, for DJZ's denials


def log_choice(
    decisions: DecisionLog,
    now: float,
    req: Request,
    d: Decision,
    asked: float | None,
    who: str,
    policy: str,
) -> str:
    """Write the choice to the decision log; returns the journal's name for who made it."""
    choice = {"outcome": d.outcome, "capability": d.capability, "units": d.units}
    decisions(
        now,
        "request",
        req.id,
        who,
        {**choice, "reason": d.reason},
        d.alternatives,
        asked=now if asked is None else asked,
    )
    if who == LEGAL_TEST:
        return policy  # the journal has always named the policy here
    return who.removeprefix("policy:")


def record_decision(
    record: Recorder,
    now: float,
    capabilities: Mapping[str, Capability],
    req: Request,
    d: Decision,
    units: list[Unit],
    by: str,
) -> None:
    """The ``decision`` journal event: outcome, units granted, what was asked for and why."""
    needed = None
    if req.capability is not None and req.capability in capabilities:
        size = capabilities[req.capability].unit_size
        needed = units_needed(req.quantity, req.measure, size)
    record(
        "decision",
        now,
        request=req.id,
        region=req.region,
        crisis=req.crisis,
        state=d.outcome,
        capability=d.capability,
        qty=len([u for u in units if u.support_for is None]),
        detail={
            "reason": d.reason,
            "decider": by,
            "priority": req.priority,
            "units": [u.id for u in units],
            "requested_capability": req.capability,
            "requested_units": needed,
            "alternatives": list(d.alternatives),
        },
    )
