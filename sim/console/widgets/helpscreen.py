"""F1: every command with its usage and what it does, and the keys."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from sim.console.text import Labels
from sim.runs.commands import USAGE

__all__ = ["HelpScreen", "help_table"]


def help_table(lab: Labels) -> Text:
    """Each command's usage line, and under it what it does (fits a narrow terminal)."""
    out = Text()
    out.append(lab("help_title") + "\n", style="bold underline")
    for word, usage in USAGE.items():
        out.append(f"\n{usage}\n", style="bold cyan")
        out.append(f"    {lab(f'help.{word}')}\n")
    return out


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; height: 80%; border: thick $accent;
        background: $surface; padding: 1 2; }
    """
    BINDINGS = [  # noqa: RUF012
        Binding("escape,f1,q", "dismiss", "close"),
    ]

    def __init__(self, lab: Labels) -> None:
        super().__init__()
        self.lab = lab

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(help_table(self.lab), id="help-table")
            yield Static(Text("\n" + self.lab("help_keys")), id="help-keys")
            yield Static(Text("\n" + self.lab("help_close"), style="dim"))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
