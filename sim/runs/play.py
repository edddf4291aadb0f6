"""Starting, scripting and resuming live sessions (``ttx play``).

A new session gets a live run folder (``livefolder.py``) and streams its journal, decisions
and notes into it, flushed line by line. A script is applied line by line; before and after
each line ``script.jsonl`` says so, so that ``--resume RUN_DIR --script FILE`` goes on after
the last line applied. Resuming re-simulates the folder's ``decisions.jsonl`` through the one
session path up to the last scenario time the folder records, then carries on, paused.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.decisionlog import DecisionLogError, read_decisions
from sim.exercise import LoadedExercise, load_exercise_text, parse_override
from sim.fileio import UnreadableFile, read_bytes_limited
from sim.model.deferring import RecordedDecider
from sim.runs import commands as c
from sim.runs.live import LiveSession
from sim.runs.livefolder import LiveFolder
from sim.runs.notes import NoteLog
from sim.runs.said import said, word
from sim.runs.session import Session, SessionError
from sim.runs.single import write_manifest

__all__ = ["PlayError", "Resumed", "new_session", "resume_session", "run_script"]


class PlayError(ValueError):
    """A folder that cannot be resumed, or a script that cannot be read: one line."""


def _open_session(loaded: LoadedExercise, folder: LiveFolder, players: bool, **kw: Any) -> Session:
    return Session(
        loaded.exercise,
        players=players,
        events=folder.stream("events.jsonl"),
        decisions=folder.stream("decisions.jsonl"),
        notes=folder.stream("notes.jsonl"),
        flush=True,
        **kw,
    )


def new_session(
    loaded: LoadedExercise, out: Path, *, players: bool, speed: float, command: list[str]
) -> tuple[LiveFolder, Session]:
    folder = LiveFolder.create(loaded, out, command=command, players=players, speed=speed)
    session = _open_session(loaded, folder, players)
    session.start()
    return folder, session


def run_script(
    live: LiveSession,
    folder: LiveFolder,
    lines: Iterable[str],
    source: str,
    *,
    after: int = 0,
    say: Callable[[str], None],
    err: Callable[[str], None],
) -> int:
    """Apply a script's lines (those numbered above ``after``); returns how many were refused.
    A refused line changes nothing and the session goes on."""
    session = live.session
    refused = 0
    for number, line in enumerate(lines, 1):
        if number <= after:
            continue
        try:
            cmd = c.parse_command(line, capabilities=live.capabilities)
        except c.CommandError as exc:
            err(f"{source}:{number}:{exc.column}: error: {word(exc.message, live.lang)}")
            refused += 1
            continue
        if cmd is None:
            continue
        if live.finished and not isinstance(cmd, c.Help | c.Note):  # said, not dropped
            err(f"{source}:{number}: error: {word(said('ended'), live.lang)}")
            refused += 1
            continue
        folder.script_step(number, len(session.log), len(session.notes), "applying")
        result = live._apply_at(cmd)
        if result.ok:
            say(f"{number}: {result.message}")
        else:
            err(f"{source}:{number}: error: {result.message}")
            refused += 1
        folder.script_step(number, len(session.log), len(session.notes), "applied")
    return refused


def _lines(path: Path) -> list[dict[str, Any]]:
    """The complete JSON lines of a file; a last line cut short by a crash is dropped."""
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    if text and not text.endswith("\n"):
        text = text[: text.rfind("\n") + 1]
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _trim(path: Path) -> None:
    """Cut an unfinished last line (a crash mid-write) off a file."""
    if path.exists():
        data = path.read_bytes()
        if data and not data.endswith(b"\n"):
            path.write_bytes(data[: data.rfind(b"\n") + 1])


@dataclass
class Resumed:
    folder: LiveFolder
    loaded: LoadedExercise
    session: Session
    script_after: int  # script lines up to this one were applied
    speed: float
    history: list[tuple[float, str]]  # (scenario time, line) for the console's session log


def resume_session(run_dir: Path) -> Resumed:
    """Rebuild a live session from its folder to its last recorded scenario time."""
    try:
        folder = LiveFolder.reopen(run_dir)
    except (OSError, ValueError) as exc:
        raise PlayError(f"{run_dir / 'run.json'}: error: cannot read: {exc}") from None
    manifest = folder.manifest
    if manifest.get("status") == "complete":
        raise PlayError(f"{run_dir}: error: this session has ended; nothing to resume")
    if "live" not in manifest:
        raise PlayError(f"{run_dir}: error: not a live session's folder (made by ttx run)")
    overrides = [parse_override(o) for o in manifest.get("overrides", [])]
    text = (run_dir / "exercise.yaml").read_text(encoding="utf-8")
    source = str(run_dir / "exercise.yaml")
    exercise = load_exercise_text(text, source, overrides)
    loaded = LoadedExercise(exercise, text, source, manifest["exercise_sha256"], tuple(overrides))
    for name in ("events.jsonl", "decisions.jsonl", "notes.jsonl", "script.jsonl"):
        _trim(run_dir / name)
    try:
        lines = read_decisions(run_dir / "decisions.jsonl")
    except (DecisionLogError, OSError) as exc:
        raise PlayError(str(exc)) from None
    events = _lines(run_dir / "events.jsonl")
    notes = _lines(run_dir / "notes.jsonl")
    steps = _lines(run_dir / "script.jsonl")
    # the last moment the folder knows of: the world stops before the events due then (they
    # happen once the clock moves on, as in a paused session), so a resume records the moment
    # it took up (``live.resumed_at``): killed again before the clock moved, the next resume
    # starts there, not at the event before
    until = max(
        [0.0, float((manifest.get("live") or {}).get("resumed_at", 0.0))]
        + [float(e["t"]) for e in events[-1:]]
        + [float(d["t"]) for d in lines[-1:]]
        + [float(n["t"]) for n in notes[-1:]]
        + [float(d["choice"]["to"]) for d in lines if d["choice"].get("action") == "jump"]
    )
    players = manifest.get("players") == "hub"
    tmp_events = run_dir / ".events.jsonl.resume"
    tmp_log = run_dir / ".decisions.jsonl.resume"
    with (
        open(tmp_events, "w", encoding="utf-8", newline="\n") as ev,
        open(tmp_log, "w", encoding="utf-8", newline="\n") as log,
    ):
        session = Session(
            exercise,
            seed=manifest.get("seed"),
            players=players,
            recorded=lines,
            events=ev,
            decisions=log,
        )
        try:
            replies = session.play_recorded(upto=until)
            session.advance(until)
        except SessionError as exc:
            where = f":{exc.line}" if exc.line else ""
            raise PlayError(f"{run_dir / 'decisions.jsonl'}{where}: error: {exc}") from None
    if isinstance(session.decider, RecordedDecider):
        session.decider.live_from = until  # the policy decides from here on
    os.replace(tmp_events, run_dir / "events.jsonl")
    os.replace(tmp_log, run_dir / "decisions.jsonl")
    folder.manifest.setdefault("live", {})["resumed_at"] = until
    write_manifest(run_dir / "run.json", folder.manifest)
    folder.open("a")
    session.journal.retarget(folder.stream("events.jsonl"), flush=True)
    session.log.retarget(folder.stream("decisions.jsonl"), flush=True)
    session.notes = NoteLog(folder.stream("notes.jsonl"), flush=True, lines=notes)
    after = _script_after(steps, len(lines), len(notes))
    speeds = [d["choice"]["speed"] for d in lines if d["choice"].get("action") == "speed"]
    speed = float(speeds[-1]) if speeds else float(manifest["live"].get("speed", 1.0))
    return Resumed(folder, loaded, session, after, speed, _history(replies, notes, until))


def _history(
    replies: list[tuple[float, str]], notes: list[dict[str, Any]], until: float
) -> list[tuple[float, str]]:
    """The session log as it stood: each recorded line's reply and each note, by time, and
    where the session was taken up (the log of the console that was closed is gone)."""
    noted: list[tuple[float, str]] = [
        (
            float(n["t"]),
            said("recalled_answer", id=n["inject"], text=n["text"])
            if n.get("inject")
            else said("recalled_note", text=n["text"]),
        )
        for n in notes
    ]
    # by time; at the same scenario time the recorded lines come before the notes (the two
    # files keep no common order, so "note, then speed" at one minute reads "speed, note")
    lines = sorted(replies + noted, key=lambda tl: tl[0])
    taken_up = said("resumed_from", decisions=len(replies), notes=len(notes))
    return [*lines, (until, taken_up)]


def _script_after(steps: list[dict[str, Any]], decisions: int, notes: int) -> int:
    """The last script line applied: one still "applying" at the crash counts if it left a
    line in the logs (every applied command writes one), else it is applied again."""
    if not steps:
        return 0
    last = steps[-1]
    if last.get("state") == "applied":
        return int(last["line"])
    done = decisions > last["decisions"] or notes > last["notes"]
    return int(last["line"]) if done else int(last["line"]) - 1


MAX_SCRIPT_BYTES = 2 * 1024 * 1024  # as an exercise file (docs/limits.md)


def script_text(path: str) -> list[str]:
    """A script's lines: a regular UTF-8 file of at most MAX_SCRIPT_BYTES, checked before it
    is read (``--script /dev/zero`` filled the memory)."""
    try:
        raw = read_bytes_limited(path, MAX_SCRIPT_BYTES)
    except UnreadableFile as exc:
        raise PlayError(f"{path}: error: {exc.reason}") from None
    try:
        return raw.decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise PlayError(f"{path}: error: not UTF-8 (byte {exc.start + 1})") from None
