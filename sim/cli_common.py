"""What the ``ttx`` commands share: one-line errors with exit 2, loading an exercise with the
``--seed``/``--policy``/``--set`` overrides, and making the ``--out`` folder."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import click

__all__ = ["EXIT_INPUT", "fail_input", "load_with_overrides", "out_folder"]

EXIT_INPUT = 2


def fail_input(lines: list[str] | str) -> NoReturn:
    for line in [lines] if isinstance(lines, str) else lines:
        click.echo(line, err=True)
    sys.exit(EXIT_INPUT)


def load_with_overrides(
    path: str, sets: tuple[str, ...] = (), seed: int | None = None, policy: str | None = None
) -> Any:
    """The exercise with ``--set`` values, then ``--seed`` and ``--policy``; bad input exits 2."""
    from sim.exercise import ExerciseFileError, load_exercise_full, parse_override

    overrides = list(sets)
    if seed is not None:
        overrides.append(f"exercise.seed={seed}")
    if policy is not None:
        overrides.append(f"hub.policy={policy}")
    try:
        return load_exercise_full(path, [parse_override(o) for o in overrides])
    except ExerciseFileError as exc:
        fail_input([str(i) for i in exc.issues])


def out_folder(out: str) -> Path:
    """The results folder, created if need be; one line and exit 2 if it cannot be."""
    path = Path(out)
    if path.exists() and not path.is_dir():
        fail_input(f"--out {out}: error: exists and is not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail_input(f"--out {out}: error: cannot create: {exc.strerror}")
    return path


class FiniteRange(click.FloatRange):
    """``click.FloatRange`` that refuses NaN: every comparison with NaN is false, so the range
    let ``--speed nan`` through (and into run.json, where NaN is not JSON)."""

    name = "finite float range"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if number != number:  # NaN
            self.fail(f"{value!r} is not a number", param, ctx)
        return number
