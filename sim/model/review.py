"""The 24-hour review of a deployed unit: keep it while its effect is still needed (§8.3 rule 9).

A unit stays while its crisis is active, its request's duration has not run out, and the need
for one of the tags it delivers would be unmet without it; a ground crew stays while its
helicopters do. Collaborators passed in: the demand picture and whether a crisis is active.
"""

from __future__ import annotations

from collections.abc import Callable

from sim.model.demand import DemandBook
from sim.model.entities import Unit

__all__ = ["still_needed"]


def still_needed(
    unit: Unit, now: float, demand: DemandBook, crisis_active: Callable[[str], bool]
) -> bool:
    """Whether the hub keeps ``unit`` at its request at the review due ``now``."""
    req = unit.request
    if req is None or req.crisis is None or not crisis_active(req.crisis):
        return False
    if (
        req.duration is not None
        and req.submitted is not None
        and now >= req.submitted + req.duration
    ):
        return False
    key = (req.crisis, req.region)
    for tag in demand.contribution_tags(unit):
        need = demand.need.get(key, {}).get(tag, 0)
        civil = demand.civil.get(key, {}).get(tag, 0)
        mil = demand.military.get(key, {}).get(tag, 0)
        if need - civil - (mil - demand.unit_amount(unit, tag)) > 0:
            return True
    return unit.support_for is not None and any(
        u.tasked and u.request is req and u.support_for is None for u in req.units
    )
