"""The decider seam: every choice the hub makes goes through one interface.

A decider orders the hub's work (``order_key``), decides on a request (``decide``), chooses a
deployed unit to move for a request (``reallocation``) and decides on the national
mobilisation of the generic manpower pool (``mobilise``). It answers at once (a policy:
``PolicyDecider``) or **defers**: ``decide`` returns a SimPy event that the hub waits on while
the world runs on, and someone outside the world (the players at a live console, or a session
playing back ``decisions.jsonl``) succeeds it with a ``Decision`` later (``deferring.py``).
This is the extension point for live play, forks and new policies (``docs/model.md``).

A ``hub_change`` inject that switches policy calls ``switch_policy``: a policy decider takes the
new policy; a deferring decider changes its advisor. The hub never replaces its decider.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import simpy

from sim.model.entities import Request
from sim.model.hubview import (
    Candidate,
    Decision,
    Deployment,
    HubView,
    alternatives,
    priority_score,
)
from sim.model.policies import POLICIES, FifoPolicy

__all__ = [
    "Answer",
    "Candidate",
    "Decider",
    "Decision",
    "Deployment",
    "HubView",
    "PolicyDecider",
    "alternatives",
    "make_decider",
    "make_policy",
    "priority_score",
]

Answer = Decision | simpy.Event
"""A decision now, or an event that will carry one (a deferred decision)."""


class Decider(Protocol):
    """Every choice the hub makes. ``who`` names the decision maker in ``decisions.jsonl``
    (``policy:priority``, ``players``); ``policy`` the policy that orders the hub's work (and
    advises the players)."""

    @property
    def who(self) -> str: ...

    @property
    def policy(self) -> str: ...

    @property
    def rescans_all(self) -> bool:
        """Whether its answers depend on the whole picture (every queued request is looked at
        again on any change), not only on the capabilities a request could use."""
        ...

    @property
    def pure(self) -> bool:
        """Whether its answers depend only on the request and the view (a policy): a request it
        left queued, looked at again with the same candidates, stays queued, so the hub may
        skip asking. Not so for the players or a recording, whose answers depend on the time."""
        ...

    def order_key(self, request: Request, view: HubView) -> tuple[Any, ...]: ...

    def decide(self, request: Request, view: HubView) -> Answer: ...

    def reallocation(self, request: Request, view: HubView) -> Deployment | None:
        """A deployed unit to move to ``request`` now, or None."""
        ...

    def may_reallocate(self, request: Request) -> bool:
        """Whether ``reallocation`` could ever move a unit for this request (asked hourly)."""
        ...

    def mobilise(self, waiting: Sequence[Request], threshold: int) -> bool:
        """Whether to mobilise the generic pool now, with these manpower requests waiting."""
        ...

    def switch_policy(self, name: str) -> None: ...

    def withdraw(self, key: str) -> None:
        """The request ``key`` closed while its deferred question was open."""
        ...


def make_policy(name: str, params: dict[str, float] | None = None) -> FifoPolicy:
    try:
        return POLICIES[name](params)
    except KeyError:
        raise ValueError(f"unknown policy {name!r}; known: {', '.join(POLICIES)}") from None


class PolicyDecider:
    """A policy behind the seam: answers at once.

    NOTE: the policy's methods are bound as attributes when it is chosen (not delegated per
    call): ``order_key`` and ``decide`` run for every request at every re-examination.
    """

    pure = True
    order_key: Callable[[Request, HubView], tuple[Any, ...]]
    decide: Callable[[Request, HubView], Answer]
    reallocation: Callable[[Request, HubView], Deployment | None]
    may_reallocate: Callable[[Request], bool]
    mobilise: Callable[[Sequence[Request], int], bool]

    def __init__(self, name: str, params: dict[str, float] | None = None) -> None:
        self.params = dict(params or {})
        self._use(make_policy(name, self.params))

    def _use(self, policy: FifoPolicy) -> None:
        self.current = policy
        self.order_key = policy.order_key
        self.decide = policy.decide
        self.reallocation = policy.reallocation
        self.may_reallocate = policy.may_reallocate
        self.mobilise = policy.mobilise

    @property
    def who(self) -> str:
        return f"policy:{self.current.name}"

    @property
    def policy(self) -> str:
        return self.current.name

    @property
    def rescans_all(self) -> bool:
        return self.current.rescans_all

    def advise(self, request: Request, view: HubView) -> Decision:
        """What this policy would decide (a policy's answer has no side effects)."""
        return self.current.decide(request, view)

    def switch_policy(self, name: str) -> None:
        self._use(make_policy(name, self.params))

    def withdraw(self, key: str) -> None:
        pass  # a policy never leaves a question open


def make_decider(name: str, params: dict[str, float] | None = None) -> PolicyDecider:
    return PolicyDecider(name, params)
