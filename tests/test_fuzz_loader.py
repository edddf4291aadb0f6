"""Property tests for the exercise loader: whatever the input, only ExerciseFileError escapes.

Inputs: arbitrary text, text built from YAML's special characters, line-wise mutations of
``exercises/tutorial.yaml``, byte-level mutations read from a file (encoding, BOM, size), and
structured near-valid exercises dumped with ``yaml.safe_dump``. Every issue must point inside
the input: ``1 <= line <= lines + 1`` and ``1 <= col <= len(that line) + 1``, counting line
breaks as PyYAML does. Issues from ``--set`` arguments carry no line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.exercise import Exercise, ExerciseFileError, load_exercise, load_exercise_text
from sim.exercise.msel import render_msel

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL_TEXT = (ROOT / "exercises" / "tutorial.yaml").read_text(encoding="utf-8")
TUTORIAL_LINES = TUTORIAL_TEXT.split("\n")

FUZZ = settings(
    deadline=None,
    max_examples=250,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")  # PyYAML's line breaks


def _lines(text: str) -> list[str]:
    return _BREAK.split(text)


def check(text: str, source: str = "fuzz.yaml", overrides: Any = None) -> Exercise | None:
    """Load; return the Exercise, or None after checking every issue's location."""
    try:
        result = load_exercise_text(text, source, overrides)
    except ExerciseFileError as exc:
        check_issues(exc, text.removeprefix("\ufeff"), source)
        return None
    assert isinstance(result, Exercise)
    return result


def check_issues(exc: ExerciseFileError, text: str, source: str) -> None:
    assert exc.issues, "ExerciseFileError without issues"
    lines = _lines(text)
    for issue in exc.issues:
        assert issue.message, issue
        loc = issue.location
        if loc.source.startswith("--set "):
            assert loc.line is None and loc.col is None, issue
            continue
        assert loc.source == source, issue
        assert loc.line is not None and loc.col is not None, issue
        assert 1 <= loc.line <= len(lines) + 1, (issue, len(lines))
        width = len(lines[loc.line - 1]) if loc.line <= len(lines) else 0
        assert 1 <= loc.col <= width + 1, (issue, width)


# --- unstructured text -------------------------------------------------------------------------

YAML_CHARS = [*":-[]{}&*!|>'\"#%@`,?<= \t\n\r", "\ufeff", "\x85", "\u2028", "\x00", "é"]
yamlish = st.text(
    alphabet=st.one_of(st.sampled_from(YAML_CHARS), st.sampled_from("abcxyz019T+.")),
    max_size=120,
)


@FUZZ
@given(st.text(max_size=400))
def test_arbitrary_text(text: str) -> None:
    check(text)


@FUZZ
@given(yamlish)
def test_yaml_punctuation_soup(text: str) -> None:
    check(text)


@FUZZ
@given(st.lists(yamlish, max_size=8))
def test_arbitrary_text_under_a_valid_header(parts: list[str]) -> None:
    check("exercise: {id: x, title: t, duration: T+10:00}\n" + "\n".join(parts))


TOKENS = [
    *["exercise", "hub", "staff", "crises", "id", "a", "b", "0", "-1", "1.5", "T+01:00", "2:30"],
    *[": ", ":", "\n", "\n  ", "\n    ", "- ", "-", "[", "]", "{", "}", ", ", "? ", "#", " "],
    *["&a ", "&b ", "*a", "*b", "<<: ", "<<", "~", "no", "on", "'", '"', "|\n", ">\n", "\t"],
    *["!!bool ", "!!int ", "!!float ", "!!timestamp ", "!!str ", "!!null ", "!!binary ", "!x "],
    *["!!python/object:os.system ", "!!python/name:os.system ", "!!set ", "!!omap ", "!!map "],
    *["!!seq ", "2026-13-01", "2026-04-20", "0x1F", ".inf", "---\n", "...\n", "%YAML 1.1\n"],
]
token_soup = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)


