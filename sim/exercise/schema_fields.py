"""Which field names are valid at a data path (for did-you-mean on unknown keys)."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel

from sim.exercise.models import Exercise

__all__ = ["field_names_at"]


def _model_in(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if origin is typing.Annotated:
        return _model_in(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        for a in typing.get_args(annotation):
            if (m := _model_in(a)) is not None:
                return m
    return None


def _container_value(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _container_value(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        for a in typing.get_args(annotation):
            if a is not type(None) and (v := _container_value(a)) is not None:
                return v
        return None
    if origin is list:
        return typing.get_args(annotation)[0]
    if origin is dict:
        return typing.get_args(annotation)[1]
    return None


def field_names_at(path: tuple[Any, ...]) -> list[str]:
    """Field names (aliases where set) of the model found at ``path`` in an Exercise."""
    model: Any = Exercise
    annotation: Any = None
    for part in path:
        if model is not None and isinstance(part, str) and part in _fields(model):
            annotation = _fields(model)[part]
            model = _model_in(annotation)
            if model is None:
                continue
            annotation = None
        else:
            inner = _container_value(annotation) if annotation is not None else None
            if inner is None:
                return []
            annotation = inner
            model = _model_in(inner)
            if model is not None:
                annotation = None
    if model is None:
        return []
    return list(_fields(model))


def _fields(model: type[BaseModel]) -> dict[str, Any]:
    return {(f.alias or n): f.annotation for n, f in model.model_fields.items()}
