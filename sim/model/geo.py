"""Distances and travel times between Defence bases and region seats [INF, domain §4].

Road: great-circle distance x the road factor (1.3) at convoy speed (70 km/h), plus the time to
mount up (30 min). Air: great-circle distance at cruise speed (240 km/h unless the capability
says), plus an overhead (15 min). Fixed capabilities (the Calamiteitenhospitaal, the Cyber
Commando) work from their base: no travel. The constants are reference data
(``sim/exercise/data/geography.yaml``, the exercise's ``geography``): a ``Geography`` carries
one exercise's values; the defaults below are the shipped ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "AIR_OVERHEAD_MIN",
    "CONVOY_KMH",
    "DEFAULT_GEOGRAPHY",
    "MOUNT_UP_MIN",
    "ROAD_FACTOR",
    "Geography",
    "haversine_km",
    "travel_minutes",
    "within_guarantee",
]

EARTH_RADIUS_KM = 6371.0
ROAD_FACTOR = 1.3
CONVOY_KMH = 70.0
MOUNT_UP_MIN = 30.0
AIR_OVERHEAD_MIN = 15.0
AIR_CRUISE_KMH = 240.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class Geography:
    """The travel constants of one exercise (reference data, settable with ``--set``)."""

    road_factor: float = ROAD_FACTOR
    convoy_kmh: float = CONVOY_KMH
    mount_up_min: float = MOUNT_UP_MIN
    air_overhead_min: float = AIR_OVERHEAD_MIN
    air_cruise_kmh: float = AIR_CRUISE_KMH

    def travel_minutes(
        self,
        mode: str,
        lat1: float,
        lon1: float,
        lat2: float,
        lon2: float,
        speed_kmh: float | None = None,
    ) -> tuple[float, float]:
        """(minutes, km travelled) for a unit of ``mode`` from point 1 to point 2."""
        km = haversine_km(lat1, lon1, lat2, lon2)
        if mode == "fixed" or km < 1e-9:
            return 0.0, 0.0
        if mode == "air":
            speed = speed_kmh or self.air_cruise_kmh
            return km / speed * 60.0 + self.air_overhead_min, km
        road_km = km * self.road_factor
        speed = speed_kmh or self.convoy_kmh
        return road_km / speed * 60.0 + self.mount_up_min, road_km


DEFAULT_GEOGRAPHY = Geography()


def travel_minutes(
    mode: str, lat1: float, lon1: float, lat2: float, lon2: float, speed_kmh: float | None = None
) -> tuple[float, float]:
    """(minutes, km travelled) with the shipped constants (tests, tools without an exercise)."""
    return DEFAULT_GEOGRAPHY.travel_minutes(mode, lat1, lon1, lat2, lon2, speed_kmh)


def within_guarantee(
    minutes: float, guarantee: float | None, alerted: float | None, now: float
) -> float:
    """Travel cut so that a unit with an on-scene guarantee (CBRN: 2 h anywhere [S40b]) is on
    site ``guarantee`` minutes after it was alerted, which is when the hub decided: the tasking
    step and the notice-to-move count against the promise, not only the drive."""
    if guarantee is None or alerted is None or minutes <= 0:
        return minutes
    return min(minutes, max(0.0, alerted + guarantee - now))
