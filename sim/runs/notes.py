"""``notes.jsonl``: what people said during a live session, stamped with scenario time.

Observer and facilitator notes, and the players' answers to ``decision_point`` injects. Notes
change nothing in the world, so they stay out of the journal (a replay need not reproduce
them) and the debrief reads them beside it. Canonical JSON lines, flushed as they are made.
"""

from __future__ import annotations

from typing import IO, Any

from sim.journal import LineWriter

__all__ = ["NOTE_KEYS", "NoteLog"]

NOTE_KEYS = ("n", "t", "kind", "inject", "text", "who")


class NoteLog(LineWriter):
    def __init__(
        self,
        stream: IO[str] | None = None,
        *,
        flush: bool = False,
        lines: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(stream, flush=flush)
        self.lines: list[dict[str, Any]] = list(lines or [])  # a resumed session's so far

    def __call__(
        self, t: float, kind: str, text: str, who: str, inject: str | None = None
    ) -> dict[str, Any]:
        line = {
            "n": len(self.lines) + 1,
            "t": float(t),
            "kind": kind,
            "inject": inject,
            "text": text,
            "who": who,
        }
        self.lines.append(line)
        self._write(line)
        return line

    def __len__(self) -> int:
        return len(self.lines)
