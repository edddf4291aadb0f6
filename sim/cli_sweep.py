"""``ttx sweep`` (Monte Carlo and what-if sweeps) and ``ttx check`` (the dry run).

Argument checks, the progress bar (rich, on stderr), Ctrl-C, printing and exit codes; the work
is in ``sim.runs.sweep`` and ``sim.runs.dryrun``. Bad input: one line naming the argument, exit 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from sim.cli import _load, _Seed
from sim.cli_common import EXIT_INPUT, FiniteRange
from sim.cli_common import fail_input as _fail_input
from sim.cli_sweep_args import check_dask, check_one_change_per_value, parse_jitter, parse_vary
from sim.limits import MAX_REPLICATIONS, MAX_WORKERS

EXIT_INTERRUPTED = 130


class _Bar:
    """A rich progress bar on stderr: done/total, failures, rate and ETA."""

    def __init__(self, label: str) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class Rate(ProgressColumn):
            def render(self, task: Any) -> Text:
                speed = task.finished_speed or task.speed
                return Text(f"{speed:.1f} runs/s" if speed else "– runs/s")

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[failed]}"),
            Rate(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self.task = self.progress.add_task(label, total=None, failed="")
        self.first = True

    def __enter__(self) -> _Bar:
        self.progress.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.progress.stop()

    def __call__(self, done: int, total: int, failed: int) -> None:
        if self.first:  # rows kept from before a resume are not this run's speed
            self.first = False
            self.progress.reset(self.task, completed=done, total=total, failed="")
            return
        self.progress.update(
            self.task, completed=done, total=total, failed=f"{failed} failed" if failed else ""
        )


_EXECUTION = [
    click.option(
        "--workers",
        type=click.IntRange(min=1, max=MAX_WORKERS),
        help="processes (default 1), or Dask workers with --dask local (default: one per core)",
    ),
    click.option(
        "--dask", metavar="local|tcp://HOST:8786", help="run on Dask: a LocalCluster or a scheduler"
    ),
]


def _execution(f: Any) -> Any:
    for option in reversed(_EXECUTION):
        f = option(f)
    return f


def _replications(default: int, help_text: str) -> Any:
    """``-n``: how many runs, bounded (docs/limits.md)."""
    return click.option(
        "-n",
        "replications",
        type=click.IntRange(min=1, max=MAX_REPLICATIONS),
        default=default,
        show_default=True,
        help=help_text,
    )


@click.command()
@click.argument("exercise", required=False, type=click.Path(dir_okay=False))
@_replications(100, "replications per variant")
@click.option("--seed", type=_Seed(), help="root seed, 0 to 2**63-1 (default: the exercise's)")
@click.option(
    "--vary",
    multiple=True,
    metavar="KEY=V1,V2",
    help="a factor, e.g. hub.staff=2,4,6 or policy=fifo,priority",
)
@click.option(
    "--set", "sets", multiple=True, metavar="KEY=VALUE", help="override a value in every variant"
)
@click.option(
    "--jitter",
    metavar="injects=DURATION",
    help="shift timed injects by up to ±DURATION per replication",
)
@_execution
@click.option(
    "--out",
    default="results",
    show_default=True,
    type=click.Path(file_okay=False),
    help="results folder",
)
@click.option(
    "--resume",
    "resume_dir",
    type=click.Path(file_okay=False),
    help="complete an interrupted sweep folder",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "nl"]),
    default="en",
    show_default=True,
    help="figure language",
)
def sweep(
    exercise: str | None,
    replications: int,
    seed: int | None,
    vary: tuple[str, ...],
    sets: tuple[str, ...],
    jitter: str | None,
    workers: int | None,
    dask: str | None,
    out: str,
    resume_dir: str | None,
    lang: str,
) -> None:
    """Play EXERCISE -n times per variant into a new sweep folder OUT/<exercise>/sweep-…/.

    One row per replication (seed, variant, every KPI) as CSV and Parquet, percentile bands per
    variant, a comparison of the variants and summary.html. Any row is `ttx run EXERCISE --seed
    <seed>` plus its `sets`. The last line of stdout is the sweep folder's path.
    """
    from sim.runs import sweep as sw

    workers = check_dask(dask, workers)

    def finish(folder: Path, spec: Any, manifest: dict[str, Any]) -> None:
        from sim.analysis.bands import finish_sweep  # matplotlib: after the workers are done

        finish_sweep(folder, spec, manifest, lang=lang)

    options: dict[str, Any] = {"workers": workers, "dask": dask, "finish": finish}
    if resume_dir is not None:
        if exercise is not None or vary or sets or jitter or seed is not None:
            _fail_input(
                "--resume: error: give only the sweep folder; its settings are in sweep.json"
            )
        folder = Path(resume_dir)
        if not folder.is_dir():
            _fail_input(f"--resume {resume_dir}: error: no such folder")
        try:
            sw.spec_from_folder(folder)
        except sw.SweepError as exc:
            _fail_input(str(exc))
        _go(lambda **kw: sw.resume(folder, **kw), options, folder, new=False)
        return
    if exercise is None:
        _fail_input("ttx sweep: error: give an EXERCISE file, or --resume SWEEP_DIR")
    factors = parse_vary(vary)
    width = parse_jitter(jitter)
    loaded = _load(exercise, sets)
    check_one_change_per_value(factors, sets, loaded.text)
    variants = sw.make_variants(factors)
    from sim.exercise import ExerciseFileError
    from sim.runs.replicate import SweepSpec, variant_exercise

    spec = SweepSpec(
        loaded.text,
        loaded.source,
        tuple(loaded.overrides),
        variants,
        loaded.exercise.exercise.seed if seed is None else seed,
        replications,
        jitter=width,
    )
    for v in variants:
        try:
            variant_exercise(spec, v)
        except ExerciseFileError as exc:
            _fail_input([str(i).replace("--set ", "--vary ", 1) for i in exc.issues])
    out_path = Path(out)
    if out_path.exists() and not out_path.is_dir():
        _fail_input(f"--out {out}: error: exists and is not a folder")
    try:
        tmp, manifest = sw.create(loaded, out_path, spec, command=["ttx", *sys.argv[1:]])
    except OSError as exc:
        _fail_input(f"--out {out}: error: cannot write: {exc.strerror}")
    _go(lambda **kw: sw.run(tmp, spec, manifest, **kw), options, tmp, new=True)


def sw_error() -> type[Exception]:
    from sim.runs.sweep import SweepError

    return SweepError


def _go(call: Any, options: dict[str, Any], tmp: Path, *, new: bool) -> None:
    try:
        with _Bar("sweep") as bar:
            result = call(progress=bar, **options)
    except sw_error() as exc:
        _fail_input(str(exc))
    except KeyboardInterrupt:
        click.echo(f"interrupted: finished rows are kept in {tmp}", err=True)
        click.echo(f"  complete it with: ttx sweep --resume {tmp}", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except OSError as exc:  # a scheduler that does not answer, a full disk
        if new and not (tmp / "rows.csv").exists():
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)  # nothing ran: leave no folder behind
        where = f"--dask {options['dask']}" if options.get("dask") else "ttx sweep"
        _fail_input(f"{where}: error: {exc}")
    click.echo(f"{result.rows} replications, {result.failed} failed", err=True)
    sens = result.folder / "sensitivity.csv"
    if sens.exists():
        lines = sens.read_text(encoding="utf-8").splitlines()[1:6]
        if lines:
            click.echo(
                "inject timing moves most (variant, KPI, adjusted R², top inject):", err=True
            )
            for line in lines:
                v, kpi, r2, _, inj, corr = line.rsplit(",", 5)
                click.echo(
                    f"  {v.strip(chr(34))}: {kpi} R²={r2} (inject {inj}, r={corr})", err=True
                )
    click.echo(str(result.folder))


@click.command()
@click.argument("exercise", type=click.Path(dir_okay=False))
@_replications(200, "runs")
@click.option("--seed", type=_Seed(), help="root seed, 0 to 2**63-1 (default: the exercise's)")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="override a value")
@click.option(
    "--min-reach",
    type=FiniteRange(0, 1),
    default=0.9,
    show_default=True,
    help="share of runs each objective's key injects must fire in",
)
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON on stdout")
@click.option(
    "--html", "html_file", type=click.Path(dir_okay=False), help="write the report as an HTML page"
)
@click.option("--force", is_flag=True, help="replace an existing --html file")
@_execution
def check(
    exercise: str,
    replications: int,
    seed: int | None,
    sets: tuple[str, ...],
    min_reach: float,
    as_json: bool,
    html_file: str | None,
    force: bool,
    workers: int | None,
    dask: str | None,
) -> None:
    """Dry-run EXERCISE -n times: what fires, what is never reached, workload, scarcity, spread.

    Exit 1 when an objective's key inject fires in under --min-reach of the runs.
    """
    from sim.runs.dryrun import dry_run

    workers = check_dask(dask, workers)
    loaded = _load(exercise, sets)
    if html_file is not None and Path(html_file).is_file() and not force:  # before the runs
        _fail_input(f"--html {html_file}: error: exists; use --force to overwrite it")
    try:
        with _Bar("dry run") as bar:
            report = dry_run(
                loaded,
                replications,
                root_seed=seed,
                min_reach=min_reach,
                workers=workers,
                dask=dask,
                progress=bar,
            )
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if html_file is not None:
        from sim.analysis.checkpage import check_html
        from sim.fileio import write_text_atomic

        try:
            write_text_atomic(Path(html_file), check_html(report.to_json()), replace=force)
        except FileExistsError:
            _fail_input(f"--html {html_file}: error: exists; use --force to overwrite it")
        except OSError as exc:
            _fail_input(f"--html {html_file}: error: cannot write: {exc.strerror}")
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        from sim.analysis.checkpage import check_text

        click.echo(check_text(report.to_json()))
    if report.failing:
        for o in report.failing:
            low = ", ".join(
                f"{k['id']} {k['reach']:.0%}" for k in o["key_injects"] if k["reach"] < min_reach
            )
            click.echo(
                f"{exercise}: objective {o['id']}: key inject reached in under {min_reach:.0%} of runs: {low}",
                err=True,
            )
        sys.exit(1)


__all__ = ["EXIT_INPUT", "check", "sweep"]
