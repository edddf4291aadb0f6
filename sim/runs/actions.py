"""What people do during a session: the players' decisions and orders, the facilitator's
actions on injects, the clock and ENDEX.

Each action checks that it makes sense now (``SessionError`` with one line if not, and nothing
changes), writes its line to ``decisions.jsonl`` *before* it takes effect (a crash then loses
nothing already decided), and changes the world. A recorded line is applied through the same
function at its recorded time (``apply_line``), and the line it writes must equal the recorded
one: that is what makes replay, resume and fork exact, whoever decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sim.exercise.times import format_t
from sim.model.deferring import PlayersDecider
from sim.model.entities import Request
from sim.model.hub import GRANTING
from sim.model.hubview import Decision, alternatives
from sim.runs.said import Term, said, term
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
    "reallocate_count",
    "reallocate_units",
    "skip",
]

# journalled in decisions.jsonl and the journal as written: constants, not display labels
DECIDED_BY_PLAYERS = "decided by the players"
SKIPPED_BY_FACILITATOR = "skipped by the facilitator"

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
    raise SessionError(said("no_request", id=key))


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
        raise SessionError(said("policy_decides"))
    req = find_request(session, key)
    if req not in hub.awaiting:
        raise SessionError(said("not_awaiting", id=key, state=term("request_state", req.state)))
    if key not in decider.questions:  # answered a moment ago: the hub takes it up at once
        raise SessionError(said("answered_already", id=key))
    final = OUTCOME_WORDS.get(outcome)
    if final is None:
        raise SessionError(said("unknown_outcome", word=outcome))
    view = hub.view(req)
    cap: str | None = None
    n = 0
    if final in GRANTING:
        advice = decider.advise(req, view)
        cap = capability or (advice.capability if advice.outcome in GRANTING else req.capability)
        if final == "substitute" and not capability and advice.outcome != "substitute":
            cap = None  # a substitute is another capability: the players name it
        if final == "substitute" and (cap is None or cap == req.capability):
            raise SessionError(said("substitute_other", asked=req.capability or "-"))
        option = next((c for c in view.candidates if c.capability == cap), None)
        if option is None:
            known = ", ".join(c.capability for c in view.candidates) or said("no_options")
            raise SessionError(said("cannot_serve_options", cap=cap, id=key, options=known))
        n = _units(final, units, option.units_needed, option.free, cap)
    text = reason or DECIDED_BY_PLAYERS
    decision = Decision(final, cap, n, text, alternatives(view), by=who)
    problem = hub.check(req, decision)
    if problem is not None:
        raise SessionError(problem)
    choice = {"outcome": final, "capability": cap, "units": n, "reason": text}
    session.log(
        session.now, "request", key, who, choice, decision.alternatives, asked=hub.awaiting[req]
    )
    decider.answer(key, decision)
    word = term("decision", final)
    return (
        said("decided_units", id=key, outcome=word, n=n, cap=cap)
        if cap
        else said("decided", id=key, outcome=word)
    )


def _units(final: str, units: int | None, needed: int, free: int, cap: str | None) -> int:
    """How many units an answer grants: ``approve`` all that are asked, ``partial`` fewer (all
    the free ones when fewer are free than asked, else as many as the players say)."""
    if final == "approved":
        n = needed if units is None else units
        if n < needed:
            raise SessionError(said("approve_all", n=needed, cap=cap))
        return n
    if final == "partial":
        n = units if units is not None else (free if free < needed else needed)
        if n >= needed:
            raise SessionError(said("partial_fewer", n=needed, cap=cap))
        return n
    return units if units is not None else min(free, needed)


def reallocate(session: Session, unit_id: str, request_id: str, who: str = "players") -> str:
    """Order a deployed unit moved to another request (after the authority's latency)."""
    return reallocate_units(session, [unit_id], request_id, who)


def reallocate_units(
    session: Session, unit_ids: Sequence[str], request_id: str, who: str = "players"
) -> str:
    """Order several deployed units to a request: all are checked first (none is ordered if
    one cannot go), then each is ordered on its own, with its own line in ``decisions.jsonl``
    and its own decision latency, so that replay applies them one by one."""
    world = session.world
    moves = world.hub.moves
    req = find_request(session, request_id)
    units = []
    for unit_id in unit_ids:
        try:
            units.append(world.defence.book.unit(unit_id))
        except KeyError:
            raise SessionError(said("no_unit", id=unit_id)) from None
    for unit in units:
        problem = moves.why_not(unit, req)
        if problem is not None:
            raise SessionError(problem)
    froms = []
    for unit in units:
        assert unit.request is not None
        froms.append(unit.request.id)
        moves.order_unit(unit, req, who)
    where = ", ".join(dict.fromkeys(froms))
    names = ", ".join(u.id for u in units)
    authority = Term(world.hub.authority, f"live.authority.{world.hub.authority}")
    return said("ordered", units=names, frm=where, to=request_id, authority=authority)


def reallocate_count(
    session: Session,
    count: int,
    capability: str,
    source: str,
    request_id: str,
    who: str = "players",
) -> str:
    """Order ``count`` units of a capability from a crisis or request (lowest numbers first)."""
    world = session.world
    req = find_request(session, request_id)
    crises = {c.id for c in session.exercise.crises}
    if capability not in world.defence.book.units:
        raise SessionError(said("no_capability", cap=capability))
    from_req = next((r for r in world.requests.all if r.id == source), None)
    if from_req is None and source not in crises:
        raise SessionError(said("no_source", id=source))
    units, problem = world.hub.moves.pick(capability, count, req, crisis=source, source=from_req)
    if problem is not None:
        raise SessionError(problem)
    return reallocate_units(session, [u.id for u in units], request_id, who)


def mobilise(session: Session, who: str = "players") -> str:
    problem = session.world.hub.mobilise(who)
    if problem is not None:
        raise SessionError(problem)
    return said("mobilised")


def _pending(session: Session, inject_id: str) -> Inject:
    try:
        return session.world.injects.pending(inject_id)
    except ValueError as exc:
        raise SessionError(str(exc)) from None


def fire(session: Session, inject_id: str, who: str = "facilitator") -> str:
    inj = _pending(session, inject_id)
    session.log(session.now, "inject", inj.id, who, {"action": "fire"})
    session.world.injects.fire_now(inj.id)
    return said("fired", id=inj.id, t=format_t(session.now))


def skip(session: Session, inject_id: str, reason: str = "", who: str = "facilitator") -> str:
    inj = _pending(session, inject_id)
    text = reason or SKIPPED_BY_FACILITATOR
    session.log(session.now, "inject", inj.id, who, {"action": "skip", "reason": text})
    session.world.injects.skip(inj.id, text)
    return said("skipped", id=inj.id)


def delay(session: Session, inject_id: str, minutes: float, who: str = "facilitator") -> str:
    inj = _pending(session, inject_id)
    if inj.id not in session.world.injects.due:
        raise SessionError(said("not_scheduled", id=inj.id))
    session.log(session.now, "inject", inj.id, who, {"action": "delay", "minutes": float(minutes)})
    due = session.world.injects.delay(inj.id, minutes)
    return said("delayed", id=inj.id, t=format_t(due))


def adhoc(session: Session, inject: Inject, text: str, who: str = "facilitator") -> str:
    """A facilitator's inject typed in now (validated like the YAML format by the caller)."""
    if inject.id in session.world.injects.by_id:
        raise SessionError(said("id_taken", id=inject.id))
    if inject.time is not None and inject.time < session.now:
        now = format_t(session.now)
        raise SessionError(said("in_past_now", t=format_t(inject.time), now=now))
    if inject.time is not None and inject.time > session.endex:  # it could never fire
        endex = format_t(session.endex)
        raise SessionError(said("at_after_endex", t=format_t(inject.time), endex=endex))
    session.log(session.now, "inject", inject.id, who, {"action": "adhoc", "text": text})
    how = session.world.injects.add_adhoc(inject)
    kind = term("inject_type", inject.type)
    if how == "fired":
        return said("adhoc_fired", id=inject.id, type=kind, t=format_t(session.now))
    if how == "scheduled":
        due = session.world.injects.due[inject.id]
        return said("adhoc_due", id=inject.id, type=kind, t=format_t(due))
    return said(f"adhoc_{how}", id=inject.id, type=kind)


def clock(session: Session, action: str, who: str = "facilitator", **detail: Any) -> str:
    """A clock action (pause, resume, speed, jump): in the journal at its scenario time, so
    the debrief shows the pauses; it changes nothing else in the world. Returns the reply."""
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
    if action == "speed":
        return said("speed", factor=f"{speed:g}")
    return said("paused_at" if action == "pause" else "running_at", t=format_t(session.now))


def jump(session: Session, to: float, who: str = "facilitator") -> str:
    """Run the model ahead at full speed to ``to``, and let what is due then happen."""
    if to < session.now:
        raise SessionError(said("in_past_now", t=format_t(to), now=format_t(session.now)))
    to = min(to, session.endex)
    clock(session, "jump", who, to=float(to))
    session.advance(to)
    if to < session.endex:
        session.settle()
    return said("jumped", t=format_t(to))


def end(session: Session, who: str = "facilitator") -> str:
    session.log(session.now, "end", None, who, {"action": "end"})
    session.world.end_now()
    return said("endex_at", t=format_t(session.now))


def apply_line(session: Session, line: dict[str, Any]) -> str:
    """Apply a recorded line made by people; the line it writes must be the recorded one.
    Returns the reply the session gave when the line was made (a resumed console shows it)."""
    kind, choice, who, key = line["kind"], line["choice"], line["who"], line["key"]
    before = len(session.log.lines)
    if kind == "request":
        reply = decide(
            session,
            key,
            choice["outcome"],
            choice.get("capability"),
            choice.get("units"),
            choice.get("reason") or "",
            who,
        )
    elif kind == "reallocation":
        reply = reallocate(session, choice["unit"], choice["to_request"], who)
    elif kind == "mobilisation":
        reply = mobilise(session, who)
    elif kind == "inject":
        action = choice["action"]
        if action == "fire":
            reply = fire(session, key, who)
        elif action == "skip":
            reply = skip(session, key, choice.get("reason") or "", who)
        elif action == "delay":
            reply = delay(session, key, float(choice["minutes"]), who)
        elif action == "adhoc":
            from sim.exercise.adhoc import parse_adhoc_inject

            typed = parse_adhoc_inject(
                choice["text"], session.exercise, default_id=key, now=session.now
            )
            reply = adhoc(session, typed, choice["text"], who)
        else:
            raise SessionError(f"unknown inject action {action!r}")
    elif kind == "clock" and choice["action"] == "jump":
        reply = jump(session, float(choice["to"]), who)
    elif kind == "clock":
        detail = {k: v for k, v in choice.items() if k != "action"}
        reply = clock(session, choice["action"], who, **detail)
    elif kind == "end":
        reply = end(session, who)
    else:
        raise SessionError(f"{kind} lines are not made by people")
    fresh = session.log.lines[before] if len(session.log.lines) > before else None
    if fresh != line:
        raise SessionError("applying it now gives another line: the run has diverged here")
    return reply
