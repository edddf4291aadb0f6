"""Orders the players give: several units by one order, support that moves with its unit."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml

from sim.analysis.tables import request_phases
from sim.exercise import load_exercise_full, parse_override
from sim.exercise.errors import ExerciseFileError
from sim.exercise.models import Exercise
from sim.exercise.msel import import_msel, render_msel
from sim.runs import actions
from sim.runs.live import LiveSession
from sim.runs.session import Session, SessionError
from tests.simhelpers import FOUR_CHINOOKS, TWO_FIRES, exercise, of, run, with_injects

ROOT = Path(__file__).resolve().parent.parent
WILDFIRES = ROOT / "exercises" / "wildfires-unclear.yaml"
SEEDS = range(1, 21)


def _session(seed: int, *sets: str, **kw: object) -> tuple[Session, io.StringIO]:
    """The unclear-authority wildfires under ``fifo``, a policy that never moves units itself:
    the order is the players' own (under ``priority`` the policy moves some Chinooks first)."""
    overrides = [parse_override(x) for x in (f"exercise.seed={seed}", "hub.policy=fifo", *sets)]
    loaded = load_exercise_full(WILDFIRES, overrides)
    decisions = io.StringIO()
    session = Session(loaded.exercise, keep_events=True, decisions=decisions, **kw)  # type: ignore[arg-type]
    session.start()
    return session, decisions


def _meinweg_request(session: Session) -> str | None:
    """The open Meinweg request for Chinooks, once all four Chinooks work in the Peel."""
    world = session.world
    reqs = [
        r
        for r in world.requests.all
        if r.open
        and r.crisis == "meinweg"
        and r.capability == "FBO_CH47"
        and r.state not in ("drafted", "submitted")
    ]
    peel = [
        u
        for u in world.defence.book.units["FBO_CH47"]
        if u.request is not None and u.request.crisis == "peel" and world.hub.moves.movable(u)
    ]
    return reqs[0].id if reqs and len(peel) == 4 else None


def _order_all_four(seed: int, *sets: str) -> tuple[Session, float, str, io.StringIO]:
    session, decisions = _session(seed, *sets)
    t = 0.0
    while t < session.endex:
        t += 10.0
        session.advance(t)
        target = _meinweg_request(session)
        if target is not None:
            actions.reallocate_count(session, 4, "FBO_CH47", "peel", target)
            session.finish()
            return session, t, target, decisions
    raise AssertionError(f"seed {seed}: the Meinweg never asked while four Chinooks were busy")


def _crews_on_scene(events: list[dict], seq: int) -> int:
    """Ground crews on scene at the Meinweg when the journal's event ``seq`` happens."""
    state: dict[str, tuple[str, str | None]] = {}
    for e in events:
        if e["seq"] >= seq:
            break
        if e["kind"] == "unit" and e["capability"] == "FBO_GROUND":
            state[e["unit"]] = (e["state"], e.get("crisis"))
    return sum(1 for s, c in state.values() if s == "on_scene" and c == "meinweg")


