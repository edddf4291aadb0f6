"""The legal test ("mag"): does the route fit the request and the requester? [S15][S16][S17]

Wvr art. 51: the voorzitter veiligheidsregio (or the burgemeester in a municipal crisis).
Politiewet 2012 art. 57 (KMar) and 58 (other armed forces): burgemeester (public order) or
(hoofd)officier van justitie (criminal law enforcement). Art. 59 (special units) is alerted via
the Landelijke Eenheid, not the LOCC. MSOB: minister, CdK, burgemeester or dijkgraaf, for tasks
outside the Wvr and Politiewet, and not for acute danger to life.
"""

from __future__ import annotations

from sim.exercise.reference import Capability
from sim.model.entities import Request

__all__ = ["ALLOWED_REQUESTERS", "legal_problem", "route_allows"]

ALLOWED_REQUESTERS: dict[str, tuple[str, ...]] = {
    "WVR51": ("voorzitter_VR", "burgemeester"),
    "PW57": ("burgemeester", "OvJ"),
    "PW58": ("burgemeester", "OvJ"),
    "PW59": ("OvJ",),
    "MSOB": ("minister", "CdK", "burgemeester", "dijkgraaf"),
}


def route_allows(capability: Capability, route: str) -> bool:
    """May this capability be granted under this route? Restricted ones only as MSOB advice."""
    if capability.restricted and route != "MSOB":
        return False
    return route in capability.legal


def legal_problem(
    req: Request, capabilities: dict[str, Capability], public_order: bool = False
) -> str | None:
    """Why the request fails the legal test, or None when it passes.

    ``public_order``: the effect asked for is a public-order or police task (its tags default to
    Politiewet art. 57/58), which MSOB may not be used for (§8.3 rule 3).
    """
    allowed = ALLOWED_REQUESTERS[req.route]
    if req.requester not in allowed:
        return (
            f"{req.requester} may not request on route {req.route} (who may: {', '.join(allowed)})"
        )
    if req.route == "PW59":
        return "art. 59 special units are alerted via the Landelijke Eenheid (College van PG's), not the LOCC; extra military support to them goes via art. 58"
    if req.route == "MSOB" and public_order:
        return "public order and guarding go via the Politiewet (art. 57 KMar, art. 58), not MSOB"
    if req.route == "MSOB" and req.life_safety:
        return "MSOB is for support outside the Wvr and Politiewet, not acute danger to life; request under Wvr art. 51"
    if req.capability is not None and req.capability in capabilities:
        cap = capabilities[req.capability]
        if not route_allows(cap, req.route):
            return f"{req.capability} may not be granted under {req.route} (allowed: {', '.join(cap.legal)}{'; advice/liaison only' if cap.restricted else ''})"
    return None
