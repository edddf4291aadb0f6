"""Layer 1: the exercise format. Knows YAML and pydantic; never SimPy, matplotlib or the CLI."""

from sim.exercise.errors import ExerciseFileError, Issue, Location
from sim.exercise.loader import (
    LoadedExercise,
    load_exercise,
    load_exercise_full,
    load_exercise_text,
)
from sim.exercise.models import Crisis, Exercise, Inject, RequestSpec
from sim.exercise.overrides import parse_override
from sim.exercise.times import format_t, parse_scenario_time

__all__ = [
    "Crisis",
    "Exercise",
    "ExerciseFileError",
    "Inject",
    "Issue",
    "LoadedExercise",
    "Location",
    "RequestSpec",
    "format_t",
    "load_exercise",
    "load_exercise_full",
    "load_exercise_text",
    "parse_override",
    "parse_scenario_time",
]
