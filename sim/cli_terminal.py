"""Everything ``ttx`` writes to a terminal is terminal-safe, and every error is one line.

:class:`TerminalSafeGroup` is the click group of every command: a usage error from click is one
line naming the argument, not a usage block, with exit code 2; and stdout and stderr are wrapped
so that control characters are escaped (an exercise key holding ``ESC[2J`` is shown as
``\x1b[2J``, never sent to the terminal), whichever command printed it.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from typing import Any

import click

from sim.cli_common import EXIT_INPUT

__all__ = ["TerminalSafeGroup", "terminal_safe"]

# C0 controls but tab and newline, DEL, C1 controls, bidirectional overrides and isolates,
# line/paragraph separators and lone surrogates: all shown as escapes, never sent as they are.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)


def terminal_safe(text: str) -> str:
    """``text`` with every character that could drive or fool a terminal written as an escape."""
    return _UNSAFE.sub(_escape, text)


def _escape(m: re.Match[str]) -> str:
    code = ord(m[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class _TerminalSafe(io.TextIOBase):
    """A text stream that escapes control characters on their way to the real stream.

    It has no ``buffer``, so click cannot go around it to the bytes underneath."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._stream.write(terminal_safe(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return bool(self._stream.isatty())

    def fileno(self) -> int:
        return int(self._stream.fileno())

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "errors", None) or "strict"


_NO_ARGS_IS_HELP: Any = getattr(click.exceptions, "NoArgsIsHelpError", ())  # click 8.2+


def _one_line(text: str) -> str:
    return " ".join(text.split())


class TerminalSafeGroup(click.Group):
    """A click group whose errors are one line each and whose output is terminal-safe."""

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        saved = sys.stdout, sys.stderr
        if (
            sys.stdout is not None
            and sys.stderr is not None
            and not isinstance(sys.stdout, _TerminalSafe)
        ):
            sys.stdout, sys.stderr = _TerminalSafe(sys.stdout), _TerminalSafe(sys.stderr)
        try:
            try:
                rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            except _NO_ARGS_IS_HELP as exc:  # ``ttx msel`` alone: the help is the answer
                if not standalone_mode:
                    raise
                click.echo(exc.format_message(), err=True)
                sys.exit(EXIT_INPUT)
            except click.UsageError as exc:
                if not standalone_mode:
                    raise
                where = exc.ctx.command_path if exc.ctx is not None else prog_name or "ttx"
                click.echo(
                    f"{where}: error: {_one_line(exc.format_message())} (see {where} --help)",
                    err=True,
                )
                sys.exit(EXIT_INPUT)
            except click.ClickException as exc:
                if not standalone_mode:
                    raise
                click.echo(
                    f"{prog_name or 'ttx'}: error: {_one_line(exc.format_message())}", err=True
                )
                sys.exit(exc.exit_code)
            except click.Abort:
                if not standalone_mode:
                    raise
                click.echo("Aborted!", err=True)
                sys.exit(1)
            if standalone_mode:
                sys.exit(rv if isinstance(rv, int) and not isinstance(rv, bool) else 0)
            return rv
        finally:
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(OSError, ValueError):
                    stream.flush()
            sys.stdout, sys.stderr = saved
