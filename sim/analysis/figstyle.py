"""Colours, hatches and file settings shared by every debrief figure.

Colours come from the Okabe-Ito palette (safe for the common colour-vision deficiencies) and every
state that matters also has its own hatch, so a greyscale print still tells "queued" from
"on scene". The same state has the same look on request bars and unit lanes (orange/"//" =
travelling, green = on scene), and vermillion always means something not met: queued, denied,
unmet demand. File output is deterministic (fixed metadata and SVG hash salt), so the same
journal gives byte-identical PNG, SVG and PDF files.

Importing this module imports matplotlib: only the drawing modules do.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import matplotlib as mpl
import matplotlib.style as mstyle
import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from sim.analysis import FORMATS

__all__ = [
    "FORMATS",
    "INJECT_GROUP",
    "INJECT_STYLE",
    "LEVEL_CMAP",
    "MARK_STYLE",
    "PHASE_STYLE",
    "RC",
    "UNIT_STYLE",
    "BarStyle",
    "figure_bytes",
    "rc",
]

# Okabe-Ito
BLACK = "#000000"
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
EDGE = "#333333"


@dataclass(frozen=True)
class BarStyle:
    """Face colour, hatch and edge of one kind of bar (the hatch takes the edge colour)."""

    face: str
    hatch: str | None = None
    edge: str = EDGE
    text: str = BLACK


PHASE_STYLE: dict[str, BarStyle] = {
    "waiting": BarStyle("#E4E4E4", "...", "#555555"),
    "handling": BarStyle("#FFFFFF", None, "#555555"),
    "queued": BarStyle("#FBE1CF", "////", VERMILLION),
    "tasking": BarStyle(BLUE, None, EDGE, "#FFFFFF"),
    "travel": BarStyle(ORANGE, "//"),
    "on_scene": BarStyle(GREEN, None, EDGE, "#FFFFFF"),
    "release": BarStyle(SKY, "\\\\"),
}
"""Request bar segments (see ``tables.REQUEST_PHASES``)."""

UNIT_STYLE: dict[str, BarStyle] = {
    "mobilising": BarStyle(YELLOW, ".."),
    "in_transit": BarStyle(ORANGE, "//"),
    "on_scene": BarStyle(GREEN, None, EDGE, "#FFFFFF"),
    "refuelling": BarStyle(SKY, "++"),
    "returning": BarStyle(SKY, "\\\\"),
    "resting": BarStyle("#C8C8C8", None),
    "reserved": BarStyle("#E6E6E6", "xx", "#555555"),
    "unavailable": BarStyle("#555555", None, EDGE, "#FFFFFF"),
}
"""Unit states drawn on unit lanes; ``available`` is the empty lane."""

MARK_STYLE: dict[str, dict[str, Any]] = {
    "denied": {"marker": "X", "color": VERMILLION, "size": 9},
    "substitute": {"marker": "D", "color": SKY, "size": 6.5},
    "partial": {"marker": "p", "color": YELLOW, "size": 7.5},
    "open": {"marker": ">", "color": BLACK, "size": 6.5},
    "withdrawn": {"marker": "v", "color": "#888888", "size": 7},
}
"""Point markers on request bars (all with a black edge)."""

INJECT_GROUP: dict[str, str] = {
    "crisis_onset": "scenario",
    "escalate": "scenario",
    "deescalate": "scenario",
    "set_level": "scenario",
    "end_crisis": "scenario",
    "request": "request",
    "capacity_change": "capacity",
    "mt1_claim": "capacity",
    "mt1_release": "capacity",
    "hub_change": "capacity",
    "information": "information",
    "decision_point": "decision_point",
}
"""MSEL inject type -> marker group on the inject strip."""

INJECT_STYLE: dict[str, dict[str, Any]] = {
    "scenario": {"marker": "^", "color": VERMILLION},
    "request": {"marker": "s", "color": BLUE},
    "capacity": {"marker": "D", "color": PURPLE},
    "information": {"marker": "o", "color": SKY},
    "decision_point": {"marker": "*", "color": YELLOW},
}
"""Inject strip markers by group (``timeline.INJECT_GROUP`` maps MSEL types to groups)."""

LEVEL_CMAP = "Purples"
"""Escalation level bands: light lavender (level 1) to deep purple (top of the ladder)."""

UNMET = VERMILLION

RC: dict[str, Any] = {
    "svg.hashsalt": "knooppunt-ttx",
    # SVG text stays text: searchable in a browser (Ctrl+F "R101"), half the size, faster to
    # write; the font list ends in a generic family so a viewer without DejaVu still shows it.
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 8,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "legend.fontsize": 7,
    "legend.title_fontsize": 7.5,
    "legend.frameon": False,
    "hatch.linewidth": 0.6,
    # user text (inject titles) must never be parsed as mathtext: "$" is just a dollar
    "text.parse_math": False,
    # unhinted glyphs render about twice as fast in Agg and look smoother at 7-8 pt
    "text.hinting": "no_hinting",
    "path.simplify": True,
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "pdf.compression": 6,
}
"""Fixed rcParams for drawing and saving: the same journal gives the same bytes."""

METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}


PNG_OPTIONS: dict[str, Any] = {"compress_level": 1}
"""zlib level 1, not 6: a national timeline (16 x 77 in) encodes in about half the time for a
file about 15% larger; the PNG is a debrief picture, not an archive."""


@contextmanager
def rc() -> Iterator[None]:
    """Matplotlib defaults plus ``RC``, whatever the user's matplotlibrc says."""
    with mpl.rc_context(), mstyle.context("default"), mpl.rc_context(RC):
        yield


