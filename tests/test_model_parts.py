"""The model's parts are wired with their collaborators, never with the world (issue 11)."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from pathlib import Path

from sim.exercise import load_exercise
from sim.journal import Journal
from sim.model import World, build_world

ROOT = Path(__file__).resolve().parent.parent


def _parts(world: World) -> dict[str, object]:
    d = world.defence
    return {
        "demand": world.demand,
        "crises": world.crises,
        "requests": world.requests,
        "hub": world.hub,
        "injects": world.injects,
        "book": d.book,
        "life": d.life,
        "mt1": d.mt1,
        "pool": d.pool,
        "sight": world.hub.sight,
        "queue": world.hub.queue,
        "moves": world.hub.moves,
    }


def test_no_part_holds_the_world_and_every_connect_happened_before_t0() -> None:
    ex = load_exercise(ROOT / "exercises" / "river-flood.yaml")
    world = build_world(ex, Journal(None, keep=True))
    for name, part in _parts(world).items():
        held = dict(vars(part))
        ctx = held.get("ctx")
        if ctx is not None:  # a parts dataclass: exactly what the part uses, all set
            assert is_dataclass(ctx), name
            held.update({f.name: getattr(ctx, f.name) for f in fields(ctx)})
        assert not any(v is world for v in held.values()), f"{name} holds the world"
    # connect() ran: the late collaborators are in place before the clock starts
    assert world.defence.life.review == world.hub.review
    assert world.crises.ctx.requests is world.requests
    assert world.requests.ctx.hub is world.hub
    assert world.injects.ctx.defence is world.defence
    assert world.env.now == 0
