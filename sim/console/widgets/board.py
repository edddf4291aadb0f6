"""The unit board (per capability, where its units are) and the crisis level of each region."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from sim.console.widgets.base import Panel
from sim.runs.view import SessionView

__all__ = ["BOARD_COLUMNS", "UnitBoard"]

# (column label key, the SessionView counts summed into it): a unit tasked but not yet moving
# counts as mobilising, one refuelling between sorties as on scene.
BOARD_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("free", ("available",)),
    ("mobilising", ("committed", "mobilising")),
    ("in_transit", ("in_transit", "awaiting_support")),  # moved, waiting for its ground crew
    ("on_scene", ("on_scene", "refuelling")),
    ("returning", ("returning",)),
    ("resting", ("resting",)),
    ("reserved", ("reserved",)),
)


class UnitBoard(Panel):
    def key(self, view: SessionView) -> object:
        return (tuple(map(repr, view.units)), tuple(map(repr, view.regions)))

    def render_view(self, view: SessionView) -> Group:
        lab = self.lab
        units = Table(box=None, padding=(0, 0, 0, 1), pad_edge=False)
        units.add_column(lab("units"), style="bold", no_wrap=True, min_width=9)
        for name, _ in BOARD_COLUMNS:
            units.add_column(lab(f"board.{name}"), justify="right")
        lines = [lab("units") + " " + " ".join(lab(f"board.{n}") for n, _ in BOARD_COLUMNS)]
        for row in view.units:
            cells = [str(sum(row.counts.get(k, 0) for k in keys)) for _, keys in BOARD_COLUMNS]
            free = int(cells[0])
            units.add_row(
                row.capability,
                *[
                    Text(c, style=("bold green" if free else "bold red") if i == 0 else "")
                    if c != "0" or i == 0
                    else Text("·", style="dim")
                    for i, c in enumerate(cells)
                ],
            )
            lines.append(f"{row.capability} " + " ".join(cells))
        regions = Table(box=None, padding=(0, 1), pad_edge=False)
        regions.add_column(lab("regions"), style="bold")
        regions.add_column("")
        regions.add_column("")
        lines.append(lab("regions"))
        if not view.regions:
            regions.add_row(Text(lab("no_regions"), style="dim"), "", "")
        for r in sorted(view.regions, key=lambda r: (-r.level, r.region)):
            crises = ", ".join(f"{cid} {code}" for cid, code in r.crises)
            style = "bold red" if r.level >= 4 else ("yellow" if r.level >= 2 else "")
            regions.add_row(f"{r.region} {r.name}", Text(r.level_code, style=style), crises)
            lines.append(f"{r.region} {r.name} {r.level_code} {crises}")
        self.text = "\n".join(lines)
        return Group(units, Text(""), regions)
