"""Travel from Defence bases to region seats and sites: minutes and kilometres per capability.

Bases and seats do not move, so the minutes from a capability's base to a region's seat are
computed once per run and read from a table: the capacity test reads them for every candidate
and the hub's order for every request. Collaborators are passed in: the capabilities, the regions
(their seats), the geography (roads and air) and the capability index by tag.
"""

from __future__ import annotations

from collections.abc import Mapping

from sim.exercise.reference import Capability, Region
from sim.model.entities import Request
from sim.model.geo import Geography

__all__ = ["TravelTimes"]


class TravelTimes:
    def __init__(
        self,
        capabilities: Mapping[str, Capability],
        regions: Mapping[str, Region],
        geography: Geography,
        by_tag: Mapping[str, list[str]],
    ) -> None:
        self.capabilities = capabilities
        self.regions = regions
        self.geography = geography
        self.by_tag = by_tag  # tag -> capabilities that deliver it (the capacity book's index)
        self._from_base: dict[tuple[str, str], float] = {}

    def site(self, region: str) -> tuple[float, float]:
        """A region's seat, where a request without a site of its own is served."""
        r = self.regions[region]
        return r.lat, r.lon

    def outbound(
        self, cap: Capability, origin: tuple[float, float], lat: float, lon: float
    ) -> tuple[float, float]:
        """(minutes, km) to a site. A capability with an ``on_scene_within`` guarantee gets
        there within the guarantee minus its longest notice, however far: the sources give
        the guarantee, not how the unit keeps it (forward elements, escorts), so the model
        keeps the promise and the real distance."""
        minutes, km = self.geography.travel_minutes(
            cap.mode, origin[0], origin[1], lat, lon, cap.speed_kmh
        )
        if cap.on_scene_within is not None and minutes > 0:
            allowed = cap.on_scene_within.bounds[1] - cap.notice.bounds[1]
            minutes = min(minutes, max(allowed, 0.0))
        return minutes, km

    def from_base(self, cap_id: str, region: str) -> float:
        """Minutes from a capability's base to a region's seat (static, so cached)."""
        key = (cap_id, region)
        hit = self._from_base.get(key)
        if hit is None:
            cap = self.capabilities[cap_id]
            lat, lon = self.site(region)
            hit = self._from_base[key] = self.outbound(cap, (cap.lat, cap.lon), lat, lon)[0]
        return hit

    def nearest(self, req: Request) -> float:
        """Minutes from the nearest base that could serve the request: the capability asked
        for, or else any that delivers one of its tags (the priority tie-breaker, §8.3 rule 5)."""
        asked = req.capability
        if asked is not None and asked in self.capabilities:
            return self.from_base(asked, req.region)
        times = [
            self.from_base(c, req.region) for tag in req.tags for c in self.by_tag.get(tag, ())
        ]
        return min(times, default=0.0)