def figure_bytes(fig: Figure, fmt: str, *, dpi: float | None = None) -> bytes:
    """The figure as PNG, SVG or PDF bytes, without timestamps or tool versions."""
    if fmt not in METADATA:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    dpi = dpi or RC["savefig.dpi"]
    with rc():
        if fmt == "png":
            return _png_bytes(fig, dpi)
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, metadata=METADATA[fmt], dpi=dpi)
    return buffer.getvalue()


def _png_bytes(fig: Figure, dpi: float) -> bytes:
    """PNG without an alpha channel when the figure is opaque (ours always are).

    Matplotlib writes RGBA; dropping a channel that is 255 everywhere loses nothing, leaves a
    quarter fewer bytes to filter and compress (a national timeline is 1600 x 7700 pixels) and
    gives a file about 10% smaller. A figure with any transparency keeps its alpha channel.
    """
    raw = io.BytesIO()
    fig.savefig(raw, format="rgba", dpi=dpi)
    width, height = _raster_size(fig, dpi)
    pixels = np.frombuffer(raw.getbuffer(), dtype=np.uint8)
    if pixels.size != width * height * 4:  # pragma: no cover - a matplotlib that sizes otherwise
        out = io.BytesIO()
        fig.savefig(out, format="png", metadata=METADATA["png"], dpi=dpi, pil_kwargs=PNG_OPTIONS)
        return out.getvalue()
    pixels = pixels.reshape(height, width, 4)
    if pixels[..., 3].min() == 255:
        image = Image.fromarray(np.ascontiguousarray(pixels[..., :3]), "RGB")
    else:
        image = Image.fromarray(pixels, "RGBA")
    out = io.BytesIO()
    image.save(out, format="png", dpi=(dpi, dpi), **PNG_OPTIONS)
    return out.getvalue()


def _raster_size(fig: Figure, dpi: float) -> tuple[int, int]:
    """Pixel width and height of the figure at ``dpi``, as the canvas itself rounds them
    (``0.29 in x 100 dpi`` is 29 pixels, not the 28 that truncating ``28.999...`` gives)."""
    if fig.dpi == dpi:
        return fig.canvas.get_width_height(physical=True)
    old = fig.dpi
    fig.dpi = dpi
    try:
        return fig.canvas.get_width_height(physical=True)
    finally:
        fig.dpi = old
