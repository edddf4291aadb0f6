"""``ttx play``: a live exercise, with the facilitator's console or a script.

In a terminal, the console (Textual) runs the session in real time (``--speed``). With
``--script FILE``, or when standard input is not a terminal, the same commands are read line
by line and applied at their ``@time`` as fast as the machine goes: a rehearsal, a test, a
demo. Refused lines are reported as ``FILE:LINE[:COL]: error: ...`` and change nothing; the
session goes on (exit code 1 at the end if any line was refused).
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from sim.analysis.labels import LANGUAGES
from sim.cli_common import FiniteRange, load_with_overrides, out_folder
from sim.cli_common import fail_input as _fail


def _policies() -> list[str]:
    from sim.policies_registry import POLICY_NAMES

    return list(POLICY_NAMES)


@click.command()
@click.argument("exercise", required=False, type=click.Path(dir_okay=False))
@click.option("--seed", type=click.IntRange(min=0), help="random seed (default: the exercise's)")
@click.option(
    "--speed",
    type=FiniteRange(min=0.01, max=100000),
    default=1.0,
    show_default=True,
    help="scenario minutes per wall minute (60: an hour a minute)",
)
@click.option("--start-paused", is_flag=True, help="start with the clock paused")
@click.option(
    "--players",
    type=click.Choice(["hub", "none"]),
    default="hub",
    show_default=True,
    help="hub: the players decide every request; none: the policy decides",
)
@click.option("--policy", type=click.Choice(_policies()), help="deciding or advising policy")
@click.option("--out", default="results", show_default=True, type=click.Path(file_okay=False))
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True)
@click.option("--script", "script", type=click.Path(dir_okay=False), help="commands to apply")
@click.option("--resume", "resume_dir", type=click.Path(file_okay=False), help="a live run folder")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="override a value")
@click.option("--no-plots", is_flag=True, help="skip the timeline and report at the end")
def play(
    exercise: str | None,
    seed: int | None,
    speed: float,
    start_paused: bool,
    players: str,
    policy: str | None,
    out: str,
    lang: str,
    script: str | None,
    resume_dir: str | None,
    sets: tuple[str, ...],
    no_plots: bool,
) -> None:
    """Play EXERCISE live (or --resume RUN_DIR): people decide at the hub, the facilitator
    drives the clock and the injects. Prints the run folder last."""
    from sim.runs.live import LiveSession, scenario_clock
    from sim.runs.livefolder import DebriefNotDrawn
    from sim.runs.play import PlayError, new_session, resume_session, run_script, script_text

    scripted = script is not None or not sys.stdin.isatty()
    after = 0
    paused = start_paused
    history: list[tuple[float, str]] = []
    try:
        lines = script_text(script) if script is not None else None  # before any folder
        if resume_dir is not None:
            if exercise is not None:
                _fail("ttx play: error: give EXERCISE or --resume RUN_DIR, not both")
            resumed = resume_session(Path(resume_dir))
            folder, loaded, session = resumed.folder, resumed.loaded, resumed.session
            after, speed, paused = resumed.script_after, resumed.speed, True
            history = resumed.history
            click.echo(f"resumed at scenario minute {session.now:g}, paused", err=True)
        else:
            if exercise is None:
                _fail("ttx play: error: missing EXERCISE (or --resume RUN_DIR)")
            loaded = load_with_overrides(exercise, sets, seed, policy)
            out_path = out_folder(out)
            folder, session = new_session(
                loaded,
                out_path,
                players=players == "hub",
                speed=speed,
                command=["ttx", *sys.argv[1:]],
            )
    except PlayError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"--out {out}: error: cannot write: {exc.strerror}")
    if scripted:
        live = LiveSession(session, None, lang=lang)
        source = script or "<stdin>"
        refused = run_script(
            live,
            folder,
            lines if lines is not None else (line.rstrip("\n") for line in sys.stdin),
            source,
            after=after,
            say=lambda m: click.echo(m),
            err=lambda m: click.echo(m, err=True),
        )
        if not live.finished:
            live._finish()
    else:
        from sim.console import run_console
        from sim.runs.debriefwriter import DebriefWriter

        def write_debrief() -> None:
            folder.complete(loaded, plots=not no_plots, lang=lang, events=len(session.journal))

        writer = DebriefWriter(write_debrief, str(folder.path))
        clock = scenario_clock(session, speed, paused)
        live = LiveSession(session, clock, lang=lang, on_finish=writer.start, history=history)
        writer.tell = live.tell
        run_console(live, lang)
        if writer.running:  # quit while the debrief is being written: let it finish
            click.echo("finishing the debrief…", err=True)
        writer.join()
        folder.close_streams()  # notes typed after ENDEX included
        refused = 0
        if not live.finished:  # the facilitator quit before ENDEX: resumable, not complete
            click.echo(f"session left at scenario minute {session.now:g}; resume with:", err=True)
            click.echo(f"  ttx play --resume {folder.path}", err=True)
            click.echo(str(folder.path))
            return
    if folder.manifest.get("status") != "complete":
        with contextlib.suppress(DebriefNotDrawn):  # said below, after the tables' summary
            folder.complete(loaded, plots=not no_plots, lang=lang, events=len(session.journal))
    from sim.analysis.kpis import summary_lines

    for line in summary_lines(folder.tables, lang):
        click.echo(line)
    click.echo(str(folder.path))
    not_drawn = folder.manifest.get("debrief_error")
    if not_drawn:
        click.echo(
            f"ttx play: error: the debrief was not drawn ({not_drawn}); the run is complete "
            f"and its KPI tables written: ttx report {folder.path} draws it again",
            err=True,
        )
        sys.exit(1)
    if refused:
        click.echo(f"{refused} script line(s) refused", err=True)
        sys.exit(1)
