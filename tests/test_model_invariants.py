"""Hypothesis invariants of the simulation over random exercises (Ciw style).

Random regions, crises, demand, unit counts, reservations, policies and MSEL lines; for each run:
time never runs backwards; a unit is never in two places or serving two requests; tasked units
never exceed units available minus reserved; every request ends closed or open at ENDEX; every
inject ends fired, skipped or not reached; and the run summary agrees with the journal.
"""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.exercise import load_exercise
from sim.exercise.times import format_t
from sim.journal import Journal
from sim.model import World, build_world
from sim.model.deciders import make_decider
from sim.model.entities import UNDERWAY
from tests.simhelpers import exercise, run

REGIONS = [f"VR{n:02d}" for n in range(1, 26)]
KINDS = ["flood", "electricity", "terrorism", "wildfire", "military_hybrid", "hns"]
TAGS = [
    "manpower",
    "sandbags",
    "evacuation",
    "guarding",
    "police",
    "wildfire",
    "eod",
    "bridge",
    "generators",
    "medical",
]
CAPS = [
    "BDE13",
    "BDE11",
    "BDE43",
    "FBO_CH47",
    "FBO_COUGAR",
    "FBO_GROUND",
    "NATRES_6H",
    "EOD_LAND",
    "KMAR",
    "GNBAT101",
    "NH90",
]
EXERCISES = Path(__file__).resolve().parent.parent / "exercises"
TASKED = {"mobilising", "in_transit", "on_scene", "refuelling", "awaiting_support"}
SERVED = {"served", "partly_served", "substituted"}

times = st.integers(min_value=0, max_value=36 * 60).map(lambda m: format_t(m))


