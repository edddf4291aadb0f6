"""Duration distributions, written the same way everywhere in an exercise.

Forms (all values are time strings, see :mod:`sim.exercise.times`)::

    notice: 4h                                  # fixed
    notice: {fixed: 4h}
    notice: {triangular: [2h, 4h, 8h]}          # min, mode, max
    notice: {uniform: [1h, 3h]}                 # min, max
    notice: {exponential: 2h}                   # mean

Sampling takes a ``numpy.random.Generator`` so each model stream owns its randomness.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from sim.exercise.times import ScenarioTime, format_duration

__all__ = ["Distribution", "DistributionField", "dist"]


class Distribution(BaseModel):
    """A non-negative duration distribution in minutes. Exactly one form is set."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    fixed: ScenarioTime | None = None
    triangular: list[ScenarioTime] | None = Field(
        None, min_length=3, max_length=3, description="[min, mode, max]"
    )
    uniform: list[ScenarioTime] | None = Field(
        None, min_length=2, max_length=2, description="[min, max]"
    )
    exponential: ScenarioTime | None = Field(None, description="mean")

    @model_validator(mode="after")
    def _one_form(self) -> Distribution:
        forms = [
            n
            for n in ("fixed", "triangular", "uniform", "exponential")
            if getattr(self, n) is not None
        ]
        if len(forms) != 1:
            raise ValueError(
                "give exactly one of fixed, triangular [min, mode, max], uniform [min, max], "
                f"exponential (mean); got {', '.join(forms) or 'none'}"
            )
        return self

    # Order checks are field validators so that an error points at the list itself.
    @field_validator("triangular")
    @classmethod
    def _triangular_order(cls, values: list[float] | None) -> list[float] | None:
        if values is not None:
            lo, mode, hi = values
            if not lo <= mode <= hi:
                raise ValueError(
                    f"triangular needs min <= mode <= max, got [{format_duration(lo)}, "
                    f"{format_duration(mode)}, {format_duration(hi)}]"
                )
        return values

    @field_validator("uniform")
    @classmethod
    def _uniform_order(cls, values: list[float] | None) -> list[float] | None:
        if values is not None and values[0] > values[1]:
            raise ValueError(
                f"uniform needs min <= max, got [{format_duration(values[0])}, "
                f"{format_duration(values[1])}]"
            )
        return values

    def sample(self, rng: Any) -> float:
        """Draw one duration in minutes (a hot path draws through ``sampler``)."""
        return self.sampler()(rng)

    def sampler(self) -> Callable[[Any], float]:
        """A function drawing one duration from a generator, with the form resolved once.

        The model draws from a few dozen distributions thousands of times a run, and every
        attribute read of a pydantic model goes through its ``__getattr__`` hook. numpy's
        triangular and uniform are one ``random()`` each, transformed as numpy's C code
        transforms it (``random_triangular``, ``random_uniform`` in its distributions.c), in
        the same double arithmetic: the same floats as numpy's methods without their argument
        handling, which costs more than the draw (tests/test_fast_paths.py compares them draw
        by draw with numpy's ``triangular``, ``uniform`` and ``exponential``).
        """
        if self.fixed is not None:
            fixed = self.fixed
            return lambda rng: fixed
        if self.triangular is not None:
            lo, mode, hi = self.triangular
            if lo == hi:
                return lambda rng: lo
            return _triangular(lo, mode, hi)
        if self.uniform is not None:
            low, high = self.uniform
            span = high - low
            return lambda rng: low + span * rng.random()
        mean = self.exponential
        assert mean is not None
        if mean > 0:
            return lambda rng: mean * rng.standard_exponential()
        return lambda rng: 0.0

    @property
    def mean(self) -> float:
        if self.fixed is not None:
            return self.fixed
        if self.triangular is not None:
            return sum(self.triangular) / 3.0
        if self.uniform is not None:
            return sum(self.uniform) / 2.0
        assert self.exponential is not None
        return self.exponential

    @property
    def bounds(self) -> tuple[float, float]:
        """Smallest and largest value a draw can take (inf for the exponential tail)."""
        if self.fixed is not None:
            return self.fixed, self.fixed
        if self.triangular is not None:
            return self.triangular[0], self.triangular[2]
        if self.uniform is not None:
            return self.uniform[0], self.uniform[1]
        return 0.0, float("inf")

    def to_yaml(self) -> Any:
        """The compact YAML form (used for effective.yaml and MSEL export)."""
        if self.fixed is not None:
            return format_duration(self.fixed)
        if self.triangular is not None:
            return {"triangular": [format_duration(v) for v in self.triangular]}
        if self.uniform is not None:
            return {"uniform": [format_duration(v) for v in self.uniform]}
        assert self.exponential is not None
        return {"exponential": format_duration(self.exponential)}


def _triangular(left: float, mode: float, right: float) -> Callable[[Any], float]:
    """numpy's ``random_triangular`` with its constants computed once (``left < right``)."""
    base = right - left
    leftbase = mode - left
    ratio = leftbase / base
    leftprod = leftbase * base
    rightprod = (right - mode) * base

    def draw(rng: Any) -> float:
        u = rng.random()
        if u <= ratio:
            return left + math.sqrt(u * leftprod)
        return right - math.sqrt((1.0 - u) * rightprod)

    return draw


def _plain_string_is_fixed(value: Any) -> Any:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return {"fixed": value}
    return value


DistributionField = Annotated[
    Distribution,
    # json_schema_input_type: the editor schema must accept a plain time string as the loader does
    BeforeValidator(_plain_string_is_fixed, json_schema_input_type=ScenarioTime | Distribution),
]
"""A distribution field that also accepts a plain time string as a fixed value."""


def dist(spec: Any) -> Distribution:
    """Build a Distribution from its YAML form (for defaults in code)."""
    return Distribution.model_validate(_plain_string_is_fixed(spec))
