"""Exercise → plain YAML data (``effective.yaml``), with times written back as strings.

``model_dump`` would give float minutes, which the loader rightly refuses as bare numbers; so we
walk the model with its field annotations and write every scenario time in its string form.
Loading the dumped data again gives an equal Exercise (a tested round trip).
"""

from __future__ import annotations

import types
import typing
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from sim.exercise.distributions import Distribution
from sim.exercise.times import format_duration, format_t

__all__ = ["exercise_to_data", "model_to_data"]

_T_FIELDS = {"time", "onset", "duration"}


def _is_time(annotation: Any) -> bool:
    if typing.get_origin(annotation) is typing.Annotated:
        base, *meta = typing.get_args(annotation)
        if base is float and any(
            getattr(m, "func", None) is not None and m.func.__name__ == "_validate" for m in meta
        ):
            return True
        return _is_time(base)
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_is_time(a) for a in typing.get_args(annotation) if a is not type(None))
    return False


_T_MAX = 10_000 * 60  # T+hhhh:mm has at most four digits of hours


def _time(name: str, minutes: float) -> str:
    if name in _T_FIELDS and float(minutes).is_integer() and 0 <= minutes < _T_MAX:
        return format_t(minutes)
    return format_duration(minutes)


def _value(name: str, annotation: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Distribution):
        return value.to_yaml()
    if isinstance(value, BaseModel):
        return model_to_data(value)
    if isinstance(value, datetime):
        return value  # PyYAML writes a timestamp, which reads back as the same datetime
    if isinstance(value, float) and _is_time(annotation):
        return _time(name, value)
    inner = _inner(annotation)
    if isinstance(value, list):
        return [_value(name, inner[0] if inner else Any, v) for v in value]
    if isinstance(value, dict):
        return {k: _value(name, inner[1] if len(inner) > 1 else Any, v) for k, v in value.items()}
    return value


def _inner(annotation: Any) -> tuple[Any, ...]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        for a in typing.get_args(annotation):
            if a is not type(None):
                return _inner(a)
    if origin is typing.Annotated:
        return _inner(typing.get_args(annotation)[0])
    return typing.get_args(annotation)


def model_to_data(model: BaseModel) -> dict[str, Any]:
    """A model as plain data in file form (aliases used, times as strings)."""
    out: dict[str, Any] = {}
    for name, field in type(model).model_fields.items():
        key = field.alias or name
        annotation = field.annotation
        if field.metadata:  # pydantic moves Annotated metadata of a bare field here
            annotation = typing.Annotated[(annotation, *field.metadata)]  # type: ignore[assignment]
        out[key] = _value(name, annotation, getattr(model, name))
    return out


def exercise_to_data(exercise: BaseModel) -> dict[str, Any]:
    data = model_to_data(exercise)
    data["reference"] = "none"  # everything is spelled out: the file stands alone
    data["remove"] = {"regions": [], "capabilities": []}
    return data
