"""What people do during a session: the players' decisions and orders, the facilitator's
actions on injects, the clock and ENDEX.

Each action checks that it makes sense now (``SessionError`` with one line if not, and nothing
changes), writes its line to ``decisions.jsonl`` *before* it takes effect (a crash then loses
nothing already decided), and changes the world. A recorded line is applied through the same
function at its recorded time (``apply_line``), and the line it writes must equal the recorded
one: that is what makes replay, resume and fork exact, whoever decided.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.exercise.times import format_t
from sim.model.deferring import PlayersDecider
from sim.model.entities import Request
from sim.model.hub import GRANTING
from sim.model.hubview import Decision, Deployment, alternatives
from sim.runs.session import SessionError

if TYPE_CHECKING:
    from sim.exercise.models import Inject
    from sim.runs.session import Session

__all__ = [
    "OUTCOME_WORDS",
    "adhoc",
    "apply_line",
    "clock",
    "decide",
    "delay",
    "end",
    "fire",
    "jump",
    "mobilise",
    "reallocate",
    "skip",
]

OUTCOME_WORDS = {
    "approve": "approved",
    "approved": "approved",
    "partial": "partial",
    "substitute": "substitute",
    "queue": "queued",
    "queued": "queued",
    "deny": "denied",
    "denied": "denied",
}


def find_request(session: Session, key: str) -> Request:
    for req in session.world.requests.all:
        if req.id == key:
            return req
    raise SessionError(f"no request {key}")


def decide(
    session: Session,
    key: str,
    outcome: str,
    capability: str | None = None,
    units: int | None = None,
    reason: str = "",
    who: str = "players",
) -> str:
    """The players' answer on a request awaiting their decision."""
    hub = session.world.hub
    decider = session.decider
    if not isinstance(decider, PlayersDecider):
        raise SessionError("the policy decides in this session (--players none)")
    req = find_request(session, key)
    if req not in hub.awaiting:
        raise SessionError(f"{key} is not awaiting a decision (it is {req.state})")
    final = OUTCOME_WORDS.get(outcome)
    if final is None:
        raise SessionError(
            f"unknown decision {outcome!r}; say approve, partial, substitute, queue or deny"
        )
    view = hub.view(req)
    cap: str | None = None
    n = 0
    if final in GRANTING:
        advice = decider.advise(req, view)
        cap = capability or (advice.capability if advice.outcome in GRANTING else req.capability)
        option = next((c for c in view.candidates if c.capability == cap), None)
        if option is None:
            known = ", ".join(c.capability for c in view.candidates) or "none"
            raise SessionError(f"{cap} cannot serve {key}; options: {known}")
        default = {"approved": option.units_needed, "partial": option.free}
        n = (
            units
            if units is not None
            else default.get(final, min(option.free, option.units_needed))
        )
        if final == "approved" and n < option.units_needed:
            raise SessionError(
                f"approve grants all {option.units_needed} x {cap} asked; say partial for fewer"
            )
    text = reason or "decided by the players"
    decision = Decision(final, cap, n, text, alternatives(view), by=who)
    problem = hub.check(req, decision)
    if problem is not None:
        raise SessionError(problem)
    choice = {"outcome": final, "capability": cap, "units": n, "reason": text}
    session.log(
        session.now, "request", key, who, choice, decision.alternatives, asked=hub.awaiting[req]
    )
    decider.answer(key, decision)
    what = f"{n} x {cap}" if cap else ""
    return f"{key}: {final} {what}".rstrip()


def reallocate(session: Session, unit_id: str, request_id: str, who: str = "players") -> str:
    """Order a deployed unit moved to another request (after the authority's latency)."""
    world = session.world
    hub = world.hub
    try:
        unit = world.defence.book.unit(unit_id)
    except KeyError:
        raise SessionError(f"no unit {unit_id}") from None
    req = find_request(session, request_id)
    if not req.open:
        raise SessionError(f"{request_id} is closed")
    if not hub.moves.movable(unit) or unit.request is None:
        why = "a support crew" if unit.support_for is not None else unit.state.replace("_", " ")
        if unit.id in hub.moves.moving:
            why = "being moved already"
        raise SessionError(f"{unit_id} cannot be moved: it is {why}")
    if unit.request is req:
        raise SessionError(f"{unit_id} serves {request_id} already")
    legal = {c.capability for c in hub.view(req).candidates if c.legal}
    if unit.cap_id not in legal:
        raise SessionError(f"{unit.cap_id} cannot serve {request_id} (its effect or route)")
    current = unit.request
    victim = Deployment(unit.id, unit.cap_id, current, current.priority or 0.0, current.life_safety)
    hub.moves.order(req, victim, who, asked=None)
    return f"{unit_id}: ordered from {current.id} to {request_id} ({hub.authority} authority)"


