"""The live session's commands as values: what a parsed line asks for, and its words.

``sim.runs.commands`` turns text into these; the live session (``sim.runs.live``), the console and
the browser pages to come act on them, so every front end shares one command set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

__all__ = [
    "ACTIONS",
    "USAGE",
    "WORDS",
    "AddInject",
    "Answer",
    "Command",
    "CommandError",
    "Decide",
    "Delay",
    "End",
    "Fire",
    "Goto",
    "Help",
    "Mobilise",
    "Next",
    "Note",
    "Pause",
    "Reallocate",
    "Resume",
    "Skip",
    "Speed",
]

ACTIONS: tuple[str, ...] = ("approve", "partial", "substitute", "queue", "deny")

USAGE: dict[str, str] = {
    "pause": "pause",
    "resume": "resume",
    "speed": "speed X",
    "goto": "goto TIME",
    "next": "next",
    "fire": "fire INJECT",
    "skip": "skip INJECT [reason]",
    "delay": "delay INJECT DURATION",
    "inject": "inject {flow-style YAML of one inject}",
    "decide": "decide REQUEST approve|partial|substitute|queue|deny [CAPABILITY] [UNITS] [reason]",
    "reallocate": "reallocate UNIT[,UNIT...] to REQUEST | reallocate N CAPABILITY from CRISIS|REQUEST "
    "to REQUEST",
    "mobilise": "mobilise [reason]",
    "answer": "answer INJECT text",
    "note": "note text",
    "end": "end",
    "help": "help [WORD]",
}
WORDS: tuple[str, ...] = tuple(USAGE)


class CommandError(ValueError):
    """A line that is not a command; ``column`` is 1-based in the line as typed."""

    def __init__(self, message: str, column: int, line_number: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.line_number = line_number  # set for scripts: the 1-based line in the file

    def __str__(self) -> str:
        where = f"line {self.line_number}, " if self.line_number is not None else ""
        return f"{where}column {self.column}: {self.message}"


@dataclass(frozen=True, kw_only=True)
class Command:
    """One parsed line: ``at`` is the scenario time (minutes) it applies at, None for now."""

    at: float | None
    line: str
    word: ClassVar[str] = ""


@dataclass(frozen=True, kw_only=True)
class Pause(Command):
    word: ClassVar[str] = "pause"


@dataclass(frozen=True, kw_only=True)
class Resume(Command):
    word: ClassVar[str] = "resume"


@dataclass(frozen=True, kw_only=True)
class Speed(Command):
    factor: float  # scenario minutes per wall minute
    word: ClassVar[str] = "speed"


@dataclass(frozen=True, kw_only=True)
class Goto(Command):
    time: float  # scenario minutes
    word: ClassVar[str] = "goto"


@dataclass(frozen=True, kw_only=True)
class Next(Command):
    word: ClassVar[str] = "next"


@dataclass(frozen=True, kw_only=True)
class Fire(Command):
    inject: str
    word: ClassVar[str] = "fire"


@dataclass(frozen=True, kw_only=True)
class Skip(Command):
    inject: str
    reason: str = ""
    word: ClassVar[str] = "skip"


@dataclass(frozen=True, kw_only=True)
class Delay(Command):
    inject: str
    by: float  # minutes
    word: ClassVar[str] = "delay"


@dataclass(frozen=True, kw_only=True)
class AddInject(Command):
    """An ad-hoc inject; ``text`` is validated by ``sim.exercise.adhoc.parse_adhoc_inject``
    (pass ``offset=column - 1`` so its errors name columns of the whole line)."""

    text: str
    column: int  # 1-based column of ``text`` in ``line``
    word: ClassVar[str] = "inject"


@dataclass(frozen=True, kw_only=True)
class Decide(Command):
    request: str
    action: str  # one of ACTIONS
    capability: str | None = None
    units: int | None = None
    reason: str = ""
    word: ClassVar[str] = "decide"


@dataclass(frozen=True, kw_only=True)
class Reallocate(Command):
    """Named ``units``, or ``count`` units of ``capability`` taken from ``source`` (a crisis or
    a request id), moved to ``request``."""

    request: str
    units: tuple[str, ...] = ()
    count: int | None = None
    capability: str | None = None
    source: str | None = None
    word: ClassVar[str] = "reallocate"


@dataclass(frozen=True, kw_only=True)
class Mobilise(Command):
    reason: str = ""
    word: ClassVar[str] = "mobilise"


@dataclass(frozen=True, kw_only=True)
class Answer(Command):
    inject: str
    text: str
    word: ClassVar[str] = "answer"


@dataclass(frozen=True, kw_only=True)
class Note(Command):
    text: str
    word: ClassVar[str] = "note"


@dataclass(frozen=True, kw_only=True)
class End(Command):
    word: ClassVar[str] = "end"


@dataclass(frozen=True, kw_only=True)
class Help(Command):
    topic: str | None = None
    word: ClassVar[str] = "help"
