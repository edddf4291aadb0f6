"""Reference data models: veiligheidsregio's, Defence capabilities, escalation ladders, effect tags.

The standard data ships as YAML inside the package (``sim/exercise/data/``) with each value's
source tag (``[S20]``, ``[GK]``, ``[INF]``) in a comment, taken from the domain file.
An exercise uses it by default and may override single values, add entries or remove some.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from sim.exercise.base import MAX_UNITS, Count, Id, LegalRoute, Level, Strict
from sim.exercise.distributions import Distribution, DistributionField, dist
from sim.exercise.times import MAX_MINUTES, format_duration

__all__ = [
    "CIVIL_KINDS",
    "Capability",
    "CivilCapacity",
    "GenericPool",
    "Geography",
    "Ladder",
    "LadderLevel",
    "Place",
    "RampPoint",
    "Region",
    "TagInfo",
    "find_place",
    "standard_reference",
]

CIVIL_KINDS = ("fire", "police", "medical", "manpower", "transport")
MAX_SPEED_KMH = 5_000.0
"""Fastest travel speed a capability may have."""
MIN_SORTIE = 10.0
"""Shortest mean sortie, in minutes (a unit flies, refuels, flies again: time must pass)."""
CivilKind = Literal["fire", "police", "medical", "manpower", "transport"]
Month = Literal["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


class CivilCapacity(Strict):
    """Persons a region can field for one crisis before it asks Defence (incl. mutual aid)."""

    fire: Count = 0
    police: Count = 0
    medical: Count = 0
    manpower: Count = 0
    transport: Count = 0


class Region(Strict):
    """A veiligheidsregio (safety region)."""

    name: str
    seat: str
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    rmc: str = Field(description="Regional Military Commander: Noord, WestMidden or Zuid")
    population_k: Count
    civil: CivilCapacity = CivilCapacity()


class Place(Strict):
    """A named incident site in the gazetteer (``places.yaml``): where units travel to."""

    name: str = Field(description="the name an exercise may use for it, e.g. Deurnese Peel")
    region: str = Field(description="the veiligheidsregio it lies in")
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


def _folded(name: str) -> str:
    return " ".join(name.replace("_", " ").replace("-", " ").split()).casefold()


def find_place(places: dict[str, Place], ref: str) -> tuple[str, Place] | None:
    """The gazetteer entry an exercise names, by id or by name (case and spacing ignored)."""
    if ref in places:
        return ref, places[ref]
    want = _folded(ref)
    for pid, place in places.items():
        if want in (_folded(pid), _folded(place.name)):
            return pid, place
    return None


class Capability(Strict):
    """A Defence capability: a number of interchangeable units at one base."""

    name: str
    base: str
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    units: int = Field(ge=0, le=MAX_UNITS, description="units available for national tasks (HT3)")
    unit_size: int = Field(1, ge=1, le=MAX_UNITS, description="persons (or aircraft crew) per unit")
    notice: DistributionField = Field(description="notice-to-move: approved request to departure")
    mode: Literal["road", "air", "fixed"]
    speed_kmh: float | None = Field(
        None, gt=0, le=MAX_SPEED_KMH, description="air cruise or road speed; defaults by mode"
    )
    on_scene_within: DistributionField | None = Field(
        None,
        description="guaranteed time from the unit's alert (start of its notice-to-move) to on "
        "scene anywhere in the country, e.g. the CBRN Respons Eenheid's 2 h; travel is cut to "
        "fit it after the longest notice",
    )
    role: Literal["sword", "first_responder", "safeguard", "last_line", "support"]
    tags: list[Id] = Field(min_length=1, description="effects the unit delivers")
    legal: list[LegalRoute] = Field(
        default_factory=lambda: ["WVR51", "PW58", "MSOB"],  # type: ignore[arg-type]
        description="legal routes under which the unit may be granted",
    )
    restricted: bool = Field(False, description="advice/liaison only (e.g. the Cyber Commando)")
    needs: list[Id] = Field(default_factory=list, description="capabilities that must accompany it")
    sortie: DistributionField | None = Field(None, description="air time before refuelling at base")
    refuel: DistributionField | None = Field(None, description="turnaround at base between sorties")
    rest: DistributionField = Field(
        default_factory=lambda: dist("8h"), description="refit after return"
    )
    season: list[Month] | None = Field(
        None, min_length=2, max_length=2, description="[first, last] month of readiness"
    )
    details: dict[str, Count] = Field(default_factory=dict, description="e.g. beds, icu")
    sources: list[str] = Field(default_factory=list)

    @field_validator("sortie")
    @classmethod
    def _sortie(cls, value: Distribution | None) -> Distribution | None:
        if value is not None and value.mean < MIN_SORTIE:
            raise ValueError(
                f"a sortie must be at least {format_duration(MIN_SORTIE)} on average, "
                f"got {format_duration(value.mean)}"
            )
        return value

    @field_validator("on_scene_within")
    @classmethod
    def _one_duration(cls, value: Any) -> Any:
        if value is not None and value.fixed is None:
            raise ValueError("a guarantee is one duration (e.g. 2h), not a distribution")
        return value


class LadderLevel(Strict):
    """One rung of an escalation ladder and the crisis team it adds."""

    level: Level
    code: str
    name: str
    name_nl: str
    team: str | None = None
    activation: DistributionField | None = Field(None, description="delay until the team is active")


class Ladder(Strict):
    """An escalation ladder (opschalingsniveaus): classic GRIP or a flexible regional profile."""

    name: str
    levels: list[LadderLevel] = Field(min_length=2)
    request_level: Level = Field(
        description="lowest level whose team may send a request for bijstand (ROT for GRIP)"
    )
    supra_regional_level: Level | None = Field(
        None, description="level for several regions (GRIP 5)"
    )
    national_level: Level | None = Field(None, description="national level (GRIP Rijk)")

    @model_validator(mode="after")
    def _levels_in_order(self) -> Ladder:
        numbers = [lv.level for lv in self.levels]
        if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
            raise ValueError(f"levels must be consecutive and ascending, got {numbers}")
        for name in ("request_level", "supra_regional_level", "national_level"):
            value = getattr(self, name)
            if value is not None and value not in numbers:
                raise ValueError(f"{name} {value} is not one of the levels {numbers}")
        return self

    @property
    def min_level(self) -> int:
        return self.levels[0].level

    @property
    def max_level(self) -> int:
        return self.levels[-1].level

    def rung(self, level: int) -> LadderLevel:
        return self.levels[level - self.min_level]


class TagInfo(Strict):
    """What an effect tag means: how demand for it is counted and who covers it first."""

    name: str
    name_nl: str
    measure: Literal["persons", "units"] = Field(
        description="persons: demand in persons, a unit supplies unit_size; units: one per unit"
    )
    civil: CivilKind | None = Field(None, description="civil capacity that covers it first")
    life_safety: bool = False
    route: LegalRoute = "WVR51"


class RampPoint(Strict):
    hours: float = Field(ge=0, le=MAX_MINUTES / 60)
    troops: Count


class GenericPool(Strict):
    """The ICMS/VCMS manpower ramp after a national mobilisation decision [S26][S19]."""

    ramp: list[RampPoint] = Field(min_length=1)
    historical_guarantee: Count = 4600
    # the pool as a capability (the defaults are the shipped values, capabilities.yaml)
    name: str = "Generic Defence manpower (ICMS/VCMS)"
    base: str = "distributed"
    lat: float = Field(52.10, ge=-90, le=90, description="where its units set out from")
    lon: float = Field(5.30, ge=-180, le=180)
    unit_size: int = Field(
        100, ge=1, le=10_000, description="troops per unit (a company-sized block)"
    )
    rest: DistributionField = Field(default_factory=lambda: dist("8h"))
    tags: list[Id] = Field(
        default_factory=lambda: ["manpower", "sandbags", "evacuation", "guarding", "trucks"],
        description="effects it delivers (those the exercise knows)",
    )
    sources: list[str] = Field(default_factory=lambda: ["S26", "S19"])


class Geography(Strict):
    """Travel constants: road factor, convoy speed, mount-up, air overhead and cruise [INF]."""

    road_factor: float = Field(1.3, gt=0, le=10, description="road km per great-circle km")
    convoy_kmh: float = Field(70.0, gt=0, le=500, description="road convoy speed")
    mount_up_min: float = Field(
        30.0, ge=0, le=1440, description="minutes to mount up before a drive"
    )
    air_overhead_min: float = Field(
        15.0, ge=0, le=1440, description="minutes of start-up and landing"
    )
    air_cruise_kmh: float = Field(
        240.0, gt=0, le=3000, description="cruise speed if a capability has none"
    )


def _load_yaml(name: str) -> Any:
    import yaml

    text = resources.files("sim.exercise.data").joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def _standard_reference_cached() -> dict[str, Any]:
    data: dict[str, Any] = {}
    names = ("regions.yaml", "capabilities.yaml", "ladders.yaml", "tags.yaml", "places.yaml")
    for name in (*names, "geography.yaml"):
        data.update(_load_yaml(name))
    return data


def standard_reference() -> dict[str, Any]:
    """The shipped reference data as plain data (a fresh deep copy each call)."""
    import copy

    return copy.deepcopy(_standard_reference_cached())
