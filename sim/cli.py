"""Layer 6, the face: ``ttx`` commands, argument checks, error printing and exit codes.

Exit codes: 0 success; 1 a run finished but a check failed (e.g. replay differs);
2 bad input (exercise file, arguments, run folder). Heavy libraries are imported inside the
commands so ``ttx --help`` and ``ttx --version`` answer fast. Machine-readable output (paths)
goes to stdout, human chatter and errors to stderr.

Error printing is one mechanism for every command (``cli_terminal.TerminalSafeGroup``): a
usage error from click is one line naming the argument, not a usage block, and everything
written to the terminal has its control characters escaped, whichever command printed it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from sim import __version__
from sim.analysis.labels import LANGUAGES
from sim.cli_common import EXIT_INPUT
from sim.cli_common import fail_input as _fail_input
from sim.cli_terminal import TerminalSafeGroup


class _Seed(click.ParamType):
    """A seed: ASCII digits only (no sign, '_', blanks or other scripts' digits), 0 to 2**63-1."""

    name = "seed"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        from sim.exercise.base import MAX_SEED

        if isinstance(value, int) and not isinstance(value, bool):
            text = str(value)
        else:
            text = str(value)
            if not (text.isascii() and text.isdigit()):
                self.fail(
                    f"{text!r} is not a seed: write a whole number in the digits 0-9, e.g. 42",
                    param,
                    ctx,
                )
        if len(text.lstrip("0")) > len(str(MAX_SEED)) or int(text) > MAX_SEED:
            self.fail(f"{text[:40]!r} is larger than the largest seed, {MAX_SEED}", param, ctx)
        return int(text)


def _load(path: str, overrides: tuple[str, ...] = ()) -> Any:
    from sim.exercise import ExerciseFileError, load_exercise_full, parse_override

    try:
        parsed = [parse_override(o) for o in overrides]
        return load_exercise_full(path, parsed)
    except ExerciseFileError as exc:
        _fail_input([str(i) for i in exc.issues])


@click.group(cls=TerminalSafeGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option("--force", is_flag=True, help="overwrite FILE if it exists")
def schema(output: str | None, force: bool) -> None:
    """Print the JSON Schema of exercise files (for editor completion).

    With -o the schema goes to a new FILE (the path is printed), or to a device or pipe such as
    /dev/stdout (nothing else is printed)."""
    from sim.exercise.schema import schema_text

    text = schema_text()
    if output is None:
        click.echo(text, nl=False)
        return
    from sim.fileio import os_error_text, write_text_atomic

    try:
        streamed = write_text_atomic(Path(output), text, replace=force)
    except FileExistsError:
        _fail_input(f"{output}: error: exists; use --force to overwrite it")
    except OSError as exc:
        _fail_input(f"{output}: error: cannot write: {os_error_text(exc)}")
    if not streamed:
        click.echo(output)


def _policies() -> list[str]:
    from sim.policies_registry import POLICY_NAMES

    return list(POLICY_NAMES)


@cli.command()
@click.argument("exercise", type=click.Path(dir_okay=False))
@click.option("--seed", type=_Seed(), help="random seed, 0 to 2**63-1 (default: the exercise's)")
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
    "--format",
    "formats",
    default="png",
    show_default=True,
    metavar="png,svg,pdf",
    help="timeline formats (the report embeds the PNG)",
)
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
    formats: str,
    lang: str,
) -> None:
    """Play EXERCISE to ENDEX and write a new run folder OUT/<exercise>/<run>/.

    Prints a summary; the last line of stdout is the run folder's path.
    """
    from sim.analysis import check_formats
    from sim.cli_common import load_with_overrides, out_folder

    try:
        chosen = check_formats(formats.split(","))
    except ValueError as exc:
        _fail_input(f"--format {formats}: error: {exc}")
    loaded = load_with_overrides(exercise, sets, seed, policy)
    out_path = out_folder(out)
    from sim.analysis.kpis import summary_lines
    from sim.runs import run_exercise

    try:
        result = run_exercise(
            loaded,
            out_path,
            command=["ttx", *sys.argv[1:]],
            plots=not no_plots,
            lang=lang,
            formats=chosen,
        )
    except OSError as exc:  # read-only, full, a file in the way, a name too long, /proc...
        import errno

        where = f" {exc.filename}" if exc.filename else ""
        why = exc.strerror or str(exc)
        if exc.errno in (errno.EEXIST, errno.ENOTDIR):
            why = "a file is in the way of a folder"
        _fail_input(f"--out {out}: error: cannot write{where}: {why}")
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
    if result.error is not None:
        where = (
            f"{path / 'decisions.jsonl'}:{result.decision_line}"
            if result.decision_line
            else str(path / "decisions.jsonl")
        )
        click.echo(f"{where}: error: {result.error}", err=True)
        sys.exit(1)
    if result.file == "exercise.yaml":
        click.echo(f"{run_dir}: differs: " + "; ".join(result.changed or []), err=True)
        sys.exit(1)
    click.echo(f"{run_dir}: differs at {result.file} line {result.first_difference}", err=True)
    click.echo(f"  recorded: {result.expected}", err=True)
    click.echo(f"  replayed: {result.got}", err=True)
    if result.decision_line is not None:
        click.echo(
            f"  the last decision applied before it: decisions.jsonl line {result.decision_line}",
            err=True,
        )
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
    from sim.cli_play import play

    cli.add_command(play)
    try:
        from sim.cli_sweep import check, sweep

        cli.add_command(sweep)
        cli.add_command(check)
    except ImportError:  # pragma: no cover
        pass


def main() -> None:
    """Console-script entry point. An unexpected error (a bug, not bad input) is one line
    with exit code 3; ``TTX_DEBUG=1`` shows the traceback."""
    import os

    _register_optional()
    try:
        cli(prog_name="ttx")
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:
        if os.environ.get("TTX_DEBUG"):
            raise
        text = str(exc).splitlines()[0] if str(exc) else ""
        click.echo(
            f"ttx: internal error: {type(exc).__name__}: {text} (TTX_DEBUG=1 shows where)", err=True
        )
        sys.exit(3)


if __name__ == "__main__":
    main()
