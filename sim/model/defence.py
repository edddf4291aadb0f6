"""Defence: the composition of its four parts, built with their collaborators passed in.

- ``book`` (capacity.py): the units, their states and the capacity test's view of them;
- ``life`` (unitlife.py): a unit's life as a SimPy process (notice, travel, scene, home);
- ``mt1`` (mt1.py): main task 1 claims and releases, and capacity changes;
- ``pool`` (pool.py): the generic manpower pool and its national mobilisation.

The parts built later (the hub, the request desk) are handed in by ``connect`` before t = 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import simpy

from sim.exercise.models import Exercise
from sim.journal import Recorder
from sim.model.capacity import GENERIC, CapacityBook
from sim.model.demand import DemandBook
from sim.model.entities import Request, Unit
from sim.model.geo import Geography
from sim.model.mt1 import MainTaskOne
from sim.model.pool import GenericPool, generic_capability
from sim.model.rng import Streams
from sim.model.unitlife import UnitLife

__all__ = ["GENERIC", "Defence", "geography_of"]


def geography_of(exercise: Exercise) -> Geography:
    """The exercise's travel constants as the model's ``Geography``."""
    g = exercise.geography
    return Geography(
        road_factor=float(g.road_factor),
        convoy_kmh=float(g.convoy_kmh),
        mount_up_min=float(g.mount_up_min),
        air_overhead_min=float(g.air_overhead_min),
        air_cruise_kmh=float(g.air_cruise_kmh),
    )


class Defence:
    def __init__(
        self,
        exercise: Exercise,
        env: simpy.Environment,
        record: Recorder,
        streams: Streams,
        demand: DemandBook,
        tag_measure: Callable[[str], str],
    ) -> None:
        self.mt1_reserved = exercise.hub.mt1_reserved
        geography = geography_of(exercise)
        capabilities = dict(exercise.capabilities)
        pool = exercise.generic_pool
        planned = 0
        if pool is not None:
            # known from the start, so manpower requests wait for it instead of being denied;
            # with mobilisation_threshold 0 only a `mobilise` inject or the players decide it
            capabilities[GENERIC] = generic_capability(pool, exercise.tags)
            planned = pool.ramp[-1].troops // pool.unit_size
        start = exercise.exercise.start
        self.book = CapacityBook(
            env,
            record,
            capabilities,
            exercise.regions,
            geography,
            tag_measure,
            start.month if start is not None else None,
            planned,
        )
        self.life = UnitLife(
            env, streams, self.book, demand, geography, exercise.hub.review_interval
        )
        self.mt1 = MainTaskOne(env, record, self.book, self.life)
        self.pool = GenericPool(env, record, self.book, pool)

    def connect(
        self,
        review: Callable[[Unit], bool],
        poke: Callable[[], None],
        emit: Callable[..., None],
        on_units_gone: Callable[[Request, str], None],
        requests: Sequence[Request],
        on_change: Callable[[], None],
    ) -> None:
        self.life.connect(review, poke, emit, on_units_gone, requests, on_change)
        self.mt1.connect(poke)
        self.pool.connect(poke)

    def start(self) -> None:
        self.book.start(self.mt1_reserved)
