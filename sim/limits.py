"""Sizes the command line, a resumed sweep folder and the live console accept (docs/limits.md).

A module of its own, importing nothing: the command line reads these when it builds its
options, and importing the sweep machinery there would add half a second to every ``ttx``.
"""

from __future__ import annotations

__all__ = ["MAX_COMMAND_CHARS", "MAX_REPLICATIONS", "MAX_WORKERS"]

MAX_REPLICATIONS = 100_000
"""Replications per variant (``-n`` of ``ttx sweep`` and ``ttx check``): a day of one core."""

MAX_WORKERS = 256
"""Processes or Dask workers asked for (``-n 2 --workers 100000`` forked 1,100 processes)."""

MAX_COMMAND_CHARS = 4_000
"""Characters in one typed or scripted live command (a note of a few paragraphs): a note is
journalled, printed in the report and drawn on the debrief pages, which cannot show a book."""
