"""The live session's command language: one parser for lines typed at the console and scripts.

A line is ``[@TIME] WORD ARGS``; ``#`` at the start of a line makes it a comment, and blank lines
are ignored. ``TIME`` is any scenario-time form of ``sim.exercise.times`` (``@T+01:30``,
``@D+1 08:00``, ``@90m``, ``@PT1H30M``): the scenario time at which a scripted line applies.
The words and their arguments are in ``USAGE`` and documented in ``docs/live.md``.

This module checks only the syntax, and says where a line is wrong (``CommandError`` with the
1-based column). Whether a request exists, a unit is free or a time lies in the past is for the
session to judge, against the world as it is when the command applies.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Collection, Sequence

from sim.exercise.times import parse_scenario_time
from sim.limits import MAX_COMMAND_CHARS
from sim.runs import commandtypes
from sim.runs.commandtypes import (
    ACTIONS,
    USAGE,
    WORDS,
    AddInject,
    Answer,
    Command,
    CommandError,
    Decide,
    Delay,
    End,
    Fire,
    Goto,
    Help,
    Mobilise,
    Next,
    Note,
    Pause,
    Reallocate,
    Resume,
    Skip,
    Speed,
)
from sim.runs.said import Said, said

__all__ = [*commandtypes.__all__, "parse_command", "parse_script"]  # the command values too

_ALIASES = {"mobilize": "mobilise", "?": "help", "endex": "end", "jump": "goto"}
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_CAPABILITY_LIKE = re.compile(r"^[A-Z][A-Z0-9_]+$")
_D_PLUS_AT = re.compile(r"@(D\+\d+\s+\d{1,2}:\d{2})")


class _Cursor:
    """Reads a line left to right, keeping 1-based columns for error messages."""

    def __init__(self, line: str, pos: int, word: str) -> None:
        self.line = line
        self.pos = pos
        self.word = word

    def skip_ws(self) -> None:
        while self.pos < len(self.line) and self.line[self.pos].isspace():
            self.pos += 1

    def at_end(self) -> bool:
        self.skip_ws()
        return self.pos >= len(self.line)

    def end_col(self) -> int:
        return len(self.line.rstrip()) + 1

    def missing(self, what: str) -> CommandError:
        """``what`` names a ``live.what.*`` label: the argument that is missing."""
        needs = said(
            "parse.needs", word=self.word, what=said(f"what.{what}"), usage=USAGE[self.word]
        )
        return CommandError(needs, self.end_col())

    def peek(self) -> tuple[str, int] | None:
        self.skip_ws()
        if self.pos >= len(self.line):
            return None
        end = self.pos
        while end < len(self.line) and not self.line[end].isspace():
            end += 1
        return self.line[self.pos : end], self.pos + 1

    def take(self) -> tuple[str, int] | None:
        tok = self.peek()
        if tok is not None:
            self.pos = tok[1] - 1 + len(tok[0])
        return tok

    def need_id(self, what: str) -> str:
        tok = self.take()
        if tok is None:
            raise self.missing(what)
        text, col = tok
        if not _ID.match(text):
            raise CommandError(said("parse.is_not", text=text, what=said(f"what.{what}")), col)
        return text

    def rest(self, *, required: str | None = None) -> str:
        """The rest of the line as free text; one pair of surrounding quotes is removed."""
        self.skip_ws()
        col = self.pos + 1
        text = self.line[self.pos :].rstrip()
        self.pos = len(self.line)
        if text[:1] in "\"'" and text:
            quote = text[0]
            if len(text) < 2 or text[-1] != quote:
                raise CommandError(said("parse.unclosed_quote", quote=quote), col)
            text = text[1:-1]
        if required and not text.strip():
            raise self.missing(required)
        return text

    def done(self) -> None:
        tok = self.peek()
        if tok is not None:
            unexpected = said(
                "parse.unexpected", text=tok[0], word=self.word, usage=USAGE[self.word]
            )
            raise CommandError(unexpected, tok[1])


def _time_arg(cur: _Cursor, what: str, *, duration: bool = False) -> float:
    cur.skip_ws()
    col = cur.pos + 1
    text = cur.rest(required=what)
    try:
        minutes = parse_scenario_time(text)
    except ValueError as exc:
        if not duration:
            raise CommandError(str(exc), col) from None
        # a duration is not a moment: the hint names durations, and "-30m" is a negative one
        key = "parse.not_duration" if text.lstrip().startswith("-") else "parse.bad_duration"
        raise CommandError(said(key, text=text), col) from None
    if not math.isfinite(minutes) or (duration and minutes <= 0):
        raise CommandError(
            said("parse.not_duration" if duration else "parse.not_time", text=text), col
        )
    return minutes


def _speed(cur: _Cursor, base: dict[str, object]) -> Command:
    tok = cur.take()
    if tok is None:
        raise cur.missing("number")
    text, col = tok
    try:
        factor = float(text.removesuffix("x").removesuffix("×"))
    except ValueError:
        raise CommandError(said("parse.speed_number", text=text), col) from None
    if not math.isfinite(factor) or factor <= 0:
        raise CommandError(said("parse.speed_number", text=text), col)
    cur.done()
    return Speed(factor=factor, **base)  # type: ignore[arg-type]


def _decide(cur: _Cursor, base: dict[str, object], capabilities: Collection[str] | None) -> Command:
    request = cur.need_id("request_id")
    tok = cur.take()
    if tok is None:
        raise cur.missing("decision")
    action, col = tok[0].lower(), tok[1]
    if action not in ACTIONS:
        hint = _did_you_mean(action, ACTIONS)
        choices = "|".join(ACTIONS)
        raise CommandError(
            said("parse.unknown_decision", text=tok[0], hint=hint, choices=choices), col
        )
    capability: str | None = None
    units: int | None = None
    tok = cur.peek()
    if tok is not None and (cap := _as_capability(tok[0], capabilities)) is not None:
        capability = cap
        cur.take()
        tok = cur.peek()
    if tok is not None and re.fullmatch(r"[+-]?\d+", tok[0]):
        units = int(tok[0])
        if units < 1:
            raise CommandError(said("parse.units_at_least", text=tok[0]), tok[1])
        cur.take()
    reason = cur.rest()
    return Decide(
        request=request,
        action=action,
        capability=capability,
        units=units,
        reason=reason,
        **base,  # type: ignore[arg-type]
    )


def _as_capability(token: str, capabilities: Collection[str] | None) -> str | None:
    """``token`` as a capability id: one of ``capabilities`` (any case) when the session gives
    them, otherwise anything written like one (``FBO_CH47``, ``NH90``: upper case)."""
    if capabilities is not None:
        by_lower = {c.lower(): c for c in capabilities}
        return by_lower.get(token.lower())
    return token if _CAPABILITY_LIKE.match(token) else None


def _reallocate(
    cur: _Cursor, base: dict[str, object], capabilities: Collection[str] | None
) -> Command:
    tok = cur.peek()
    if tok is not None and re.fullmatch(r"[+-]?\d+", tok[0]):
        cur.take()
        count = int(tok[0])
        if count < 1:
            raise CommandError(said("parse.count_at_least", text=tok[0]), tok[1])
        cap_tok = cur.take()
        if cap_tok is None:
            raise cur.missing("capability_after")
        capability = _as_capability(cap_tok[0], capabilities)
        if capability is None or not _ID.match(cap_tok[0]):
            raise CommandError(said("parse.not_capability", text=cap_tok[0]), cap_tok[1])
        _keyword(cur, "from", "from_source")
        source = cur.need_id("source_id")
        _keyword(cur, "to", "to_request")
        request = cur.need_id("request_id")
        cur.done()
        return Reallocate(
            request=request,
            count=count,
            capability=capability,
            source=source,
            **base,  # type: ignore[arg-type]
        )
    units: list[str] = []
    while True:
        tok = cur.take()
        if tok is None:
            raise cur.missing("to_request" if units else "unit_id")
        text, col = tok
        if text.lower() == "to" and units:
            break
        for part in text.split(","):
            if part and not _ID.match(part):
                raise CommandError(said("parse.not_unit", text=part), col + text.index(part))
            if part and part in units:
                raise CommandError(said("parse.named_twice", text=part), col + text.index(part))
            if part:
                units.append(part)
        if not units:
            raise CommandError(said("parse.not_unit", text=text), col)
        nxt = cur.peek()
        if (
            nxt is not None
            and nxt[0].lower() != "to"
            and not text.endswith(",")
            and not nxt[0].startswith(",")
        ):
            expected = said("parse.expected", word="to", text=nxt[0], usage=USAGE["reallocate"])
            raise CommandError(expected, nxt[1])
    request = cur.need_id("request_id")
    cur.done()
    return Reallocate(units=tuple(units), request=request, **base)  # type: ignore[arg-type]


def _keyword(cur: _Cursor, word: str, what: str) -> None:
    tok = cur.take()
    if tok is None:
        raise cur.missing(what)
    if tok[0].lower() != word:
        expected = said("parse.expected", word=word, text=tok[0], usage=USAGE[cur.word])
        raise CommandError(expected, tok[1])


def _inject(cur: _Cursor, base: dict[str, object]) -> Command:
    cur.skip_ws()
    col = cur.pos + 1
    text = cur.line[cur.pos :].rstrip()
    if not text:
        raise cur.missing("inject_yaml")
    if not text.startswith("{"):
        raise CommandError(said("parse.adhoc_braces"), col)
    return AddInject(text=text, column=col, **base)  # type: ignore[arg-type]


def _simple(cls: type[Command]) -> Callable[[_Cursor, dict[str, object]], Command]:
    def parse(cur: _Cursor, base: dict[str, object]) -> Command:
        cur.done()
        return cls(**base)  # type: ignore[arg-type]

    return parse


def _help(cur: _Cursor, base: dict[str, object]) -> Command:
    tok = cur.take()
    topic = None
    if tok is not None:
        topic = _ALIASES.get(tok[0].lower(), tok[0].lower())
        if topic not in USAGE:
            hint = _did_you_mean(topic, WORDS)
            raise CommandError(said("parse.no_command", text=tok[0], hint=hint), tok[1])
    cur.done()
    return Help(topic=topic, **base)  # type: ignore[arg-type]


_PARSERS: dict[str, Callable[..., Command]] = {
    "pause": _simple(Pause),
    "resume": _simple(Resume),
    "next": _simple(Next),
    "end": _simple(End),
    "speed": _speed,
    "goto": lambda c, b: Goto(time=_time_arg(c, "scenario_time"), **b),
    "fire": lambda c, b: Fire(inject=_id_then_done(c, "inject_id"), **b),
    "skip": lambda c, b: Skip(inject=c.need_id("inject_id"), reason=c.rest(), **b),
    "delay": lambda c, b: Delay(
        inject=c.need_id("inject_id"), by=_time_arg(c, "duration", duration=True), **b
    ),
    "inject": _inject,
    "mobilise": lambda c, b: Mobilise(reason=c.rest(), **b),
    "answer": lambda c, b: Answer(
        inject=c.need_id("inject_id"), text=c.rest(required="answer_text"), **b
    ),
    "note": lambda c, b: Note(text=c.rest(required="text"), **b),
    "help": _help,
}


def _id_then_done(cur: _Cursor, what: str) -> str:
    value = cur.need_id(what)
    cur.done()
    return value


def _did_you_mean(word: str, known: Sequence[str]) -> Said | str:
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return said("parse.did_you_mean", word=close[0]) if close else ""


def parse_command(line: str, *, capabilities: Collection[str] | None = None) -> Command | None:
    """One line as a command, None for a blank or comment line; ``CommandError`` otherwise.

    ``capabilities`` (the exercise's capability ids) lets ``decide`` tell a capability from the
    first word of a reason, and ``reallocate N CAPABILITY`` check the capability; without it,
    a capability is a word in upper case.
    """
    text = line.rstrip("\r\n")
    stripped = text.strip()
    if not stripped or stripped.startswith("#"):
        return None
    if len(text) > MAX_COMMAND_CHARS:
        too_long = said("parse.too_long", n=len(text), limit=MAX_COMMAND_CHARS)
        raise CommandError(too_long, MAX_COMMAND_CHARS + 1)
    pos = len(text) - len(text.lstrip())
    at: float | None = None
    if text[pos] == "@":
        m = _D_PLUS_AT.match(text, pos)
        if m is None:
            m = re.compile(r"@(\S*)").match(text, pos)
        assert m is not None
        if not m[1]:
            raise CommandError(said("parse.at_needs_time"), pos + 1)
        try:
            at = parse_scenario_time(m[1])
        except ValueError as exc:
            raise CommandError(str(exc), pos + 2) from None
        pos = m.end()
    cur = _Cursor(text, pos, "")
    tok = cur.take()
    if tok is None:
        raise CommandError(said("parse.time_needs_command"), len(text) + 1)
    raw, col = tok
    word = _ALIASES.get(raw.lower(), raw.lower())
    if word not in USAGE:
        hint = _did_you_mean(word, WORDS)
        raise CommandError(said("parse.unknown_command", text=raw, hint=hint), col)
    cur.word = word
    base: dict[str, object] = {"at": at, "line": text}
    if word == "decide":
        return _decide(cur, base, capabilities)
    if word == "reallocate":
        return _reallocate(cur, base, capabilities)
    return _PARSERS[word](cur, base)


def parse_script(
    text: str, *, capabilities: Collection[str] | None = None
) -> list[tuple[int, Command]]:
    """Every command of a script with its 1-based line number; the first bad line raises
    ``CommandError`` with its ``line_number`` set."""
    out: list[tuple[int, Command]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            cmd = parse_command(line, capabilities=capabilities)
        except CommandError as exc:
            raise CommandError(exc.message, exc.column, number) from None
        if cmd is not None:
            out.append((number, cmd))
    return out
