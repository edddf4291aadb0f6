"""The codes written on a region's band of escalation levels (``GRIP3``), short bands included.

A level held for an hour of a three-day exercise is a sliver too narrow for its code (on a
projector page a 72-hour axis gives an hour 0.1 in). Such bands are labelled beside the band:
the codes of a run of narrow bands together (``GRIP2, GRIP3 ▸``), in the empty time before
them, else after them, else at the end of the labelled band before them; a band that has no
room anywhere keeps its shade, which the legend keys level by level (``short_levels``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sim.analysis.drawkit import text_width_in
from sim.analysis.labelset import Label

__all__ = ["LEVEL_CODE_PT", "Band", "level_labels"]

LEVEL_CODE_PT = 7.0
"""The size of the codes (points)."""


@dataclass(frozen=True)
class Band:
    """One level held in one region row, clipped to the window (minutes)."""

    start: float
    end: float
    level: int
    code: str
    colour: str  # of a code written on the band: white on dark shades


def _fits_inside(band: Band, minutes_per_inch: float) -> bool:
    width_in = (band.end - band.start) / minutes_per_inch
    return width_in > max(0.5, len(band.code) * 0.07 + 0.1)  # room for the code, not too many


def _clusters(bands: list[Band], minutes_per_inch: float) -> list[tuple[int, int]]:
    """Runs ``(first, last)`` of neighbouring bands too narrow for their code."""
    runs: list[tuple[int, int]] = []
    for k, band in enumerate(bands):
        if _fits_inside(band, minutes_per_inch):
            continue
        if runs and runs[-1][1] == k - 1 and abs(bands[k - 1].end - band.start) < 1e-6:
            runs[-1] = (runs[-1][0], k)
        else:
            runs.append((k, k))
    return runs


def level_labels(
    rows: dict[float, list[Band]], t0: float, t1: float, minutes_per_inch: float
) -> tuple[list[Label], set[int]]:
    """The code labels for every region row's bands, and the levels of bands left unlabelled
    (no room beside them either)."""
    pad = 0.04 * minutes_per_inch

    def width(text: str) -> float:  # minutes
        return text_width_in([text], LEVEL_CODE_PT) * minutes_per_inch

    labels: list[Label] = []
    unlabelled: set[int] = set()
    for y, row in rows.items():
        bands = sorted(row, key=lambda b: b.start)
        labels += [
            Label(b.start + pad, y, b.code, color=b.colour)
            for b in bands
            if _fits_inside(b, minutes_per_inch)
        ]
        for first, last in _clusters(bands, minutes_per_inch):
            run = bands[first : last + 1]
            codes = ", ".join(dict.fromkeys(b.code for b in run))
            start, end = run[0].start, run[-1].end
            before = bands[first - 1] if first > 0 else None
            after = bands[last + 1] if last + 1 < len(bands) else None
            label = _beside(codes, y, start, end, before, after, t0, t1, pad, width)
            if label is None:
                unlabelled |= {b.level for b in run}
            else:
                labels.append(label)
    return labels, unlabelled


def _beside(
    codes: str,
    y: float,
    start: float,
    end: float,
    before: Band | None,
    after: Band | None,
    t0: float,
    t1: float,
    pad: float,
    width: Callable[[str], float],
) -> Label | None:
    """Where the codes of a run of narrow bands go: pointing at the run from the empty time
    before it, or after it, or from the end of the labelled band before it."""
    left, right = f"{codes} ▸", f"◂ {codes}"
    free_before = start - (before.end if before is not None else t0)
    if free_before >= width(left) + 2 * pad:
        return Label(start - pad, y, left, "right", color="black")
    free_after = (after.start if after is not None else t1) - end
    if free_after >= width(right) + 2 * pad:
        return Label(end + pad, y, right, "left", color="black")
    if before is not None and abs(before.end - start) < 1e-6:
        room = before.end - before.start - width(before.code) - 4 * pad
        if room >= width(left):
            return Label(start - pad, y, left, "right", color=before.colour)
    return None
