"""Image comparison of one timeline against a committed baseline (pytest-mpl).

``--mpl`` is switched on in pyproject.toml, so this really compares (pytest-mpl passes silently
without it). The journal is the hand-made Peel/Meinweg fixture, so model changes do not move the
picture; a change in how the timeline draws does. Regenerate after a deliberate change with:

    .venv/bin/python -m pytest tests/test_timeline_image.py --mpl-generate-path=tests/baseline
"""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from sim.analysis.timeline import draw_timeline
from tests.analysis_fixtures import peel_meinweg_events


@pytest.mark.mpl_image_compare(
    filename="timeline_peel_meinweg.png", tolerance=2, savefig_kwargs={"dpi": 60}
)
def test_timeline_matches_baseline() -> Figure:
    return draw_timeline(peel_meinweg_events(), lang="en")