@pytest.mark.parametrize(
    ("crews", "free_crew"),
    [
        (None, False),  # the exercise: one crew at the Peel (Cougars), the other unserviceable
        ("capabilities.FBO_GROUND.units=4", True),  # with 4 crews one is free to go with them
    ],
)
def test_one_order_moves_four_chinooks_and_they_fly_at_the_meinweg_only_with_a_crew(
    crews: str | None, free_crew: bool
) -> None:
    """[S47e]: a moved fire-bucket helicopter flies at its new fire only with a ground crew on
    scene there; a free crew is sent with it, else it waits grounded for one (20 seeds)."""
    sent = waited = flew = moves = worked = 0
    for seed in SEEDS:
        session, t0, target, decisions = _order_all_four(seed, *([crews] if crews else []))
        events = session.journal.events
        lines = [json.loads(x) for x in decisions.getvalue().splitlines()]
        ordered = [x for x in lines if x["kind"] == "reallocation" and x["t"] == t0]
        assert [x["choice"]["to_request"] for x in ordered] == [target] * 4
        assert sorted(x["key"] for x in ordered) == [f"FBO_CH47-{n}" for n in range(1, 5)]
        moved = {x["key"] for x in ordered}
        effective = {
            e["unit"]: e["t"]
            for e in events
            if e["kind"] == "reallocation" and e["state"] == "effective" and e["unit"] in moved
            and e["request"] == target and e["t"] >= t0
        }  # fmt: skip
        assert effective, f"seed {seed}: no move took effect"
        moves += len(effective)
        for unit, te in effective.items():
            after = [
                e for e in events
                if e["kind"] == "unit" and e["unit"] == unit and e["t"] >= te
            ]  # fmt: skip
            at_meinweg = []
            for e in after:
                if e.get("crisis") != "meinweg" and e["state"] not in ("in_transit",):
                    break
                at_meinweg.append(e)
            states = [e["state"] for e in at_meinweg]
            assert states[:1] == ["in_transit"], (seed, unit, states)
            arrived = states[1] if len(states) > 1 else None
            assert arrived in ("on_scene", "awaiting_support"), (seed, unit, states)
            for e in at_meinweg:
                if e["state"] == "on_scene":
                    assert _crews_on_scene(events, e["seq"]) >= 1, (seed, unit, e["t"])
                    flew += 1
            waited += arrived == "awaiting_support"
            worked += "on_scene" in states
        support = [
            e for e in events
            if e["kind"] == "request" and e["request"] == target and e["state"] == "tasked"
            and str(e["detail"].get("decision", "")).startswith("support for ")
        ]  # fmt: skip
        sent += bool(support)
        for e in support:
            (crew,) = e["detail"]["units"]
            assert crew.startswith("FBO_GROUND-")
    assert waited > 0  # the helicopter outruns its crew, or no crew is free
    assert moves >= 3.5 * len(SEEDS)  # an order is cancelled only if its unit went elsewhere
    if free_crew:  # a crew is sent where none works yet; every helicopter flies once one is there
        assert sent >= 1
        assert worked == moves
    else:  # no crew is free: the four wait grounded, as the Rekenkamer found [S47e]
        assert sent == 0
        assert waited == moves


def test_a_counted_order_is_all_or_nothing_and_replays_line_by_line() -> None:
    session, t0, target, decisions = _order_all_four(3)
    lines = [json.loads(x) for x in decisions.getvalue().splitlines()]
    replay = Session(session.exercise, recorded=lines, keep_events=True, decisions=io.StringIO())
    replay.play_recorded()
    replay.finish()
    assert replay.journal.text() == session.journal.text()

    again, _ = _session(3)
    again.advance(t0)
    with pytest.raises(SessionError, match="5 x FBO_CH47"):
        actions.reallocate_count(again, 5, "FBO_CH47", "peel", target)
    with pytest.raises(SessionError, match="no crisis or request nowhere"):
        actions.reallocate_count(again, 1, "FBO_CH47", "nowhere", target)
    with pytest.raises(SessionError, match="no unit FBO_CH47-9"):
        actions.reallocate_units(again, ["FBO_CH47-1", "FBO_CH47-9"], target)
    assert not again.world.hub.moves.moving  # nothing was ordered
    message = actions.reallocate_units(again, ["FBO_CH47-1", "FBO_CH47-2"], target)
    assert message.startswith("FBO_CH47-1, FBO_CH47-2: ordered from ")
    assert again.world.hub.moves.moving == {"FBO_CH47-1", "FBO_CH47-2"}
    with pytest.raises(SessionError, match="being moved already"):
        actions.reallocate_units(again, ["FBO_CH47-3", "FBO_CH47-2"], target)
    assert again.world.hub.moves.moving == {"FBO_CH47-1", "FBO_CH47-2"}


def test_an_order_to_a_request_not_yet_at_the_hub_is_refused() -> None:
    session, _ = _session(9)
    t = 0.0
    while t < session.endex:
        t += 10.0
        session.advance(t)
        drafts = [r for r in session.world.requests.all if r.open and r.state == "drafted"]
        busy = [u for u in session.world.defence.book.units["FBO_CH47"] if u.request]
        if drafts and busy:
            break
    with pytest.raises(SessionError, match="has not reached the hub yet"):
        actions.reallocate_units(session, [busy[0].id], drafts[0].id)


def _run(ex: Exercise) -> tuple[Session, list[dict]]:
    decisions = io.StringIO()
    session = Session(ex, keep_events=True, decisions=decisions)
    session.start()
    session.finish()
    return session, [json.loads(x) for x in decisions.getvalue().splitlines()]


