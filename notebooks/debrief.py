# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Debrief of a Knooppunt TTX run
#
# Loads one run folder (`results/<exercise>/<run>/`), shows the KPI tables and the timeline,
# and adds one analysis the report does not make: **time to assistance by legal route**
# (Wvr art. 51, Politiewet art. 57/58, MSOB) — do requests on some routes wait longer?
#
# Set `TTX_RUN_DIR` to a run folder, or leave it unset to take the newest run under `results/`.
# Everything here reads the journal (`events.jsonl`) and the effective exercise, never the model.

# %% tags=["parameters"]
import os
from pathlib import Path

RUN_DIR = os.environ.get("TTX_RUN_DIR", "")
LANG = os.environ.get("TTX_LANG", "en")

# %%
import matplotlib.pyplot as plt
import pandas as pd

from sim.analysis import draw_timeline
from sim.analysis.kpis import kpis
from sim.exercise import load_exercise
from sim.journal import read_events


def newest_run(root: Path) -> Path:
    runs = sorted(root.glob("*/*/events.jsonl"), key=lambda p: p.stat().st_mtime)
    if not runs:
        raise SystemExit(f"no runs under {root}; run `ttx run exercises/tutorial.yaml` first")
    return runs[-1].parent


run_dir = (
    Path(RUN_DIR)
    if RUN_DIR
    else newest_run(
        Path.cwd().parent / "results" if Path.cwd().name == "notebooks" else Path("results")
    )
)
events = read_events(run_dir / "events.jsonl")
exercise = load_exercise(run_dir / "effective.yaml")
tables = kpis(events, exercise)
print(f"{exercise.exercise.title} — {run_dir}")
print(f"{len(events)} journal events, {len(tables['requests'])} requests for assistance")

# %% [markdown]
# ## Summary and KPI tables

# %%
tables["summary"]

# %%
tables["regions"]

# %%
tables["capabilities"].sort_values("utilisation", ascending=False).head(10)

# %%
tables["requests"]

# %% [markdown]
# ## The timeline

# %%
fig = draw_timeline(events, exercise, lang=LANG)
plt.show()

# %% [markdown]
# ## Time to assistance by legal route (not in the report)
#
# For each legal route: how many requests, how many were served, and the median and worst time
# from submission to decision and to the first unit on scene. A route whose requests wait much
# longer may point to a legal test that is slow, a requester who is unsure, or capacity that is
# held for other routes.

# %%
requests = tables["requests"]
by_route = (
    requests.assign(served=requests["outcome"].isin(["served", "partly_served", "substituted"]))
    .groupby("route")
    .agg(
        requests=("request", "count"),
        served=("served", "sum"),
        median_to_decision_min=("time_to_decision_min", "median"),
        max_to_decision_min=("time_to_decision_min", "max"),
        median_to_on_scene_min=("time_to_first_on_scene_min", "median"),
        max_to_on_scene_min=("time_to_first_on_scene_min", "max"),
    )
    .reset_index()
)
by_route

# %%
ax = by_route.plot.bar(x="route", y=["median_to_decision_min", "median_to_on_scene_min"], rot=0)
ax.set_ylabel("minutes / minuten")
ax.set_title("Time to assistance by legal route / Tijd tot bijstand per wettelijke route")
plt.show()

# %%
assert int(by_route["requests"].sum()) == len(requests)
assert set(by_route["route"]) <= {"WVR51", "PW57", "PW58", "PW59", "MSOB"}
pd.Series({"routes": len(by_route)})
