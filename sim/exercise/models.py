"""The exercise: metadata, hub, crises and injects (the MSEL), with the reference data merged in.

An ``Exercise`` is immutable and fully resolved: every default and reference value is filled in.
Dumping it gives ``effective.yaml``. See ``docs/exercise-format.md`` for an annotated example.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from sim.exercise.base import (
    MAX_COUNT,
    MAX_SEED,
    MAX_STAFF,
    MAX_UNITS,
    SECURITY_INTERESTS,
    FolderId,
    Id,
    ImpactClass,
    Level,
    NumberOrId,
    SecurityInterest,
    Strict,
)
from sim.exercise.distributions import Distribution, DistributionField, dist
from sim.exercise.injectspec import (
    INJECT_TYPES,
    CapacityChange,
    Condition,
    HubChange,
    Inject,
    InjectType,
    MainTaskClaim,
    ReallocationOrder,
    RequestSpec,
    SitePoint,
    SiteRef,
    Trigger,
    payload_fields,
)
from sim.exercise.reference import (
    Capability,
    GenericPool,
    Geography,
    Ladder,
    Place,
    Region,
    TagInfo,
)
from sim.exercise.times import ScenarioTime, format_duration

__all__ = [
    "CRISIS_KINDS",
    "INJECT_TYPES",
    "MIN_DWELL",
    "MIN_REVIEW_INTERVAL",
    "POLICY_PARAMS",
    "START_YEARS",
    "CapacityChange",
    "Condition",
    "Crisis",
    "Escalation",
    "Exercise",
    "Hub",
    "HubChange",
    "HubSteps",
    "Inject",
    "InjectType",
    "LevelSpec",
    "MainTaskClaim",
    "Metadata",
    "Objective",
    "ReallocationOrder",
    "Removal",
    "RequestSpec",
    "SitePoint",
    "SiteRef",
    "Trigger",
    "payload_fields",
]

CrisisKind = Literal[
    "flood",
    "electricity",
    "digital",
    "terrorism",
    "infectious_disease",
    "aviation",
    "wildfire",
    "gas_oil",
    "military_hybrid",
    "hns",
]
CRISIS_KINDS: tuple[str, ...] = CrisisKind.__args__  # type: ignore[attr-defined]


def _iso_datetime(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"{value!r} is not a date-time such as 2026-04-20T12:45:00+02:00"
            ) from None
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


CalendarTime = Annotated[datetime, BeforeValidator(_iso_datetime)]

START_YEARS = (1900, 2200)
"""Calendar years a STARTEX may fall in (plots, spreadsheets and date arithmetic all work)."""
MIN_DWELL = 10.0
"""Shortest mean dwell at an escalation level, in minutes (a zero dwell never lets time pass)."""
MIN_REVIEW_INTERVAL = 60.0
"""Shortest time between two reviews of a deployment, in minutes."""

POLICY_PARAMS: tuple[str, ...] = (
    *(f"w_{interest}" for interest in SECURITY_INTERESTS),
    "preempt_non_life_safety",
)
"""``hub.policy_params`` keys: a weight per security interest, and a switch (non-zero: on)."""
PolicyParam = Literal[
    "w_territorial",
    "w_physical",
    "w_economic",
    "w_ecological",
    "w_social_political",
    "w_international",
    "preempt_non_life_safety",
]
assert PolicyParam.__args__ == POLICY_PARAMS  # type: ignore[attr-defined]
MAX_WEIGHT = 1_000.0


def check_mean_at_least(value: Distribution | None, minutes: float, what: str) -> Any:
    """A distribution whose mean is below ``minutes`` is refused (loops need time to pass)."""
    if value is not None and value.mean < minutes:
        raise ValueError(
            f"{what} must be at least {format_duration(minutes)} on average, "
            f"got {format_duration(value.mean)}"
        )
    return value


class Objective(Strict):
    """A training objective; injects point at it so the debrief can check it."""

    id: NumberOrId
    text: str
    interests: list[SecurityInterest] = Field(default_factory=list)
    capability: Id | None = Field(None, description="capability the objective is about")
    task: str | None = Field(None, description="or the task, in words")


class Metadata(Strict):
    """Who, what and how long: the ``exercise:`` block."""

    id: FolderId
    title: str
    description: str = ""
    start: CalendarTime | None = Field(
        None,
        description="calendar time of STARTEX (local time if naive), years 1900-2200",
    )
    duration: ScenarioTime = Field(description="ENDEX, e.g. T+72:00")
    seed: int = Field(0, ge=0, le=MAX_SEED)
    ladder: Id = "grip_classic"
    objectives: list[Objective] = Field(default_factory=list)

    @field_validator("duration")
    @classmethod
    def _positive_duration(cls, duration: float) -> float:
        if duration <= 0:
            raise ValueError("duration (ENDEX) must be after STARTEX")
        return duration

    @field_validator("start")
    @classmethod
    def _sane_year(cls, start: datetime | None) -> datetime | None:
        first, last = START_YEARS
        if start is not None and not first <= start.year <= last:
            raise ValueError(f"start must be in the years {first}-{last}, got {start.year}")
        return start


class HubSteps(Strict):
    """Handling time of each step at the hub (LOCC/KCR2 and the Defence desk) [S25][S27][INF]."""

    intake: DistributionField = Field(
        default_factory=lambda: dist({"triangular": ["10m", "15m", "30m"]})
    )
    legal: DistributionField = Field(
        default_factory=lambda: dist({"triangular": ["30m", "1h", "2h"]})
    )
    capacity: DistributionField = Field(
        default_factory=lambda: dist({"triangular": ["30m", "1h", "2h"]})
    )
    decision: DistributionField = Field(
        default_factory=lambda: dist({"triangular": ["15m", "30m", "1h"]})
    )
    tasking: DistributionField = Field(default_factory=lambda: dist("30m"))


def _fast_track_steps() -> HubSteps:
    return HubSteps(
        intake=dist("5m"),
        legal=dist({"triangular": ["5m", "10m", "20m"]}),
        capacity=dist({"triangular": ["5m", "10m", "20m"]}),
        decision=dist({"triangular": ["5m", "10m", "15m"]}),
        tasking=dist("10m"),
    )


class Hub(Strict):
    """The national hub: LOCC with KCR2 for the civil side, DJZ/DOPS-CAT/TOC for Defence."""

    staff: int = Field(2, ge=1, le=MAX_STAFF, description="requests handled at the same time")
    steps: HubSteps = HubSteps()
    fast_track: HubSteps = Field(
        default_factory=_fast_track_steps,
        description="urgent requests: by phone first, confirmed in writing later [S28][INF]",
    )
    fast_track_urgency: ScenarioTime = Field(
        240.0, description="requests this urgent (time to irreversible harm) take the fast track"
    )
    policy: Id = Field("priority", description="fifo, priority or fair-share")
    policy_params: dict[PolicyParam, Annotated[float, Field(ge=0, le=MAX_WEIGHT)]] = Field(
        default_factory=dict,
        description="w_<security interest>: weight in the priority score (default 1); "
        "preempt_non_life_safety: non-zero lets any request, not only life safety, preempt",
    )
    reallocation_authority: Literal["clear", "unclear"] = "unclear"
    reallocation_latency_clear: DistributionField = Field(default_factory=lambda: dist("30m"))
    reallocation_latency_unclear: DistributionField = Field(
        default_factory=lambda: dist({"triangular": ["1h", "3h", "5h"]})
    )
    hysteresis: float = Field(
        0.25, ge=0, le=100, description="preempt only if P_new > (1+h) P_current"
    )
    reallocation: bool = Field(True, description="may the hub move deployed units")
    review_interval: ScenarioTime = Field(
        1440.0, description="deployments reviewed every 24 h (at least every 1 h)"
    )
    drafting: DistributionField = Field(
        default_factory=lambda: dist({"triangular": ["15m", "30m", "1h"]}),
        description="region drafts a request with RMOA advice",
    )
    mt1_reserved: dict[Id, Annotated[int, Field(ge=0, le=MAX_UNITS)]] = Field(
        default_factory=dict, description="units per capability held for main task 1 (NATO)"
    )
    mobilisation_threshold: int = Field(
        2,
        ge=0,
        le=MAX_COUNT,
        description="unmet manpower requests before the hub mobilises the generic pool itself "
        "(0: never by itself; a mobilise inject or the players decide it)",
    )

    @field_validator("review_interval")
    @classmethod
    def _review_interval(cls, minutes: float) -> float:
        if minutes < MIN_REVIEW_INTERVAL:
            raise ValueError(
                f"review_interval must be at least {format_duration(MIN_REVIEW_INTERVAL)}, "
                f"got {format_duration(minutes)}"
            )
        return minutes


class Escalation(Strict):
    """How a crisis moves on the ladder; unmet demand makes escalation likelier and faster."""

    dwell: DistributionField = Field(
        default_factory=lambda: dist({"triangular": ["1h", "3h", "6h"]})
    )
    p_up_unmet: float = Field(0.7, ge=0, le=1, description="chance to escalate when nothing is met")
    p_up_met: float = Field(0.1, ge=0, le=1, description="chance to escalate when all is met")
    p_down_met: float = Field(0.6, ge=0, le=1, description="chance to scale down when all is met")
    speedup_unmet: float = Field(
        1.0, ge=0, le=10, description="dwell / (1 + speedup x unmet share)"
    )
    max_level: Level | None = None
    end_below: Level | None = Field(
        None, description="the crisis ends when it scales down below this level (default: start)"
    )

    @field_validator("dwell")
    @classmethod
    def _dwell(cls, value: Distribution) -> Distribution:
        return check_mean_at_least(value, MIN_DWELL, "a dwell")

    @model_validator(mode="after")
    def _probabilities(self) -> Escalation:
        if self.p_up_met + self.p_down_met > 1:
            raise ValueError("p_up_met + p_down_met must not exceed 1")
        return self


class LevelSpec(Strict):
    """What a crisis needs at one level: demand per effect tag, and an optional dwell time."""

    demand: dict[Id, Annotated[int, Field(le=MAX_COUNT)]] = Field(default_factory=dict)
    dwell: DistributionField | None = None

    @field_validator("dwell")
    @classmethod
    def _dwell(cls, value: Distribution | None) -> Distribution | None:
        return check_mean_at_least(value, MIN_DWELL, "a dwell")


class HnsSpec(Strict):
    """A Host Nation Support movement: civil and Defence demand it creates (reciprocity)."""

    route: list[str] = Field(default_factory=list)
    port: str | None = None
    window: ScenarioTime = Field(4320.0, description="execution window")


class Crisis(Strict):
    """One crisis (incident) in one or more regions, following a national crisis plan's kind."""

    id: Id
    kind: CrisisKind
    name: str = ""
    regions: list[Id] = Field(min_length=1)
    onset: ScenarioTime | None = Field(0.0, description="null: dormant until a crisis_onset inject")
    start_level: Level = 1
    escalation: Escalation = Escalation()
    levels: dict[Level, LevelSpec] = Field(default_factory=dict)
    impact: dict[SecurityInterest, ImpactClass] = Field(default_factory=dict)
    urgency: ScenarioTime = Field(360.0, description="time to irreversible harm")
    auto_requests: bool = Field(
        True, description="regions ask for bijstand when civil means fall short"
    )
    hns: HnsSpec | None = None
    site: SiteRef | None = Field(
        None,
        description="where it happens; units travel there (default: each region's seat). A "
        "gazetteer place counts in its own region only",
    )
    sites: dict[Id, SiteRef] = Field(
        default_factory=dict, description="per region, where it differs from 'site'"
    )
    hold_for_injects: bool = Field(
        True,
        description="stays active (it may scale down, not end by itself) until the last timed or "
        "chained inject that names it has fired, so the dice cannot cut the storyline short; an "
        "end_crisis inject still ends it",
    )

    @property
    def life_safety(self) -> bool:
        """Physical-safety impact class C or worse: life-safety requests beat all others [§7]."""
        return self.impact.get("physical", "A") >= "C"


