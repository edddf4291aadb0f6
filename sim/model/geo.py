"""Distances and travel times between Defence bases and region seats [INF, domain §4].

Road: great-circle distance x 1.3 (road factor) at convoy speed (70 km/h), plus 0.5 h to
mount up. Air: great-circle distance at cruise speed, plus 0.25 h. Fixed capabilities (the
Calamiteitenhospitaal, the Cyber Commando) work from their base: no travel.
"""

from __future__ import annotations

import math

__all__ = [
    "AIR_OVERHEAD_MIN",
    "CONVOY_KMH",
    "MOUNT_UP_MIN",
    "ROAD_FACTOR",
    "haversine_km",
    "travel_minutes",
    "within_guarantee",
]

EARTH_RADIUS_KM = 6371.0
ROAD_FACTOR = 1.3
CONVOY_KMH = 70.0
MOUNT_UP_MIN = 30.0
AIR_OVERHEAD_MIN = 15.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def travel_minutes(
    mode: str, lat1: float, lon1: float, lat2: float, lon2: float, speed_kmh: float | None = None
) -> tuple[float, float]:
    """(minutes, km travelled) for a unit of ``mode`` from point 1 to point 2."""
    km = haversine_km(lat1, lon1, lat2, lon2)
    if mode == "fixed" or km < 1e-9:
        return 0.0, 0.0
    if mode == "air":
        speed = speed_kmh or 240.0
        return km / speed * 60.0 + AIR_OVERHEAD_MIN, km
    road_km = km * ROAD_FACTOR
    speed = speed_kmh or CONVOY_KMH
    return road_km / speed * 60.0 + MOUNT_UP_MIN, road_km


def within_guarantee(
    minutes: float, guarantee: float | None, alerted: float | None, now: float
) -> float:
    """Travel cut so that a unit with an on-scene guarantee (CBRN: 2 h anywhere [S40b]) is on
    site ``guarantee`` minutes after it was alerted, which is when the hub decided: the tasking
    step and the notice-to-move count against the promise, not only the drive."""
    if guarantee is None or alerted is None or minutes <= 0:
        return minutes
    return min(minutes, max(0.0, alerted + guarantee - now))
