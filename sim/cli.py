"""Layer 6, the face: ``ttx`` commands, argument checks, error printing and exit codes.

Exit codes: 0 success; 1 a run finished but a check failed (e.g. replay differs);
2 bad input (exercise file, arguments, run folder). Heavy libraries are imported inside the
commands so ``ttx --help`` and ``ttx --version`` answer fast. Machine-readable output (paths)
goes to stdout, human chatter and errors to stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from sim import __version__
from sim.analysis.labels import LANGUAGES

EXIT_INPUT = 2


def _fail_input(lines: list[str] | str) -> NoReturn:
    for line in [lines] if isinstance(lines, str) else lines:
        click.echo(line, err=True)
    sys.exit(EXIT_INPUT)


def _load(path: str, overrides: tuple[str, ...] = ()) -> Any:
    from sim.exercise import ExerciseFileError, load_exercise_full, parse_override

    try:
        parsed = [parse_override(o) for o in overrides]
        return load_exercise_full(path, parsed)
    except ExerciseFileError as exc:
        _fail_input([str(i) for i in exc.issues])


class _Group(click.Group):
    def main(self, *args: Any, **kwargs: Any) -> Any:  # click usage errors already exit 2
        return super().main(*args, **kwargs)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ttx")
def cli() -> None:
    """Knooppunt TTX: tabletop exercises for Dutch civil-military crisis management.

    Crises escalate through GRIP levels, veiligheidsregio's ask for military assistance
    (bijstand), the national hub (LOCC/KCR2) decides against scarce Defence units.
    """


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(files: tuple[str, ...]) -> None:
    """Check exercise FILES; print a summary per file, or every error (exit 2)."""
    from sim.exercise import ExerciseFileError, format_t, load_exercise

    failed = False
    for f in files:
        try:
            ex = load_exercise(f)
        except ExerciseFileError as exc:
            failed = True
            for issue in exc.issues:
                click.echo(str(issue), err=True)
            continue
        click.echo(
            f"{f}: ok: {ex.id!r}, {len(ex.crises)} crises, {len(ex.injects)} injects, "
            f"ENDEX {format_t(ex.exercise.duration)}"
        )
    if failed:
        sys.exit(EXIT_INPUT)


@cli.command()
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="write to FILE instead of stdout"
)
def schema(output: str | None) -> None:
    """Print the JSON Schema of exercise files (for editor completion)."""
    from sim.exercise.schema import schema_text

    text = schema_text()
    if output is None:
        click.echo(text, nl=False)
        return
    from sim.fileio import write_text_atomic

    try:
        write_text_atomic(Path(output), text)
    except OSError as exc:
        _fail_input(f"{output}: error: cannot write: {exc.strerror}")
    click.echo(output)


def _policies() -> list[str]:
    from sim.policies_registry import POLICY_NAMES

    return list(POLICY_NAMES)


@cli.command()
@click.argument("exercise", type=click.Path(dir_okay=False))
@click.option("--seed", type=click.IntRange(min=0), help="random seed (default: the exercise's)")
@click.option("--policy", type=click.Choice(_policies()), help="hub decision policy")
@click.option(
    "--out",
    "out",
    default="results",
    show_default=True,
    type=click.Path(file_okay=False),
    help="results folder",
)
@click.option(
    "--set", "sets", multiple=True, metavar="KEY=VALUE", help="override a value, e.g. hub.staff=4"
)
@click.option("--no-plots", is_flag=True, help="skip the timeline and report")
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default="en",
    show_default=True,
    help="report language",
)
def run(
    exercise: str,
    seed: int | None,
    policy: str | None,
    out: str,
    sets: tuple[str, ...],
    no_plots: bool,
    lang: str,
) -> None:
    """Play EXERCISE to ENDEX and write a new run folder OUT/<exercise>/<run>/.

    Prints a summary; the last line of stdout is the run folder's path.
    """
    overrides = list(sets)
    if seed is not None:
        overrides.append(f"exercise.seed={seed}")
    if policy is not None:
        overrides.append(f"hub.policy={policy}")
    loaded = _load(exercise, tuple(overrides))
    out_path = Path(out)
    if out_path.exists() and not out_path.is_dir():
        _fail_input(f"--out {out}: error: exists and is not a folder")
    try:
        out_path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _fail_input(f"--out {out}: error: cannot create: {exc.strerror}")
    from sim.analysis.kpis import summary_lines
    from sim.runs import run_exercise

    try:
        result = run_exercise(
            loaded, out_path, command=["ttx", *sys.argv[1:]], plots=not no_plots, lang=lang
        )
    except PermissionError as exc:
        _fail_input(f"--out {out}: error: cannot write: {exc.strerror}")
    for line in summary_lines(result.kpis, lang):
        click.echo(line)
    click.echo(str(result.folder))


@cli.command()
@click.argument("run_dir", type=click.Path(file_okay=False))
def replay(run_dir: str) -> None:
    """Re-simulate RUN_DIR; exit 0 when the journal is byte-identical, 1 when it differs."""
    from sim.exercise import ExerciseFileError
    from sim.runs import RunFolderError
    from sim.runs import replay as do_replay

    path = Path(run_dir)
    if not path.is_dir():
        _fail_input(f"{run_dir}: error: no such run folder")
    try:
        result = do_replay(path)
    except RunFolderError as exc:
        _fail_input(str(exc))
    except ExerciseFileError as exc:
        _fail_input([str(i) for i in exc.issues])
    if result.identical:
        click.echo(f"{run_dir}: identical: {result.events} events replayed byte for byte")
        return
    click.echo(f"{run_dir}: differs at events.jsonl line {result.first_difference}", err=True)
    click.echo(f"  recorded: {result.expected}", err=True)
    click.echo(f"  replayed: {result.got}", err=True)
    if result.changed:
        click.echo(
            "  note: made with " + "; ".join(result.changed) + ", so a difference is expected",
            err=True,
        )
    else:
        click.echo(
            "  note: same model and packages as the run: the folder's files were changed, "
            "or this is a determinism bug",
            err=True,
        )
    sys.exit(1)


def _register_optional() -> None:
    """Commands that live in their own modules (debrief, MSEL)."""
    try:
        from sim.cli_debrief import aar, plot, report

        cli.add_command(plot)
        cli.add_command(report)
        cli.add_command(aar)
    except ImportError:  # pragma: no cover - during development only
        pass
    try:
        from sim.cli_msel import msel

        cli.add_command(msel)
    except ImportError:  # pragma: no cover
        pass


def main() -> None:
    """Console-script entry point."""
    _register_optional()
    cli(prog_name="ttx")


if __name__ == "__main__":
    main()
