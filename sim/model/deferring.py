"""Deciders that are not a policy: the players (deferred answers) and a recorded decision log.

``PlayersDecider`` puts every request decision to people outside the world: ``decide`` returns
a SimPy event, the hub shows the request as ``awaiting_decision`` and the world runs on until
the session answers (``answer``) at a later scenario time. Reallocations and the national
mobilisation are the players' own orders (hub methods), so this decider never proposes them.
Its advisor (a ``PolicyDecider``) orders the hub's work and says what the policy would decide.

``RecordedDecider`` plays back the policy-made lines of a ``decisions.jsonl``: each question
the hub asks must match the next recorded line for it (same time, same options on the table),
or the replay stops with ``RecordingMismatch`` naming the line. Lines made by people are not
answered here: the session applies them at their recorded time, exactly as they were applied
live, through ``PlayersDecider.answer``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import simpy

from sim.model.deciders import Answer, PolicyDecider
from sim.model.entities import Request
from sim.model.hubview import GRANTING, Decision, Deployment, HubView, alternatives

__all__ = ["PlayersDecider", "Question", "RecordedDecider", "RecordingMismatch"]


@dataclass
class Question:
    """A request put to the players, and the event the hub waits on for their answer."""

    request: Request
    event: simpy.Event
    asked: float
    view: HubView


class PlayersDecider:
    who = "players"
    pure = False  # people may answer differently at another moment

    def __init__(self, env: simpy.Environment, advisor: PolicyDecider) -> None:
        self.env = env
        self.advisor = advisor
        self.questions: dict[str, Question] = {}  # request id -> open question, in asking order

    @property
    def policy(self) -> str:
        return self.advisor.policy

    @property
    def rescans_all(self) -> bool:
        return self.advisor.rescans_all

    def order_key(self, request: Request, view: HubView) -> tuple[Any, ...]:
        return self.advisor.order_key(request, view)

    def decide(self, request: Request, view: HubView) -> Answer:
        event = self.env.event()
        self.questions[request.id] = Question(request, event, self.env.now, view)
        return event

    def answer(self, key: str, decision: Decision) -> None:
        """The players' answer; the hub applies it when the event is processed (now)."""
        question = self.questions.pop(key)
        question.event.succeed(decision)

    def withdraw(self, key: str) -> None:
        """The request closed while the question was open (crisis ended, withdrawn)."""
        self.questions.pop(key, None)

    def advise(self, request: Request, view: HubView) -> Decision:
        return self.advisor.advise(request, view)

    def reallocation(self, request: Request, view: HubView) -> Deployment | None:
        return None

    def may_reallocate(self, request: Request) -> bool:
        return False

    def mobilise(self, waiting: Sequence[Request], threshold: int) -> bool:
        return False

    def switch_policy(self, name: str) -> None:
        self.advisor.switch_policy(name)


