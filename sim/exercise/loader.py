"""Exercise file → immutable ``Exercise``, or every error with ``file:line:col``.

Steps: read bytes safely → parse YAML with marks → apply ``--set`` overrides → merge the
standard reference data (override / add / remove) → pydantic (strict) → semantic checks.
Errors from all stages use the same mark table, so a planner sees where to fix each one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.exercise.errors import ExerciseFileError, Issue, Location
from sim.exercise.models import Exercise
from sim.exercise.overrides import Override, apply_overrides
from sim.exercise.reference import standard_reference
from sim.exercise.semantic import check_semantics
from sim.exercise.yamlsafe import Marks, decode, is_yaml_bool_word, parse_yaml, path_str

__all__ = ["LoadedExercise", "load_exercise", "load_exercise_text"]

_REFERENCE_SECTIONS = ("regions", "capabilities", "ladders", "tags")


@dataclass(frozen=True)
class LoadedExercise:
    """The exercise plus what a run folder needs to reproduce it."""

    exercise: Exercise
    text: str
    source: str
    sha256: str
    overrides: tuple[Override, ...]


def load_exercise(path: str | Path, overrides: list[Override] | None = None) -> Exercise:
    """Load and validate an exercise file. Raises ExerciseFileError with all issues."""
    return load_exercise_full(path, overrides).exercise


def load_exercise_full(path: str | Path, overrides: list[Override] | None = None) -> LoadedExercise:
    source = str(path)
    p = Path(path)
    try:
        if p.is_dir():
            raise ExerciseFileError(
                [Issue(Location(source), "", "is a folder, not an exercise file")]
            )
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ExerciseFileError([Issue(Location(source), "", "no such file")]) from None
    except OSError as exc:
        raise ExerciseFileError(
            [Issue(Location(source), "", f"cannot read: {exc.strerror}")]
        ) from None
    text = decode(raw, source)
    exercise = load_exercise_text(text, source, overrides)
    return LoadedExercise(
        exercise, text, source, hashlib.sha256(raw).hexdigest(), tuple(overrides or ())
    )


def load_exercise_text(
    text: str, source: str = "<exercise>", overrides: list[Override] | None = None
) -> Exercise:
    """Validate exercise text (as read from ``source``)."""
    parsed = parse_yaml(text, source)
    data, marks = parsed.data, parsed.marks
    if not isinstance(data, dict):
        raise ExerciseFileError(
            [
                Issue(
                    marks.value(()),
                    "",
                    f"an exercise is a mapping of sections, not a {_kind(data)}",
                )
            ]
        )
    if overrides:
        data = apply_overrides(data, marks, list(overrides))
    merged, issues = _merge_reference(data, marks)
    try:
        exercise = Exercise.model_validate(merged)
    except ValidationError as exc:
        issues.extend(_map_validation_errors(exc, marks))
        raise ExerciseFileError(_sorted(issues)) from None
    issues.extend(check_semantics(exercise, marks))
    if issues:
        raise ExerciseFileError(_sorted(issues))
    return exercise


def _sorted(issues: list[Issue]) -> list[Issue]:
    seen: set[str] = set()
    unique = [i for i in issues if not (str(i) in seen or seen.add(str(i)))]  # type: ignore[func-returns-value]
    return sorted(
        unique, key=lambda i: (i.location.source, i.location.line or 0, i.location.col or 0)
    )


def _kind(value: Any) -> str:
    return {list: "list", str: "text", int: "number", float: "number", bool: "boolean"}.get(
        type(value), type(value).__name__
    )


def _merge_reference(data: dict[str, Any], marks: Marks) -> tuple[dict[str, Any], list[Issue]]:
    """Standard data, then the file's entries merged over it by id, then removals."""
    issues: list[Issue] = []
    use_standard = data.get("reference", "standard") == "standard"
    base = standard_reference() if use_standard else {}
    merged = dict(data)
    for section in _REFERENCE_SECTIONS:
        patch = data.get(section)
        table: dict[Any, Any] = dict(base.get(section, {}))
        if patch is None:
            merged[section] = table
            continue
        if not isinstance(patch, dict):
            merged[section] = patch  # pydantic reports the type error at the right place
            continue
        for key, value in patch.items():
            if key in table and isinstance(value, dict) and isinstance(table[key], dict):
                table[key] = _deep_merge(table[key], value)
            else:
                table[key] = value
        merged[section] = table
    if use_standard and "generic_pool" not in data:
        merged["generic_pool"] = base.get("generic_pool")
    removal = data.get("remove")
    if isinstance(removal, dict):
        for section in ("regions", "capabilities"):
            names = removal.get(section) or []
            if not isinstance(names, list):
                continue
            for i, name in enumerate(names):
                table = merged.get(section)
                if isinstance(table, dict) and name in table:
                    del table[name]
                else:
                    from sim.exercise.semantic import did_you_mean

                    known = table.keys() if isinstance(table, dict) else []
                    issues.append(
                        Issue(
                            marks.value(("remove", section, i)),
                            path_str(("remove", section, i)),
                            f"unknown {section[:-1]} {name!r}{did_you_mean(str(name), known)}",
                        )
                    )
    return merged, issues


def _deep_merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in patch.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def _map_validation_errors(exc: ValidationError, marks: Marks) -> list[Issue]:
    issues = []
    for err in exc.errors(include_url=False):
        loc = _clean_loc(tuple(err["loc"]))
        kind = err["type"]
        msg = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if kind == "extra_forbidden":
            where = marks.key(loc)
            msg = f"unknown key {loc[-1]!r}{_suggest_field(loc, exc)}"
        elif kind == "missing":
            where = marks.key(loc[:-1]) if loc[:-1] else marks.value(())
            msg = f"missing required field {loc[-1]!r}"
        else:
            where = marks.value(loc)
            raw = marks.raw.get(loc)
            if isinstance(err.get("input"), bool) and is_yaml_bool_word(raw):
                msg += f" (YAML 1.1 reads an unquoted {raw} as a boolean; quote it: '{raw}')"
            elif "unitless" in msg:
                pass
            elif raw is not None and ":" in raw and isinstance(err.get("input"), int):
                msg += f" (YAML 1.1 read the unquoted {raw} as the number {err['input']}; quote it)"
        issues.append(Issue(where, path_str(loc), msg))
    return issues


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop pydantic's union/function tags ('function-before[...]', 'str', 'int') from a location."""
    out = []
    for part in loc:
        if isinstance(part, str) and (
            "[" in part or part in {"str", "int", "float", "literal['any']", "bool"}
        ):
            continue
        if isinstance(part, str) and part.startswith(("function-", "literal[", "union[")):
            continue
        out.append(part)
    return tuple(out)


def _suggest_field(loc: tuple[Any, ...], exc: ValidationError) -> str:
    from sim.exercise.schema_fields import field_names_at
    from sim.exercise.semantic import did_you_mean

    names = field_names_at(loc[:-1])
    return did_you_mean(str(loc[-1]), names) if names else ""
