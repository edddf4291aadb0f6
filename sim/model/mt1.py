"""Main task 1 (the defence of the territory) and changes in the units a capability has.

A main task 1 claim takes free units first, then units on their way home (reserved once
home: no civil task is given up for them), and recalls deployed ones when that is not enough:
a conflict, journaled with the units recalled. A release gives reserved units back. A capacity
change makes units unavailable (recalling deployed ones if need be) or adds them. Collaborators:
the clock and journal, the capacity book, the unit processes (to recall), and the hub's poke
(``connect``, the hub is built later).
"""

from __future__ import annotations

from collections.abc import Callable

import simpy

from sim.journal import Recorder
from sim.model.capacity import CapacityBook
from sim.model.unitlife import UnitLife

__all__ = ["MainTaskOne"]


class MainTaskOne:
    def __init__(
        self, env: simpy.Environment, record: Recorder, book: CapacityBook, life: UnitLife
    ) -> None:
        self.env = env
        self.record = record
        self.book = book
        self.life = life

    def connect(self, poke: Callable[[], None]) -> None:
        self.poke = poke

    def _record_mt1(
        self, state: str, cap_id: str, n: int, inject: str, recalled: list[str], shortfall: int
    ) -> None:
        self.record(
            "mt1",
            self.env.now,
            capability=cap_id,
            qty=n,
            state=state,
            inject=inject,
            detail={"conflict": bool(recalled), "recalled": recalled, "shortfall": shortfall},
        )
        self.book.emit_capacity(cap_id)

    def claim(self, cap_id: str, n: int, inject: str) -> None:
        book = self.book
        units = book.units[cap_id]
        taken = 0
        for u in [u for u in units if u.state == "available"][:n]:
            book.set(u, "reserved")
            taken += 1
        for u in [u for u in units if u.state in {"returning", "resting"} and not u.mt1_pending][
            : n - taken
        ]:
            u.mt1_pending = True  # reserved once home: no civil task is given up for it
            taken += 1
        recalled = []
        for u in book.recall_order(cap_id)[: n - taken]:
            u.mt1_pending = True
            recalled.append(u.id)
            self.life.release(u, "recalled for main task 1")
        taken += len(recalled)
        shortfall = n - taken
        self._record_mt1("claim", cap_id, n, inject, recalled, shortfall)

    def release(self, cap_id: str, n: int, inject: str) -> None:
        book = self.book
        released = 0
        for u in book.units[cap_id]:
            if released < n and u.mt1_pending:
                u.mt1_pending = False
                released += 1
        for u in [u for u in book.units[cap_id] if u.state == "reserved"][: n - released]:
            book.set(u, "available")
            released += 1
        self._record_mt1("release", cap_id, n, inject, [], n - released)
        self.poke()

    def capacity_change(self, cap_id: str, n: int, reason: str) -> None:
        book = self.book
        cap = book.capabilities[cap_id]
        units = book.units[cap_id]
        if n < 0:
            k = -n
            for u in [u for u in units if u.state == "available"][:k]:
                book.set(u, "unavailable", reason=reason)
                k -= 1
            for u in book.recall_order(cap_id)[:k]:
                u.unavailable_pending = True
                self.life.release(u, reason or "unit unavailable")
        else:
            back = [u for u in units if u.state == "unavailable" and not u.season_out][:n]
            for u in back:
                book.set(u, "available", reason=reason)
            for _ in range(n - len(back)):
                unit = book.add_unit(cap_id, cap, len(units) + 1, "available")
                book.set(unit, "available", reason=reason)
            self.poke()
        book.emit_capacity(cap_id)
