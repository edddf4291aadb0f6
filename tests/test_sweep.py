"""Sweeps as a user runs them: the lean KPI row against the full journal, a row re-run with
``ttx run``, identical tables serially / with processes / on Dask, resume after a kill, a failing
replication recorded, and bad arguments."""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sim.analysis.bands import finish_sweep
from sim.cli import _register_optional, cli
from sim.exercise import load_exercise_full
from sim.journal import REQUEST_OUTCOMES, Journal, read_events
from sim.model import simulate
from sim.runs import sweep as sw
from sim.runs.kpirecorder import KpiRecorder
from sim.runs.replicate import SweepSpec, derived_seed

_register_optional()
ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = str(ROOT / "exercises" / "tutorial.yaml")
FLOOD = str(ROOT / "exercises" / "river-flood.yaml")
NATIONAL = str(ROOT / "exercises" / "national-stress-test.yaml")


# -- a reference computation straight over the journal's records --------------------------------
def _quantile(values: list[tuple[float, bool]], q: float) -> tuple[float, bool]:
    if not values:
        return math.nan, False
    xs = sorted(v for v, _ in values)
    pos = (len(xs) - 1) * q
    lo, hi = int(pos), min(int(pos) + 1, len(xs) - 1)
    value = xs[lo] + (pos - lo) * (xs[hi] - xs[lo])
    top = xs[hi] if pos > lo else xs[lo]
    return value, any(c and v <= top for v, c in values)


def _hours_when_any(events: list[dict[str, Any]], flag: Any, end: float) -> float:
    """Per region, minutes during which any crisis has ``flag(event)`` true; summed, in hours."""
    total = 0.0
    for region in {e["region"] for e in events}:
        state: dict[str, bool] = {}
        since, minutes = None, 0.0
        for e in events:
            if e["region"] != region:
                continue
            was = any(state.values())
            state[e["crisis"]] = flag(e)
            now = any(state.values())
            if now and not was:
                since = e["t"]
            elif was and not now:
                minutes += e["t"] - since
        if any(state.values()):
            minutes += end - since
        total += minutes
    return total / 60


def reference_row(events: list[dict[str, Any]]) -> dict[str, Any]:
    end = events[-1]["t"]
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for e in events:
        by_kind.setdefault(e["kind"], []).append(e)
    req = by_kind.get("request", [])
    dec = by_kind.get("decision", [])
    row: dict[str, Any] = {}
    submitted = {}
    for e in req:
        if e["state"] == "submitted":
            submitted.setdefault(e["request"], e["t"])
    row["requests"] = len(submitted)
    closed = {e["request"] for e in req if e["state"] == "closed"}
    settle = {}
    for e in dec:
        if e["state"] in ("approved", "partial", "substitute", "denied"):
            settle.setdefault(e["request"], e["t"])
    on_scene = {}
    for e in req:
        if e["state"] == "first_on_scene":
            on_scene.setdefault(e["request"], e["t"])
    for name, done in (("decision", settle), ("on_scene", on_scene)):
        vals = []
        for rid, t0 in submitted.items():
            if rid in done:
                vals.append((done[rid] - t0, False))
            elif rid not in closed:
                vals.append((end - t0, True))
        row[f"{name}_n"] = len(vals)
        row[f"{name}_censored"] = sum(c for _, c in vals)
        for label, q in (("median", 0.5), ("p90", 0.9)):
            row[f"{name}_{label}_min"], row[f"{name}_{label}_lower_bound"] = _quantile(vals, q)
    demand = by_kind.get("demand", [])
    row["life_safety_unmet_h"] = _hours_when_any(
        demand, lambda e: e["detail"]["life_safety_unmet"], end
    )
    row["unmet_h"] = _hours_when_any(demand, lambda e: e["value"] > 0, end)
    row["denials"] = sum(e["state"] == "denied" for e in dec)
    row["substitutions"] = sum(e["state"] == "substitute" for e in dec)
    row["reallocations"] = sum(e["state"] == "effective" for e in by_kind.get("reallocation", []))
    row["mt1_conflicts"] = sum(bool(e["detail"]["conflict"]) for e in by_kind.get("mt1", []))
    row["requests_queued"] = len({e["request"] for e in req if e["state"] == "queued"})
    row["max_queue"] = max((e["value"] for e in by_kind.get("queue", [])), default=0.0)
    for e in by_kind.get("region", []):
        key = f"peak_level.{e['region']}"
        row[key] = max(row.get(key, 0), e["level"])
    outcomes = events[-1]["detail"]["outcomes"]
    for o in REQUEST_OUTCOMES:
        row[f"outcome.{o}"] = outcomes.get(o, 0)
    for e in by_kind.get("inject", []):
        row[f"inject.{e['inject']}"] = e["state"]
    for state in ("fired", "skipped", "not_reached"):
        row[f"injects_{state}"] = sum(e["state"] == state for e in by_kind.get("inject", []))
    return row


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