@FUZZ
@given(token_soup)
def test_yaml_token_soup(text: str) -> None:
    check(text)


@FUZZ
@given(token_soup)
def test_yaml_token_soup_under_a_valid_header(text: str) -> None:
    check("exercise: {id: x, title: t, duration: T+10:00}\nhub:\n  " + text)


# --- line-wise mutations of the tutorial -------------------------------------------------------

mutation = st.tuples(
    st.sampled_from(["delete", "duplicate", "swap", "insert", "indent", "dedent", "replace"]),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=10_000),
    st.text(alphabet=st.sampled_from(YAML_CHARS + list("ab1T")), max_size=6),
)


def mutate(lines: list[str], ops: list[tuple[str, int, int, str]]) -> list[str]:
    lines = list(lines)
    for kind, a, b, chars in ops:
        if not lines:
            break
        i, j = a % len(lines), b % len(lines)
        line = lines[i]
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, line)
        elif kind == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "insert":
            pos = b % (len(line) + 1)
            lines[i] = line[:pos] + chars + line[pos:]
        elif kind == "indent":
            lines[i] = " " * (1 + b % 4) + line
        elif kind == "dedent":
            lines[i] = line[min(len(line) - len(line.lstrip(" ")), 1 + b % 4) :]
        else:
            pos = b % (len(line) + 1)
            lines[i] = line[:pos] + chars + line[pos + len(chars) :]
    return lines


@FUZZ
@given(st.lists(mutation, min_size=1, max_size=6))
def test_mutated_tutorial(ops: list[tuple[str, int, int, str]]) -> None:
    check("\n".join(mutate(TUTORIAL_LINES, ops)))


@FUZZ
@given(st.lists(mutation, min_size=1, max_size=3), st.sampled_from(["\r\n", "\r", "\n"]))
def test_mutated_tutorial_other_line_breaks(
    ops: list[tuple[str, int, int, str]], newline: str
) -> None:
    check(newline.join(mutate(TUTORIAL_LINES, ops)))


# --- bytes through a file: decoding, BOM, control characters -----------------------------------

byte_op = st.tuples(
    st.integers(min_value=0, max_value=10_000),
    st.binary(min_size=0, max_size=4),
    st.integers(min_value=0, max_value=4),
)


@settings(FUZZ, max_examples=200)
@given(st.lists(byte_op, min_size=1, max_size=4), st.booleans())
def test_byte_mutations_from_a_file(
    tmp_path_factory: Any, ops: list[tuple[int, bytes, int]], bom: bool
) -> None:
    data = bytearray(TUTORIAL_TEXT.encode("utf-8"))
    for pos, insert, cut in ops:
        p = pos % (len(data) + 1)
        data[p : p + cut] = insert
    raw = (b"\xef\xbb\xbf" if bom else b"") + bytes(data)
    path = tmp_path_factory.mktemp("bytes") / "mutated.yaml"
    path.write_bytes(raw)
    try:
        result = load_exercise(path)
    except ExerciseFileError as exc:
        text = raw.decode("utf-8", "replace").removeprefix("\ufeff")
        check_issues(exc, text, str(path))
    else:
        assert isinstance(result, Exercise)


# --- structured near-valid exercises ------------------------------------------------------------


def t_plus(minutes: int) -> str:
    return f"T+{minutes // 60:02d}:{minutes % 60:02d}"