class Removal(Strict):
    regions: list[Id] = Field(default_factory=list)
    capabilities: list[Id] = Field(default_factory=list)


class Exercise(Strict):
    """A whole exercise, resolved against the reference data."""

    exercise: Metadata
    reference: Literal["standard", "none"] = "standard"
    regions: dict[Id, Region] = Field(default_factory=dict)
    capabilities: dict[Id, Capability] = Field(default_factory=dict)
    ladders: dict[Id, Ladder] = Field(default_factory=dict)
    tags: dict[Id, TagInfo] = Field(default_factory=dict)
    places: dict[Id, Place] = Field(default_factory=dict, description="the gazetteer of sites")
    generic_pool: GenericPool | None = None
    geography: Geography = Geography()
    remove: Removal = Removal()
    hub: Hub = Hub()
    crises: list[Crisis] = Field(default_factory=list)
    injects: list[Inject] = Field(default_factory=list)

    @property
    def id(self) -> str:
        return self.exercise.id

    @property
    def ladder(self) -> Ladder:
        return self.ladders[self.exercise.ladder]

    def crisis(self, crisis_id: str) -> Crisis:
        for c in self.crises:
            if c.id == crisis_id:
                return c
        raise KeyError(crisis_id)

    def to_data(self) -> dict[str, Any]:
        """Plain data in the YAML file form (times as strings) for effective.yaml."""
        from sim.exercise.dump import exercise_to_data

        return exercise_to_data(self)
