"""Where help is needed: a crisis's or a scripted request's site, and where a unit is on the way.

Units travel to the site of the request they serve. A scripted request may name its own site;
otherwise it takes its crisis's site in its region (``sites[region]``, else ``site`` when that
lies in the region: a gazetteer place counts only in the region it is in; coordinates count in
every region of the crisis). Without either, the region's seat is the site, as before sites
existed. A site is resolved once, when the request is made.

A unit moved while it flies back to refuel, or on its way home, leaves from where it is: its
position is interpolated along the leg it is on (straight line, constant speed), which is how
the travel model (geo.py) computes the legs in the first place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sim.exercise.models import SitePoint
from sim.exercise.reference import find_place

if TYPE_CHECKING:
    from sim.exercise.models import Crisis, Exercise

__all__ = ["Site", "along", "crisis_sites", "resolve", "turnaround_position"]


@dataclass(frozen=True)
class Site:
    """A resolved site: coordinates, a label, and whether it is just the region's seat."""

    lat: float
    lon: float
    name: str
    place: str | None = None  # gazetteer id
    seat: bool = False

    @property
    def point(self) -> tuple[float, float]:
        return self.lat, self.lon

    def detail(self) -> dict[str, Any]:
        """The journal's form: ``{name, lat, lon, place, seat}``."""
        return {
            "name": self.name,
            "lat": self.lat,
            "lon": self.lon,
            "place": self.place,
            "seat": self.seat,
        }


def seat(ex: Exercise, region: str) -> Site:
    r = ex.regions[region]
    return Site(r.lat, r.lon, r.seat, None, True)


def _of(ex: Exercise, ref: Any, region: str | None) -> Site | None:
    """A site reference as a Site; None if it is a place outside ``region``."""
    if isinstance(ref, SitePoint):
        return Site(ref.lat, ref.lon, ref.name or f"{ref.lat:.4f}, {ref.lon:.4f}")
    found = find_place(ex.places, ref)
    if found is None:  # the loader refuses unknown places; a hand-built exercise may not
        raise KeyError(f"unknown place {ref!r}")
    pid, place = found
    if region is not None and place.region != region:
        return None
    return Site(place.lat, place.lon, place.name, pid)


def crisis_site(ex: Exercise, crisis: Crisis, region: str) -> Site:
    """The crisis's site in one of its regions (the seat when it names none there)."""
    ref = crisis.sites.get(region)
    if ref is not None:
        site = _of(ex, ref, None)
        assert site is not None
        return site
    if crisis.site is not None:
        site = _of(ex, crisis.site, region if len(crisis.regions) > 1 else None)
        if site is not None:
            return site
    return seat(ex, region)


def crisis_sites(ex: Exercise, crisis: Crisis) -> dict[str, dict[str, Any]]:
    """Per region of a crisis, its site in the journal's form (for the onset event)."""
    return {r: crisis_site(ex, crisis, r).detail() for r in crisis.regions}


def resolve(ex: Exercise, region: str, crisis: Crisis | None, ref: Any = None) -> Site:
    """A request's site: its own, else its crisis's in the region, else the region's seat."""
    if ref is not None:
        site = _of(ex, ref, None)
        assert site is not None
        return site
    if crisis is not None and region in crisis.regions:
        return crisis_site(ex, crisis, region)
    return seat(ex, region)


def along(
    origin: tuple[float, float], dest: tuple[float, float], frac: float
) -> tuple[float, float]:
    """The point ``frac`` (0-1) of the way from ``origin`` to ``dest``."""
    f = min(1.0, max(0.0, frac))
    return origin[0] + (dest[0] - origin[0]) * f, origin[1] + (dest[1] - origin[1]) * f


def turnaround_position(
    site: tuple[float, float],
    base: tuple[float, float],
    elapsed: float,
    leg: float,
    turnaround: float,
) -> tuple[float, float]:
    """Where a helicopter is ``elapsed`` minutes into a refuelling turnaround: flying ``leg``
    minutes to base, refuelling there, and ``leg`` minutes back to the site."""
    if leg <= 0:
        return base if 0 < elapsed < turnaround else site
    if elapsed <= leg:
        return along(site, base, elapsed / leg)
    if elapsed >= turnaround - leg:
        return along(base, site, (elapsed - (turnaround - leg)) / leg)
    return base