def test_a_reallocate_inject_moves_four_chinooks_or_is_skipped_with_a_reason() -> None:
    fired = 0
    for seed in SEEDS:
        ex = with_injects(
            WILDFIRES, FOUR_CHINOOKS, sets=(f"exercise.seed={seed}", "hub.policy=fifo")
        )
        session, lines = _run(ex)
        (event,) = [
            e for e in session.journal.events if e["kind"] == "inject" and e["inject"] == "R1"
        ]
        ordered = [x for x in lines if x["who"] == "inject:R1"]
        if event["state"] == "fired":
            fired += 1
            assert sorted(x["key"] for x in ordered) == [f"FBO_CH47-{n}" for n in range(1, 5)]
            assert len({x["choice"]["to_request"] for x in ordered}) == 1
            # and the units really go: each flies from the Peel to the Meinweg
            legs = [
                e
                for e in session.journal.events
                if e["kind"] == "unit" and e["state"] == "in_transit" and e["crisis"] == "meinweg"
                and e["capability"] == "FBO_CH47" and e["t"] >= event["t"]
            ]  # fmt: skip
            flew = {e["unit"] for e in legs}
            cancelled = {
                e["unit"]
                for e in session.journal.events
                if e["kind"] == "reallocation" and e["state"] == "cancelled"
                and e["detail"].get("reason")
            }  # fmt: skip
            assert flew | cancelled >= {x["key"] for x in ordered}, seed  # each goes, or says why
            assert len(flew) >= 2, seed  # a unit whose Peel request ended meanwhile stays home
            for e in legs:  # from the Peel, or from its refuelling leg to Gilze-Rijen
                lat, lon = e["detail"]["from_lat"], e["detail"]["from_lon"]
                assert 51.419 <= lat <= 51.568 and 4.931 <= lon <= 5.861, (seed, e)
            assert any((e["detail"]["from_lat"], e["detail"]["from_lon"]) == (51.42, 5.86)
                       for e in legs), seed  # fmt: skip
        else:
            assert event["state"] == "skipped"
            assert event["detail"]["reason"]
            assert ordered == []
    assert fired >= 18  # the four Chinooks still work in the Peel two hours after the request


def test_a_reallocate_inject_replays_exactly() -> None:
    ex = with_injects(WILDFIRES, FOUR_CHINOOKS, sets=("exercise.seed=4", "hub.policy=fifo"))
    session, lines = _run(ex)
    assert any(x["who"] == "inject:R1" for x in lines)
    replay = Session(ex, recorded=lines, keep_events=True, decisions=io.StringIO())
    replay.play_recorded()
    replay.finish()
    assert replay.journal.text() == session.journal.text()


def test_a_mobilise_inject_decides_national_mobilisation_at_its_time() -> None:
    stress = ROOT / "exercises" / "national-stress-test.yaml"
    inject = {"id": "M1", "time": "T+01:00", "type": "mobilise", "title": "Minister mobilises"}
    session, lines = _run(with_injects(stress, inject))
    (line,) = [x for x in lines if x["kind"] == "mobilisation"]
    assert line["who"] == "inject:M1"
    assert line["t"] == 60.0
    decided = [
        e for e in session.journal.events if e["kind"] == "mobilisation" and e["state"] == "decided"
    ]
    assert [e["t"] for e in decided] == [60.0]
    second = {"id": "M2", "time": "T+02:00", "type": "mobilise"}
    session, _ = _run(with_injects(stress, inject, second))
    (event,) = [e for e in session.journal.events if e["kind"] == "inject" and e["inject"] == "M2"]
    assert event["state"] == "skipped"
    assert "already mobilised" in event["detail"]["reason"]


@pytest.mark.parametrize(
    ("order", "message"),
    [
        ({"units": 4, "from_crisis": "peel", "to_request": 10}, "needs the capability"),
        ({"capability": "FBO_CH47", "units": 2, "to_request": 10}, "from_crisis or from_request"),
        (
            {"capability": "FBO_CH47", "units": 2, "from_crisis": "pel", "to_request": 10},
            "did you mean 'peel'",
        ),
        ({"units": ["FBO_CH47-9"], "from_crisis": "peel", "to_crisis": "meinweg"}, "FBO_CH47-9"),
        ({"units": 1, "capability": "FBO_CH47", "from_crisis": "peel", "to_request": 3000}, "3000"),
    ],
)
def test_a_bad_reallocate_inject_is_one_line_naming_the_field(order: dict, message: str) -> None:
    bad = {"id": "R1", "time": "T+30:00", "type": "reallocate", "reallocate": order}
    with pytest.raises(ExerciseFileError) as err:
        with_injects(WILDFIRES, bad)
    assert message in str(err.value)
    assert "reallocate" in str(err.value)


