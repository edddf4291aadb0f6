"""The arguments of ``ttx sweep`` and ``ttx check`` that need more than click's types: what to
vary (each value once, and not also set), the inject jitter, and where the work runs (Dask).
Bad input: one line naming the argument, exit 2.
"""

from __future__ import annotations

from sim.cli_common import fail_input as _fail_input

__all__ = ["check_dask", "check_one_change_per_value", "parse_jitter", "parse_vary"]


def parse_vary(items: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    factors: list[tuple[str, list[str]]] = []
    for item in items:
        key, sep, values = item.partition("=")
        vals = [v.strip() for v in values.split(",")]
        if not sep or not key.strip() or not all(vals):
            _fail_input(f"--vary {item}: error: expected KEY=V1,V2,…, e.g. hub.staff=2,4,6")
        if key.strip() in ("seed", "exercise.seed"):
            _fail_input(f"--vary {item}: error: seeds come from --seed and the replication")
        factors.append((key.strip(), vals))
    return factors


def check_one_change_per_value(
    factors: list[tuple[str, list[str]]], sets: tuple[str, ...], exercise_text: str
) -> None:
    """Refuse two arguments that change the same value (or one inside the other: ``hub`` and
    ``hub.staff``) where one would silently undo the other: a key varied twice, or both varied
    and set. Keys are compared as the paths they name in the file (an id or its index). A key
    set twice is left alone: the last one wins, as with any repeated option."""
    from sim.exercise.overrides import override_path
    from sim.exercise.yamlsafe import parse_yaml

    data = parse_yaml(exercise_text, "exercise").data
    named: list[tuple[tuple[object, ...], str, str]] = []  # (path, flag, key)
    arguments = [("--vary", key) for key, _ in factors]
    arguments += [("--set", item.partition("=")[0].strip()) for item in sets]
    for flag, key in arguments:
        path = override_path(data, key)
        for other, other_flag, other_key in named:
            inside = path[: len(other)] == other or other[: len(path)] == path
            if inside and "--vary" in (flag, other_flag):
                if path == other:
                    clash = f"{other_flag} {other_key} changes the same value"
                elif len(path) > len(other):
                    clash = f"it is a part of {other_key}, which {other_flag} changes"
                else:
                    clash = f"{other_flag} {other_key} changes a part of it"
                _fail_input(f"{flag} {key}: error: {clash}; give each value once")
        named.append((path, flag, key))


def parse_jitter(item: str | None) -> float:
    if item is None:
        return 0.0
    from sim.exercise import ExerciseFileError, parse_scenario_time

    key, sep, value = item.partition("=")
    if key.strip() != "injects" or not sep:
        _fail_input(f"--jitter {item}: error: expected injects=DURATION, e.g. injects=30m")
    try:
        width = parse_scenario_time(value.strip())
    except (ExerciseFileError, ValueError, TypeError) as exc:
        _fail_input(f"--jitter {item}: error: {getattr(exc, 'issues', [exc])[0]}")
    if width <= 0:
        _fail_input(f"--jitter {item}: error: the shift must be more than 0 minutes")
    return float(width)


def check_dask(dask: str | None, workers: int | None) -> int:
    """Check --dask; returns the number of workers to use."""
    if dask is None:
        return workers or 1
    if dask != "local" and not dask.startswith(("tcp://", "tls://")):
        _fail_input(
            f"--dask {dask}: error: expected 'local' or a scheduler address tcp://HOST:8786"
        )
    if dask != "local" and workers is not None:
        _fail_input(
            f"--workers {workers}: error: a Dask scheduler ({dask}) has its own workers; "
            "--workers counts only without --dask or with --dask local"
        )
    try:
        import distributed  # noqa: F401
    except ImportError:
        _fail_input(
            f"--dask {dask}: error: needs the dask extra: pip install 'knooppunt-ttx[dask]'"
        )
    import os

    return workers or os.cpu_count() or 1  # a local cluster: one worker per core by default