def mobilise(session: Session, who: str = "players") -> str:
    problem = session.world.hub.mobilise(who)
    if problem is not None:
        raise SessionError(problem)
    return "national mobilisation of the generic manpower pool decided"


def _pending(session: Session, inject_id: str) -> Inject:
    try:
        return session.world.injects.pending(inject_id)
    except ValueError as exc:
        raise SessionError(str(exc)) from None


def fire(session: Session, inject_id: str, who: str = "facilitator") -> str:
    inj = _pending(session, inject_id)
    session.log(session.now, "inject", inj.id, who, {"action": "fire"})
    session.world.injects.fire_now(inj.id)
    return f"inject {inj.id} fired at {format_t(session.now)}"


def skip(session: Session, inject_id: str, reason: str = "", who: str = "facilitator") -> str:
    inj = _pending(session, inject_id)
    text = reason or "skipped by the facilitator"
    session.log(session.now, "inject", inj.id, who, {"action": "skip", "reason": text})
    session.world.injects.skip(inj.id, text)
    return f"inject {inj.id} skipped"


def delay(session: Session, inject_id: str, minutes: float, who: str = "facilitator") -> str:
    inj = _pending(session, inject_id)
    if inj.id not in session.world.injects.due:
        raise SessionError(f"inject {inj.id} is not scheduled yet (it waits for its trigger)")
    session.log(session.now, "inject", inj.id, who, {"action": "delay", "minutes": float(minutes)})
    due = session.world.injects.delay(inj.id, minutes)
    return f"inject {inj.id} now due at {format_t(due)}"


def adhoc(session: Session, inject: Inject, text: str, who: str = "facilitator") -> str:
    """A facilitator's inject typed in now (validated like the YAML format by the caller)."""
    if inject.id in session.world.injects.by_id:
        raise SessionError(f"inject id {inject.id!r} is taken")
    session.log(session.now, "inject", inject.id, who, {"action": "adhoc", "text": text})
    session.world.injects.add_adhoc(inject)
    return f"inject {inject.id} ({inject.type}) fired at {format_t(session.now)}"


def clock(session: Session, action: str, who: str = "facilitator", **detail: Any) -> None:
    """A clock action (pause, resume, speed, jump): in the journal at its scenario time, so
    the debrief shows the pauses; it changes nothing else in the world."""
    choice = {"action": action, **detail}
    session.log(session.now, "clock", None, who, choice)
    speed = detail.get("speed")
    session.world.record(
        "clock",
        session.now,
        state=action,
        value=float(speed) if speed is not None else None,
        detail=choice,
    )


def jump(session: Session, to: float, who: str = "facilitator") -> str:
    """Run the model ahead at full speed to ``to``, and let what is due then happen."""
    if to < session.now:
        raise SessionError(f"{format_t(to)} is in the past (it is {format_t(session.now)})")
    to = min(to, session.endex)
    clock(session, "jump", who, to=float(to))
    session.advance(to)
    if to < session.endex:
        session.settle()
    return f"jumped to {format_t(to)}"


def end(session: Session, who: str = "facilitator") -> str:
    session.log(session.now, "end", None, who, {"action": "end"})
    session.world.end_now()
    return f"ENDEX at {format_t(session.now)}"


def apply_line(session: Session, line: dict[str, Any]) -> None:
    """Apply a recorded line made by people; the line it writes must be the recorded one."""
    kind, choice, who, key = line["kind"], line["choice"], line["who"], line["key"]
    before = len(session.log.lines)
    if kind == "request":
        decide(
            session,
            key,
            choice["outcome"],
            choice.get("capability"),
            choice.get("units"),
            choice.get("reason") or "",
            who,
        )
    elif kind == "reallocation":
        reallocate(session, choice["unit"], choice["to_request"], who)
    elif kind == "mobilisation":
        mobilise(session, who)
    elif kind == "inject":
        action = choice["action"]
        if action == "fire":
            fire(session, key, who)
        elif action == "skip":
            skip(session, key, choice.get("reason") or "", who)
        elif action == "delay":
            delay(session, key, float(choice["minutes"]), who)
        elif action == "adhoc":
            from sim.exercise.adhoc import parse_adhoc_inject

            typed = parse_adhoc_inject(
                choice["text"], session.exercise, default_id=key, now=session.now
            )
            adhoc(session, typed, choice["text"], who)
        else:
            raise SessionError(f"unknown inject action {action!r}")
    elif kind == "clock" and choice["action"] == "jump":
        jump(session, float(choice["to"]), who)
    elif kind == "clock":
        detail = {k: v for k, v in choice.items() if k != "action"}
        clock(session, choice["action"], who, **detail)
    elif kind == "end":
        end(session, who)
    else:
        raise SessionError(f"{kind} lines are not made by people")
    fresh = session.log.lines[before] if len(session.log.lines) > before else None
    if fresh != line:
        raise SessionError("applying it now gives another line: the run has diverged here")
