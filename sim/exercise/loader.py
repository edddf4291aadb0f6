"""Exercise file → immutable ``Exercise``, or every error with ``file:line:col``.

Steps: read bytes safely → parse YAML with marks → apply ``--set`` overrides → merge the
standard reference data (override / add / remove) → pydantic (strict) → semantic checks.
Errors from all stages use the same mark table, so a planner sees where to fix each one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.exercise.base import ID_PATTERN as _ID_PATTERN
from sim.exercise.errors import ExerciseFileError, Issue, Location
from sim.exercise.models import Exercise
from sim.exercise.overrides import Override, apply_overrides
from sim.exercise.reference import standard_reference
from sim.exercise.semantic import check_semantics
from sim.exercise.unionerrors import Split, model_tag, pick_union_branches
from sim.exercise.yamlsafe import (
    MAX_BYTES,
    Marks,
    decode,
    is_yaml_bool_word,
    parse_yaml,
    path_str,
)
from sim.fileio import UnreadableFile, read_bytes_limited

__all__ = ["LoadedExercise", "load_exercise", "load_exercise_text", "read_exercise_bytes"]

_REFERENCE_SECTIONS = ("regions", "capabilities", "ladders", "tags", "places")


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
    raw = read_exercise_bytes(path)
    text = decode(raw, source)
    exercise = load_exercise_text(text, source, overrides)
    return LoadedExercise(
        exercise, text, source, hashlib.sha256(raw).hexdigest(), tuple(overrides or ())
    )


def read_exercise_bytes(path: str | Path) -> bytes:
    """The bytes of an exercise file: a regular file of at most MAX_BYTES, checked before it
    is read (a folder, FIFO or device is refused at once, a huge file from its size)."""
    try:
        return read_bytes_limited(path, MAX_BYTES)
    except UnreadableFile as exc:
        folder = exc.reason.startswith("is a folder")
        reason = "is a folder, not an exercise file" if folder else exc.reason
        where = Location(str(path), 1, 1) if exc.too_large else Location(str(path))
        raise ExerciseFileError([Issue(where, "", reason)]) from None


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
        issues.extend(_map_validation_errors(exc, marks, merged))
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
    for section in ("generic_pool", "geography"):  # one record each: the file's keys win
        patch = data.get(section)
        if use_standard and section not in data:
            merged[section] = base.get(section)
        elif use_standard and isinstance(patch, dict) and isinstance(base.get(section), dict):
            merged[section] = _deep_merge(base[section], patch)
    removal = data.get("remove")
    if isinstance(removal, dict):
        for section in ("regions", "capabilities"):
            names = removal.get(section) or []
            if not isinstance(names, list):
                continue
            what = {"regions": "region", "capabilities": "capability"}[section]
            for i, name in enumerate(names):
                if not isinstance(name, str | int) or isinstance(name, bool):
                    continue  # pydantic reports the type error at the right place
                found = merged.get(section)
                if isinstance(found, dict) and name in found:
                    del found[name]
                else:
                    from sim.exercise.semantic import did_you_mean

                    known = found.keys() if isinstance(found, dict) else []
                    issues.append(
                        Issue(
                            marks.value(("remove", section, i)),
                            path_str(("remove", section, i)),
                            f"unknown {what} {name!r}{did_you_mean(str(name), known)}",
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


_ID_HINT = "an id holds only letters, digits, '_', '.' and '-', and starts with a letter or digit"


def _map_validation_errors(exc: ValidationError, marks: Marks, data: dict[str, Any]) -> list[Issue]:
    issues = []
    errors = pick_union_branches(
        [dict(e) for e in exc.errors(include_url=False)], lambda raw: _union_split(raw, data)
    )
    for err in errors:
        raw_loc = tuple(err["loc"])
        loc = _clean_loc(raw_loc, data)
        kind = err["type"]
        value = err.get("input")
        msg = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if kind == "extra_forbidden":
            where = marks.key(loc)
            msg = f"unknown key {loc[-1]!r}{_suggest_field(loc)}"
        elif kind == "missing":
            where = marks.key(loc[:-1]) if loc[:-1] else marks.value(())
            msg = f"missing required field {loc[-1]!r}"
        else:
            where = marks.key(loc) if "[key]" in raw_loc else marks.value(loc)
            raw = marks.raw.get(loc) if "[key]" not in raw_loc else None
            msg = _explain(kind, msg, value, err.get("ctx") or {}, raw)
            if isinstance(value, bool) and is_yaml_bool_word(raw):
                msg += f" (YAML 1.1 reads an unquoted {raw} as a boolean; quote it: '{raw}')"
            elif "unitless" in msg or "quote it" in msg:
                pass
            elif raw is not None and ":" in raw and isinstance(value, int):
                msg += f" (YAML 1.1 read the unquoted {raw} as the number {value}; quote it)"
        issues.append(Issue(where, path_str(loc), msg))
    return issues


def _explain(kind: str, msg: str, value: Any, ctx: dict[str, Any], raw: str | None) -> str:
    """Say pydantic's complaints in the words of a YAML file, with a hint where one helps."""
    from sim.exercise.semantic import did_you_mean

    if kind == "string_pattern_mismatch" and ctx.get("pattern") == _ID_PATTERN:
        return f"{value!r} is not a valid id: {_ID_HINT}"
    if kind in {"model_type", "dict_type"}:
        return f"expected a mapping (key: value pairs), got {_described(value)}"
    if kind == "list_type":
        hint = f"; write [{value}] for a list of one" if isinstance(value, str | int) else ""
        return f"expected a list, got {_described(value)}{hint}"
    if (
        kind == "string_type"
        and isinstance(value, int | float | date)
        and not isinstance(value, bool)
    ):
        return f"expected text, got {_described(value)}; quote it: '{raw or value}'"
    if kind == "int_type" and isinstance(value, float):
        return f"{msg}, got the number {value!r}"
    if kind in {"int_type", "float_type"} and isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return f"{msg}, got the text {value!r}"
        return f"{msg}, got the text {value!r}; write the number without quotes"
    if kind == "datetime_type":
        return (
            f"expected a calendar date and time, got {_described(value)}; write it without "
            "quotes, e.g. 2026-04-20T12:45:00+02:00"
        )
    if kind == "literal_error" and isinstance(value, str):
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = did_you_mean(value, options)
        if hint.startswith("; did you mean"):
            return f"{value!r} is not one of the allowed values{hint}"
    return msg


