"""Next injects with their countdown, and fired injects with what the players receive."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from sim.console.text import countdown, scenario_t
from sim.console.widgets.base import Panel, plain
from sim.runs.view import InjectView, SessionView

__all__ = ["InjectsPanel"]

NEXT_SHOWN = 6
FIRED_SHOWN = 5


def _grid() -> Table:
    """Inject id, then what to say about it (time on the first line, title under it)."""
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", style="bold cyan", no_wrap=True)
    table.add_column(ratio=1)
    return table


class InjectsPanel(Panel):
    def key(self, view: SessionView) -> object:
        return (
            view.clock.scenario_min // 1,
            len(view.injects_next),
            tuple(view.injects_next[:NEXT_SHOWN]),
            tuple(view.injects_fired[:FIRED_SHOWN]),
        )

    def render_view(self, view: SessionView) -> RenderableType:
        lab, now = self.lab, view.clock.scenario_min
        parts: list[RenderableType] = [Text(lab("next_injects"), style="bold underline")]
        upcoming = _grid()
        for inj in view.injects_next[:NEXT_SHOWN]:
            when = Text()
            if inj.due_min is not None:
                when.append(f"{scenario_t(inj.due_min)} ")
                when.append(lab("due_in", d=countdown(inj.due_min - now)), style="yellow")
            elif inj.trigger == "manual":
                when.append(lab("due_manual"), style="magenta")
            else:
                when.append(lab("due_trigger"), style="dim")
                if inj.trigger:
                    when.append(f" ({inj.trigger})", style="dim")
            upcoming.add_row(inj.id, when.append("\n").append(inj.title or inj.message[:60]))
        parts.append(upcoming if upcoming.row_count else Text(lab("no_injects"), style="dim"))
        if len(view.injects_next) > NEXT_SHOWN:
            parts.append(Text(lab("more", n=len(view.injects_next) - NEXT_SHOWN), style="dim"))
        parts.append(Text("\n" + lab("fired_injects"), style="bold underline"))
        fired = _grid()
        for inj in view.injects_fired[:FIRED_SHOWN]:  # newest first
            when = Text(scenario_t(inj.fired_min) + " ", style="green")
            fired.add_row(inj.id, when.append_text(self._body(inj)))
        parts.append(fired if fired.row_count else Text(lab("no_injects"), style="dim"))
        self.text = plain(parts)
        return Group(*parts)

    def _body(self, inj: InjectView) -> Text:
        lab = self.lab
        out = Text()
        if inj.state != "fired":
            out.append(f"{lab.other('inject_state.' + inj.state)}: ", style="dim")
            out.append(inj.title + (f" ({inj.reason})" if inj.reason else ""), style="dim")
            return out
        out.append(inj.title or "", style="bold")
        route = [
            f"{lab(name)} {value}"
            for name, value in (("from", inj.from_), ("to", inj.to), ("method", inj.method))
            if value
        ]
        if route:
            out.append("\n" + " · ".join(route), style="dim")
        if inj.message:
            out.append("\n" + inj.message)
        if inj.expected_action:
            out.append(f"\n{lab('expected')}: {inj.expected_action}", style="italic")
        if inj.inject_type == "decision_point":
            if inj.answer:
                out.append(f"\n{lab('answered')}: {inj.answer}", style="green")
            else:
                out.append(f"\n{lab('awaiting_answer', id=inj.id)}", style="bold yellow")
        return out
