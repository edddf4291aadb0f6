"""Layer 2: ``decisions.jsonl``, every choice made in a run, in the order it was made.

The hub's decisions (by a policy or by the players), the players' orders (reallocations,
national mobilisation) and the facilitator's world-changing actions (firing, skipping, delaying
or typing an inject, pausing the clock, ENDEX) are one line each: scenario time ``t``, the time
the question was put (``asked``; null for an order), ``kind``, the stable ``key`` of what was
decided (request, unit or inject id), ``who`` made it, the ``choice`` and the ``options`` on the
table. Canonical JSON like the journal, so the same session gives the same bytes. A session
plays the file back to replay, resume or fork a run exactly, whoever decided. Fields and kinds:
``docs/journal.md``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from sim.journal import LineWriter, canonical

__all__ = [
    "DECISION_KEYS",
    "DECISION_KINDS",
    "DecisionLog",
    "DecisionLogError",
    "check_decision_line",
    "read_decisions",
]

DECISION_KEYS = ("n", "t", "asked", "kind", "key", "who", "choice", "options")
DECISION_KINDS = ("request", "reallocation", "mobilisation", "inject", "clock", "end", "script")


class DecisionLogError(ValueError):
    """A decisions.jsonl line that cannot be read; the message starts with ``FILE:LINE:COL``."""


class DecisionLog(LineWriter):
    """Collects decision lines in memory and, optionally, streams each one as it is made.

    A live session passes ``flush=True``: a line is on disk before the world moves on, so a
    crash loses nothing already decided.
    """

    def __init__(
        self, stream: IO[str] | None = None, *, flush: bool = False, start: int = 0
    ) -> None:
        super().__init__(stream, flush=flush)
        self.lines: list[dict[str, Any]] = []
        self._n = start

    def __call__(
        self,
        t: float,
        kind: str,
        key: str | None,
        who: str,
        choice: dict[str, Any],
        options: Sequence[dict[str, Any]] = (),
        asked: float | None = None,
    ) -> dict[str, Any]:
        self._n += 1
        line = {
            "n": self._n,
            "t": float(t),
            "asked": None if asked is None else float(asked),
            "kind": kind,
            "key": key,
            "who": who,
            "choice": choice,
            "options": list(options),
        }
        self.lines.append(line)
        self._write(line)
        return line

    def __len__(self) -> int:
        return self._n

    def text(self) -> str:
        return "".join(canonical(line) + "\n" for line in self.lines)


def check_decision_line(line: Any, where: str) -> dict[str, Any]:
    """``line`` if it has every field, of the right types; DecisionLogError naming ``where``."""
    if not isinstance(line, dict):
        raise DecisionLogError(f"{where}:1: error: a decision line must be a JSON object")
    missing = [k for k in DECISION_KEYS if k not in line]
    if missing:
        raise DecisionLogError(f"{where}:1: error: missing {', '.join(missing)}")
    extra = sorted(set(line) - set(DECISION_KEYS))
    if extra:
        raise DecisionLogError(f"{where}:1: error: unknown field {extra[0]!r}")
    if line["kind"] not in DECISION_KINDS:
        raise DecisionLogError(
            f"{where}:1: error: kind {line['kind']!r} is not one of {', '.join(DECISION_KINDS)}"
        )
    for key in ("t", "asked"):  # NaN and infinities parse as JSON numbers in Python
        value = line[key]
        if value is None and key == "asked":
            continue
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not math.isfinite(value) or value < 0:
            raise DecisionLogError(f"{where}:1: error: {key} must be a number of minutes >= 0")
    if not isinstance(line["choice"], dict) or not isinstance(line["options"], list):
        raise DecisionLogError(f"{where}:1: error: choice must be an object, options a list")
    if not isinstance(line["who"], str):
        raise DecisionLogError(f"{where}:1: error: who must be a string")
    return line


def read_decisions(path: str | Path) -> list[dict[str, Any]]:
    """Read ``decisions.jsonl``; every line checked, numbered (``n``) as it stands in the file
    and in time order, so a hand edit is refused naming its line."""
    lines: list[dict[str, Any]] = []
    last_t = 0.0
    with open(path, encoding="utf-8") as fh:
        for number, text in enumerate(fh, 1):
            if not text.strip():
                continue
            where = f"{path}:{number}"
            try:
                raw = json.loads(text)
            except json.JSONDecodeError as exc:
                raise DecisionLogError(
                    f"{path}:{number}:{exc.colno}: error: not a JSON line: {exc.msg}"
                ) from None
            line = check_decision_line(raw, where)
            if line["n"] != len(lines) + 1:
                raise DecisionLogError(
                    f"{where}:1: error: line number n={line['n']!r}, expected {len(lines) + 1}"
                )
            if line["t"] < last_t:
                raise DecisionLogError(f"{where}:1: error: t goes back in time")
            last_t = float(line["t"])
            lines.append(line)
    return lines
