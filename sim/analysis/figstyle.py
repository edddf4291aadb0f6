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
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

import matplotlib as mpl
import matplotlib.style as mstyle
import numpy as np
from matplotlib.figure import Figure

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
    "awaiting": BarStyle("#F2D4E6", "xx", "#A8327A"),  # live sessions only (not the units' yellow)
    "queued": BarStyle("#FBE1CF", "////", VERMILLION),
    "tasking": BarStyle(BLUE, None, EDGE, "#FFFFFF"),
    "travel": BarStyle(ORANGE, "//"),
    "grounded": BarStyle("#FFFFFF", "--", GREEN),  # as the unit lane's awaiting_support
    "on_scene": BarStyle(GREEN, None, EDGE, "#FFFFFF"),
    "release": BarStyle(SKY, "\\\\"),
}
"""Request bar segments (see ``tables.REQUEST_PHASES``)."""

UNIT_STYLE: dict[str, BarStyle] = {
    "mobilising": BarStyle(YELLOW, ".."),
    "in_transit": BarStyle(ORANGE, "//"),
    "on_scene": BarStyle(GREEN, None, EDGE, "#FFFFFF"),
    "refuelling": BarStyle(SKY, "++"),
    "awaiting_support": BarStyle("#FFFFFF", "--", GREEN),  # moved, grounded: no ground crew
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

MARK_EDGE_PT = 0.8
MARK_HALF_IN = (max(m["size"] for m in MARK_STYLE.values()) + MARK_EDGE_PT) / 2 / 72
"""How far the largest request marker reaches either side of its point, edge included."""

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
    with mpl.rc_context(), mstyle.context("default"), mpl.rc_context(cast(Any, RC)):
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

    NOTE: written for memory. The figure is drawn once on an Agg canvas and the PNG is encoded
    from that canvas's own buffer in strips of rows, so a 1600 x 31000 px timeline (a national
    exercise at 10x) needs the canvas and one strip, not three more full-size copies (the RGBA
    dump, the RGB array and the image the PNG writer makes). Dropping an alpha channel that is
    255 everywhere loses nothing and gives a file about 10% smaller; a figure with any
    transparency keeps it. The bytes depend only on the pixels: deterministic.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    old_dpi, old_canvas = fig.dpi, fig.canvas
    canvas = FigureCanvasAgg(fig)
    try:
        fig.dpi = dpi
        canvas.draw()
        pixels = np.asarray(canvas.buffer_rgba())
        return _encode_png(pixels, dpi)
    finally:
        fig.dpi = old_dpi
        fig.set_canvas(old_canvas)


_STRIP_ROWS = 256


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _encode_png(pixels: np.ndarray, dpi: float) -> bytes:
    """PNG bytes of an H x W x 4 uint8 array (RGB when fully opaque), ``Sub`` filter.

    The compressed strips go straight into the output buffer, and the image chunk's length is
    patched in at the end: a 10x timeline's PNG is several MB, and collecting its strips,
    joining them into a chunk and joining that into a file held three copies at once.
    """
    height, width, _ = pixels.shape
    opaque = bool(pixels[..., 3].min() == 255)
    channels = 3 if opaque else 4
    ppm = round(dpi / 0.0254)
    out = io.BytesIO()
    out.write(b"\x89PNG\r\n\x1a\n")
    out.write(
        _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2 if opaque else 6, 0, 0, 0))
    )
    out.write(_chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1)))
    length_at = out.tell()
    out.write(b"\0\0\0\0IDAT")
    packer = zlib.compressobj(PNG_OPTIONS["compress_level"])
    crc, length = zlib.crc32(b"IDAT"), 0
    for y in range(0, height + _STRIP_ROWS, _STRIP_ROWS):
        if y < height:
            rows = pixels[y : y + _STRIP_ROWS, :, :channels].reshape(-1, width * channels)
            filtered = np.empty((rows.shape[0], width * channels + 1), dtype=np.uint8)
            filtered[:, 0] = 1  # filter type Sub: each byte minus the one a pixel to the left
            filtered[:, 1 : channels + 1] = rows[:, :channels]
            np.subtract(rows[:, channels:], rows[:, :-channels], out=filtered[:, channels + 1 :])
            piece = packer.compress(filtered.data)
        else:  # one pass after the last strip: the compressor's tail
            piece = packer.flush()
        crc, length = zlib.crc32(piece, crc), length + len(piece)
        out.write(piece)
    out.write(struct.pack(">I", crc))
    out.write(_chunk(b"IEND", b""))
    out.seek(length_at)
    out.write(struct.pack(">I", length))
    return out.getvalue()
