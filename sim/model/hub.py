"""The national hub: LOCC/KCR2 handling requests with the Defence desk (DJZ, DOPS-CAT, TOC).

Each request passes intake, the legal test (DJZ), the capacity test (CAT: "wil, kan, mag", main
task 1 reservations respected) and a decision; a limited staff works on as many requests at once.
The waiting line is a heap keyed by the decider's order (never ``simpy.PriorityResource``, which
re-sorts on every request). Queued requests are re-examined when capacity frees up, when a
request arrives, and every hour (§8.3 rule 6).

Every choice goes to the decider (``deciders.py``). A deferred answer (the players) leaves the
request ``awaiting_decision`` while the world runs on; hub staff move on to the next request
once the dossier is with the decision makers. Every choice is written to the decision log.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import simpy

from sim.exercise.models import Crisis
from sim.exercise.models import Hub as HubSpec
from sim.journal import Recorder
from sim.model.deciders import Answer, Decider
from sim.model.entities import Request, Unit
from sim.model.hubqueue import RequestQueue
from sim.model.hubrecord import LEGAL_TEST, log_choice, record_decision
from sim.model.hubsettings import HubSettings
from sim.model.hubsight import HubSight
from sim.model.hubview import GRANTING, Decision, HubView
from sim.model.legal import legal_problem
from sim.model.reallocation import Reallocations
from sim.model.review import still_needed
from sim.model.rng import Streams

if TYPE_CHECKING:
    from sim.decisionlog import DecisionLog
    from sim.model.capacity import CapacityBook
    from sim.model.demand import DemandBook
    from sim.model.pool import GenericPool
    from sim.model.requests import RequestDesk
    from sim.model.unitlife import UnitLife

__all__ = ["GRANTING", "Hub"]

CYCLE_MIN = 60.0


class Hub(HubSettings):
    """Built with what it owns (its spec, clock, journal, decider); ``connect`` hands it the
    parts it works with before t = 0 (desmod's elaborate step). The settings injects change
    (staff, outage, policy, authority) are in ``hubsettings.py``."""

    def __init__(
        self,
        env: simpy.Environment,
        record: Recorder,
        decisions: DecisionLog,
        spec: HubSpec,
        crisis_specs: dict[str, Crisis],
        tag_routes: dict[str, str],
        streams: Streams,
        decider: Decider,
    ) -> None:
        self.env = env
        self.record = record
        self.decisions = decisions
        self.spec = spec
        self.crisis_specs = crisis_specs
        self.tag_routes = tag_routes
        self.streams = streams
        self.decider = decider
        self.staff = spec.staff
        self.busy = 0
        self.outage_until = 0.0
        self.authority: str = spec.reallocation_authority
        self.finished = False  # set at ENDEX: a dropped world's generators journal nothing
        self.waiting: list[tuple[Any, ...]] = []
        self._in_waiting: dict[Request, None] = {}  # waiting for hub staff
        self.awaiting: dict[Request, float] = {}  # put to the players -> when asked
        self._poke_pending = False
        self._last_queue: tuple[int, int, int] | None = None
        self.weights = {k[2:]: v for k, v in spec.policy_params.items() if k.startswith("w_")}
        # read for every step of every request (a pydantic attribute read is slow)
        self._fast_track = (spec.fast_track_urgency, spec.fast_track, spec.steps)
        self._reallocation = spec.reallocation

    def connect(
        self,
        book: CapacityBook,
        life: UnitLife,
        pool: GenericPool,
        demand: DemandBook,
        requests: RequestDesk,
        crisis_active: Callable[[str], bool],
        on_change: Callable[[], None],
    ) -> None:
        self.book = book
        self.life = life
        self.pool = pool
        self.demand = demand
        self.requests = requests
        self.crisis_active = crisis_active
        self.changed = on_change
        self.queue = RequestQueue(book.relevant)
        self.queued = self.queue.queued  # the queue's ordered set, read by the views
        self.sight = HubSight(book, demand, self.crisis_specs, self.weights, self.spec.hysteresis)
        self._priority = self.sight.priority
        self.moves = Reallocations(self)
        self.sight.connect(self.moves)

    def start(self) -> None:
        self.env.process(self._cycle())

    def _cycle(self) -> Any:
        while True:
            yield self.env.timeout(CYCLE_MIN)
            if self.queued:
                self.reexamine(hourly=self._reallocation)

    # -- intake ------------------------------------------------------------------------------
    def submit(self, req: Request) -> None:
        req.submitted = self.env.now
        req.priority = self._priority(req)
        self.requests.emit(req, "submitted")
        heapq.heappush(self.waiting, (*self.decider.order_key(req, self.snapshot()), req.seq, req))
        self._in_waiting[req] = None
        self._emit_queue()
        self._dispatch()
        if self.queued:
            self.poke()

    def _dispatch(self) -> None:
        while self.busy < self.staff and self.waiting and self.env.now >= self.outage_until:
            *_, req = heapq.heappop(self.waiting)
            if req not in self._in_waiting:
                continue
            del self._in_waiting[req]
            if not req.open:
                continue
            self.busy += 1
            self.env.process(self._handle(req))
        self._emit_queue()

    def steps_for(self, req: Request) -> Any:
        """Urgent requests go by phone first and are confirmed in writing later (§2.1) [INF]."""
        urgency, fast, steps = self._fast_track
        return fast if req.urgency <= urgency else steps

    def _step(self, req: Request, state: str, dist_name: str) -> Any:
        self.requests.emit(req, state)
        dist = getattr(self.steps_for(req), dist_name)
        yield self.env.timeout(self.streams.draw(dist, req.stream))

    def _outage(self) -> Any:
        """Work in hand waits while the hub is down (a portal outage stops decisions too)."""
        while self.env.now < self.outage_until:
            yield self.env.timeout(self.outage_until - self.env.now)

    def _handle(self, req: Request) -> Any:
        try:
            yield from self._step(req, "intake", "intake")
            yield from self._outage()
            if not req.open:
                return
            yield from self._step(req, "legal_check", "legal")
            yield from self._outage()
            if not req.open:
                return
            public_order = any(self.tag_routes.get(t) in ("PW57", "PW58") for t in req.tags)
            problem = legal_problem(req, self.book.capabilities, public_order)
            if problem is not None:  # DJZ's test is a rule, not a choice: logged as such
                denial = Decision("denied", reason=f"legal test: {problem}", by=LEGAL_TEST)
                self._apply(req, denial, None)
                return
            yield from self._step(req, "capacity_check", "capacity")
            yield from self._outage()
            if not req.open:
                return
            yield self.env.timeout(self.streams.draw(self.steps_for(req).decision, req.stream))
            yield from self._outage()
            if not req.open:
                return
            self._answer(req, self.decider.decide(req, self.view(req)))
        finally:
            self.busy -= 1
            if not self.finished:  # not when a dropped world's generators are closed at ENDEX
                self._dispatch()

    # -- decisions -------------------------------------------------------------------------------
    def _answer(self, req: Request, answer: Answer) -> None:
        """Apply a decision now, or wait for a deferred one while the world runs on."""
        if isinstance(answer, simpy.Event):
            self.awaiting[req] = self.env.now
            self.requests.emit(req, "awaiting_decision")
            self._emit_queue()
            self.env.process(self._awaited(req, answer))
            return
        self._apply(req, answer, self.env.now)

    def _awaited(self, req: Request, event: simpy.Event) -> Any:
        decision = yield event
        asked = self.awaiting.pop(req, None)
        self._emit_queue()
        if asked is None or not req.open:
            return
        problem = self.check(req, decision)
        if problem is not None:  # the picture changed between the answer and now: ask again
            self.requests.emit(req, "reopened", reason=f"answer no longer fits: {problem}")
            self._answer(req, self.decider.decide(req, self.view(req)))
            return
        self._apply(req, decision, asked, log=False)  # logged by whoever answered, when

    def check(self, req: Request, d: Decision) -> str | None:
        """Why a decision cannot be carried out now (None: it can); see ``HubSight.check``."""
        return self.sight.check(req, d)

    def snapshot(self) -> HubView:
        return self.sight.snapshot()

    def view(self, req: Request, snapshot: HubView | None = None) -> HubView:
        """What the decider sees for ``req`` (hubsight.py)."""
        return self.sight.view(req, snapshot)

    def _log(self, req: Request, d: Decision, asked: float | None) -> str:
        who = d.by or self.decider.who
        return log_choice(self.decisions, self.env.now, req, d, asked, who, self.decider.policy)

    def _apply(self, req: Request, d: Decision, asked: float | None, log: bool = True) -> None:
        by = self._log(req, d, asked) if log else d.by.removeprefix("policy:")
        units: list[Unit] = []
        if d.outcome in GRANTING and d.capability is not None:
            units = self.book.grant(req, d.capability, d.units)
        self.record_decision(req, d, units, by)
        if d.outcome == "queued":
            self.queue.add(req)
            if asked is not None and asked != self.env.now:  # a deferred answer: wait for change
                self.queue.examined(req, self.book.exam_key(req, self.decider.rescans_all))
            self.requests.emit(req, "queued", reason=d.reason)
            self._emit_queue()
            self.changed()
            return
        if d.outcome == "denied":
            self.requests.close(req, "denied", d.reason)
            self.changed()
            return
        self.queue.remove(req)
        req.granted_capability = d.capability
        req.granted_units += len([u for u in units if u.support_for is None])
        req.substituted = req.substituted or d.outcome == "substitute"
        req.partial = req.partial or d.outcome == "partial"
        self.requests.emit(req, "tasked", units=[u.id for u in units], decision=d.outcome)
        tasking = self.streams.draw(self.steps_for(req).tasking, req.stream)
        self.life.deploy(units, req, tasking)
        self._emit_queue()
        self.changed()

    def record_decision(self, req: Request, d: Decision, units: list[Unit], by: str) -> None:
        record_decision(self.record, self.env.now, self.book.capabilities, req, d, units, by)

    # -- queued requests -----------------------------------------------------------------------
    def requeue(self, req: Request, reason: str) -> None:
        """Back in the queue, to be examined afresh (a reallocation fell through)."""
        self.queue.unseen(req)
        self.queue.add(req)
        self.requests.emit(req, "queued", reason=reason)
        self._emit_queue()
        self.poke()

    def is_queued(self, req: Request) -> bool:
        return req in self.queued

    def forget(self, req: Request) -> None:
        """The request closed: it leaves the in-tray, the queue and any open question."""
        if req in self._in_waiting:
            del self._in_waiting[req]
            self._emit_queue()
        if self.queue.remove(req):
            self._emit_queue()
        if self.awaiting.pop(req, None) is not None:
            self.decider.withdraw(req.id)
            self._emit_queue()
        self.queue.unseen(req)
        self.sight.forget(req)

    def poke(self) -> None:
        """Re-examine the queued requests soon (once per moment, however many pokes)."""
        if self._poke_pending or not self.queued:
            return
        self._poke_pending = True
        self.env.process(self._poked())

    def _poked(self) -> Any:
        yield self.env.timeout(0)
        self._poke_pending = False
        self.reexamine()

    def reexamine(self, hourly: bool = False) -> None:
        """Decide again on queued requests whose candidate capacity changed since last time.

        The hourly round also looks again at every request the decider might move a unit for:
        the priorities that reallocation weighs change with unmet need, not with unit states.
        """
        if self.env.now < self.outage_until or not self.queued:
            return
        decider, book = self.decider, self.book
        snapshot = self.snapshot()
        dirty = book.dirty.keys()
        forced = {r for r in self.queued if decider.may_reallocate(r)} if hourly else set()
        everything = decider.rescans_all
        # order does not matter: sorted below
        pool = list(self.queued) if everything else self.queue.due(dirty, forced)
        book.dirty = {}
        for r in pool:  # the picture changed: score on today's unmet need (§8.3 rule 5)
            r.priority = self._priority(r)
        order = sorted(pool, key=lambda r: (*decider.order_key(r, snapshot), r.seq))
        # a decider that does not say it is pure is asked every time
        pure, policy = getattr(decider, "pure", False), decider.policy
        for req in order:
            if req not in self.queued or not req.open or req in self.awaiting:
                continue
            key = book.exam_key(req, everything)
            if req not in forced:
                if self.queue.same(req, key):
                    continue  # nothing it could use has changed: the answer would be the same
                seen = None
            else:  # the hourly round: priorities moved; maybe nothing else did
                seen = self.queue.seen_under(req, key, policy) if pure else None
            view = self.sight.view(req, snapshot, seen)
            # with the same candidates a policy leaves it queued again: only the reallocation,
            # which weighs the priorities, can come out differently
            if seen is None:
                answer = decider.decide(req, view)
                if isinstance(answer, simpy.Event) or answer.outcome != "queued":
                    self._answer(req, answer)
                    snapshot = self.snapshot()
                    continue
            victim = decider.reallocation(req, view) if self._reallocation else None
            if victim is not None:
                self.moves.order(req, victim, decider.who, asked=self.env.now)
                snapshot = self.snapshot()
            else:
                self.queue.examined(req, key, (policy, view.candidates) if pure else None)

    def review(self, unit: Unit) -> bool:
        """24-hour review: keep the unit while its effect is still needed (review.py)."""
        return still_needed(unit, self.env.now, self.demand, self.crisis_active)

    # -- national mobilisation -------------------------------------------------------------------
    def consider_mobilisation(self) -> None:
        """The decider decides on national mobilisation of the generic pool (§8.3)."""
        waiting = self.pool.waiting(self.queued)
        if waiting is None:
            return
        if self.decider.mobilise(waiting, self.spec.mobilisation_threshold):
            self.mobilise(self.decider.who, asked=self.env.now)

    def mobilise(self, who: str, asked: float | None = None) -> str | None:
        """Mobilise the generic pool now; returns why not, or None when it was done."""
        waiting = self.pool.waiting(self.queued)
        if waiting is None:
            return "the generic pool is already mobilised or this exercise has none"
        ids = [r.id for r in waiting]
        self.decisions(self.env.now, "mobilisation", None, who, {"waiting": ids}, asked=asked)
        self.pool.mobilise(ids)
        return None

    def _emit_queue(self) -> None:
        waiting = len(self._in_waiting)
        awaiting = len(self.awaiting)
        sig = (waiting, len(self.queued), awaiting)
        if sig == self._last_queue:
            return
        self._last_queue = sig
        detail = {"waiting": waiting, "queued": len(self.queued)}
        total = waiting + len(self.queued)
        if awaiting:  # only players' sessions have any: batch journals keep their form
            detail["awaiting"] = awaiting
            total += sum(1 for r in self.awaiting if r not in self.queued)
        self.record("queue", self.env.now, value=float(total), detail=detail)
