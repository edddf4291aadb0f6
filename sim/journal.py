"""Layer 2: the journal, an append-only log of everything that happens in a run.

Every record has the same key set (``KEYS``), ``t`` as float minutes since STARTEX, a monotonic
``seq`` and no wall-clock time, and is written as canonical JSON (sorted keys, compact
separators). Same exercise + same seed therefore gives a byte-identical ``events.jsonl``.
The model only sees the small ``Recorder`` interface, so a test can record to memory and a
run can stream to disk. Event kinds and their fields: ``docs/journal.md``.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import MethodType
from typing import IO, Any, Protocol

__all__ = [
    "EVENT_KINDS",
    "KEYS",
    "REQUEST_OUTCOMES",
    "Journal",
    "LineWriter",
    "Recorder",
    "bound",
    "canonical",
    "read_events",
]

KEYS: tuple[str, ...] = (
    "seq",
    "t",
    "kind",
    "state",
    "crisis",
    "region",
    "request",
    "unit",
    "capability",
    "inject",
    "level",
    "qty",
    "value",
    "detail",
)

EVENT_KINDS: tuple[str, ...] = (
    "run_start",
    "run_end",
    "inject",
    "crisis",
    "region",
    "team",
    "demand",
    "request",
    "decision",
    "unit",
    "reallocation",
    "queue",
    "capacity",
    "mt1",
    "hub",
    "mobilisation",
    "clock",
)


REQUEST_OUTCOMES: tuple[str, ...] = (
    "served",
    "partly_served",
    "substituted",
    "denied",
    "withdrawn",
    "stood_down",
    "open",
)
"""How a request ends (``request`` ``closed`` ``detail.outcome``), plus ``open`` at ENDEX."""


_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def canonical(record: dict[str, Any]) -> str:
    """One canonical JSON line (no newline).

    NOTE: one shared encoder: ``json.dumps`` with these options builds a new one on every call.
    """
    return _ENCODER.encode(record)


class LineWriter:
    """Canonical JSON lines to an optional stream, each flushed when ``flush`` is set (live
    sessions: a line is on disk before the world moves on). The journal, the decision log and
    the notes all write this way."""

    def __init__(self, stream: IO[str] | None = None, *, flush: bool = False) -> None:
        self._stream = stream
        self._flush = flush

    def _write(self, record: dict[str, Any]) -> None:
        if self._stream is not None:
            self._stream.write(canonical(record) + "\n")
            if self._flush:
                self._stream.flush()

    def retarget(self, stream: IO[str] | None, *, flush: bool) -> None:
        """Go on writing to another stream (a resumed session, once it has caught up)."""
        self._stream = stream
        self._flush = flush


class Recorder(Protocol):
    """What the model needs: call it with the event kind, the time and the fields."""

    def __call__(self, kind: str, t: float, **fields: Any) -> None: ...


def bound(record: Recorder) -> Recorder:
    """``record`` as the cheapest thing to call: an object's bound ``__call__``, else itself.

    Calling an object goes through its type's call slot and costs about twice a call of its
    bound method: some 5,000 instructions more per event with keyword fields (measured with
    callgrind), a few per cent of a run. The world hands its parts the bound method.
    """
    call = getattr(record, "__call__", None)  # noqa: B004 (the bound method itself is wanted)
    return call if isinstance(call, MethodType) else record


class Journal(LineWriter):
    """Collects events in memory and, optionally, streams each line to a file as it happens."""

    def __init__(
        self, stream: IO[str] | None = None, *, keep: bool = True, flush: bool = False
    ) -> None:
        super().__init__(stream, flush=flush)
        self._keep = keep
        self.events: list[dict[str, Any]] = []
        self._seq = 0
        self._last_t = 0.0

    def __call__(
        self,
        kind: str,
        t: float,
        state: Any = None,
        crisis: Any = None,
        region: Any = None,
        request: Any = None,
        unit: Any = None,
        capability: Any = None,
        inject: Any = None,
        level: Any = None,
        qty: Any = None,
        value: Any = None,
        detail: Any = None,
        **unknown: Any,
    ) -> None:
        # NOTE: the fields as named parameters and the record as one dict display, in KEYS
        # order: a call through ``**fields`` built a dict of the keywords, and a copy of a
        # template updated from it another, some 16,000 instructions a record (a sixth of a
        # national run's); named parameters are matched without a dict (test_journal.py checks
        # that these names are KEYS)
        if unknown:  # a field outside KEYS, or the sequence
            raise KeyError(f"unknown journal field {sorted(unknown)[0]!r} for {kind}")
        if t < self._last_t:
            raise ValueError(f"journal time went backwards: {t} < {self._last_t} ({kind})")
        self._last_t = t
        seq = self._seq
        record = {
            "seq": seq,
            "t": float(t),
            "kind": kind,
            "state": state,
            "crisis": crisis,
            "region": region,
            "request": request,
            "unit": unit,
            "capability": capability,
            "inject": inject,
            "level": level,
            "qty": qty,
            "value": value,
            "detail": detail,
        }
        self._seq = seq + 1
        if self._keep:
            self.events.append(record)
        if self._stream is not None:  # NOTE: inlined _write: once per event, on the hot path
            self._stream.write(canonical(record) + "\n")
            if self._flush:
                self._stream.flush()

    def __len__(self) -> int:
        return self._seq

    def text(self) -> str:
        """The journal as ``events.jsonl`` holds it (for tests and replay)."""
        return "".join(canonical(record) + "\n" for record in self.events)


def read_events(path: str | Path) -> list[dict[str, Any]]:
    """Read ``events.jsonl`` back into records (plain dicts with every key)."""
    events = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(
                    f"{path}:{number}:{exc.colno}: error: not a JSON line: {exc.msg}"
                ) from None
    return events
