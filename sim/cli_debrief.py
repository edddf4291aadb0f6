"""``ttx plot`` and ``ttx report``: debrief files for a finished run folder.

Standalone click commands, registered in ``sim/cli.py``. They check every argument themselves so
bad input gives exactly one line on stderr naming the argument or file, and exit code 2 (never a
usage block or a traceback). Paths written go to stdout, one per line; the KPI summary goes to
stderr. Heavy libraries are imported only once the arguments are known to be good.
"""

from __future__ import annotations

import os
import sys

import click

from sim.analysis import FORMATS, check_formats
from sim.analysis.labels import check_language
from sim.cli_common import EXIT_INPUT
from sim.cli_common import fail_input as _fail

__all__ = ["aar", "plot", "report"]


def _lang(value: str) -> str:
    try:
        return check_language(value)
    except ValueError as exc:
        _fail(f"--lang {value!r}: error: {exc}")


def _time(option: str, value: str | None) -> float | None:
    if value is None:
        return None
    from sim.exercise.times import parse_scenario_time

    try:
        return parse_scenario_time(value)
    except ValueError as exc:
        _fail(f"{option} {value!r}: error: {exc}")


def _formats(value: str) -> list[str]:
    try:
        chosen = check_formats(value.split(","))
    except ValueError as exc:
        _fail(f"--format {value!r}: error: {exc}")
    if not chosen:
        _fail(f"--format {value!r}: error: no format given; choose from {', '.join(FORMATS)}")
    return list(dict.fromkeys(chosen))


