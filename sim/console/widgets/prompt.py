"""The command prompt: history (↑ ↓), completion (Tab) from the session, inline suggestion."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.binding import Binding
from textual.suggester import Suggester
from textual.widgets import Input

__all__ = ["CommandPrompt", "common_prefix"]


class _SessionSuggester(Suggester):
    """Greys in the first completion the session offers (accepted with → or End)."""

    def __init__(self, complete: Callable[[str], list[str]]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.complete = complete

    async def get_suggestion(self, value: str) -> str | None:
        if not value.strip():
            return None
        options = self.complete(value)
        return options[0] if options else None


def common_prefix(options: list[str]) -> str:
    """The longest start every option shares (text, not paths)."""
    if not options:
        return ""
    first, last = min(options), max(options)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


class CommandPrompt(Input):
    """An ``Input`` that remembers what was typed and asks the session how to complete it."""

    BINDINGS = [  # noqa: RUF012 - Textual's convention
        Binding("up", "history(-1)", "previous command", show=False),
        Binding("down", "history(1)", "next command", show=False),
        Binding("tab", "complete", "complete", show=False, priority=True),
    ]

    def __init__(self, complete: Callable[[str], list[str]], **kwargs: Any) -> None:
        super().__init__(suggester=_SessionSuggester(complete), **kwargs)
        self.complete = complete
        self.history: list[str] = []
        self._index = 0
        self.on_choices: Callable[[list[str]], None] | None = None

    def remember(self, line: str) -> None:
        if line.strip() and (not self.history or self.history[-1] != line):
            self.history.append(line)
        self._index = len(self.history)

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        self._index = max(0, min(len(self.history), self._index + step))
        self.value = self.history[self._index] if self._index < len(self.history) else ""
        self.cursor_position = len(self.value)

    def action_complete(self) -> None:
        """Complete as far as every option agrees; one option gets a trailing space."""
        options = self.complete(self.value)
        if not options:
            return
        if len(options) == 1:
            self.value = options[0] + " "
        else:
            prefix = common_prefix(options)
            if len(prefix) > len(self.value):
                self.value = prefix
            if self.on_choices is not None:
                self.on_choices(options)
        self.cursor_position = len(self.value)
