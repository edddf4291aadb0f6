"""The facilitator console: a full-screen Textual app over a ``SessionHandle``.

It ticks the session a few times a second (the session advances its world to the clock) and
redraws from the plain ``SessionView``. Everything a facilitator or player does becomes a
command line sent to ``handle.submit`` (keys too: Space sends ``pause`` or ``resume``), so the
console adds no behaviour a script could not have; an error is one red line, never a crash.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Key
from textual.widgets import Footer, Input, Static

from sim.console.text import Labels
from sim.console.widgets.board import UnitBoard
from sim.console.widgets.clockbar import ClockBar
from sim.console.widgets.helpscreen import HelpScreen
from sim.console.widgets.injects import InjectsPanel
from sim.console.widgets.logpanel import LogPanel
from sim.console.widgets.pending import PendingPanel
from sim.console.widgets.prompt import CommandPrompt
from sim.runs.commands import USAGE, CommandError, End, Help, parse_command
from sim.runs.view import CommandResult, SessionHandle, SessionView

__all__ = ["SPEEDS", "TICK_SECONDS", "ConsoleApp", "run_console"]

TICK_SECONDS = 0.25
SPEEDS: tuple[float, ...] = (1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 3600)
_DASHBOARD_KEYS = ("space", "plus", "minus")


class _Prompt(CommandPrompt):
    """The prompt, with the dashboard keys (Space, +, -) when nothing has been typed yet."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        if not self.value and key in _DASHBOARD_KEYS:
            return False  # so the footer shows them
        return super().check_consume_key(key, character)

    async def _on_key(self, event: Key) -> None:
        if not self.value and event.key in _DASHBOARD_KEYS:
            event.stop()
            event.prevent_default()
            action = {"space": "toggle_pause", "plus": "faster", "minus": "slower"}[event.key]
            await self.app.run_action(action)
            return
        await super()._on_key(event)


