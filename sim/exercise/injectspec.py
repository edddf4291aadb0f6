"""The MSEL's lines: injects, their triggers and conditions, and the payloads they carry.

A scripted request, a capacity change, a main-task-1 claim, a hub change or a reallocation
order is the payload of one inject type (``payload_fields``). Split from ``models.py``, which
re-exports every name here, so ``from sim.exercise.models import Inject`` goes on working.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from sim.exercise.base import (
    MAX_COUNT,
    MAX_LEVEL,
    MAX_STAFF,
    MAX_UNITS,
    Id,
    LegalRoute,
    Level,
    NumberOrId,
    Requester,
    Strict,
)
from sim.exercise.times import ScenarioTime

__all__ = [
    "INJECT_TYPES",
    "CapacityChange",
    "Condition",
    "HubChange",
    "Inject",
    "InjectType",
    "MainTaskClaim",
    "ReallocationOrder",
    "RequestSpec",
    "SitePoint",
    "SiteRef",
    "Trigger",
    "payload_fields",
]

InjectType = Literal[
    "crisis_onset",
    "escalate",
    "deescalate",
    "set_level",
    "end_crisis",
    "request",
    "capacity_change",
    "mt1_claim",
    "mt1_release",
    "hub_change",
    "information",
    "decision_point",
    "reallocate",
    "mobilise",
]
INJECT_TYPES: tuple[str, ...] = InjectType.__args__  # type: ignore[attr-defined]


class SitePoint(Strict):
    """An incident site by coordinates (WGS84), optionally named for the journal and report."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    name: str = ""


SiteRef = Annotated[
    str | SitePoint,
    Field(
        description="a place of the gazetteer (its id or name, e.g. Deurnese Peel) or {lat, lon}"
    ),
]


class RequestSpec(Strict):
    """A scripted request for military assistance (bijstandsverzoek)."""

    region: Id
    crisis: Id | None = None
    route: LegalRoute = "WVR51"
    requester: Requester = "voorzitter_VR"
    effect: str = Field(description="the effect wanted, in the requester's words")
    tags: list[Id] = Field(min_length=1)
    capability: Id | None = Field(None, description="the means asked for, if any")
    quantity: int = Field(
        1, ge=1, le=MAX_COUNT, description="units (or persons for person-measured tags)"
    )
    urgency: ScenarioTime = Field(360.0, description="time to irreversible harm")
    life_safety: bool | None = Field(None, description="default: from the crisis impact")
    duration: ScenarioTime | None = Field(None, description="how long the effect is needed")
    site: SiteRef | None = Field(
        None, description="where the effect is needed (default: the crisis's site in the region)"
    )


class CapacityChange(Strict):
    capability: Id
    units: int = Field(
        ge=-MAX_UNITS,
        le=MAX_UNITS,
        description="negative: units become unavailable; positive: unavailable units come back, "
        "or reinforcements join when none are unavailable (never out-of-season units)",
    )
    reason: str = ""


class MainTaskClaim(Strict):
    capability: Id
    units: int = Field(ge=1, le=MAX_UNITS)


class HubChange(Strict):
    staff: int | None = Field(None, ge=1, le=MAX_STAFF)
    outage: ScenarioTime | None = Field(
        None, description="hub cannot handle requests for this long"
    )
    policy: Id | None = None
    reallocation_authority: Literal["clear", "unclear"] | None = None


class Condition(Strict):
    """A state the simulation watches; exactly one field is set."""

    region_level: dict[str, Level] | None = Field(
        None, description="{region: VR22, at_least: 4} written as {VR22: 4}"
    )
    crisis_level: dict[str, Level] | None = Field(None, description="{crisis-id: level}")
    request_denied: Literal["any"] | Id | None = Field(None, description="'any' or a region id")
    request_queued: Literal["any"] | Id | None = None
    free_units_below: dict[str, Annotated[int, Field(ge=0, le=MAX_UNITS)]] | None = Field(
        None, description="{capability: k}"
    )

    @field_validator("region_level", "crisis_level", "free_units_below")
    @classmethod
    def _one_entry(cls, value: dict[str, int] | None, info: ValidationInfo) -> Any:
        if value is not None and len(value) != 1:
            example = _CONDITION_EXAMPLES[info.field_name or ""]
            raise ValueError(
                f"{info.field_name} takes exactly one entry, e.g. {example}; got {len(value)}"
            )
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> Condition:
        set_fields = [n for n in type(self).model_fields if getattr(self, n) is not None]
        if len(set_fields) != 1:
            raise ValueError(
                "give exactly one condition: region_level, crisis_level, request_denied, "
                f"request_queued or free_units_below; got {', '.join(set_fields) or 'none'}"
            )
        return self


