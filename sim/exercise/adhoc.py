"""An ad-hoc inject typed during a live session, validated exactly like one in an exercise file.

The facilitator types one inject as flow-style YAML (``{type: information, message: ...}``). It
goes through the same machinery as the file: the safe YAML reader with marks, the strict
pydantic ``Inject`` model with the loader's error wording, and the semantic checks against the
exercise (known crises, regions, capabilities, tags, ids). Errors name the column in the typed
text, so the console can point at the typo; nothing is applied on error.
"""

from __future__ import annotations

from pydantic import Field, ValidationError

from sim.exercise.base import Strict
from sim.exercise.errors import ExerciseFileError, Issue
from sim.exercise.models import Exercise, Inject
from sim.exercise.semantic import check_semantics
from sim.exercise.yamlsafe import Marks, parse_yaml

__all__ = ["AdhocInjectError", "parse_adhoc_inject"]

_SOURCE = "<inject>"
_QUOTE_HINT = "; quote a text with , : ? # { } [ ] in it: message: 'When do they come?'"


class AdhocInjectError(ValueError):
    """The typed inject is not valid: the first problem, its 1-based column and every issue."""

    def __init__(self, message: str, column: int, issues: list[Issue] | None = None) -> None:
        super().__init__(message)
        self.message = message  # may be extended (a hint) before it is raised
        self.column = column
        self.issues = issues or []

    def __str__(self) -> str:
        return f"column {self.column}: {self.message}"


class _Holder(Strict):
    """Validates the typed inject at the path ``injects[0]``, as in an exercise file, so the
    loader's error mapping and did-you-mean for keys work unchanged."""

    injects: list[Inject] = Field(min_length=1, max_length=1)


def parse_adhoc_inject(
    text: str,
    exercise: Exercise,
    *,
    default_id: str | None = None,
    now: float | None = None,
    offset: int = 0,
) -> Inject:
    """The inject written in ``text``, checked against ``exercise``; ``AdhocInjectError`` if not.

    Hooks for the session:
    - ``default_id``: the id to give an inject typed without one (the session picks a fresh
      one, e.g. ``adhoc-3``); without it a missing id is an error.
    - ``now``: the current scenario time; an inject typed without ``time``, ``trigger`` or
      ``manual`` gets ``time: now`` (it fires at once). Without it, one of them is required,
      as in a file. Whether a given ``time`` lies in the past is for the session to judge.
    - ``offset``: added to every column (the position of ``text`` in the command line, minus 1).
    """
    if "\n" in text.strip() or "\r" in text.strip():
        raise AdhocInjectError("an ad-hoc inject is one line", 1 + offset)
    try:
        parsed = parse_yaml(text, _SOURCE)
    except ExerciseFileError as exc:
        err = _error(exc.issues, offset)
        err.message += _QUOTE_HINT
        raise err from None
    data, marks = parsed.data, parsed.marks
    if not isinstance(data, dict):
        raise AdhocInjectError(
            "an ad-hoc inject is one YAML mapping in braces: {type: information, message: ...}",
            _column(marks.value(()).col) + offset,
        )
    data = dict(data)
    if "id" not in data and default_id is not None:
        data["id"] = default_id
    fire_now = now is not None and not any(k in data for k in ("time", "trigger", "manual"))
    if fire_now:
        data["manual"] = True  # validated as a manual inject, then timed exactly at ``now``
    holder_marks = Marks(_SOURCE)
    holder_marks.merge(marks, ("injects", 0))
    holder_marks.values.setdefault((), marks.value(()))
    wrapped = {"injects": [data]}
    try:
        inject = _Holder.model_validate(wrapped).injects[0]
    except ValidationError as exc:
        from sim.exercise.loader import _map_validation_errors  # the file loader's wording

        raise _error(_map_validation_errors(exc, holder_marks, wrapped), offset) from None
    if fire_now:
        inject = inject.model_copy(update={"manual": False, "time": float(now)})  # type: ignore[arg-type]
    index = len(exercise.injects)
    check_marks = Marks(_SOURCE)
    check_marks.merge(marks, ("injects", index))
    check_marks.values[("injects", index)] = marks.value(())
    trial = exercise.model_copy(update={"injects": [*exercise.injects, inject]})
    prefix = f"injects[{index}]"
    issues = [
        i
        for i in check_semantics(trial, check_marks)
        if i.path == prefix or i.path.startswith((prefix + ".", prefix + "["))
    ]
    if issues:
        raise _error(issues, offset, strip=prefix)
    return inject


def _column(col: int | None) -> int:
    return col if col is not None else 1


def _error(issues: list[Issue], offset: int, strip: str = "injects[0]") -> AdhocInjectError:
    """One error from the issues: the first by column (a wrong key before the missing field it
    was meant to be, so ``{typ: ...}`` says "unknown key 'typ'; did you mean 'type'?")."""
    ordered = sorted(
        issues,
        key=lambda i: (i.message.startswith("missing required"), i.line or 0, i.col or 0),
    )
    first = ordered[0]
    path = _relative(first.path, strip) or _relative(first.path, "injects[0]")
    named = not path or f"'{path.rsplit('.', 1)[-1]}'" in first.message
    message = first.message if named else f"{path}: {first.message}"
    return AdhocInjectError(message, _column(first.col) + offset, ordered)


def _relative(path: str, prefix: str) -> str:
    if path == prefix:
        return ""
    if path.startswith(prefix + "."):
        return path[len(prefix) + 1 :]
    if path.startswith(prefix + "["):
        return path[len(prefix) :]
    return path if not path.startswith("injects") else ""
