"""``ttx msel``: export an exercise's MSEL to Excel/CSV and import an edited sheet back.

Register with ``cli.add_command(msel)`` in :mod:`sim.cli`. Same conventions as the other
commands: the written path on stdout, errors and warnings on stderr, exit 2 for bad input
(every problem at once, each with its cell), nothing written when there is an error, and an
existing output file is kept unless ``--force`` (also one that appears while the sheet is being
made). Output to a device or a named pipe is written as a stream, and its path not printed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

__all__ = ["msel"]

EXIT_INPUT = 2


def _fail(lines: list[str] | str) -> NoReturn:
    for line in [lines] if isinstance(lines, str) else lines:
        click.echo(line, err=True)
    sys.exit(EXIT_INPUT)


def _check_output(output: str, force: bool, suffixes: tuple[str, ...], what: str) -> Path:
    """Early checks, before any work; the write itself checks again (see :func:`_write`)."""
    import stat

    path = Path(output)
    if path.suffix.lower() not in suffixes:
        _fail(f"{output}: error: {what} must end in {' or '.join(suffixes)}")
    try:
        mode = path.stat().st_mode
    except OSError:
        return path  # missing (fine), or a problem that the write will name
    if stat.S_ISDIR(mode):
        _fail(f"{output}: error: is a folder")
    if stat.S_ISREG(mode) and not force:
        _fail(f"{output}: error: exists; use --force to overwrite it")
    return path


def _write(path: Path, data: bytes, force: bool) -> None:
    """Write the file (or stream) and print its path; never replace a file without --force."""
    from sim.fileio import os_error_text, write_bytes_atomic

    try:
        streamed = write_bytes_atomic(path, data, replace=force)
    except FileExistsError:
        _fail(f"{path}: error: exists; use --force to overwrite it")
    except OSError as exc:
        _fail(f"{path}: error: cannot write: {os_error_text(exc)}")
    if not streamed:
        click.echo(str(path))


def _group_class() -> type[click.Group]:
    from sim.cli_terminal import TerminalSafeGroup

    return TerminalSafeGroup


@click.group(cls=_group_class())
def msel() -> None:
    """MSEL spreadsheets (draaiboek): export injects to Excel/CSV and import them back."""


@msel.command("export")
@click.argument("exercise", type=click.Path(dir_okay=False))
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="FILE.xlsx or FILE.csv"
)
@click.option(
    "--lang",
    type=click.Choice(["en", "nl"]),
    default="en",
    show_default=True,
    help="column headers and cell words (nl: Dutch, and ';' in CSV for Dutch Excel)",
)
@click.option("--force", is_flag=True, help="overwrite OUTPUT if it exists")
def export_cmd(exercise: str, output: str, lang: str, force: bool) -> None:
    """Write the MSEL of EXERCISE: one row per inject, staff columns first.

    The sheet holds everything needed to import it back without loss: crisis, level,
    request fields and payloads (capacity, main task 1, hub) as compact YAML.
    """
    from sim.exercise import ExerciseFileError, load_exercise
    from sim.exercise.msel import MselError, msel_format, render_msel

    path = _check_output(output, force, (".xlsx", ".csv"), "the MSEL file")
    try:
        ex = load_exercise(exercise)
    except ExerciseFileError as exc:
        _fail([str(i) for i in exc.issues])
    fmt = msel_format(path)
    assert fmt is not None
    try:
        data = render_msel(ex, fmt, "nl" if lang == "nl" else "en")
    except MselError as exc:
        _fail(exc.messages)
    _write(path, data, force)


@msel.command("import")
@click.argument("sheet", type=click.Path(dir_okay=False))
@click.option(
    "--into",
    type=click.Path(dir_okay=False),
    help="exercise whose injects the sheet replaces (the rest is kept as written)",
)
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="NEW.yaml to write"
)
@click.option("--force", is_flag=True, help="overwrite OUTPUT if it exists")
def import_cmd(sheet: str, into: str | None, output: str, force: bool) -> None:
    """Read an MSEL SHEET (.xlsx or .csv, English or Dutch headers) into an exercise.

    Times may be T+02:30, D+1 08:00, J+1 08:00, H+2, M+30, or a spreadsheet date-time or
    clock time when the exercise has a start. Without --into the injects get a skeleton
    exercise (see the header of the written file for what it adds). The result is validated
    before it is written; every problem is reported with its cell (FILE!C12).
    """
    from sim.exercise.msel import MselError, import_msel

    path = _check_output(output, force, (".yaml", ".yml"), "the exercise file")
    try:
        result = import_msel(sheet, into=into, output=output)
    except MselError as exc:
        _fail(exc.messages)
    for warning in result.warnings:
        click.echo(warning, err=True)
    _write(path, result.text.encode("utf-8"), force)
