"""Subsidiarity (§8.3 rule 1): what a site still lacks once civil means, units and asks count.

A region asks Defence only for the part of a crisis's need that its civil capacity, the units on
scene, the units on their way and its own open asks do not cover. ``site_gaps`` computes that
per tag for one site (a crisis in a region) from the demand picture, the capacity book's table of
units on their way and the site's open requests, all passed in; ``NOT_ASKED`` names why a region
does not ask for a need it cannot cover (the ``not_asked`` of a demand event).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sim.model.demand import DemandBook, Key
from sim.model.entities import UNDERWAY, Request

__all__ = ["NOT_ASKED", "site_gaps"]

NOT_ASKED = {
    "no_auto_requests": "the crisis asks only through scripted requests (auto_requests: false)",
    "below_request_level": "the region is below the ladder's request level: no team may ask yet",
    "waiting_for_team": "the team of the request level (ROT under GRIP) is not active yet",
    "denied_at_level": "denied at this level; the region asks again when the level changes",
    "no_capability": "no Defence capability in the exercise delivers this effect",
    "no_route": "capabilities deliver it, but none may be granted on the effect's legal route",
    "covered_by_other": "units granted for another effect cover it on arrival (a ground crew "
    "with its helicopters)",
}

_NONE: dict[str, int] = {}  # a site with no entry: read only


def site_gaps(
    demand: DemandBook,
    underway: Mapping[Request, int],
    open_requests: Iterable[Request],
    key: Key,
    also: tuple[str, ...] = (),
    only: list[str] | None = None,
) -> dict[str, int]:
    """Per tag: need not covered by civil means, units on scene, units on their way or open
    asks (negative: more than needed). One pass over the site's open requests for all tags;
    ``also`` adds tags the level no longer needs; ``only``: just these tags of the need.
    ``underway``: units on their way per request (no entry: none)."""
    need = demand.need.get(key, _NONE)
    civil = demand.civil.get(key, _NONE)
    military = demand.military.get(key, _NONE)
    if only is None:
        out = {t: n - civil.get(t, 0) - military.get(t, 0) for t, n in need.items()}
    else:
        out = {t: need[t] - civil.get(t, 0) - military.get(t, 0) for t in only}
    for t in also:
        if t not in out:
            out[t] = -civil.get(t, 0) - military.get(t, 0)
    for r in open_requests:
        if not r.granted_units:  # not decided yet: the ask itself counts
            for t in r.tags:
                if t in out:
                    out[t] -= r.quantity
        if r not in underway:
            continue
        for u in r.units:
            if u.request is r and u.state in UNDERWAY:
                for t, amount in demand.contribution(u):
                    if t in out:
                        out[t] -= amount
    return out
