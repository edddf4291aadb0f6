"""The generic manpower pool (ICMS/VCMS): mobilised nationally, then growing along its ramp.

The pool is known from the start (so manpower requests wait for it instead of being denied)
when the exercise has one and a mobilisation threshold. Once the decider decides to mobilise,
it grows along the ramp (1,000 troops at 24 h, 2,800 at 36 h, 4,000 at 48 h [S26][S19]) in
units of ``unit_size``. Its capability (name, base, unit size, rest, tags) is reference data
(``sim/exercise/data/generic_pool.yaml``, the exercise's ``generic_pool``). Collaborators: the
clock and journal, the capacity book, the pool's spec, and the hub's poke (``connect``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any

import simpy

from sim.exercise.distributions import dist
from sim.exercise.reference import Capability
from sim.journal import Recorder
from sim.model.capacity import GENERIC, CapacityBook
from sim.model.entities import Request

__all__ = ["GenericPool", "generic_capability"]


def generic_capability(pool: Any, exercise_tags: Collection[str]) -> Capability:
    """The pool as a capability: its fields from the exercise's ``generic_pool``; the tags it
    serves are those of its ``tags`` the exercise knows."""
    return Capability(
        name=pool.name,
        base=pool.base,
        lat=pool.lat,
        lon=pool.lon,
        units=0,
        unit_size=pool.unit_size,
        notice=dist("0m"),
        mode="road",
        speed_kmh=None,
        on_scene_within=None,
        restricted=False,
        sortie=None,
        refuel=None,
        season=None,
        role="last_line",
        tags=[t for t in pool.tags if t in exercise_tags],
        rest=pool.rest,
        sources=list(pool.sources),
    )


class GenericPool:
    def __init__(
        self,
        env: simpy.Environment,
        record: Recorder,
        book: CapacityBook,
        spec: Any,
    ) -> None:
        self.env = env
        self.record = record
        self.book = book
        self.spec = spec
        self.tags: tuple[str, ...] = tuple(spec.tags) if spec is not None else ()
        self._tag_set = frozenset(self.tags)  # asked on every change of the picture
        self.mobilised_at: float | None = None

    def connect(self, poke: Callable[[], None]) -> None:
        self.poke = poke

    def waiting(self, queued: Iterable[Request]) -> list[Request] | None:
        """Manpower requests waiting for the generic pool; None when there is no pool to
        mobilise (the exercise has none, or it is mobilised already)."""
        if GENERIC not in self.book.capabilities or self.mobilised_at is not None:
            return None
        tags = self._tag_set
        return [r for r in queued if not tags.isdisjoint(r.tags)]

    def mobilise(self, waiting: list[str]) -> None:
        """National mobilisation decided now: the pool grows along its ramp [S26][S19]."""
        assert self.spec is not None
        self.mobilised_at = self.env.now
        cap = self.book.capabilities[GENERIC]
        self.record(
            "mobilisation",
            self.env.now,
            state="decided",
            capability=GENERIC,
            value=0.0,
            qty=0,
            detail={"requests_waiting": waiting},
        )
        self.env.process(self._ramp(cap, self.spec.ramp))

    def _ramp(self, cap: Capability, ramp: Any) -> Any:
        env, book = self.env, self.book
        start = env.now
        units = book.units[GENERIC]
        for point in ramp:
            yield env.timeout(max(0.0, start + point.hours * 60.0 - env.now))
            target = point.troops // cap.unit_size
            while len(units) < target:
                book.set(book.add_unit(GENERIC, cap, len(units) + 1, "available"), "available")
            self.record(
                "mobilisation",
                env.now,
                state="ramp",
                capability=GENERIC,
                value=float(point.troops),
                qty=target,
                detail={"hours": point.hours},
            )
            book.emit_capacity(GENERIC)
            self.poke()
