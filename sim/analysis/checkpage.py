"""The dry run's report (``ttx check``) as a readable text table and as an HTML page.

Both take the report's JSON form, so what a designer reads, what CI parses and what the page
shows are the same numbers. No matplotlib: the workload chart is plain HTML bars.
"""

from __future__ import annotations

import html
from typing import Any

from sim.analysis.timefmt import format_t

__all__ = ["check_html", "check_text"]


def _t(minutes: float | None) -> str:
    return "–" if minutes is None else format_t(minutes)


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _when(i: dict[str, Any]) -> str:
    if i["time"] is not None:
        return _t(i["time"])
    text = i["trigger"] or ""
    for ch in "{}'":  # "when free_units_below {'FBO_GROUND': 1}" reads better without them
        text = text.replace(ch, "")
    return text


def _slot(w: dict[str, Any]) -> str:
    return f"{_t(w['peak_at_min'])}–{_t(w['peak_at_min'] + w['bin_min'])}"


def check_text(r: dict[str, Any]) -> str:
    """Plain text for the terminal: fixed-width tables, one section each."""
    lines = [
        f"Dry run of {r['exercise']} ({r['source']}): {r['runs']} runs, root seed {r['root_seed']}"
    ]
    if r["failed"]:
        lines.append(
            f"  {len(r['failed'])} runs failed, e.g. seed {r['failed'][0]['seed']}: {r['failed'][0]['error']}"
        )
    lines += [
        "",
        "Injects (n/r: not reached)",
        f"  {'id':<5} {'when':<36} {'fired':>6} {'skip':>6} {'n/r':>6}  {'earliest':>8} {'median':>8} {'latest':>8}  why skipped / not reached",
    ]
    for i in r["injects"]:
        why = "; ".join(f"{k or '?'} ({v})" for k, v in i["reasons"].items())
        lines.append(
            f"  {i['id']:<5} {_when(i)[:36]:<36} {_pct(i['fired']):>6} {_pct(i['skipped']):>6} {_pct(i['not_reached']):>6}"
            f"  {_t(i['earliest']):>8} {_t(i['median']):>8} {_t(i['latest']):>8}  {why}"
        )
    lines += ["", f"Objectives (key injects must fire in at least {_pct(r['min_reach'])} of runs)"]
    for o in r["objectives"]:
        keys = (
            ", ".join(f"{k['id']} {_pct(k['reach'])}" for k in o["key_injects"]) or "no key injects"
        )
        mark = "ok " if o["ok"] else "LOW"
        lines.append(f"  {mark} {o['id']}: {keys}  — {o['text'][:60]}")
    lines.append("")
    never = ", ".join(r["never_triggered"]) or "none"
    lines.append(f"Conditional injects that never trigger: {never}")
    w = r["workload"]
    lines.append(
        f"Controller workload: peak {w['peak_mean']:.2f} injects per {w['bin_min']:g} min on average, at "
        f"{_slot(w)}; the busiest single run had {w['worst_run_peak']} in one {w['bin_min']:g}-minute slot"
    )
    s = r["scarcity"]
    lines.append(
        "Scarcity (share of runs): "
        + ", ".join(
            f"{k.replace('_', ' ')} {_pct(v['share_of_runs'])} (mean {v['mean']:.1f})"
            for k, v in s.items()
        )
    )
    lines += [
        "",
        "Storyline",
        f"  {'event':<48} {'reached':>7}  {'earliest':>8} {'median':>8} {'latest':>8}",
    ]
    for e in r["storyline"]:
        lines.append(
            f"  {e['event'][:48]:<48} {_pct(e['reached']):>7}  {_t(e['earliest']):>8} {_t(e['median']):>8} {_t(e['latest']):>8}"
        )
    return "\n".join(lines)