_CONDITION_EXAMPLES = {
    "region_level": "{VR22: 4}",
    "crisis_level": "{flood-1: 3}",
    "free_units_below": "{FBO_CH47: 1}",
}


class ReallocationOrder(Strict):
    """A scripted reallocation order: named units, or N units of a capability, moved from a
    crisis or request to a crisis or request (each with the authority's decision latency)."""

    capability: Id | None = Field(None, description="needed with a number of units")
    units: Annotated[int, Field(ge=1, le=MAX_UNITS)] | list[Id] = Field(
        description="how many units (of capability), or the unit ids (FBO_CH47-1, ...)"
    )
    from_crisis: Id | None = None
    from_request: NumberOrId | None = Field(
        None, description="a request inject's id (its request), or a request id such as R013"
    )
    to_crisis: Id | None = Field(
        None,
        description="the open request of that crisis at the hub that the units can serve "
        "(the highest priority first)",
    )
    to_request: NumberOrId | None = Field(
        None, description="a request inject's id (its request), or a request id such as R013"
    )

    @model_validator(mode="after")
    def _ends(self) -> ReallocationOrder:
        if (self.from_crisis is None) == (self.from_request is None):
            raise ValueError("give exactly one of from_crisis or from_request")
        if (self.to_crisis is None) == (self.to_request is None):
            raise ValueError("give exactly one of to_crisis or to_request")
        if isinstance(self.units, int) and self.capability is None:
            raise ValueError("a number of units needs the capability, e.g. capability: FBO_CH47")
        if isinstance(self.units, list) and not self.units:
            raise ValueError("units: give a number or at least one unit id")
        return self


class Trigger(Strict):
    """Fire after another inject (plus a delay), or when a condition holds (plus a delay)."""

    after: NumberOrId | None = None
    when: Condition | None = None
    delay: ScenarioTime = 0.0

    @model_validator(mode="after")
    def _one(self) -> Trigger:
        if (self.after is None) == (self.when is None):
            raise ValueError("a trigger needs exactly one of 'after' (an inject id) or 'when'")
        return self


class Inject(Strict):
    """One MSEL line (inject / inspel)."""

    id: NumberOrId
    time: ScenarioTime | None = None
    trigger: Trigger | None = None
    manual: bool = Field(False, description="fired by a facilitator during live play")
    type: InjectType
    title: str = ""
    from_: str = Field("EXCON", alias="from")
    to: str = ""
    method: str = ""
    message: str = ""
    expected_action: str = ""
    objectives: list[NumberOrId] = Field(default_factory=list)
    notes: str = Field("", description="controller notes")
    visibility: Literal["players", "controllers", "all"] = "players"
    channel: Literal["media", "social", "intelligence", "official", "phone", "email"] | None = None
    crisis: Id | None = None
    level: Level | None = None
    steps: int = Field(1, ge=1, le=MAX_LEVEL)
    request: RequestSpec | None = None
    capacity: CapacityChange | None = None
    mt1: MainTaskClaim | None = None
    hub: HubChange | None = None
    reallocate: ReallocationOrder | None = None
    conditional: str | None = Field(
        None,
        description="why this inject is meant to fire in some runs only (its trigger depends on "
        "the play); the key-inject check of the library skips it",
    )

    @model_validator(mode="after")
    def _when(self) -> Inject:
        given = [n for n, v in (("time", self.time), ("trigger", self.trigger)) if v is not None]
        if self.manual:
            given.append("manual")
        if len(given) != 1:
            raise ValueError(
                "an inject needs exactly one of time, trigger or manual: true; "
                f"got {', '.join(given) or 'none'}"
            )
        if self.time is not None and self.time < 0:
            raise ValueError("time is before STARTEX")
        return self


_PAYLOAD = {
    "crisis_onset": ("crisis",),
    "escalate": ("crisis",),
    "deescalate": ("crisis",),
    "set_level": ("crisis", "level"),
    "end_crisis": ("crisis",),
    "request": ("request",),
    "capacity_change": ("capacity",),
    "mt1_claim": ("mt1",),
    "mt1_release": ("mt1",),
    "hub_change": ("hub",),
    "reallocate": ("reallocate",),
}


def payload_fields(inject_type: str) -> tuple[str, ...]:
    """The fields an inject of this type must carry."""
    return _PAYLOAD.get(inject_type, ())