class ConsoleApp(App[None]):
    """Shows a live session and sends it what is typed."""

    TITLE = "Knooppunt TTX"
    ENABLE_COMMAND_PALETTE = False  # themes and the like: not for the exercise room
    CSS = """
    #main { height: 1fr; }
    #left { width: 2fr; border-right: solid $panel; padding: 0 1; }
    #middle { width: 3fr; border-right: solid $panel; }  /* the decisions: the most room */
    #pending-box { height: 1fr; padding: 0 1; }
    #log-box { height: 11; border-top: solid $panel; padding: 0 1; }
    #right { width: 56; padding: 0 1; }
    #status { height: 2; padding: 0 1; }
    """
    BINDINGS = [  # noqa: RUF012 - Textual's convention; the shown keys are bound in __init__
        Binding("ctrl+n", "next", show=False, priority=True),
        Binding("escape", "leave_prompt", show=False),
    ]
    KEYS: tuple[tuple[str, str, str], ...] = (  # key, action, label key (shown in the footer)
        ("f1", "help", "key.help"),
        ("space", "toggle_pause", "key.pause"),
        ("plus", "faster", "key.faster"),
        ("minus", "slower", "key.slower"),
        ("n", "next", "key.next"),
        ("f2", "start('decide')", "key.decide"),
        ("f10", "start('note')", "key.note"),
    )
    STARTS: tuple[tuple[str, str], ...] = (  # more keys that start a command at the prompt
        ("f3", "fire"),
        ("f4", "skip"),
        ("f5", "delay"),
        ("f6", "inject"),
        ("f7", "reallocate"),
        ("f8", "mobilise"),
        ("f9", "answer"),
        ("f11", "goto"),
        ("f12", "end"),
    )

    def __init__(self, handle: SessionHandle, lang: str = "en", *, tick: float = TICK_SECONDS):
        super().__init__()
        self.handle = handle
        self.lab = Labels(lang)
        self.tick_seconds = tick
        self.view: SessionView | None = None
        self.results: list[tuple[str, CommandResult]] = []  # every line sent, and its answer
        self._tick_failed = False
        self._said_ended = False
        self._confirm_end = False
        for key, action, label in self.KEYS:
            self.bind(key, action, description=self.lab(label))
        for key, word in self.STARTS:
            self.bind(key, f"start('{word}')", show=False)

    # -- layout -----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        lab = self.lab
        self.clock_bar = ClockBar(lab, id="clock")
        self.injects = InjectsPanel(lab, id="injects")
        self.log_panel = LogPanel(lab, id="log")
        self.pending = PendingPanel(lab, id="pending")
        self.board = UnitBoard(lab, id="board")
        self.status = Static("", id="status")
        self.status_text = ""
        self.prompt = _Prompt(self._complete, placeholder=lab("prompt"), id="prompt")
        self.prompt.on_choices = self._show_choices
        yield self.clock_bar
        with Horizontal(id="main"):
            with VerticalScroll(id="left"):
                yield self.injects
            with Vertical(id="middle"):  # the log keeps its place however many requests wait
                with VerticalScroll(id="pending-box"):
                    yield self.pending
                with VerticalScroll(id="log-box"):
                    yield self.log_panel
            with VerticalScroll(id="right"):
                yield self.board
        yield self.status
        yield self.prompt
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.lab("title")
        self.refresh_view()
        self.prompt.focus()
        self.set_interval(self.tick_seconds, self.on_tick)

    # -- the session --------------------------------------------------------------------------
    def on_tick(self) -> None:
        try:
            self.handle.tick()
        except Exception as exc:  # a face never dies of its session; it says what went wrong
            if not self._tick_failed:
                self._tick_failed = True
                self._say(False, f"session: {type(exc).__name__}: {exc}")
        self.refresh_view()

    def refresh_view(self) -> None:
        try:
            view = self.handle.view()
        except Exception as exc:
            self._say(False, f"session view: {type(exc).__name__}: {exc}")
            return
        self.view = view
        for panel in (self.clock_bar, self.injects, self.pending, self.board):
            panel.show(view)
        if self.log_panel.show(view):  # newest at the bottom, in view
            self.call_after_refresh(self.query_one("#log-box").scroll_end, animate=False)
        if view.clock.finished and not self._said_ended:
            self._said_ended = True
            self._say(True, self.lab("ended"))

    def submit_line(self, line: str) -> CommandResult:
        """Send one command line (as typed or from a key) and show its answer at once."""
        self.prompt.remember(line)
        local = self._local(line)
        if local is not None:
            self._say(local.ok, local.message)
            return local
        try:
            result = self.handle.submit(line)
        except Exception as exc:  # the contract says submit never raises; be safe anyway
            result = CommandResult(False, f"{type(exc).__name__}: {exc}")
        self.results.append((line, result))
        self._say(result.ok, result.message, line, result.column)
        self.refresh_view()
        return result

    def _local(self, line: str) -> CommandResult | None:
        """``help`` is answered by the console itself (F1 shows the whole list), and ``end``
        typed at once (no ``@time``) must be typed twice in a row: ENDEX cannot be undone."""
        try:
            cmd = parse_command(line)
        except CommandError:
            cmd = None  # the session reports it, with its column
        confirming, self._confirm_end = self._confirm_end, False
        if isinstance(cmd, End) and cmd.at is None and not confirming:
            self._confirm_end = True
            return CommandResult(True, self.lab("confirm_end"))
        if not isinstance(cmd, Help):
            return None
        if cmd.topic is None:
            self.push_screen(HelpScreen(self.lab))
            return CommandResult(True, self.lab("help_title"))
        return CommandResult(True, f"{USAGE[cmd.topic]} — {self.lab(f'help.{cmd.topic}')}")

    def _complete(self, prefix: str) -> list[str]:
        try:
            return self.handle.completions(prefix)
        except Exception:
            return []

    # -- showing answers ------------------------------------------------------------------------
    def _say(self, ok: bool, message: str, line: str = "", column: int | None = None) -> None:
        out = Text()
        if column is not None and line and len(line) < self.size.width - 2:  # a caret under it
            out.append(f"{line}\n", style="bold")
            out.append(" " * (column - 1) + "^ ", style="bold red")
        else:
            out.append("✔ " if ok else "✘ ", style="bold green" if ok else "bold red")
        out.append(message, style="green" if ok else "bold red")
        self.status.update(out)
        self.status_text = out.plain

    def _show_choices(self, options: list[str]) -> None:
        words = [o.rsplit(" ", 1)[-1] for o in options]
        self.status.update(Text("  " + "  ".join(words[:30]), style="dim"))

    # -- keys -----------------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        line = event.value
        self.prompt.value = ""
        if line.strip():
            self.submit_line(line)

    def action_toggle_pause(self) -> None:
        paused = self.view.clock.paused if self.view is not None else False
        self.submit_line("resume" if paused else "pause")

    def action_faster(self) -> None:
        self._step_speed(+1)

    def action_slower(self) -> None:
        self._step_speed(-1)

    def _step_speed(self, direction: int) -> None:
        now = self.view.clock.speed if self.view is not None else 1.0
        ladder = [s for s in SPEEDS if (s > now if direction > 0 else s < now)]
        if ladder:
            self.submit_line(f"speed {(ladder[0] if direction > 0 else ladder[-1]):g}")

    def action_next(self) -> None:
        self.submit_line("next")

    def action_start(self, word: str) -> None:
        """Start a command at the prompt, with what it most likely names already filled in
        (the first request awaiting the players, the latest decision point); Enter sends it."""
        view = self.view
        text = f"{word} "
        if view is not None and word == "decide" and view.pending:
            text = f"decide {view.pending[0].key} "
        elif view is not None and word == "answer":
            points = [i for i in view.injects_fired if i.inject_type == "decision_point"]
            if points:
                text = f"answer {points[0].id} "
        elif word == "inject":
            text = "inject {type: information, message: "
        elif word == "goto":
            text = "goto T+"
        elif word in ("mobilise", "end"):
            text = word
        self.prompt.focus()
        self.prompt.value = text
        self.prompt.cursor_position = len(text)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpScreen(self.lab))

    def action_leave_prompt(self) -> None:
        if self.prompt.has_focus:
            self.set_focus(None)
        else:
            self.prompt.focus()

    def on_key(self, event: Key) -> None:
        """With the prompt left (Esc), typing a letter other than a key goes back to it."""
        if (
            not self.prompt.has_focus
            and event.is_printable
            and event.character
            and event.character not in " +-n"
            and not isinstance(self.screen, HelpScreen)
        ):
            self.prompt.focus()
            self.prompt.insert_text_at_cursor(event.character)
            event.stop()


def run_console(handle: SessionHandle, lang: str = "en") -> None:
    """Run the console full screen until the facilitator quits (Ctrl+Q)."""
    ConsoleApp(handle, lang).run()