def _described(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, date):
        return f"the {_kind(value)} {value.isoformat()}"
    return f"the {_kind(value)} {value!r}"


def _union_split(loc: tuple[Any, ...], data: Any) -> Split:
    """(data path before the first union-member tag, that tag, the value there, the whole
    data path) of a pydantic location; the tag is None when there is none."""
    path = _clean_loc(loc, data)
    out: list[Any] = []
    node = data
    for i, part in enumerate(loc):
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            out.append(part)
            node = node[part]
        elif isinstance(part, str) and (
            _is_pydantic_tag(part) or model_tag(part, node, loc[i + 1 :])
        ):
            return tuple(out), part, node, path
        else:
            break
    return path, None, None, path


def _clean_loc(loc: tuple[Any, ...], data: Any) -> tuple[Any, ...]:
    """A pydantic location as a data path: drop its union and validator tags.

    Pydantic inserts tags such as ``function-before[...]``, ``constrained-str``, ``int`` and
    ``literal['any']`` for union members, and ``[key]`` for a dict key. A part is kept when it
    is a key or index of the data at that point (a user's key may look like a tag), or when it
    is not a tag (a missing field).
    """
    out: list[Any] = []
    node = data
    for i, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
            continue
        if (
            isinstance(node, list)
            and isinstance(part, int)
            and not isinstance(part, bool)
            and 0 <= part < len(node)
        ):
            out.append(part)
            node = node[part]
            continue
        if isinstance(part, str) and (
            _is_pydantic_tag(part) or model_tag(part, node, loc[i + 1 :])
        ):
            continue
        out.append(part)
        node = None
    return tuple(out)


def _is_pydantic_tag(part: str) -> bool:
    return (
        "[" in part
        or part in {"str", "int", "float", "bool", "none", "constrained-str", "constrained-int"}
        or part.startswith(("function-", "literal[", "union[", "constrained-", "lax-", "json-"))
    )


def _suggest_field(loc: tuple[Any, ...]) -> str:
    from sim.exercise.schema_fields import field_names_at
    from sim.exercise.semantic import did_you_mean

    names = field_names_at(loc[:-1])
    return did_you_mean(str(loc[-1]), names) if names else ""
