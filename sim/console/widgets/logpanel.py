"""The session's recent messages, newest at the bottom."""

from __future__ import annotations

from rich.text import Text

from sim.console.widgets.base import Panel
from sim.runs.view import SessionView

__all__ = ["LogPanel"]

SHOWN = 40  # all the session keeps; the box scrolls, newest at the bottom


class LogPanel(Panel):
    def key(self, view: SessionView) -> object:
        return tuple(view.log[-SHOWN:])

    def render_view(self, view: SessionView) -> Text:
        out = Text()
        out.append(self.lab("log"), style="bold underline")
        for line in view.log[-SHOWN:]:  # no newline after the last: the box's last row shows it
            out.append("\n" + line)
        return out
