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


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="ttx")


if __name__ == "__main__":
    main()