@st.composite
def crises(draw: Any, n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        levels = {}
        for level in sorted(draw(st.sets(st.integers(1, 5), min_size=1, max_size=3))):
            tags = draw(st.lists(st.sampled_from(TAGS), min_size=1, max_size=3, unique=True))
            levels[level] = {"demand": {t: draw(st.integers(1, 400)) for t in tags}}
        out.append(
            {
                "id": f"c{i}",
                "kind": draw(st.sampled_from(KINDS)),
                "regions": draw(
                    st.lists(st.sampled_from(REGIONS), min_size=1, max_size=2, unique=True)
                ),
                "onset": draw(times),
                "start_level": draw(st.integers(1, 3)),
                "impact": {
                    "physical": draw(st.sampled_from("ABCDE")),
                    "economic": draw(st.sampled_from("ABCDE")),
                },
                "urgency": draw(st.sampled_from(["1h", "4h", "12h"])),
                "escalation": {"dwell": {"triangular": ["1h", "3h", "6h"]}, "speedup_unmet": 1.0},
                "levels": levels,
            }
        )
    return out


@st.composite
def exercises(draw: Any) -> dict[str, Any]:
    cs = draw(crises(draw(st.integers(1, 4))))
    injects: list[dict[str, Any]] = []
    for i in range(draw(st.integers(0, 6))):
        kind = draw(
            st.sampled_from(
                [
                    "request",
                    "mt1_claim",
                    "mt1_release",
                    "capacity_change",
                    "escalate",
                    "end_crisis",
                    "information",
                ]
            )
        )
        inj: dict[str, Any] = {"id": i + 1, "time": draw(times), "type": kind}
        crisis = draw(st.sampled_from(cs))
        if kind == "request":
            inj["request"] = {
                "region": crisis["regions"][0],
                "crisis": crisis["id"],
                "effect": "test",
                "tags": [draw(st.sampled_from(TAGS))],
                "capability": draw(st.sampled_from([*CAPS, None])),
                "quantity": draw(st.integers(1, 300)),
                "route": draw(st.sampled_from(["WVR51", "PW58", "MSOB"])),
                "requester": draw(st.sampled_from(["voorzitter_VR", "burgemeester"])),
            }
        elif kind in {"mt1_claim", "mt1_release"}:
            inj["mt1"] = {
                "capability": draw(st.sampled_from(CAPS)),
                "units": draw(st.integers(1, 4)),
            }
        elif kind == "capacity_change":
            inj["capacity"] = {
                "capability": draw(st.sampled_from(CAPS)),
                "units": draw(st.integers(-3, 3)),
            }
        elif kind in {"escalate", "end_crisis"}:
            inj["crisis"] = crisis["id"]
        injects.append(inj)
    caps = {
        c: {"units": draw(st.integers(0, 4))}
        for c in draw(st.lists(st.sampled_from(CAPS), max_size=5, unique=True))
    }
    reserved = {}
    for c in draw(st.lists(st.sampled_from(["BDE13", "BDE11", "BDE43"]), max_size=2, unique=True)):
        reserved[c] = draw(st.integers(0, caps.get(c, {}).get("units", 6)))
    return {
        "exercise": {
            "id": "random",
            "title": "random",
            "duration": "T+48:00",
            "seed": draw(st.integers(0, 10_000)),
        },
        "hub": {
            "staff": draw(st.integers(1, 3)),
            "policy": draw(st.sampled_from(["fifo", "priority", "fair-share"])),
            "reallocation_authority": draw(st.sampled_from(["clear", "unclear"])),
            "mt1_reserved": reserved,
        },
        "capabilities": caps,
        "crises": cs,
        "injects": injects,
    }


def check_invariants(events: list[dict[str, Any]], endex: float) -> None:
    # time never runs backwards; seq counts lines
    assert [e["seq"] for e in events] == list(range(len(events)))
    assert all(a["t"] <= b["t"] for a, b in itertools.pairwise(events))
    assert events[0]["kind"] == "run_start" and events[-1]["kind"] == "run_end"
    assert all(e["t"] <= endex for e in events)

    # a unit is never in two places nor serving two requests at once
    serving: dict[str, str | None] = {}
    state: dict[str, str] = {}
    request_region: dict[str, str] = {}
    counts: dict[str, Counter[str]] = {}
    for e in events:
        if e["kind"] == "request" and e["state"] == "submitted":
            request_region[e["request"]] = e["region"]
        if e["kind"] == "decision":
            for unit in e["detail"]["units"]:
                if e["detail"]["reason"].startswith("reallocated "):
                    continue
                assert serving.get(unit) is None, (
                    f"{unit} granted to {e['request']} while serving {serving[unit]}"
                )
                serving[unit] = e["request"]
        if e["kind"] == "reallocation" and e["state"] == "effective":
            serving[e["unit"]] = e["request"]
        support = str(e["detail"].get("decision", "")).startswith("support for ")
        if e["kind"] == "request" and e["state"] == "tasked" and support:
            for unit in e["detail"]["units"]:  # a ground crew sent with a moved helicopter
                assert serving.get(unit) is None, (unit, e)
                serving[unit] = e["request"]
        if e["kind"] == "unit" and "handed over from" in (e["detail"].get("reason") or ""):
            assert serving.get(e["unit"]) is not None  # a ground crew stays at its site
            serving[e["unit"]] = e["request"]
        if e["kind"] == "unit":
            unit = e["unit"]
            previous = state.get(unit)
            state[unit] = e["state"]
            c = counts.setdefault(e["capability"], Counter())
            if previous is not None:
                c[previous] -= 1
            c[e["state"]] += 1
            if e["state"] in TASKED:
                assert e["request"] is not None and serving.get(unit) == e["request"], (unit, e)
                assert e["region"] == request_region[e["request"]]
            else:
                serving[unit] = None
        if e["kind"] == "capacity":
            d = e["detail"]
            assert (
                d["in_use"] <= e["qty"]
                or d["in_use"] + d["reserved"] + d["unavailable"] <= d["total"]
            )
            assert d["in_use"] + d["reserved"] + d["unavailable"] + d["free"] <= d["total"]
            tasked = sum(counts.get(e["capability"], Counter())[s] for s in TASKED)
            assert tasked <= d["total"] - d["reserved"] - d["unavailable"], (e, tasked)

    # every request ends closed, or open at ENDEX, exactly once and last
    by_request: dict[str, list[dict[str, Any]]] = {}
    for e in events:
        if e["kind"] == "request":
            by_request.setdefault(e["request"], []).append(e)
    outcomes: Counter[str] = Counter()
    for rid, evs in by_request.items():
        finals = [e for e in evs if e["state"] in {"closed", "open"}]
        assert len(finals) == 1 and evs[-1] is finals[0], (rid, [e["state"] for e in evs])
        if finals[0]["state"] == "closed" and finals[0]["detail"]["outcome"] in SERVED:
            assert any(e["state"] == "first_on_scene" for e in evs), (
                rid,
                "served without a unit on scene",
            )
        if finals[0]["state"] == "open":
            assert finals[0]["t"] == endex
            outcomes["open"] += 1
        else:
            outcomes[finals[0]["detail"]["outcome"]] += 1
    assert events[-1]["detail"]["outcomes"] == dict(outcomes)

    # every inject ends fired, skipped or not reached, once
    inject_states = Counter(e["inject"] for e in events if e["kind"] == "inject")
    assert all(n == 1 for n in inject_states.values())


def check_bookkeeping(world: World) -> None:
    """The indexes the model keeps for speed agree with a count from scratch at ENDEX."""
    units = [u for us in world.defence.book.units.values() for u in us]
    underway = Counter(id(u.request) for u in units if u.request and u.state in UNDERWAY)
    for req in world.requests.all:
        counted = world.defence.book.underway(req)
        assert counted == underway[id(req)], (req.id, counted, underway[id(req)])
    sites = Counter(
        (u.cap_id, u.request.crisis, u.request.region) for u in units if u.tasked and u.request
    )
    assert world.defence.book.site_use == dict(sites)
    regions = Counter(u.request.region for u in units if u.tasked and u.request)
    assert world.defence.book.units_in_use_by_region() == dict(regions)
    hub = world.hub
    for cap, queued in hub.queue.by_cap.items():
        assert set(queued) <= set(hub.queued), cap
    for req in hub.queued:
        assert all(req in hub.queue.by_cap[c] for c in world.defence.book.relevant(req)), req.id


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exercises())
def test_invariants_hold_on_random_exercises(data: dict[str, Any]) -> None:
    ex = exercise(yaml.safe_dump(data, sort_keys=False))
    world, events = run(ex)
    check_invariants(events, ex.exercise.duration)
    check_bookkeeping(world)
    inject_ids = {str(i["id"]) for i in data["injects"]}
    assert {e["inject"] for e in events if e["kind"] == "inject"} == inject_ids


@pytest.mark.parametrize("policy", ["fifo", "priority", "fair-share"])
@pytest.mark.parametrize("name", ["national-stress-test", "wildfires-unclear", "hybrid-hns"])
def test_bookkeeping_holds_on_contended_exercises(name: str, policy: str) -> None:
    ex = load_exercise(EXERCISES / f"{name}.yaml")
    for seed in (1, 2):
        world = build_world(ex, Journal(), seed=seed, decider=make_decider(policy))
        world.run()
        check_bookkeeping(world)
