"""The injects that change the hub's settings: staff, a portal outage, the policy, and who may
reallocate units. Each is journalled as a ``hub`` event at the moment it takes effect.

Kept apart from ``hub.py`` (the handling of requests) as a mixin: the settings are the hub's own
state, read on every dispatch, so they stay attributes of the one ``Hub`` object.
"""

from __future__ import annotations

from typing import Any

import simpy

from sim.journal import Recorder
from sim.model.deciders import Decider

__all__ = ["HubSettings"]


class HubSettings:
    """What an inject may change at the hub; ``Hub`` provides the state and the dispatching."""

    env: simpy.Environment
    record: Recorder
    decider: Decider
    staff: int
    outage_until: float
    authority: str

    def _dispatch(self) -> None:
        raise NotImplementedError

    def poke(self) -> None:
        raise NotImplementedError

    def set_staff(self, staff: int, inject: str) -> None:
        self.staff = staff
        self.record(
            "hub", self.env.now, state="staff", value=float(staff), inject=inject,
            detail={"staff": staff},
        )  # fmt: skip
        self._dispatch()

    def outage(self, minutes: float, inject: str) -> None:
        self.outage_until = max(self.outage_until, self.env.now + minutes)
        self.record(
            "hub", self.env.now, state="outage_start", inject=inject,
            detail={"until": self.outage_until},
        )  # fmt: skip
        self.env.process(self._outage_end(self.outage_until, inject))

    def _outage_end(self, until: float, inject: str) -> Any:
        yield self.env.timeout(until - self.env.now)
        if self.env.now >= self.outage_until:
            self.record("hub", self.env.now, state="outage_end", inject=inject, detail={})
            self._dispatch()
            self.poke()

    def set_policy(self, name: str, inject: str) -> None:
        self.decider.switch_policy(name)
        self.record("hub", self.env.now, state="policy", inject=inject, detail={"policy": name})

    def set_authority(self, authority: str, inject: str) -> None:
        self.authority = authority
        self.record(
            "hub", self.env.now, state="authority", inject=inject,
            detail={"authority": authority},
        )  # fmt: skip
