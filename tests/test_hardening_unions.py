"""One mistake, one line: fields that accept several shapes (a site, an order's units) and
misspelt keys report exactly one issue, at the value written, in the user's words."""

from __future__ import annotations

import pytest

from sim.exercise import ExerciseFileError, load_exercise_text

HEAD = """exercise: {id: t, title: test, duration: T+12:00}
crises:
  - id: peel
    kind: wildfire
    regions: [VR22]
    auto_requests: false
%s
  - {id: meinweg, kind: wildfire, regions: [VR23], site: Meinweg, auto_requests: false}
injects:
  - {id: 1, time: T+01:00, type: request, request: {region: VR23, crisis: meinweg, effect: water,
     tags: [wildfire], capability: FBO_CH47, quantity: 1}}
  - id: 2
    time: T+02:00
    type: reallocate
    title: move
    reallocate:
%s
"""

SITE_OK = "    site: Deurnese Peel"
ORDER_OK = "      {capability: FBO_CH47, units: 2, from_crisis: peel, to_request: 1}"


@pytest.mark.parametrize(
    ("site", "order", "anchor", "fragment"),
    [
        ("    site: {lat: 91, lon: 5.8}", ORDER_OK, "91", "site.lat: Input should be less than or equal to 90"),
        ("    site: {lat: 51.4, lon: 5.8, nme: x}", ORDER_OK, "nme", "site.nme: unknown key 'nme'; did you mean 'name'?"),
        ("    site: 42", ORDER_OK, "42", "site: expected text, got the number 42"),
        ("    sites: {VR99: Meinweg}", ORDER_OK, "VR99", "region 'VR99' is not one of the regions of crisis 'peel'"),
        (SITE_OK, "      {capability: FBO_CH47, unit: 2, from_crisis: peel, to_request: 1}", "unit:", "unknown key 'unit'; did you mean 'units'?"),
        (SITE_OK, "      {capability: FBO_CH47, units: 0, from_crisis: peel, to_request: 1}", "0,", "units: Input should be greater than or equal to 1"),
        (SITE_OK, "      {capability: FBO_CH47, units: four, from_crisis: peel, to_request: 1}", "four", "units: Input should be a valid integer, got the text 'four'"),
        (SITE_OK, "      {capability: FBO_CH47, units: 9, from_crisis: peel, to_request: 1}", "9,", "9 x FBO_CH47 ordered, but the exercise has 4"),
        (SITE_OK, "      {capability: FBO_CH47, units: 2, from_crisis: peel, to_crisis: peel}", "{", "from a crisis to the same crisis"),
    ],
    ids=["lat-91", "site-unknown-key", "site-number", "sites-region", "unit-misspelt",
         "units-0", "units-text", "units-too-many", "same-crisis"],
)  # fmt: skip
def test_one_mistake_is_one_issue_at_its_place(
    site: str, order: str, anchor: str, fragment: str
) -> None:
    """``anchor``: where in the changed line the issue must point (its first occurrence)."""
    text = HEAD % (site, order)
    changed = site if site != SITE_OK else order
    line = text.splitlines().index(changed) + 1
    where = (line, changed.index(anchor) + 1)
    with pytest.raises(ExerciseFileError) as info:
        load_exercise_text(text, "<t>")
    issues = info.value.issues
    assert len(issues) == 1, "\n".join(str(i) for i in issues)
    (issue,) = issues
    assert fragment in f"{issue.path}: {issue.message}", str(issue)
    assert (issue.line, issue.col) == where, str(issue)
    assert "SitePoint" not in str(issue)


def test_the_valid_forms_still_load() -> None:
    ex = load_exercise_text(HEAD % (SITE_OK, ORDER_OK), "<t>")
    assert ex.crises[0].site == "Deurnese Peel"
    ex = load_exercise_text(
        HEAD % ("    site: {lat: 51.4, lon: 5.8, name: Helenaveen}", ORDER_OK), "<t>"
    )
    assert ex.crises[0].site is not None