def _names(option: str, value: str | None) -> list[str] | None:
    """``VR22,VR23`` → ["VR22", "VR23"]; None when the option is not given."""
    if value is None:
        return None
    names = list(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    if not names:
        _fail(f"{option} {value!r}: error: give one or more ids separated by commas")
    return names


def _run_folder(run_dir: str) -> None:
    """Fail early, before importing pandas and matplotlib, on a folder that cannot work."""
    from pathlib import Path

    path = Path(run_dir)
    if not path.exists():
        _fail(f"{run_dir}: error: no such run folder (RUN_DIR)")
    if not path.is_dir():
        _fail(f"{run_dir}: error: RUN_DIR is a file; give the run folder results/<exercise>/<run>/")
    if not (path / "events.jsonl").is_file():
        _fail(f"{path / 'events.jsonl'}: error: no journal in this run folder (RUN_DIR)")


def _analyse(run_dir: str, action: str, func: object, *args: object, **kwargs: object) -> object:
    """Run an analysis step; journal problems and write failures become one error line."""
    from sim.analysis.aar import AarError
    from sim.rundir import RunFolderError

    try:
        return func(*args, **kwargs)  # type: ignore[operator]
    except AarError as exc:  # every problem, each FILE:LINE:COL: error: ...
        for issue in exc.issues:
            click.echo(str(issue), err=True)
        sys.exit(EXIT_INPUT)
    except RunFolderError as exc:
        _fail(str(exc))
    except ValueError as exc:  # a selection the run does not have: one line naming it
        if str(exc).startswith("--"):
            _fail(f"{str(exc).splitlines()[0]}")
        if str(exc).startswith("empty time window"):  # --from after ENDEX, or no time at all
            _fail(f"{run_dir}: error: {exc} (the run covers T+00:00 to its ENDEX)")
        raise
    except OSError as exc:
        _fail(f"{exc.filename or run_dir}: error: cannot write {action}: {exc.strerror or exc}")
    except Exception as exc:  # a journal the analysis cannot read: one line, not a traceback
        if os.environ.get("TTX_DEBUG"):
            raise
        _fail(
            f"{run_dir}: error: cannot draw the {action} from this journal "
            f"({type(exc).__name__}: {exc}); set TTX_DEBUG=1 for details"
        )


class _OneLineErrors(click.Command):
    """A click command whose usage errors (unknown option, missing RUN_DIR) are one line too."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: object,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            _fail(f"ttx {self.name}: error: {exc.format_message()} (see ttx {self.name} --help)")


@click.command("plot", cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("run_dir", metavar="RUN_DIR")
@click.option("--lang", default="en", show_default=True, help="Label language: en or nl.")
@click.option("--from", "t_from", metavar="TIME", help="Start of the window, e.g. T+02:00.")
@click.option("--to", "t_to", metavar="TIME", help="End of the window, e.g. T+12:00.")
@click.option(
    "--format",
    "fmt",
    default="png",
    show_default=True,
    metavar="LIST",
    help="Comma-separated file formats: png, svg, pdf (PNG alone is quickest).",
)
@click.option(
    "--preset",
    default="print",
    show_default=True,
    metavar="NAME",
    help="print: one tall figure; projector: 16:9 pages of 1920x1080 px, text 18 px or more.",
)
@click.option("--regions", metavar="LIST", help="Only these regions, e.g. VR22,VR23.")
@click.option("--capabilities", metavar="LIST", help="Only these capabilities, e.g. FBO_CH47.")
@click.option("--crises", metavar="LIST", help="Only these crises (their ids).")
def plot(
    run_dir: str,
    lang: str,
    t_from: str | None,
    t_to: str | None,
    fmt: str,
    preset: str,
    regions: str | None,
    capabilities: str | None,
    crises: str | None,
) -> None:
    """Draw the timeline of a run into its folder (timeline.png, .svg, .pdf).

    RUN_DIR is a run folder, results/<exercise-id>/<run-id>/, holding events.jsonl. Other
    languages, time windows and selections get their own file names (timeline.nl.png,
    timeline_0200-0600.png, timeline_VR22.png), so no view replaces another. With --preset
    projector the pages are projector-01-injects.png, projector-02-regions-1.png, ...
    """
    lang = _lang(lang)
    start, end = _time("--from", t_from), _time("--to", t_to)
    if start is not None and end is not None and end <= start:
        _fail(f"--from {t_from!r} --to {t_to!r}: error: the window ends before it starts")
    formats = _formats(fmt)
    from sim.analysis.render import PRESETS

    if preset not in PRESETS:
        _fail(f"--preset {preset!r}: error: choose from {', '.join(PRESETS)}")
    chosen = {
        "regions": _names("--regions", regions),
        "capabilities": _names("--capabilities", capabilities),
        "crises": _names("--crises", crises),
    }
    _run_folder(run_dir)
    from sim.analysis.render import render_run

    paths = _analyse(
        run_dir, "timeline", render_run, run_dir, lang=lang, formats=formats, report=False,
        t_from=start, t_to=end, preset=preset, **chosen,
    )  # fmt: skip
    for path in paths:  # type: ignore[attr-defined]
        click.echo(str(path))


REPORT_FORMATS = ("html", "docx")


@click.command(
    "report", cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.argument("run_dir", metavar="RUN_DIR")
@click.option("--lang", default="en", show_default=True, help="Report language: en or nl.")
@click.option(
    "--format",
    "fmt",
    default="html",
    show_default=True,
    metavar="LIST",
    help="Comma-separated: html (one self-contained file), docx (Word).",
)
def report(run_dir: str, lang: str, fmt: str) -> None:
    """Write the after-action report of a run (report.html; report.docx with --format docx).

    RUN_DIR is a run folder, results/<exercise-id>/<run-id>/, holding events.jsonl. The report
    starts with the key figures, then the timeline, each objective with its injects, what the
    players were expected to do and what was done, and the evaluators' ratings, strengths,
    areas for improvement and improvement plan from aar.yaml in the run folder (write its
    template with ttx aar RUN_DIR). A Dutch report is report.nl.html / report.nl.docx.
    Key figures are printed on stderr.
    """
    lang = _lang(lang)
    formats = list(dict.fromkeys(f.strip().lower() for f in fmt.split(",") if f.strip()))
    bad = [f for f in formats if f not in REPORT_FORMATS]
    if bad or not formats:
        _fail(f"--format {fmt!r}: error: choose from {', '.join(REPORT_FORMATS)}")
    _run_folder(run_dir)
    from sim.analysis.render import load_run

    run = _analyse(run_dir, "report", load_run, run_dir)
    if run.exercise_problem:  # type: ignore[attr-defined]
        click.echo(run.exercise_problem, err=True)  # type: ignore[attr-defined]
    from sim.analysis.kpis import kpis_from_tables, summary_lines
    from sim.analysis.report import write_report_for
    from sim.analysis.tables import build_tables

    tables = _analyse(run_dir, "report", build_tables, run.events, validate=False)  # type: ignore[attr-defined]
    kpi_tables = _analyse(run_dir, "report", kpis_from_tables, tables, run.exercise, lang)  # type: ignore[attr-defined]
    paths = [
        _analyse(run_dir, "report", write_report_for, run, lang, tables=tables,
                 kpi_tables=kpi_tables, formats=[f])
        for f in formats
    ]  # fmt: skip
    lines = _analyse(run_dir, "report", summary_lines, kpi_tables, lang)
    for line in lines:  # type: ignore[attr-defined]
        click.echo(line, err=True)
    for path in paths:
        click.echo(str(path))


@click.command("aar", cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("run_dir", metavar="RUN_DIR")
def aar(run_dir: str) -> None:
    """Write the evaluators' template aar.yaml into a run folder, or check the one there.

    The template lists every training objective of the exercise with the injects tied to it,
    for a rating (P, S, M, U) and notes, plus strengths, areas for improvement and the
    improvement plan. Fill it in and run ttx report again: the report merges it. An existing
    aar.yaml is never overwritten; it is validated instead (errors as FILE:LINE:COL, exit 2).
    """
    _run_folder(run_dir)
    from sim.analysis.aar import aar_template, load_aar
    from sim.analysis.render import load_run
    from sim.fileio import write_text_atomic

    run = _analyse(run_dir, "aar", load_run, run_dir)
    path = run.aar_path  # type: ignore[attr-defined]
    if path.is_file():
        _analyse(run_dir, "aar", load_aar, path, run.exercise)  # type: ignore[attr-defined]
        click.echo(f"{path}: valid; not overwritten", err=True)
        click.echo(str(path))
        return
    injects_of: dict[str, list[str]] = {}
    for e in run.events:  # type: ignore[attr-defined]
        if e["kind"] == "inject":
            for oid in (e["detail"] or {}).get("objectives") or []:
                injects_of.setdefault(str(oid), []).append(f"{e['inject']} ({e['state']})")
    try:
        write_text_atomic(path, aar_template(run.exercise, injects_of))  # type: ignore[attr-defined]
    except OSError as exc:
        _fail(f"{path}: error: cannot write: {exc.strerror or exc}")
    click.echo(str(path))
