"""A live session: the world, a scenario clock driven by the wall clock, and command lines.

``LiveSession`` is what a face (the terminal console, later the browser pages) talks to
(``SessionHandle``): ``tick()`` advances the world to the clock's scenario time, ``submit()``
applies one typed command line, ``view()`` is the plain snapshot to show. A scripted session
uses the same ``apply`` without a wall clock: each line applies at its ``@time`` (or where the
previous one left the session), so a script with times plays the same however fast the
machine. Every world-changing command goes through ``actions.py`` and so into
``decisions.jsonl``; notes and answers into ``notes.jsonl``.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable

from sim.exercise.adhoc import AdhocInjectError, parse_adhoc_inject
from sim.exercise.times import format_t
from sim.model.deferring import PlayersDecider
from sim.runs import actions
from sim.runs import commands as c
from sim.runs.clock import ClockError, ScenarioClock
from sim.runs.completion import CompletionIds, complete
from sim.runs.liveview import build_view, playing_capabilities
from sim.runs.said import Said, said, word
from sim.runs.session import Session, SessionError
from sim.runs.view import CommandResult, SessionView

__all__ = ["LiveSession"]

HELP = said("help", words=", ".join(c.WORDS))


class LiveSession:
    def __init__(
        self,
        session: Session,
        clock: ScenarioClock | None = None,
        *,
        lang: str = "en",
        on_finish: Callable[[], str | None] | None = None,
        history: Iterable[tuple[float, str]] = (),
    ) -> None:
        """``history``: (scenario time, line) the session log starts with (a resumed session's
        recorded lines and notes, ``play.resume_session``)."""
        self.session = session
        self.clock = clock  # None: a scripted session (no wall clock)
        self.lang = lang
        self.on_finish = on_finish
        self.messages: deque[str] = deque(
            (f"{format_t(t)} {word(line, lang)}" for t, line in history), maxlen=40
        )
        self.capabilities = sorted(session.exercise.capabilities)
        self._adhoc = 0
        self._timed: list[c.Command] = []  # typed with a future @time: applied when due
        if not session.started:
            session.start()
        self.playing = playing_capabilities(session)  # the unit board's rows

    # -- SessionHandle --------------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.session.finished

    def tick(self) -> None:
        """Advance the world to the clock's time (and apply typed commands that fell due)."""
        if self.finished or self.clock is None:
            return
        target = self.clock.now()
        while self._timed and self._timed[0].at is not None and self._timed[0].at <= target:
            cmd = self._timed.pop(0)
            self._say(self._apply_at(cmd))
        self.session.advance(target)
        if target >= self.session.endex:
            self._finish()

    def submit(self, line: str) -> CommandResult:
        try:
            cmd = c.parse_command(line, capabilities=self.capabilities)
        except c.CommandError as exc:
            return self._fail(said("at_column", col=exc.column, message=exc.message), exc.column)
        if cmd is None:
            return CommandResult(True, "")
        if self.finished and not isinstance(cmd, c.Help | c.Note):
            return self._fail(said("ended"))
        if cmd.at is not None and self.clock is not None:
            refused = self._time_refused(cmd.at)
            if refused is not None:
                return self._fail(refused)
            if cmd.at > self.session.now:
                self._timed.append(cmd)
                self._timed.sort(key=lambda k: k.at or 0.0)
                return self._ok(said("will_apply", t=format_t(cmd.at), line=cmd.line.strip()))
        if isinstance(cmd, c.Pause) and self.clock is not None and not self.clock.paused:
            # stop the clock first, then bring the world to where it stopped: the pause and
            # whatever follows it happen at that very scenario time (never a moment later)
            self.clock.pause()
            self.tick()
            return self._ok(actions.clock(self.session, "pause"))
        self.tick()
        return self._apply_at(cmd)

    def view(self) -> SessionView:
        return build_view(self, list(self.messages))

    def completions(self, prefix: str) -> list[str]:
        world = self.session.world
        hub = world.hub
        ids = CompletionIds(
            requests=[r.id for r in world.requests.all if r.open],
            units=[
                u.id for us in world.defence.book.units.values() for u in us if hub.moves.movable(u)
            ],
            crises=[x.id for x in self.session.exercise.crises],
            injects=[i for i in world.injects.by_id if i not in world.injects.done],
            capabilities=self.capabilities,
            awaiting=self.awaiting(),
            fired=[i for i, state in world.injects.done.items() if state == "fired"],
        )
        return complete(prefix, ids)

    # -- applying commands ----------------------------------------------------------------------
    def _apply_at(self, cmd: c.Command) -> CommandResult:
        """Apply a command now (a timed one first brings the world to its time)."""
        try:
            if cmd.at is not None:
                refused = self._time_refused(cmd.at)
                if refused is not None:
                    raise SessionError(refused)
                self.session.advance(cmd.at)
                if self.clock is not None and self.clock.now() < cmd.at:
                    self.clock.jump(cmd.at)
            return self._ok(self.apply(cmd))
        except SessionError as exc:
            return self._fail(exc.message)
        except AdhocInjectError as exc:  # the exercise format's own message (English)
            return self._fail(said("at_column", col=exc.column, message=exc.message), exc.column)
        except ClockError as exc:
            return self._fail(str(exc))

    def _time_refused(self, at: float) -> Said | None:
        """Why a command's ``@time`` cannot apply: in the past, or after ENDEX (a typo, T+300
        for T+03, must not end the exercise)."""
        if at < self.session.now:
            return said("in_past", t=format_t(at))
        if at > self.session.endex:
            return said("at_after_endex", t=format_t(at), endex=format_t(self.session.endex))
        return None

    def apply(self, cmd: c.Command) -> str:
        """One command at the current scenario time; raises SessionError when it cannot be."""
        s = self.session
        if isinstance(cmd, c.Help):
            return c.USAGE.get(cmd.topic or "", HELP) if cmd.topic else HELP
        if isinstance(cmd, c.Note | c.Answer):
            inject = cmd.inject if isinstance(cmd, c.Answer) else None
            if inject is not None:
                injects = s.world.injects
                if inject not in injects.by_id:
                    raise SessionError(said("no_inject", id=inject))
                if injects.done.get(inject) != "fired":  # the players answer what reached them
                    raise SessionError(said("answer_not_fired", id=inject))
            kind, who = ("answer", "players") if inject else ("note", "observer")
            s.notes(s.now, kind, cmd.text, who, inject)
            return said(f"noted_{kind}", t=format_t(s.now))
        if s.finished:
            raise SessionError(said("ended"))
        if isinstance(cmd, c.Pause | c.Resume | c.Speed):
            return self._clock_command(cmd)
        if isinstance(cmd, c.Goto):
            if cmd.time > s.endex:  # a slip of the keys (T+40 for T+04) must not end the exercise
                raise SessionError(
                    said("after_endex", t=format_t(cmd.time), endex=format_t(s.endex))
                )
            return self._jump(cmd.time)
        if isinstance(cmd, c.Next):
            due = self._next_inject()
            if due is None:
                raise SessionError(said("no_inject_ahead"))
            return self._jump(due)
        if isinstance(cmd, c.Fire):
            return actions.fire(s, cmd.inject)
        if isinstance(cmd, c.Skip):
            return actions.skip(s, cmd.inject, cmd.reason)
        if isinstance(cmd, c.Delay):
            return actions.delay(s, cmd.inject, cmd.by)
        if isinstance(cmd, c.AddInject):
            self._adhoc += 1
            typed = parse_adhoc_inject(
                cmd.text,
                s.exercise,
                default_id=self._fresh_id(),
                now=s.now,
                offset=cmd.column - 1,
            )
            return actions.adhoc(s, typed, cmd.text)
        if isinstance(cmd, c.Decide):
            return actions.decide(s, cmd.request, cmd.action, cmd.capability, cmd.units, cmd.reason)
        if isinstance(cmd, c.Reallocate):
            if cmd.count is not None and cmd.capability is not None and cmd.source is not None:
                return actions.reallocate_count(
                    s, cmd.count, cmd.capability, cmd.source, cmd.request
                )
            return actions.reallocate_units(s, cmd.units, cmd.request)
        if isinstance(cmd, c.Mobilise):
            return actions.mobilise(s)
        if isinstance(cmd, c.End):
            message = actions.end(s)
            self._finish()
            return message
        raise SessionError(said("not_handled", word=cmd.word))

    def _clock_command(self, cmd: c.Command) -> str:
        s, clock = self.session, self.clock
        if isinstance(cmd, c.Pause):
            if clock is not None and not clock.pause():
                raise SessionError(said("already_paused"))
            return actions.clock(s, "pause")
        if isinstance(cmd, c.Resume):
            if clock is not None and not clock.resume():
                raise SessionError(said("not_paused"))
            return actions.clock(s, "resume")
        assert isinstance(cmd, c.Speed)
        if clock is not None:
            clock.set_speed(cmd.factor)
        return actions.clock(s, "speed", speed=float(cmd.factor))

    def _jump(self, to: float) -> str:
        while self._timed and (self._timed[0].at or 0.0) <= to:  # typed for a time on the way
            self._say(self._apply_at(self._timed.pop(0)))
        message = actions.jump(self.session, to)
        if self.clock is not None:
            self.clock.jump(self.session.now)
        if self.session.now >= self.session.endex:
            self._finish()
        return message

    def _next_inject(self) -> float | None:
        """The next scheduled inject's time, not past ENDEX (next must not end the exercise)."""
        s, injects = self.session, self.session.world.injects
        due = [t for i, t in injects.due.items() if i not in injects.done and s.now <= t <= s.endex]
        return min(due) if due else None

    def _fresh_id(self) -> str:
        taken = self.session.world.injects.by_id
        n = self._adhoc
        while f"adhoc-{n}" in taken:
            n += 1
        return f"adhoc-{n}"

    def _finish(self) -> None:
        if self.session.finished:
            return
        self.session.finish()
        if self.clock is not None:
            self.clock.end_at(self.session.now)  # the world's ENDEX, not a second reading
        self._ok(said("session_ended", t=format_t(self.session.now)))
        if self.on_finish is not None:
            message = self.on_finish()
            if message:
                self._ok(message)

    def tell(self, message: str, ok: bool = True) -> None:
        """A line for the session log from outside a command (the debrief written at ENDEX in
        the background; ``deque.append`` is safe from another thread)."""
        (self._ok if ok else self._fail)(message)

    def awaiting(self) -> list[str]:
        decider = self.session.decider
        return list(decider.questions) if isinstance(decider, PlayersDecider) else []

    # -- messages ------------------------------------------------------------------------------
    def _say(self, result: CommandResult) -> CommandResult:
        if result.message:
            stamp = format_t(self.session.now)
            prefix = "" if result.ok else word(said("error_prefix"), self.lang)
            self.messages.append(f"{stamp} {prefix}{result.message}")
        return result

    def _ok(self, message: str) -> CommandResult:
        """A reply, in the session's language (``said.py``)."""
        return self._say(CommandResult(True, word(message, self.lang)))

    def _fail(self, message: str, column: int | None = None) -> CommandResult:
        return self._say(CommandResult(False, word(message, self.lang), column))


def scenario_clock(session: Session, speed: float, paused: bool) -> ScenarioClock:
    return ScenarioClock(
        speed=speed,
        start=session.now,
        cap=session.endex if math.isfinite(session.endex) else math.inf,
        paused=paused,
    )


def bench_session(exercise_path: object, speed: float, paused: bool) -> LiveSession:
    """A live session over the real world with the players deciding, journal in memory only
    (for ``benchmarks/bench_live.py``)."""
    from sim.exercise import load_exercise

    session = Session(load_exercise(str(exercise_path)), players=True)
    session.start()
    return LiveSession(session, scenario_clock(session, speed, paused))
