"""The arguments of ``ttx sweep`` and ``ttx check`` that need more than click's types: what to
vary (each key once, and not also set), the inject jitter, and where the work runs (Dask).
Bad input: one line naming the argument, exit 2.
"""

from __future__ import annotations

from sim.cli_common import fail_input as _fail_input

__all__ = ["check_dask", "check_sets_against", "parse_jitter", "parse_vary"]


def parse_vary(items: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    factors: list[tuple[str, list[str]]] = []
    for item in items:
        key, sep, values = item.partition("=")
        vals = [v.strip() for v in values.split(",")]
        if not sep or not key.strip() or not all(vals):
            _fail_input(f"--vary {item}: error: expected KEY=V1,V2,…, e.g. hub.staff=2,4,6")
        if key.strip() in ("seed", "exercise.seed"):
            _fail_input(f"--vary {item}: error: seeds come from --seed and the replication")
        if any(key.strip() == k for k, _ in factors):
            _fail_input(
                f"--vary {item}: error: {key.strip()} is varied twice; give its values once"
            )
        factors.append((key.strip(), vals))
    return factors


def check_sets_against(factors: list[tuple[str, list[str]]], sets: tuple[str, ...]) -> None:
    """A key both varied and set would be silently overridden by one of them: refuse it."""
    varied = {key for key, _ in factors}
    for item in sets:
        key = item.partition("=")[0].strip()
        if key in varied:
            _fail_input(f"--set {item}: error: {key} is also varied by --vary; drop one of the two")


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
