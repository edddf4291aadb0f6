"""Monte Carlo and what-if sweeps: many replications of one exercise into one sweep folder.

``<out>/<exercise-id>/sweep-<stamp>-s<root>/`` holds ``sweep.json`` (manifest: exercise, root
seed, variants, jitter), ``exercise.yaml`` (the exact input), ``rows.csv`` (rows appended as
they finish, so an interrupted sweep keeps them), ``series.jsonl`` (band series per row), and
when complete ``table.csv`` / ``table.parquet`` (one row per replication, sorted), band and
comparison figures and ``summary.html``. The folder is built under a hidden name
(``.sweep-….partial``) and renamed when complete; ``resume`` completes a hidden one.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import product
from pathlib import Path
from typing import Any

from sim import __version__
from sim.exercise import LoadedExercise
from sim.exercise.base import MAX_SEED
from sim.exercise.errors import ExerciseFileError
from sim.exercise.overrides import Override
from sim.exercise.times import MAX_MINUTES
from sim.fileio import write_text_atomic
from sim.limits import MAX_REPLICATIONS
from sim.runs.executors import Task, execute
from sim.runs.fingerprint import model_fingerprint
from sim.runs.kpirecorder import kpi_columns
from sim.runs.replicate import Outcome, SweepSpec, Variant, derived_seed, variant_exercise

__all__ = [
    "ALIASES",
    "SweepError",
    "SweepResult",
    "create",
    "make_variants",
    "resume",
    "run",
    "spec_from_folder",
    "start",
    "table_columns",
]

ALIASES = {"policy": "hub.policy", "staff": "hub.staff"}
"""Short factor names for ``--vary`` (the same keys as ``ttx run --policy``)."""

MANIFEST = "sweep.json"
ROWS = "rows.csv"
SERIES = "series.jsonl"
BASE_COLUMNS = ["variant", "replication", "seed", "sets", "error"]


class SweepError(Exception):
    """A sweep folder that cannot be resumed (message names the folder)."""


@dataclass
class SweepResult:
    folder: Path
    rows: int
    failed: int
    complete: bool


def make_variants(factors: list[tuple[str, list[str]]]) -> tuple[Variant, ...]:
    """The cartesian product of ``--vary KEY=V1,V2`` factors, first factor slowest."""
    if not factors:
        return (Variant(0, "base", ()),)
    keys = [ALIASES.get(k, k) for k, _ in factors]
    out = []
    for n, values in enumerate(product(*(vals for _, vals in factors))):
        sets = tuple(zip(keys, values, strict=True))
        out.append(Variant(n, " ".join(f"{k}={v}" for k, v in sets), sets))
    return tuple(out)


def table_columns(spec: SweepSpec) -> list[str]:
    """Columns of the table: identity, inject shifts (with jitter), then the KPIs."""
    regions: list[str] = []
    injects: list[str] = []
    timed: list[str] = []
    for v in spec.variants:
        ex = variant_exercise(spec, v)
        found = sorted(
            {r for c in ex.crises for r in c.regions}
            | {i.request.region for i in ex.injects if i.request}
        )
        regions += [r for r in found if r not in regions]
        injects += [str(i.id) for i in ex.injects if str(i.id) not in injects]
        timed += [str(i.id) for i in ex.injects if i.time is not None and str(i.id) not in timed]
    shifts = [f"shift.{i}" for i in timed] if spec.jitter > 0 else []
    return [*BASE_COLUMNS, *shifts, *kpi_columns(regions, injects)]


def _cell(value: Any) -> str:
    """One CSV cell, the same text whichever process computed it."""
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    return str(value)


class _Folder:
    """The hidden folder of a sweep in progress, and its rename when complete."""

    def __init__(self, tmp: Path, columns: list[str]) -> None:
        self.tmp, self.columns = tmp, columns

    def done(self) -> dict[tuple[str, int], list[str]]:
        """Rows already written, keyed by (variant, replication); drops a torn last line."""
        path = self.tmp / ROWS
        if not path.exists():
            return {}
        data = path.read_bytes()
        if data and not data.endswith(b"\n"):
            data = data[: data.rfind(b"\n") + 1]
            path.write_bytes(data)
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        if not rows:
            return {}
        if rows[0] != self.columns:
            raise SweepError(f"{path}: error: its columns do not match the sweep's")
        return {(r[0], int(r[1])): r for r in rows[1:]}

    def append(self, outcomes: list[Outcome]) -> None:
        rows = self.tmp / ROWS
        new = not rows.exists() or rows.stat().st_size == 0
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        if new:
            writer.writerow(self.columns)
        for o in outcomes:
            writer.writerow([_cell(o.row.get(c)) for c in self.columns])
        series = "".join(
            json.dumps(
                {"variant": o.row["variant"], "replication": o.replication, "series": o.series}
            )
            + "\n"
            for o in outcomes
            if o.series is not None
        )
        with open(self.tmp / SERIES, "a", encoding="utf-8") as fh:  # series first: rows say done
            fh.write(series)
            fh.flush()
        with open(rows, "a", encoding="utf-8", newline="") as fh:
            fh.write(buf.getvalue())  # one write per chunk: a kill tears at most the last line
            fh.flush()

    def commit(self) -> Path:
        name = self.tmp.name.removeprefix(".").removesuffix(".partial")
        n = 1
        while True:
            target = self.tmp.parent / (name if n == 1 else f"{name}-{n}")
            try:
                target.mkdir()
            except FileExistsError:
                n += 1
                continue
            os.rename(self.tmp, target)
            return target


def start(
    loaded: LoadedExercise,
    out: Path,
    spec: SweepSpec,
    *,
    command: list[str] | None = None,
    **options: Any,
) -> SweepResult:
    """Create a new sweep folder under ``out`` and run it (see ``run`` for the options)."""
    tmp, manifest = create(loaded, out, spec, command=command)
    return run(tmp, spec, manifest, **options)


def create(
    loaded: LoadedExercise, out: Path, spec: SweepSpec, *, command: list[str] | None = None
) -> tuple[Path, dict[str, Any]]:
    """A new hidden sweep folder with its manifest and input; returns it and the manifest."""
    stamp = datetime.now(UTC)
    parent = out / loaded.exercise.id
    parent.mkdir(parents=True, exist_ok=True)
    base = f"sweep-{stamp.strftime('%Y%m%d-%H%M%S')}-s{spec.root_seed}"
    n = 1
    while True:
        name = base if n == 1 else f"{base}-{n}"
        tmp = parent / f".{name}.partial"
        if not (parent / name).exists():
            try:
                tmp.mkdir()
                break
            except FileExistsError:
                pass
        n += 1
    manifest = {
        "tool": "knooppunt-ttx",
        "version": __version__,
        "model": model_fingerprint(),
        "exercise": loaded.exercise.id,
        "exercise_file": loaded.source,
        "exercise_sha256": loaded.sha256,
        "base_sets": [f"{k}={v}" for k, v in spec.base_sets],
        "variants": [
            {"name": v.name, "sets": [f"{k}={x}" for k, x in v.sets]} for v in spec.variants
        ],
        "root_seed": spec.root_seed,
        "replications": spec.n,
        "jitter_min": spec.jitter,
        "grid_min": spec.grid,
        "seeds": "numpy SeedSequence(root_seed, spawn_key=(0, replication)), 63 bits",
        "command": command if command is not None else sys.argv,
        "started": stamp.isoformat(),
    }
    write_text_atomic(tmp / "exercise.yaml", loaded.text)
    write_text_atomic(tmp / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return tmp, manifest


def spec_from_folder(folder: Path) -> tuple[SweepSpec, dict[str, Any]]:
    """Rebuild the spec of a sweep from its folder (for ``--resume``)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        text = (folder / "exercise.yaml").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise SweepError(
            f"{folder}: error: not a sweep folder (no {Path(exc.filename).name})"
        ) from None
    except (OSError, ValueError) as exc:
        raise SweepError(f"{folder}: error: cannot read the sweep manifest: {exc}") from None
    _check_manifest(manifest, folder / MANIFEST)
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != manifest.get("exercise_sha256"):
        raise SweepError(f"{folder}/exercise.yaml: error: changed since the sweep started")

    def pairs(items: list[str]) -> tuple[Override, ...]:
        return tuple((k, v) for k, _, v in (s.partition("=") for s in items))

    variants = tuple(
        Variant(n, v["name"], pairs(v["sets"])) for n, v in enumerate(manifest["variants"])
    )
    spec = SweepSpec(
        text=text,
        source=manifest["exercise_file"],
        base_sets=pairs(manifest["base_sets"]),
        variants=variants,
        root_seed=int(manifest["root_seed"]),
        n=int(manifest["replications"]),
        jitter=float(manifest["jitter_min"]),
        grid=manifest["grid_min"],
    )
    for variant in spec.variants:  # a bad --set is said once here, not per replication
        try:
            variant_exercise(spec, variant)
        except ExerciseFileError as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise SweepError(
                f"{folder / MANIFEST}: error: variant {variant.name}: {first}"
            ) from None
    return spec, manifest


