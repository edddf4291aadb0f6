"""The debrief of a live session, written at ENDEX beside the console.

Writing the KPI tables, the timeline and the report takes a few seconds; written on the
console's own thread it froze the screen at ENDEX with no word of why. A thread of its own
writes it while the console goes on showing the session (finished: nothing changes it any
more, and the figures are drawn on matplotlib ``Figure`` objects, not pyplot's shared state)
and says in the session log when it is done.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sim.runs.said import said

__all__ = ["DebriefWriter"]


class DebriefWriter:
    """``start`` is a ``LiveSession``'s ``on_finish``; ``tell`` says a line in its log."""

    def __init__(self, write: Callable[[], None], path: str) -> None:
        self._write = write
        self._path = path
        self._thread: threading.Thread | None = None
        self.error: str | None = None  # why the debrief was not written, once it failed
        self.tell: Callable[[str, bool], None] = lambda message, ok: None

    def start(self) -> str:
        self._thread = threading.Thread(target=self._run, name="debrief")
        self._thread.start()
        return said("writing_debrief")

    def _run(self) -> None:
        try:
            self._write()
        except Exception as exc:  # said in the log, and by the command after the console
            self.error = f"{type(exc).__name__}: {exc}"
            self.tell(f"debrief: {self.error}", False)
        else:
            self.tell(said("debrief_written", path=self._path), True)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def join(self) -> None:
        """Wait for the debrief (the console was quit while it was being written)."""
        if self._thread is not None:
            self._thread.join()