@pytest.mark.parametrize(("path", "seed"), [(TUTORIAL, 3), (FLOOD, 11), (NATIONAL, 5)])
def test_lean_row_equals_the_figures_computed_from_the_full_journal(path: str, seed: int) -> None:
    ex = load_exercise_full(path).exercise
    journal, lean = Journal(), KpiRecorder()
    simulate(ex, journal, seed=seed)
    simulate(ex, lean, seed=seed)
    expected = reference_row(journal.events)
    assert lean.row is not None
    for key, value in expected.items():
        assert _same(lean.row[key], value), (key, lean.row[key], value)
    assert {k for k in lean.row if k.startswith("peak_level.")} >= {
        k for k in expected if k.startswith("peak_level.")
    }
    if path == NATIONAL:  # the exercise that exercises scarcity and censoring
        assert expected["decision_censored"] > 0 and expected["substitutions"] > 0


# -- sweeps -----------------------------------------------------------------------------------------
def _sweep(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["sweep", *args])
    return result.exit_code, result.stdout, result.stderr


def _table(folder: Path) -> list[dict[str, str]]:
    with open(folder / "table.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_a_rows_seed_and_sets_rerun_with_ttx_run_reproduce_its_kpis(tmp_path: Path) -> None:
    code, out, err = _sweep(
        [TUTORIAL, "-n", "4", "--seed", "99", "--vary", "hub.staff=1,3", "--jitter", "injects=45m",
         "--out", str(tmp_path / "s")]
    )  # fmt: skip
    assert code == 0, err
    folder = Path(out.strip().splitlines()[-1])
    assert not folder.name.startswith(".") and folder.parent.name == "tutorial-peel"
    for name in ("table.csv", "table.parquet", "bands-v00.png", "bands-v01.png", "compare.png",
                 "summary.html", "sensitivity.csv", "sweep.json", "exercise.yaml"):  # fmt: skip
        assert (folder / name).is_file(), name
    rows = _table(folder)
    assert [(r["variant"], r["replication"]) for r in rows] == [
        (v, str(i)) for v in ("hub.staff=1", "hub.staff=3") for i in range(4)
    ]
    assert rows[1]["seed"] == rows[5]["seed"] == str(derived_seed(99, 1))  # common random numbers
    row = rows[6]
    assert "hub.staff=3" in row["sets"] and "injects.3.time=" in row["sets"]
    args = ["run", TUTORIAL, "--seed", row["seed"], "--no-plots", "--out", str(tmp_path / "r")]
    for s in row["sets"].split():
        args += ["--set", s]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.stderr
    run_dir = Path(result.stdout.strip().splitlines()[-1])
    expected = reference_row(read_events(run_dir / "events.jsonl"))
    for key, value in expected.items():
        cell = row[key]
        got: Any = cell
        if isinstance(value, bool):
            got = cell == "True"
        elif isinstance(value, float):
            got = float(cell) if cell else math.nan
        elif isinstance(value, int):
            got = int(cell)
        assert _same(got, value), (key, cell, value)


def _spec(path: str, n: int, **kw: Any) -> tuple[Any, SweepSpec]:
    loaded = load_exercise_full(path)
    variants = sw.make_variants([("policy", ["fifo", "priority"])])
    return loaded, SweepSpec(loaded.text, loaded.source, (), variants, 5, n, **kw)


@pytest.mark.slow
def test_serial_processes_and_dask_give_identical_tables(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    assert distributed
    loaded, spec = _spec(TUTORIAL, 24, jitter=20.0)
    tables = {}
    for name, options in (
        ("serial", {}),
        ("processes", {"workers": 2}),
        ("dask", {"workers": 2, "dask": "local"}),
    ):
        result = sw.start(loaded, tmp_path / name, spec, **options)
        assert result.rows == 48 and result.failed == 0
        tables[name] = (result.folder / "table.csv").read_bytes()
    assert tables["serial"] == tables["processes"] == tables["dask"]
    seeds = [r["seed"] for r in csv.DictReader(tables["dask"].decode().splitlines())]
    assert len(set(seeds)) == 24  # Dask merged no replication: 24 seeds, each in both variants


@pytest.mark.slow
def test_a_dask_scheduler_address_gives_the_serial_dry_run(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    try:
        args = ["check", TUTORIAL, "-n", "16", "--seed", "8", "--json", "--min-reach", "0"]
        serial = CliRunner().invoke(cli, args)
        remote = CliRunner().invoke(cli, [*args, "--dask", cluster.scheduler_address])
    finally:
        cluster.close()
    assert serial.exit_code == remote.exit_code == 0, remote.stderr
    assert serial.stdout == remote.stdout


def test_processes_give_the_serial_table(tmp_path: Path) -> None:
    loaded, spec = _spec(TUTORIAL, 30)
    a = sw.start(loaded, tmp_path / "a", spec)
    b = sw.start(loaded, tmp_path / "b", spec, workers=2)
    assert (a.folder / "table.csv").read_bytes() == (b.folder / "table.csv").read_bytes()
    assert a.folder != b.folder


@pytest.mark.slow
def test_resume_after_a_kill_keeps_the_rows_and_completes_the_same_table(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    args = [FLOOD, "-n", "25", "--seed", "3", "--vary", "hub.staff=1,2"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "sweep", *args, "--out", str(tmp_path / "k")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    parent = tmp_path / "k" / "river-flood"
    deadline = time.monotonic() + 60
    hidden = None
    while time.monotonic() < deadline:
        found = list(parent.glob(".sweep-*.partial/rows.csv")) if parent.exists() else []
        if found and found[0].read_text().count("\n") > 8:
            hidden = found[0].parent
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert hidden is not None, "no rows appeared"
    kept = hidden.joinpath("rows.csv").read_text().count("\n") - 1
    assert 0 < kept < 50 and not list(parent.glob("sweep-*"))  # nothing looks finished
    code, out, err = _sweep(["--resume", str(hidden)])
    assert code == 0, err
    resumed = Path(out.strip().splitlines()[-1])
    assert not hidden.exists() and resumed.parent == parent
    code, out, err = _sweep([*args, "--out", str(tmp_path / "whole")])
    assert code == 0, err
    whole = Path(out.strip().splitlines()[-1])
    assert (resumed / "table.csv").read_bytes() == (whole / "table.csv").read_bytes()
    code, _, err = _sweep(["--resume", str(resumed)])
    assert code == 2 and "already complete" in err


def test_a_failing_replication_is_recorded_and_the_sweep_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sim.runs.replicate as rep

    bad = derived_seed(5, 2)
    real = rep.Session

    def flaky(ex: Any, *, seed: int | None = None, **kw: Any) -> Any:
        if seed == bad:
            raise ZeroDivisionError("a model bug on this seed")
        return real(ex, seed=seed, **kw)

    monkeypatch.setattr(rep, "Session", flaky)
    loaded, spec = _spec(TUTORIAL, 4)
    result = sw.start(loaded, tmp_path, spec, finish=finish_sweep)
    assert result.rows == 8 and result.failed == 2  # replication 2 of both variants
    rows = _table(result.folder)
    failed = [r for r in rows if r["error"]]
    assert {r["replication"] for r in failed} == {"2"}
    assert "ZeroDivisionError: a model bug on this seed" in failed[0]["error"]
    assert failed[0]["requests"] == "" and all(r["requests"] for r in rows if not r["error"])
    assert "Failed replications (2)" in (result.folder / "summary.html").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--vary", "hub.staff"], "--vary hub.staff: error: expected KEY=V1,V2"),
        (["--vary", "hub.nosuch=1,2"], "--vary hub.nosuch=1"),
        (["--vary", "seed=1,2"], "--vary seed=1,2: error: seeds come from --seed"),
        (["--jitter", "crises=30m"], "--jitter crises=30m: error: expected injects=DURATION"),
        (["--jitter", "injects=soon"], "--jitter injects=soon: error:"),
        (["--dask", "http://x"], "--dask http://x: error: expected 'local'"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(
    tmp_path: Path, args: list[str], message: str
) -> None:
    code, _, err = _sweep([TUTORIAL, "-n", "2", "--out", str(tmp_path), *args])
    assert code == 2, err
    assert err.startswith(message) and "Traceback" not in err, err
    assert not list(tmp_path.rglob("*.csv"))


def test_resume_of_something_else_is_refused(tmp_path: Path) -> None:
    code, _, err = _sweep(["--resume", str(tmp_path / "none")])
    assert code == 2 and "no such folder" in err
    code, _, err = _sweep(["--resume", str(tmp_path)])
    assert code == 2 and "not a sweep folder" in err
    code, _, err = _sweep([])
    assert code == 2 and "give an EXERCISE" in err


def test_jitter_shifts_are_whole_minutes_within_the_width_and_repeat(tmp_path: Path) -> None:
    loaded = load_exercise_full(TUTORIAL)
    base = {str(i.id): i.time for i in loaded.exercise.injects if i.time is not None}
    variants = sw.make_variants([])
    spec = SweepSpec(loaded.text, loaded.source, (), variants, 77, 40, jitter=30.0)
    a = sw.start(loaded, tmp_path / "a", spec, finish=finish_sweep)
    b = sw.start(loaded, tmp_path / "b", spec)
    assert (a.folder / "table.csv").read_bytes() == (b.folder / "table.csv").read_bytes()
    rows = _table(a.folder)
    moved = set()
    for row in rows:
        for iid, t0 in base.items():
            shift = float(row[f"shift.{iid}"])
            assert shift == int(shift) and abs(shift) <= 30 and t0 + shift >= 0
            assert f"injects.{iid}.time=" in row["sets"]
            moved.add(shift)
    assert len(moved) > 20  # uniform draws, not a constant
    with open(a.folder / "sensitivity.csv", encoding="utf-8") as fh:
        ranked = list(csv.DictReader(fh))
    assert ranked and all(float(r["adjusted_r2"]) <= 1 for r in ranked)
    r2 = [float(r["adjusted_r2"]) for r in ranked]
    assert r2 == sorted(r2, reverse=True)
    assert {r["top_inject"] for r in ranked} <= set(base)


def test_a_replication_imports_neither_matplotlib_nor_pandas() -> None:
    """Workers import only the model: matplotlib alone costs about 0.7 s per worker."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from sim.runs.replicate import SweepSpec, Variant, replicate\n"
        f"p = {TUTORIAL!r}\n"
        "spec = SweepSpec(Path(p).read_text(), p, (), (Variant(0, 'base', ()),), 1, 1, jitter=5)\n"
        "assert not replicate(spec, 0, 0, 3).row['error']\n"
        "print(sorted(m for m in ('matplotlib', 'pandas') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda m: [], "not a sweep manifest"),
        (lambda m: {**m, "variants": None}, "variants must be"),
        (lambda m: {**m, "variants": [{"sets": []}]}, "variants must be"),
        (lambda m: {**m, "root_seed": -1}, "root_seed must be"),
        (lambda m: {**m, "replications": 10**12}, "replications must be"),
        (lambda m: {**m, "replications": "many"}, "replications must be"),
        (lambda m: {**m, "jitter_min": "x"}, "jitter_min must be"),
        (lambda m: {**m, "grid_min": 1e-9}, "grid_min must be"),
        (lambda m: {**m, "base_sets": ["hub.staff=lots"]}, "hub.staff"),
    ],
)
def test_a_hand_edited_manifest_is_refused_naming_the_field(
    tmp_path: Path, edit: Any, message: str
) -> None:
    """--resume reads sweep.json back: an edit was an internal error (or, with a tiny grid, a
    hang); now one line naming the field."""
    loaded, spec = _spec(TUTORIAL, 2)
    done = sw.start(loaded, tmp_path / "a", spec).folder
    partial = done.parent / f".{done.name}.partial"
    shutil.copytree(done, partial)
    (partial / "table.csv").unlink()
    manifest = json.loads((partial / "sweep.json").read_text())
    (partial / "sweep.json").write_text(json.dumps(edit(manifest)))
    with pytest.raises(sw.SweepError, match=message):
        sw.resume(partial)