times = st.integers(min_value=0, max_value=40 * 60).map(t_plus)
durations = st.one_of(
    times,
    st.integers(min_value=1, max_value=600).map(lambda m: f"{m}m"),
    st.integers(min_value=1, max_value=12).map(lambda h: f"PT{h}H"),
)
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=300),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(["", "no", "2:30", "soon", "T+", "VR22", "peel", "FBO_CH47", "x y"]),
    st.lists(st.integers(0, 3), max_size=2),
    st.dictionaries(st.sampled_from(["a", "id", "time"]), st.integers(0, 3), max_size=2),
)
ids = st.sampled_from(["1", "2", "3", "a", "b", "peel", "O1"])
regions = st.sampled_from(["VR01", "VR22", "VR25", "VR2", "VR99"])
capabilities = st.sampled_from(["FBO_CH47", "FBO_GROUND", "EOD_LAND", "FBO_CH74"])
tags = st.sampled_from(["wildfire", "manpower", "evacuation", "sandbag"])
distribution = st.one_of(
    durations,
    st.fixed_dictionaries({"triangular": st.lists(durations, min_size=3, max_size=3)}),
    st.fixed_dictionaries({"uniform": st.lists(durations, min_size=2, max_size=2)}),
    st.fixed_dictionaries({"exponential": durations}),
)


def maybe(strategy: st.SearchStrategy[Any], odds: int = 8) -> st.SearchStrategy[Any]:
    """The valid strategy, and junk once in ``odds`` draws."""
    return st.sampled_from(range(odds)).flatmap(lambda k: junk if k == odds - 1 else strategy)


crisis = st.fixed_dictionaries(
    {
        "id": maybe(st.sampled_from(["peel", "flood-1"])),
        "kind": maybe(st.sampled_from(["wildfire", "flood", "digital"])),
        "regions": maybe(st.lists(regions, min_size=1, max_size=2)),
    },
    optional={
        "onset": maybe(st.one_of(times, st.none())),
        "start_level": maybe(st.integers(0, 7)),
        "levels": maybe(
            st.dictionaries(
                st.integers(0, 7),
                st.fixed_dictionaries(
                    {"demand": st.dictionaries(tags, st.integers(0, 300), max_size=2)}
                ),
                min_size=1,
                max_size=3,
            )
        ),
        "escalation": maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "dwell": distribution,
                    "p_up_met": st.floats(0, 1),
                    "p_down_met": st.floats(0, 1),
                    "max_level": st.integers(0, 7),
                },
            )
        ),
        "auto_requests": maybe(st.booleans()),
        "urgency": maybe(durations),
    },
)
request = st.fixed_dictionaries(
    {"region": maybe(regions), "effect": maybe(st.just("help")), "tags": maybe(st.lists(tags))},
    optional={
        "crisis": maybe(st.sampled_from(["peel", "flood-1"])),
        "capability": maybe(capabilities),
        "quantity": maybe(st.integers(0, 5)),
    },
)
condition = st.one_of(
    st.fixed_dictionaries({"free_units_below": st.dictionaries(capabilities, st.integers(0, 3))}),
    st.fixed_dictionaries({"region_level": st.dictionaries(regions, st.integers(0, 7))}),
    st.fixed_dictionaries({"crisis_level": st.dictionaries(ids, st.integers(0, 7))}),
    st.fixed_dictionaries({"request_denied": st.sampled_from(["any", "VR22", "VR2"])}),
)
trigger = st.fixed_dictionaries(
    {}, optional={"after": ids, "when": maybe(condition), "delay": maybe(durations)}
)
inject = st.fixed_dictionaries(
    {
        "id": maybe(ids),
        "type": maybe(
            st.sampled_from(
                ["information", "escalate", "set_level", "request", "mt1_claim", "decision_point"]
            )
        ),
    },
    optional={
        "time": maybe(times),
        "trigger": maybe(trigger),
        "manual": maybe(st.booleans()),
        "crisis": maybe(st.sampled_from(["peel", "flood-1"])),
        "level": maybe(st.integers(0, 7)),
        "request": maybe(request),
        "mt1": maybe(
            st.fixed_dictionaries({"capability": capabilities, "units": st.integers(0, 3)})
        ),
        "objectives": maybe(st.lists(ids, max_size=2)),
        "title": maybe(st.text(max_size=10)),
    },
)
exercise = st.fixed_dictionaries(
    {
        "exercise": maybe(
            st.fixed_dictionaries(
                {"id": maybe(st.just("fuzz")), "title": maybe(st.just("Fuzz")), "duration": times},
                optional={
                    "seed": maybe(st.integers(0, 9)),
                    "ladder": maybe(st.sampled_from(["grip_classic", "flex_2024", "grip"])),
                    "objectives": st.lists(
                        st.fixed_dictionaries({"id": ids, "text": st.just("t")}), max_size=2
                    ),
                    "start": maybe(st.datetimes().map(lambda d: d.replace(microsecond=0))),
                },
            )
        )
    },
    optional={
        "hub": maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "staff": maybe(st.integers(0, 4)),
                    "policy": maybe(st.sampled_from(["fifo", "priority", "fair-share", "lifo"])),
                    "drafting": maybe(distribution),
                    "mt1_reserved": maybe(st.dictionaries(capabilities, st.integers(0, 9))),
                },
            )
        ),
        "capabilities": maybe(
            st.dictionaries(
                capabilities,
                st.fixed_dictionaries({}, optional={"units": maybe(st.integers(0, 9))}),
                max_size=2,
            )
        ),
        "remove": maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "regions": st.lists(regions, max_size=2, unique=True),
                    "capabilities": st.lists(capabilities, max_size=2, unique=True),
                },
            )
        ),
        "crises": maybe(st.lists(crisis, max_size=3)),
        "injects": maybe(st.lists(inject, max_size=5)),
    },
)
extra_key = maybe(st.just({}), odds=4).map(lambda v: v if v == {} else {"bogus": v})


