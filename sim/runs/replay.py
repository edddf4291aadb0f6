"""Replay: re-simulate a run from its folder and check the journal is byte-identical.

The folder's ``exercise.yaml`` and the overrides and seed in ``run.json`` are played again (live
sessions will add their recorded ``decisions.jsonl``); the new journal must equal
``events.jsonl`` byte for byte. The first differing event is reported.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

from sim.exercise import load_exercise_text, parse_override
from sim.journal import Journal
from sim.model import simulate
from sim.runs.fingerprint import model_fingerprint
from sim.runs.single import package_versions

__all__ = ["ReplayResult", "RunFolderError", "replay"]


class RunFolderError(Exception):
    """The folder is not a complete run folder (missing or unreadable files)."""


@dataclass
class ReplayResult:
    identical: bool
    events: int
    first_difference: int | None = None  # 1-based line number in events.jsonl
    expected: str | None = None
    got: str | None = None
    changed: list[str] | None = None  # what differs from the run's making (when it differs)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RunFolderError(
            f"{path}: error: missing; is this a run folder (results/<exercise>/<run>)?"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RunFolderError(f"{path}: error: cannot read: {exc}") from None


def replay(run_dir: Path) -> ReplayResult:
    manifest_text = _read(run_dir / "run.json")
    try:
        manifest = json.loads(manifest_text)
        overrides = [parse_override(o) for o in manifest.get("overrides", [])]
    except (json.JSONDecodeError, AttributeError, TypeError) as exc:
        raise RunFolderError(f"{run_dir / 'run.json'}: error: not a run manifest: {exc}") from None
    source = str(run_dir / "exercise.yaml")
    exercise = load_exercise_text(_read(run_dir / "exercise.yaml"), source, overrides)
    recorded = _read(run_dir / "events.jsonl")
    buffer = io.StringIO()
    simulate(exercise, Journal(buffer, keep=False))
    fresh = buffer.getvalue()
    if fresh == recorded:
        return ReplayResult(True, fresh.count("\n"))
    old_lines, new_lines = recorded.splitlines(), fresh.splitlines()
    changed = _changed_since(manifest)
    for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=False), 1):
        if a != b:
            return ReplayResult(False, len(new_lines), i, a, b, changed)
    i = min(len(old_lines), len(new_lines)) + 1
    return ReplayResult(
        False,
        len(new_lines),
        i,
        old_lines[i - 1] if i <= len(old_lines) else "<end of file>",
        new_lines[i - 1] if i <= len(new_lines) else "<end of journal>",
        changed,
    )


def _changed_since(manifest: dict[str, object]) -> list[str]:
    """What the journal depends on that is not what made the run: the model, SimPy, NumPy."""
    recorded = manifest.get("model")
    if not isinstance(recorded, str):
        return ["the run does not record which model made it (run.json has no 'model')"]
    changed = []
    if recorded != model_fingerprint():
        changed.append(f"model {recorded} (now {model_fingerprint()})")
    versions = manifest.get("versions")
    now = package_versions()
    for pkg in ("simpy", "numpy"):
        then = versions.get(pkg) if isinstance(versions, dict) else None
        if then is not None and then != now.get(pkg):
            changed.append(f"{pkg} {then} (now {now.get(pkg)})")
    return changed