class RecordingMismatch(Exception):
    """A recorded decision that no longer fits the world being replayed."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(line, message)  # SimPy rebuilds a process's exception from its args
        self.line = line
        self.message = message

    def __str__(self) -> str:
        return self.message


def _clock(t: float) -> str:
    """T+hh:mm, with the exact minutes (a recorded time may differ by less than a minute)."""
    minutes = int(t)
    return f"T+{minutes // 60:02d}:{minutes % 60:02d} ({t:.6g} min)"


_OUTCOMES = GRANTING | {"queued", "denied"}


class RecordedDecider:
    """Answers the hub from recorded policy decisions (``who`` = ``policy:<name>``).

    ``lines`` are decisions.jsonl records (dicts with ``n``, ``t``, ``asked``, ``kind``,
    ``key``, ``who``, ``choice``, ``options``). The base policy still orders the hub's work:
    the order is a pure function of the world, so it needs no record.
    """

    def __init__(
        self, env: simpy.Environment, base: PolicyDecider, lines: Iterable[dict[str, Any]]
    ):
        self.env = env
        self.base = base
        self._requests: dict[str, deque[dict[str, Any]]] = {}
        self._moves: deque[dict[str, Any]] = deque()
        self._mobilisations: deque[dict[str, Any]] = deque()
        for line in lines:
            if not str(line["who"]).startswith("policy:"):
                continue  # rules (the legal test) are not asked; people's lines are applied
            if line["kind"] == "request":
                self._requests.setdefault(str(line["key"]), deque()).append(line)
            elif line["kind"] == "reallocation":
                self._moves.append(line)
            elif line["kind"] == "mobilisation":
                self._mobilisations.append(line)
        self.last_line: int | None = None  # the line applied most recently
        self.live_from = float("inf")  # a resumed session: the policy decides from then on
        self.pure = False  # its answers are the recorded ones of each moment

    @property
    def who(self) -> str:
        return self.base.who

    @property
    def policy(self) -> str:
        return self.base.policy

    @property
    def rescans_all(self) -> bool:
        return self.base.rescans_all

    def order_key(self, request: Request, view: HubView) -> tuple[Any, ...]:
        return self.base.order_key(request, view)

    def may_reallocate(self, request: Request) -> bool:
        return self.base.may_reallocate(request)

    def switch_policy(self, name: str) -> None:
        self.base.switch_policy(name)

    def withdraw(self, key: str) -> None:
        pass

    def decide(self, request: Request, view: HubView) -> Answer:
        """The recorded answer asked at this moment. A queued request examined again and left
        in the queue makes no line (nothing changed), so when no line was asked now the
        answer is "still queued"; a line asked earlier and never used is a mismatch."""
        now = self.env.now
        queue = self._requests.get(request.id)
        if not queue or queue[0]["asked"] > now:
            if now >= self.live_from:
                return self.base.decide(request, view)
            return Decision("queued", reason="still waits for capacity", by=self.base.who)
        line = queue.popleft()
        n = line["n"]
        if line["asked"] != now or line["t"] != now:
            raise RecordingMismatch(
                n,
                f"recorded decision on {request.id} was asked at {_clock(line['asked'])}, "
                f"made at {_clock(line['t'])}; the hub asks at {_clock(now)}",
            )
        options = alternatives(view)
        if line["options"] != list(options):
            raise RecordingMismatch(
                n, f"the options on the table for {request.id} differ from the recorded ones"
            )
        choice = line["choice"]
        outcome, cap = choice.get("outcome"), choice.get("capability")
        if outcome not in _OUTCOMES:
            raise RecordingMismatch(n, f"recorded decision {outcome!r} on {request.id} is unknown")
        if outcome in GRANTING and cap not in {c.capability for c in view.candidates}:
            # an edited line: say so, never fail inside the hub (it was a KeyError, exit 3)
            raise RecordingMismatch(n, f"recorded capability {cap!r} cannot serve {request.id}")
        self.last_line = n
        return Decision(
            choice["outcome"],
            choice.get("capability"),
            int(choice.get("units") or 0),
            choice.get("reason") or "",
            options,
            by=line["who"],
        )

    def _due(self, queue: deque[dict[str, Any]], what: str) -> dict[str, Any] | None:
        """The next recorded line of a kind if it is due now; a missed one is a mismatch."""
        if not queue:
            return None
        head = queue[0]
        if head["t"] < self.env.now:
            raise RecordingMismatch(
                head["n"], f"recorded {what} at {_clock(head['t'])} was never asked for"
            )
        return head if head["t"] == self.env.now else None

    def reallocation(self, request: Request, view: HubView) -> Deployment | None:
        head = self._due(self._moves, "reallocation")
        if head is None or head["choice"].get("to_request") != request.id:
            return self.base.reallocation(request, view) if self.env.now >= self.live_from else None
        self._moves.popleft()
        self.last_line = head["n"]
        unit = head["key"]
        for d in view.deployments_of(sorted({c.capability for c in view.candidates})):
            if d.unit == unit:
                return d
        raise RecordingMismatch(head["n"], f"{unit} is not deployed where it could move from")

    def mobilise(self, waiting: Sequence[Request], threshold: int) -> bool:
        head = self._due(self._mobilisations, "national mobilisation")
        if head is None:
            return self.env.now >= self.live_from and self.base.mobilise(waiting, threshold)
        self._mobilisations.popleft()
        self.last_line = head["n"]
        return True

    def unused(self) -> dict[str, Any] | None:
        """The first recorded policy line never asked for (after the run), if any."""
        left = [q[0] for q in self._requests.values() if q]
        left += [q[0] for q in (self._moves, self._mobilisations) if q]
        return min(left, key=lambda line: line["n"]) if left else None