@settings(FUZZ, max_examples=200)
@given(exercise, extra_key)
def test_structured_near_valid_exercises(data: dict[str, Any], extra: dict[str, Any]) -> None:
    text = yaml.safe_dump({**data, **extra}, sort_keys=False, allow_unicode=True)
    result = check(text)
    if result is not None:  # a valid one survives the effective-exercise round trip
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: same output, faster
        again = check(yaml.dump(result.to_data(), Dumper=dumper, sort_keys=False))
        assert again is not None
        # effective.yaml spells out the reference data with removals applied: compare the rest
        skip = {"reference", "remove"}
        assert again.model_dump(exclude=skip) == result.model_dump(exclude=skip)
        assert render_msel(result, "csv") and render_msel(result, "xlsx")  # what loads, exports


# every character class, surrogates and controls included, as a YAML escape or as it is
any_char = st.characters(codec=None, exclude_categories=())
texts = st.text(alphabet=any_char, max_size=12)


@settings(FUZZ, max_examples=60)
@given(texts, texts, st.sampled_from(["double", "plain", "single"]))
def test_any_text_either_loads_and_exports_or_is_refused_at_its_place(
    title: str, message: str, style: str
) -> None:
    """Whatever validate accepts, the exports handle: the text goes through YAML's own escapes
    (double quotes), or raw into the file (plain/single), and the loaded exercise exports."""
    inject = {"id": 1, "time": "T+01:00", "type": "information", "title": title, "message": message}
    data = {"exercise": {"id": "x", "title": title, "duration": "T+10:00"}, "injects": [inject]}
    style_char = {"double": '"', "plain": None, "single": "'"}[style]
    try:
        text = yaml.safe_dump(data, allow_unicode=style != "double", default_style=style_char)
    except (yaml.YAMLError, UnicodeEncodeError):
        return  # PyYAML itself cannot write it
    result = check(text)
    if result is not None:
        if style == "double":  # in plain and single quotes YAML folds line breaks, as it should
            assert result.injects[0].title == title
        render_msel(result, "csv")
        render_msel(result, "xlsx")


override_keys = st.sampled_from(
    ["hub.staff", "crises.peel.onset", "injects.2.time", "exercise.duration", "hub", "x.y.z", "."]
)


@settings(FUZZ, max_examples=200)
@given(st.lists(st.tuples(override_keys, st.one_of(yamlish, times)), min_size=1, max_size=3))
def test_set_overrides_on_the_tutorial(overrides: list[tuple[str, str]]) -> None:
    check(TUTORIAL_TEXT, "tutorial.yaml", overrides)
