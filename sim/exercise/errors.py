"""Errors in exercise files, reported GCC-style: ``FILE:LINE:COL: error: path: message``.

Every problem found while loading is collected (not just the first), so a planner can fix a
file in one pass. Locations are 1-based. A location without a line names its source only
(for example a ``--set`` argument on the command line).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ExerciseFileError", "Issue", "Location"]


@dataclass(frozen=True, slots=True)
class Location:
    """Where a value came from: a file with line and column, or a command-line argument."""

    source: str
    line: int | None = None
    col: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.source
        return f"{self.source}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in an exercise: where, which field (dotted path) and what is wrong."""

    location: Location
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.location}: error: {where}{self.message}"

    @property
    def line(self) -> int | None:
        return self.location.line

    @property
    def col(self) -> int | None:
        return self.location.col


@dataclass
class ExerciseFileError(Exception):
    """Raised when an exercise cannot be loaded; carries every issue found."""

    issues: list[Issue] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(i) for i in self.issues)
