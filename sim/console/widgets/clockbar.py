"""The top line: scenario time (and calendar time), wall clock, speed, paused or running."""

from __future__ import annotations

from rich.text import Text

from sim.console.text import format_speed, scenario_t
from sim.console.widgets.base import Panel
from sim.runs.view import SessionView

__all__ = ["ClockBar"]


class ClockBar(Panel):
    DEFAULT_CSS = "ClockBar { height: auto; background: $panel; }"

    def key(self, view: SessionView) -> object:
        c = view.clock
        return (c.scenario_min // 1, c.calendar, c.wall, c.speed, c.paused, c.finished, view.title)

    def render_view(self, view: SessionView) -> Text:
        c, lab = view.clock, self.lab
        out = Text()
        out.append(f" {scenario_t(c.scenario_min)} ", style="bold black on bright_white")
        out.append(" ")
        if c.calendar:
            out.append(f" {c.calendar}", style="bold")
        out.append(f"  {lab('wall')} {c.wall}")
        out.append(f"  {lab('speed')} {format_speed(c.speed)}  ")
        if c.finished:
            out.append(f" {lab('finished')} ", style="bold white on red")
        elif c.paused:
            out.append(f" {lab('paused')} ", style="bold black on yellow")
        else:
            out.append(f" {lab('running')} ", style="bold black on green")
        out.append(f"  {lab('endex_at', t=scenario_t(c.endex_min))}", style="dim")
        who = (
            lab("players_hub", policy=view.policy)
            if view.players
            else lab("players_none", policy=view.policy)
        )
        out.append(f"  │ {who} · {view.title}")
        return out