def check_html(r: dict[str, Any]) -> str:
    """A self-contained page (escaped: inject texts are user input)."""
    e = html.escape
    inj_rows = "".join(
        f"<tr><td>{e(i['id'])}</td><td>{e(i['title'])}</td><td>{e(_when(i))}</td>"
        f"<td>{_bar(i['fired'], i['skipped'])}</td><td>{_pct(i['fired'])}</td><td>{_pct(i['skipped'])}</td>"
        f"<td>{_pct(i['not_reached'])}</td><td>{_t(i['earliest'])}</td><td>{_t(i['median'])}</td>"
        f"<td>{_t(i['latest'])}</td><td>{e('; '.join(f'{k} ({v})' for k, v in i['reasons'].items()))}</td></tr>"
        for i in r["injects"]
    )
    obj_rows = "".join(
        f'<tr class="{"ok" if o["ok"] else "low"}"><td>{e(o["id"])}</td><td>{e(o["text"])}</td><td>'
        + (
            ", ".join(f"{e(k['id'])}: {_pct(k['reach'])}" for k in o["key_injects"])
            or "no key injects"
        )
        + f"</td><td>{'ok' if o['ok'] else 'below ' + _pct(r['min_reach'])}</td></tr>"
        for o in r["objectives"]
    )
    w = r["workload"]
    top = max(w["mean_per_bin"] or [1]) or 1
    cols = "".join(
        f'<div class="col" title="{_t(k * w["bin_min"])}: {v:.2f}" style="height:{100 * v / top:.1f}%"></div>'
        for k, v in enumerate(w["mean_per_bin"])
    )
    scar = "".join(
        f"<tr><td>{e(k.replace('_', ' '))}</td><td>{_pct(v['share_of_runs'])}</td><td>{v['mean']:.1f}</td><td>{v['max']:.0f}</td></tr>"
        for k, v in r["scarcity"].items()
    )
    story = "".join(
        f"<tr><td>{e(s['event'])}</td><td>{_pct(s['reached'])}</td><td>{_t(s['earliest'])}</td>"
        f"<td>{_t(s['median'])}</td><td>{_t(s['latest'])}</td></tr>"
        for s in r["storyline"]
    )
    never = ", ".join(e(x) for x in r["never_triggered"]) or "none"
    verdict = (
        f'<p class="low">Objectives below {_pct(r["min_reach"])}: {e(", ".join(o["id"] for o in r["objectives"] if o["key_injects"] and not o["ok"]))}</p>'
        if r.get("failing")
        else f'<p class="ok">Every objective\'s key injects fire in at least {_pct(r["min_reach"])} of runs.</p>'
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Dry run: {e(r["exercise"])}</title>
<style>body{{font-family:sans-serif;max-width:1150px;margin:2em auto;color:#222}}
table{{border-collapse:collapse;font-size:13px;margin:.5em 0 1.5em}}td,th{{border:1px solid #ccc;padding:3px 7px;text-align:left}}
th{{background:#eef3f8}}.ok{{color:#1b6e3a}}.low{{color:#b3261e;font-weight:bold}}
.bar{{display:flex;width:120px;height:12px;background:#eee}}.f{{background:#0072B2}}.s{{background:#E69F00}}
.chart{{display:flex;align-items:flex-end;height:120px;border-bottom:1px solid #888;gap:1px}}
.col{{flex:1;background:#0072B2;min-width:1px}}</style></head>
<body><h1>Dry run of {e(r["exercise"])}</h1>
<p>{r["runs"]} runs of <code>{e(r["source"])}</code>, root seed {r["root_seed"]}; {len(r["failed"])} failed.</p>
{verdict}
<h2>Objectives and their key injects</h2>
<table><tr><th>objective</th><th>text</th><th>key injects (share of runs fired)</th><th></th></tr>{obj_rows}</table>
<h2>Injects</h2>
<table><tr><th>id</th><th>title</th><th>when</th><th></th><th>fired</th><th>skipped</th><th>not reached</th>
<th>earliest</th><th>median</th><th>latest</th><th>why skipped / not reached</th></tr>{inj_rows}</table>
<p>Conditional injects that never trigger: <b>{never}</b></p>
<h2>Controller workload</h2>
<p>Injects to deliver per {w["bin_min"]:g} minutes of scenario time, mean over the runs: peak {w["peak_mean"]:.2f}
at {_t(w["peak_at_min"])}; the busiest single run had {w["worst_run_peak"]} in one slot.</p>
<div class="chart">{cols}</div><p>STARTEX → ENDEX</p>
<h2>Scarcity</h2>
<table><tr><th>what</th><th>share of runs</th><th>mean per run</th><th>max</th></tr>{scar}</table>
<h2>Storyline spread</h2>
<table><tr><th>event</th><th>reached</th><th>earliest</th><th>median</th><th>latest</th></tr>{story}</table>
</body></html>
"""


def _bar(fired: float, skipped: float) -> str:
    return (
        f'<div class="bar"><div class="f" style="width:{100 * fired:.0f}%"></div>'
        f'<div class="s" style="width:{100 * skipped:.0f}%"></div></div>'
    )