@pytest.mark.parametrize(("fmt", "lang"), [("xlsx", "en"), ("csv", "nl")])
def test_reallocate_and_mobilise_injects_round_trip_through_the_msel(
    fmt: str, lang: str, tmp_path: Path
) -> None:
    named = {
        "id": "R2",
        "time": "T+30:00",
        "type": "reallocate",
        "reallocate": {
            "units": ["FBO_CH47-1", "FBO_CH47-2"],
            "from_request": 3,
            "to_crisis": "meinweg",
        },
    }
    mobilise = {"id": "M1", "time": "T+31:00", "type": "mobilise", "title": "Mobilisation"}
    data = yaml.safe_load(WILDFIRES.read_text("utf-8"))
    data["injects"].extend([FOUR_CHINOOKS, named, mobilise])
    source = tmp_path / "orders.yaml"
    source.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    ex = load_exercise_full(source).exercise
    sheet = tmp_path / f"msel.{fmt}"
    sheet.write_bytes(render_msel(ex, fmt, lang))  # type: ignore[arg-type]
    result = import_msel(sheet, into=source)
    assert result.exercise == ex
    (back,) = [j for j in result.exercise.injects if j.id == "R2"]
    assert back.reallocate is not None
    assert back.reallocate.units == ["FBO_CH47-1", "FBO_CH47-2"]
    assert [j.type for j in result.exercise.injects][-3:] == [
        "reallocate",
        "reallocate",
        "mobilise",
    ]


def test_the_console_orders_several_units_and_completes_the_order() -> None:
    session, _ = _session(2)
    t = 0.0
    while _meinweg_request(session) is None:
        t += 10.0
        session.advance(t)
    target = _meinweg_request(session)
    live = LiveSession(session)
    assert live.completions("reallocate 4 FBO_CH47 from pe") == ["reallocate 4 FBO_CH47 from peel"]
    assert live.completions("reallocate FBO_CH47-1,FBO_CH47-") == [
        f"reallocate FBO_CH47-1,FBO_CH47-{n}" for n in (2, 3, 4)
    ]
    bad = live.submit(f"reallocate 4 FBO_CH47 to {target}")
    assert not bad.ok and "column 23: expected 'from'" in bad.message
    too_many = live.submit(f"reallocate 5 fbo_ch47 from peel to {target}")
    assert not too_many.ok and "4 of 5 x FBO_CH47 at crisis peel" in too_many.message
    done = live.submit(f"reallocate 2 fbo_ch47 from peel to {target}")
    assert done.ok, done.message
    assert done.message.startswith("FBO_CH47-1, FBO_CH47-2: ordered from ")
    rest = live.submit(f"reallocate FBO_CH47-3, FBO_CH47-4 to {target}")
    assert rest.ok, rest.message
    assert session.world.hub.moves.moving == {f"FBO_CH47-{n}" for n in range(1, 5)}


CREW = """
exercise: {id: t, title: test, duration: T+30:00, seed: 1, start: 2020-04-20T12:45:00+02:00}
hub: {reallocation_authority: clear, policy: %(policy)s}
capabilities:
  FBO_CH47: {units: 2}
  FBO_COUGAR: {units: 0}
  FBO_GROUND: {units: 1}
%(fires)sinjects:
  - {id: 1, time: T+00:10, type: request, request: {region: VR22, crisis: peel, effect: water,
     tags: [wildfire], capability: FBO_CH47, quantity: 2, urgency: 12h, life_safety: false}}
  - {id: 2, time: T+08:00, type: request, request: {region: VR23, crisis: meinweg, effect: water,
     tags: [wildfire], capability: FBO_CH47, quantity: 2, urgency: 1h, life_safety: true}}
%(order)s
"""

ORDER_BOTH = """  - {id: 3, time: T+09:00, type: reallocate, title: both Chinooks to the Meinweg,
     reallocate: {capability: FBO_CH47, units: 2, from_crisis: peel, to_request: 2}}"""


