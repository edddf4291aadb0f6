"""Sweep figures and the sweep's HTML summary: percentile bands per variant, variants compared.

Reads only what a sweep folder holds (``table.csv``, ``series.jsonl``, ``sweep.json``); imports
matplotlib, so only the parent process of a sweep draws, never a worker.
"""

from __future__ import annotations

import base64
import html
import json
import math
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from sim.analysis.figstyle import figure_bytes, rc
from sim.analysis.labels import t
from sim.analysis.sweepstats import SERIES_NAMES, Bands, bands, read_table, sensitivity
from sim.fileio import write_bytes_atomic, write_text_atomic

__all__ = ["COMPARED", "draw_bands", "draw_compare", "finish_sweep"]

COMPARED = (
    "decision_median_min",
    "on_scene_median_min",
    "life_safety_unmet_h",
    "denials",
    "substitutions",
    "requests_queued",
)
"""The KPIs of the comparison figure (one panel each)."""

_BLUE, _ORANGE = "#0072B2", "#E69F00"


def _say_empty(ax: Any, lang: str) -> None:
    """A panel that is 0 in every run says so, rather than look empty or broken."""
    ax.text(0.5, 0.75, t("sweep.none_in_any_run", lang), transform=ax.transAxes,
            ha="center", va="center", fontsize=9, color="#555555")  # fmt: skip


def draw_bands(b: Bands, variant: str, lang: str = "en") -> Figure:
    """Three stacked panels (level, queue, unmet share): P10–P90 shaded, P50 drawn."""
    with rc():
        fig = Figure(figsize=(9, 7.5), layout="constrained")
        axes = fig.subplots(len(SERIES_NAMES), 1, sharex=True)
        hours = b.t / 60.0
        for ax, name in zip(axes, SERIES_NAMES, strict=True):
            q = b.by_variant[variant][name]
            ax.fill_between(
                hours, q[0], q[2], step="post", color=_BLUE, alpha=0.25, label=t("sweep.band", lang)
            )
            ax.step(hours, q[1], where="post", color=_BLUE, lw=1.8, label=t("sweep.median", lang))
            ax.set_ylabel(t(f"sweep.{name}", lang), fontsize=9)
            ax.grid(True, alpha=0.3)
            if name == "level":
                ax.yaxis.get_major_locator().set_params(integer=True)
            if name == "unmet":
                ax.set_ylim(0, 1.02)
            if not any(float(x) for row in q for x in row):
                _say_empty(ax, lang)
        axes[0].legend(loc="best", fontsize=8)
        axes[-1].set_xlabel(t("sweep.time", lang))
        axes[-1].set_xlim(0, hours[-1] if len(hours) else 1)
        fig.suptitle(t("sweep.bands_title", lang, variant=variant, n=b.runs.get(variant, 0)))
    return fig


def draw_compare(
    header: list[str], rows: list[list[str]], variants: list[str], lang: str = "en"
) -> Figure:
    """One box plot panel per compared KPI, a box per variant (failed rows left out)."""
    with rc():
        fig = Figure(figsize=(max(10, 1.6 * len(variants) + 5), 7.5), layout="constrained")
        axes = fig.subplots(2, 3).ravel()
        for ax, kpi in zip(axes, COMPARED, strict=True):
            k = header.index(kpi)
            data = []
            for v in variants:
                vals = [float(r[k]) for r in rows if r[0] == v and not r[4] and r[k] != ""]
                data.append(vals or [math.nan])
            ax.boxplot(
                data,
                whis=(10, 90),
                showfliers=False,
                patch_artist=True,
                boxprops={"facecolor": "#cfe3f1", "edgecolor": _BLUE},
                medianprops={"color": _ORANGE, "lw": 2},
            )
            ax.set_xticks(
                range(1, len(variants) + 1), [v.replace(" ", "\n") for v in variants], fontsize=7
            )
            ax.set_title(textwrap.fill(t(f"sweep.{kpi}", lang), 32), fontsize=9)
            ax.grid(True, axis="y", alpha=0.3)
            flat = [x for vals in data for x in vals if not math.isnan(x)]
            if flat and not any(flat):
                _say_empty(ax, lang)
        n = min((sum(1 for r in rows if r[0] == v) for v in variants), default=0)
        fig.suptitle(t("sweep.compare_title", lang, n=n))
    return fig


def _slug(n: int) -> str:
    return f"v{n:02d}"


def finish_sweep(folder: Path, spec: Any, manifest: dict[str, Any], lang: str = "en") -> None:
    """Figures (``bands-vNN.png`` per variant, ``compare.png``), ``sensitivity.csv`` with
    jitter, and ``summary.html``, all from the folder's files."""
    header, rows = read_table(folder)
    variants = [v.name for v in spec.variants]
    figures: list[tuple[str, str]] = []
    if spec.grid is not None:
        b = bands(folder, spec.grid, variants)
        for v in spec.variants:
            if v.name in b.by_variant:
                name = f"bands-{_slug(v.index)}.png"
                write_bytes_atomic(
                    folder / name, figure_bytes(draw_bands(b, v.name, lang), "png", dpi=100)
                )
                figures.append((name, v.name))
    compare = None
    if len(variants) > 1:
        compare = "compare.png"
        write_bytes_atomic(
            folder / compare,
            figure_bytes(draw_compare(header, rows, variants, lang), "png", dpi=100),
        )
    sens: dict[str, list[Any]] = {}
    if spec.jitter > 0:
        lines = ["variant,kpi,adjusted_r2,std,top_inject,top_corr"]
        for v in variants:
            sens[v] = sensitivity(header, rows, v)
            lines += [
                f'"{v}",{s.kpi},{s.r2:.4f},{s.std:.4g},{s.top_inject},{s.top_corr:.3f}'
                for s in sens[v]
            ]
        write_text_atomic(folder / "sensitivity.csv", "\n".join(lines) + "\n")
    write_text_atomic(
        folder / "summary.html",
        _summary_html(folder, header, rows, manifest, figures, compare, sens, lang),
    )


