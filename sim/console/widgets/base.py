"""A panel that redraws only when what it shows has changed (the console ticks 4 times a second)."""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from sim.console.text import Labels
from sim.runs.view import SessionView

__all__ = ["Panel", "plain"]


def plain(parts: list[Any]) -> str:
    """What a list of rich Texts and Tables says, as plain text (for tests and exports)."""
    out = []
    for part in parts:
        if isinstance(part, Text):
            out.append(part.plain)
        elif isinstance(part, Table):
            rows = zip(*(list(col.cells) for col in part.columns), strict=False)
            for row in rows:
                cells = [c.plain if isinstance(c, Text) else str(c) for c in row]
                out.append(" ".join(cells).rstrip())
    return "\n".join(out)


class Panel(Static):
    """Subclasses build a renderable from the view in ``render_view``; ``key`` says what it
    depends on, so an unchanged panel costs one comparison per tick, not a layout."""

    def __init__(self, lab: Labels, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.lab = lab
        self._key: object = object()
        self.text = ""  # plain text of the last render (what tests and screen readers see)

    def show(self, view: SessionView) -> bool:
        """Redraw if what it shows changed; returns whether it did."""
        key = self.key(view)
        if key == self._key:
            return False
        self._key = key
        renderable = self.render_view(view)
        if isinstance(renderable, Text):
            self.text = renderable.plain  # panels drawing tables set ``text`` themselves
        self.update(renderable)
        return True

    def key(self, view: SessionView) -> object:
        return view

    def render_view(self, view: SessionView) -> RenderableType:  # pragma: no cover - abstract
        raise NotImplementedError