def test_the_only_crew_follows_when_all_its_helicopters_are_moved() -> None:
    """Support moves with its unit [S47e]: both Chinooks ordered from the Peel to the Meinweg,
    the Peel's only ground crew goes after them (from the Peel), and the helicopters fly at
    the Meinweg only once it is on scene there (20 seeds)."""
    for seed in SEEDS:
        _, events = run(
            exercise(CREW % {"policy": "fifo", "order": ORDER_BOTH, "fires": TWO_FIRES}), seed=seed
        )
        crew = [e for e in of(events, "unit", unit="FBO_GROUND-1") if e["crisis"] == "meinweg"]
        assert crew and crew[0]["state"] == "in_transit", seed
        assert (crew[0]["detail"]["from_lat"], crew[0]["detail"]["from_lon"]) == (51.42, 5.86)
        crew_on = min(e["t"] for e in crew if e["state"] == "on_scene")
        flying = [
            e["t"]
            for e in of(events, "unit", capability="FBO_CH47", state="on_scene")
            if e["crisis"] == "meinweg"
        ]
        assert flying and min(flying) >= crew_on, seed
        follows = of(events, "request", state="tasked", crisis="meinweg")
        assert any("support follows from" in str(e["detail"].get("decision")) for e in follows)
        # the timeline's request bar says "grounded" for the wait, not "travelling"
        phases = request_phases(events)
        mine = phases[phases["request"] == follows[0]["request"]]
        grounded = mine[mine["phase"] == "grounded"]
        assert len(grounded) == 1, (seed, mine)
        assert grounded["end"].iloc[0] == pytest.approx(crew_on), seed  # the crew is first there


def test_the_policy_does_not_move_a_helicopter_to_wait_grounded() -> None:
    """The priority policy would take a Chinook from the Peel for the life-safety Meinweg
    request, but the only crew works in the Peel for the other Chinook: it moves none, and no
    helicopter ever waits grounded (20 seeds)."""
    for seed in SEEDS:
        _, events = run(
            exercise(CREW % {"policy": "priority", "order": "", "fires": TWO_FIRES}), seed=seed
        )
        moved = [e for e in of(events, "reallocation") if e["capability"] == "FBO_CH47"]
        assert moved == [], seed
        assert not of(events, "unit", state="awaiting_support"), seed


POOL = """
exercise: {id: t, title: test, duration: T+60:00, seed: 2}
hub: {mt1_reserved: {BDE13: 6, BDE11: 6, BDE43: 6}, mobilisation_threshold: %(threshold)s}
remove: {capabilities: [NATRES]}
crises:
  - {id: f, kind: flood, regions: [VR24], onset: T+00:00, start_level: 3, impact: {physical: C},
     escalation: {p_up_unmet: 0, p_up_met: 0, p_down_met: 0},
     levels: {3: {demand: {sandbags: 900}}}}
injects: %(injects)s
"""


@pytest.mark.parametrize(
    ("threshold", "injects", "decided_at"),
    [
        (1, "[]", None),  # the hub's own rule: once a manpower request waits
        (0, "[{id: M, time: T+03:00, type: mobilise, title: Minister mobilises}]", 180.0),
    ],
    ids=["by-the-hub", "by-an-inject"],
)
def test_the_manpower_ramp_is_1000_2800_4000_at_24_36_48_h_after_the_decision(
    threshold: int, injects: str, decided_at: float | None
) -> None:
    """[S26][S19]: after the national mobilisation decision the generic pool grows to 1,000
    troops at 24 h, 2,800 at 36 h and 4,000 at 48 h, in every seed, whoever decided."""
    for seed in SEEDS:
        ex = exercise(POOL % {"threshold": threshold, "injects": injects})
        _, events = run(ex, seed=seed)
        (decided,) = of(events, "mobilisation", state="decided")
        if decided_at is not None:
            assert decided["t"] == decided_at, seed
        ramp = of(events, "mobilisation", state="ramp")
        assert [e["value"] for e in ramp] == [1000.0, 2800.0, 4000.0], seed
        assert [round(e["t"] - decided["t"]) for e in ramp] == [1440, 2160, 2880], seed
        generic = [e for e in of(events, "decision") if e["capability"] == "GENERIC"]
        assert generic and all(e["t"] >= ramp[0]["t"] for e in generic), seed
