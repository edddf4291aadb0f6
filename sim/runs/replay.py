"""Replay: re-simulate a run from its folder alone and check it is byte for byte the same.

The folder's ``exercise.yaml``, the overrides and seed in ``run.json`` and its
``decisions.jsonl`` are played again through the one session path: the policy's lines answer
the hub, the people's lines are applied at their recorded times. The new journal must equal
``events.jsonl`` and the new decision log ``decisions.jsonl``. The first difference is
reported with the decision line applied last before it; a recorded decision that no longer
fits stops the replay naming its line. Folders from before ``decisions.jsonl`` replay with the
recorded policy.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.decisionlog import DecisionLog, DecisionLogError, read_decisions
from sim.exercise import load_exercise_text, parse_override
from sim.journal import Journal, canonical
from sim.rundir import RunFolderError
from sim.runs.fingerprint import model_fingerprint
from sim.runs.session import Session, SessionError
from sim.runs.versions import package_versions

__all__ = ["ReplayResult", "RunFolderError", "replay"]


@dataclass
class ReplayResult:
    identical: bool
    events: int
    first_difference: int | None = None  # 1-based line number in events.jsonl
    expected: str | None = None
    got: str | None = None
    changed: list[str] | None = None  # what differs from the run's making (when it differs)
    file: str = "events.jsonl"  # the file that differs
    decision_line: int | None = None  # decisions.jsonl line applied last before the difference
    error: str | None = None  # a recorded decision that does not fit (names decision_line)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RunFolderError(
            f"{path}: error: missing; is this a run folder (results/<exercise>/<run>)?"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RunFolderError(f"{path}: error: cannot read: {exc}") from None


class _Watch:
    """A recorder that writes the journal and notes where it first departs from the record,
    and which decision line had been written by then."""

    def __init__(self, journal: Journal, recorded: list[str]) -> None:
        self.journal = journal
        self.recorded = recorded
        self.log: DecisionLog | None = None
        self.first: tuple[int, int] | None = None  # (events line, decisions written)

    def __call__(self, kind: str, t: float, **fields: Any) -> None:
        self.journal(kind, t, **fields)
        if self.first is None:
            i = len(self.journal)
            line = canonical(self.journal.events[-1])
            if i > len(self.recorded) or self.recorded[i - 1] != line:
                self.first = (i, len(self.log) if self.log is not None else 0)
            self.journal.events.clear()  # only the newest is needed

    def __len__(self) -> int:
        return len(self.journal)


def replay(run_dir: Path) -> ReplayResult:
    manifest_text = _read(run_dir / "run.json")
    try:
        manifest = json.loads(manifest_text)
        overrides = [parse_override(o) for o in manifest.get("overrides", [])]
        seed = manifest.get("seed")
    except (json.JSONDecodeError, AttributeError, TypeError) as exc:
        raise RunFolderError(f"{run_dir / 'run.json'}: error: not a run manifest: {exc}") from None
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise RunFolderError(f"{run_dir / 'run.json'}: error: seed must be a whole number >= 0")
    source = str(run_dir / "exercise.yaml")
    text = _read(run_dir / "exercise.yaml")
    exercise = load_exercise_text(text, source, overrides)
    recorded = _read(run_dir / "events.jsonl")
    decisions_path = run_dir / "decisions.jsonl"
    if not decisions_path.exists():  # every run writes one: replaying without it proves nothing
        raise RunFolderError(f"{decisions_path}: error: missing (every run folder has one)")
    try:
        lines = read_decisions(decisions_path)
    except DecisionLogError as exc:
        raise RunFolderError(str(exc)) from None
    except OSError as exc:
        raise RunFolderError(f"{decisions_path}: error: cannot read: {exc}") from None
    buffer, dbuffer = io.StringIO(), io.StringIO()
    watch = _Watch(Journal(buffer), recorded.splitlines())
    session = Session(
        exercise,
        seed=seed if isinstance(seed, int) else None,
        players=manifest.get("players") == "hub",
        recorded=lines,
        record=watch,
        decisions=dbuffer,
    )
    watch.log = session.log
    changed = _changed_since(manifest, text)
    try:
        session.play_recorded()
        session.finish()
    except SessionError as exc:
        return ReplayResult(
            False, len(watch), changed=changed, file="decisions.jsonl",
            decision_line=exc.line, error=str(exc),
        )  # fmt: skip
    fresh = buffer.getvalue()
    if fresh != recorded:
        return _difference(recorded, fresh, changed, watch.first)
    if dbuffer.getvalue() != _read(decisions_path):
        result = _difference(_read(decisions_path), dbuffer.getvalue(), changed, None)
        result.file = "decisions.jsonl"
        return result
    if any(c.startswith("exercise.yaml") for c in changed):  # same journal, other input
        return ReplayResult(False, fresh.count("\n"), changed=changed, file="exercise.yaml")
    return ReplayResult(True, fresh.count("\n"), changed=changed)


def _difference(
    recorded: str, fresh: str, changed: list[str], first: tuple[int, int] | None
) -> ReplayResult:
    old_lines, new_lines = recorded.splitlines(), fresh.splitlines()
    decision = first[1] if first is not None and first[1] > 0 else None
    for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=False), 1):
        if a != b:
            return ReplayResult(False, len(new_lines), i, a, b, changed, decision_line=decision)
    i = min(len(old_lines), len(new_lines)) + 1
    return ReplayResult(
        False,
        len(new_lines),
        i,
        old_lines[i - 1] if i <= len(old_lines) else "<end of file>",
        new_lines[i - 1] if i <= len(new_lines) else "<end of journal>",
        changed,
        decision_line=decision,
    )


def _changed_since(manifest: dict[str, object], text: str) -> list[str]:
    """What the journal depends on that is not what made the run: the input, the model,
    SimPy, NumPy."""
    import hashlib

    changed = []
    recorded_hash = manifest.get("input_sha256")  # of exercise.yaml as the folder holds it
    if isinstance(recorded_hash, str):
        now = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if now != recorded_hash:
            changed.append("exercise.yaml, edited since the run (its SHA-256 differs)")
    recorded = manifest.get("model")
    if not isinstance(recorded, str):
        return [*changed, "the run does not record which model made it (run.json has no 'model')"]
    if recorded != model_fingerprint():
        changed.append(f"model {recorded} (now {model_fingerprint()})")
    versions = manifest.get("versions")
    now_versions = package_versions()
    for pkg in ("simpy", "numpy"):
        then = versions.get(pkg) if isinstance(versions, dict) else None
        if then is not None and then != now_versions.get(pkg):
            changed.append(f"{pkg} {then} (now {now_versions.get(pkg)})")
    return changed
