"""Results folders: ``<out>/<exercise-id>/<run-id>/``, never overwritten, never half-written.

A run is written into a hidden temporary folder beside its final place and renamed when it is
complete, so an interrupted run leaves no folder that looks finished, and a second run with the
same seed gets a new id (``…-2``) instead of replacing the first.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["RunFolder", "clean_abandoned", "new_run_id"]


def new_run_id(seed: int, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-s{seed}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_abandoned(parent: Path) -> list[str]:
    """Remove hidden partial folders left by runs that were killed (their process is gone)."""
    removed = []
    for entry in parent.glob(".*.partial-*"):
        pid = entry.name.rsplit("-", 1)[-1]
        if entry.is_dir() and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry.name)
    return removed


class RunFolder:
    """A run folder being written; ``commit()`` moves it into place under a free name."""

    def __init__(self, out: Path, exercise_id: str, run_id: str) -> None:
        self.parent = out / exercise_id
        self.run_id = run_id
        self.parent.mkdir(parents=True, exist_ok=True)
        self.removed = clean_abandoned(self.parent)
        self.tmp = self.parent / f".{run_id}.partial-{os.getpid()}"
        if self.tmp.exists():
            shutil.rmtree(self.tmp)
        self.tmp.mkdir()
        self.final: Path | None = None
        self.name = self._free_name()  # as it will most likely be called (for the report)

    def _free_name(self) -> str:
        n = 1
        while (self.parent / self._name(n)).exists():
            n += 1
        return self._name(n)

    def _name(self, n: int) -> str:
        return self.run_id if n == 1 else f"{self.run_id}-{n}"

    def path(self, name: str) -> Path:
        return (self.final or self.tmp) / name

    def commit(self) -> Path:
        """Rename into place; on a name clash take the next free suffix.

        ``mkdir`` reserves the name atomically (it fails if another run has it); the rename
        then replaces our own empty placeholder.
        """
        n = 1
        while True:
            target = self.parent / self._name(n)
            try:
                target.mkdir()
            except FileExistsError:
                n += 1
                continue
            os.rename(self.tmp, target)
            self.final = target
            return target

    def abandon(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)