def _median(values: list[float]) -> float:
    return float(np.median(values)) if values else math.nan


def _fmt(x: float) -> str:
    return "–" if math.isnan(x) else (f"{x:.0f}" if abs(x) >= 100 else f"{x:.3g}")


def _img(folder: Path, name: str) -> str:
    data = base64.b64encode((folder / name).read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(name)}" src="data:image/png;base64,{data}">'


def _summary_html(
    folder: Path,
    header: list[str],
    rows: list[list[str]],
    manifest: dict[str, Any],
    figures: list[tuple[str, str]],
    compare: str | None,
    sens: dict[str, list[Any]],
    lang: str = "en",
) -> str:
    e = html.escape
    variants = [v["name"] for v in manifest["variants"]]
    cols = [c for c in COMPARED if c in header]
    table = ["<table><tr><th>variant</th><th>runs</th><th>failed</th>"]
    table += [  # the KPI's words, and its column in table.csv for whoever reads that next
        f"<th>{e(t(f'sweep.{c}', lang))}<br><small><code>{e(c)}</code> P50 [P10–P90]</small></th>"
        for c in cols
    ] + ["</tr>"]
    for v in variants:
        mine = [r for r in rows if r[0] == v]
        ok = [r for r in mine if not r[4]]
        cells = []
        for c in cols:
            k = header.index(c)
            vals = [float(r[k]) for r in ok if r[k] != ""]
            flag = c.removesuffix("_min") + "_lower_bound"
            bound = ""
            if flag in header:
                share = sum(r[header.index(flag)] == "True" for r in ok) / max(1, len(ok))
                bound = f"<br><small>lower bound in {share:.0%} of runs</small>" if share else ""
            if vals:
                p10, p50, p90 = np.percentile(vals, [10, 50, 90])
                cells.append(f"<td>{_fmt(p50)} [{_fmt(p10)}–{_fmt(p90)}]{bound}</td>")
            else:
                cells.append("<td>–</td>")
        table.append(
            f"<tr><td>{e(v)}</td><td>{len(mine)}</td><td>{len(mine) - len(ok)}</td>{''.join(cells)}</tr>"
        )
    table.append("</table>")
    failures = [r for r in rows if r[4]]
    fail_html = ""
    if failures:
        items = "".join(
            f"<li>{e(r[0])} #{e(r[1])} seed {e(r[2])}: <code>{e(r[4])}</code></li>"
            for r in failures[:20]
        )
        fail_html = f"<h2>Failed replications ({len(failures)})</h2><ul>{items}</ul>"
    sens_html = ""
    for v, ranked in sens.items():
        if not ranked:
            continue
        body = "".join(
            f"<tr><td>{e(s.kpi)}</td><td>{s.r2:.2f}</td><td>{s.std:.3g}</td><td>{e(s.top_inject)}</td><td>{s.top_corr:+.2f}</td></tr>"
            for s in ranked[:10]
        )
        sens_html += (
            f"<h3>{e(v)}</h3><table><tr><th>KPI</th><th>adjusted R² (share explained by inject timing)</th>"
            f"<th>std</th><th>inject with the strongest link</th><th>correlation</th></tr>{body}</table>"
        )
    if sens_html:
        sens_html = (
            f"<h2>Inject-timing sensitivity (±{manifest['jitter_min']:g} min)</h2>" + sens_html
        )
    first_ok = next((r for r in rows if not r[4]), None)
    rerun = ""
    if first_ok is not None:
        sets = "".join(f" --set {s}" for s in first_ok[3].split())
        rerun = (
            f"<p>Any row is a full run: <code>ttx run {e(manifest['exercise_file'])} --seed {e(first_ok[2])}"
            f"{e(sets)}</code> reproduces {e(first_ok[0])} #{e(first_ok[1])}.</p>"
        )
    figs = "".join(f"<h3>{e(v)}</h3>{_img(folder, name)}" for name, v in figures)
    comp = f"<h2>Variants compared</h2>{_img(folder, compare)}" if compare else ""
    meta = json.dumps({k: manifest[k] for k in ("root_seed", "replications", "jitter_min")})
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sweep: {e(manifest["exercise"])}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}}
table{{border-collapse:collapse;font-size:14px;margin:1em 0}}td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}}
th{{background:#eef3f8}}img{{max-width:100%;border:1px solid #ddd}}code{{background:#f4f4f4}}</style></head>
<body><h1>Sweep of {e(manifest["exercise"])}</h1>
<p>{len(rows)} replications over {len(variants)} variant(s), root seed {e(str(manifest["root_seed"]))}, from
<code>{e(manifest["exercise_file"])}</code>. Settings: <code>{e(meta)}</code>.</p>
{rerun}{table and "".join(table)}{comp}{fail_html}{sens_html}
<h2>Percentile bands over time</h2>{figs}
</body></html>
"""