def _check_manifest(manifest: Any, where: Path) -> None:
    """A resumed sweep's manifest as ``new_sweep`` wrote it; a hand edit is one line naming
    the field (it was an internal error, or a hang with ``grid_min: 1e-9``)."""

    def bad(field: str, what: str) -> SweepError:
        return SweepError(f"{where}: error: {field} must be {what}")

    def whole(value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    def number(value: Any) -> bool:
        return whole(value) or (isinstance(value, float) and math.isfinite(value))

    def strings(value: Any) -> bool:
        return isinstance(value, list) and all(isinstance(x, str) for x in value)

    if not isinstance(manifest, dict):
        raise SweepError(f"{where}: error: not a sweep manifest (a JSON object)")
    variants = manifest.get("variants")
    if not isinstance(variants, list) or not variants:
        raise bad("variants", "a list of variants")
    for v in variants:
        if (
            not isinstance(v, dict)
            or not isinstance(v.get("name"), str)
            or not strings(v.get("sets"))
        ):
            raise bad("variants", "objects with a name and a list of sets")
    if not strings(manifest.get("base_sets")):
        raise bad("base_sets", "a list of KEY=VALUE strings")
    if not isinstance(manifest.get("exercise_file"), str):
        raise bad("exercise_file", "a path")
    seed: Any = manifest.get("root_seed")
    if not whole(seed) or not 0 <= seed <= MAX_SEED:
        raise bad("root_seed", f"a whole number from 0 to {MAX_SEED}")
    n: Any = manifest.get("replications")
    if not whole(n) or not 1 <= n <= MAX_REPLICATIONS:
        raise bad("replications", f"a whole number from 1 to {MAX_REPLICATIONS}")
    jitter: Any = manifest.get("jitter_min")
    if not number(jitter) or not 0 <= jitter <= MAX_MINUTES:
        raise bad("jitter_min", "minutes >= 0")
    grid: Any = manifest.get("grid_min")
    if grid is not None and (not number(grid) or not 1 <= grid <= MAX_MINUTES):
        raise bad("grid_min", "null or minutes from 1")


def resume(folder: Path, **options: Any) -> SweepResult:
    """Complete an interrupted sweep: run only the replications without a row."""
    if not folder.name.endswith(".partial"):
        if (folder / "table.csv").exists():
            raise SweepError(f"{folder}: error: this sweep is already complete")
        raise SweepError(f"{folder}: error: not an interrupted sweep (.sweep-….partial)")
    spec, manifest = spec_from_folder(folder)
    return run(folder, spec, manifest, **options)


def run(
    tmp: Path,
    spec: SweepSpec,
    manifest: dict[str, Any],
    *,
    workers: int = 1,
    dask: str | None = None,
    progress: Callable[[int, int, int], None] | None = None,
    finish: Callable[[Path, SweepSpec, dict[str, Any]], None] | None = None,
) -> SweepResult:
    """Run every replication without a row, append rows as chunks finish, then finish the
    folder (sorted table, Parquet, figures via ``finish``) and rename it into place."""
    columns = table_columns(spec)
    folder = _Folder(tmp, columns)
    done = folder.done()
    tasks: list[Task] = [
        (v.index, i, derived_seed(spec.root_seed, i))
        for v in spec.variants
        for i in range(spec.n)
        if (v.name, i) not in done
    ]
    total = len(spec.variants) * spec.n
    count = len(done)
    failed = sum(1 for r in done.values() if r[4])
    if progress:
        progress(count, total, failed)
    for outcomes in execute(spec, tasks, workers=workers, dask=dask):
        folder.append(outcomes)
        count += len(outcomes)
        failed += sum(1 for o in outcomes if o.row.get("error"))
        if progress:
            progress(count, total, failed)
    _write_table(tmp, spec, columns)
    (tmp / ROWS).unlink()  # table.csv holds the same rows, sorted
    if finish is not None:
        finish(tmp, spec, manifest)
    manifest = {**manifest, "finished": datetime.now(UTC).isoformat(), "failed": failed}
    write_text_atomic(tmp / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return SweepResult(folder.commit(), count, failed, True)


def _write_table(tmp: Path, spec: SweepSpec, columns: list[str]) -> None:
    """``table.csv`` sorted by variant and replication (the same bytes whoever ran the rows)
    and ``table.parquet`` from it."""
    done = _Folder(tmp, columns).done()
    order = {v.name: v.index for v in spec.variants}
    rows = sorted(done.values(), key=lambda r: (order[r[0]], int(r[1])))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    write_text_atomic(tmp / "table.csv", buf.getvalue())
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a runtime dependency
        return
    try:
        frame = pd.read_csv(
            tmp / "table.csv",
            dtype={"sets": str, "error": str},
            keep_default_na=False,
            na_values=[""],
        )
        frame.to_parquet(tmp / "table.parquet", index=False)
    except ImportError:
        pass  # no pyarrow: the CSV holds the same table
