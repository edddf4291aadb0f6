"""``--set key=value``: change any value of an exercise by its dotted path before validation.

Paths walk mappings by key and lists by index or by an item's ``id``
(``crises.flood-1.onset=T+06:00``, ``injects.7.time=T+03:00``, ``hub.staff=4``,
``capabilities.FBO_CH47.units=2``). Values are read as YAML, so ``4`` is a number and
``[a, b]`` a list. Errors name the argument.
"""

from __future__ import annotations

import re
from typing import Any

from sim.exercise.errors import ExerciseFileError, Issue, Location
from sim.exercise.yamlsafe import Marks, parse_yaml

__all__ = ["Override", "apply_overrides", "override_path", "parse_override"]

Override = tuple[str, str]

_INT = re.compile(r"-?[0-9]+")  # ASCII digits only: str.isdigit() also accepts '²'


def parse_override(text: str) -> Override:
    """Split ``key=value``; raise ExerciseFileError naming the argument when malformed."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ExerciseFileError(
            [Issue(Location(f"--set {text}"), "", "expected KEY=VALUE, e.g. hub.staff=4")]
        )
    return key.strip(), value


def _step(container: Any, part: str) -> tuple[Any, Any] | None:
    """Resolve one path part in a container: returns (key or index, exists?)."""
    number = int(part) if _INT.fullmatch(part) else None
    if isinstance(container, dict):
        if part in container:
            return part, True
        if number is not None and number in container:
            return number, True
        return (number if number is not None and number >= 0 else part), False
    if isinstance(container, list):
        for i, item in enumerate(container):
            if isinstance(item, dict) and str(item.get("id")) == part:
                return i, True
        if number is not None and 0 <= number < len(container):
            return number, True
        return None
    return None


def override_path(data: Any, key: str) -> tuple[Any, ...]:
    """The value ``key`` names in the parsed file data, as keys and list indices: an item's id
    and its index give the same path (``crises.peel.onset`` and ``crises.0.onset``), so two
    spellings of one value compare equal. Parts past what the file has are kept as written."""
    node: Any = data
    path: list[Any] = []
    for part in key.split("."):
        step = _step(node, part) if node is not None else None
        if step is None:
            path.append(part)
            node = None
            continue
        k, exists = step
        path.append(k)
        node = node[k] if exists else None
    return tuple(path)


def apply_overrides(data: Any, marks: Marks, overrides: list[Override]) -> Any:
    """Apply overrides in order to the parsed file data; their marks name the argument."""
    issues: list[Issue] = []
    if not isinstance(data, dict):
        return data
    for key, raw_value in overrides:
        source = f"--set {key}={raw_value}"
        try:
            parsed = parse_yaml(raw_value, source, allow_empty=True)
        except ExerciseFileError as exc:
            issues.extend(Issue(Location(source), key, i.message) for i in exc.issues)
            continue
        parts = key.split(".")
        node: Any = data
        path: list[Any] = []
        created: list[tuple[Any, ...]] = []  # keys this argument adds: errors there name it
        ok = True
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            step = _step(node, part)
            if step is None:
                kind = "list" if isinstance(node, list) else type(node).__name__
                hint = ""
                if isinstance(node, list):
                    from sim.exercise.semantic import did_you_mean

                    ids = [str(x["id"]) for x in node if isinstance(x, dict) and "id" in x]
                    hint = did_you_mean(part, ids)
                issues.append(
                    Issue(
                        Location(source),
                        key,
                        f"no item {part!r} in {'.'.join(parts[:i]) or 'the exercise'} ({kind})"
                        + hint,
                    )
                )
                ok = False
                break
            k, exists = step
            path.append(k)
            if not exists:
                created.append(tuple(path))
            if last:
                node[k] = parsed.data
            else:
                if not exists:
                    node[k] = {}
                node = node[k]
        if ok:
            prefix = tuple(path)
            sub = Marks(source)
            for p, loc in parsed.marks.values.items():
                sub.values[p] = Location(source) if loc else loc
            sub.values[()] = Location(source)
            sub.keys[()] = Location(source)
            marks.merge(sub, prefix)
            for p in created:
                marks.keys[p] = marks.values[p] = Location(source)
    if issues:
        raise ExerciseFileError(issues)
    return data
