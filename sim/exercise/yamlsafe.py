"""Safe YAML reading that keeps the line and column of every key and value.

PyYAML's ``SafeLoader`` composes a node graph with marks; we walk it ourselves so we can refuse
what the tool must never accept (duplicate keys, non-default tags such as ``!!python/object``,
recursive aliases, alias bombs, complex keys, multiple documents, control characters, non-UTF-8)
and so that validation errors found later can be mapped back to ``file:line:col``.
Nothing in a file can run code: only the standard scalar constructors are ever called.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from sim.exercise.errors import ExerciseFileError, Issue, Location

__all__ = ["MAX_BYTES", "MAX_NODES", "Marks", "Parsed", "parse_yaml", "path_str"]

MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000

Path = tuple[Any, ...]

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_MAP_TAG = _TAG + "map"
_SEQ_TAG = _TAG + "seq"
_MERGE_TAG = _TAG + "merge"
# YAML forbids C0 controls (except tab, LF, CR), DEL, C1 controls and surrogates/non-characters.
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_BOOL_WORDS = {"yes", "no", "on", "off", "y", "n", "true", "false"}


def path_str(path: Path) -> str:
    """``injects[2].time`` for the path ("injects", 2, "time")."""
    out = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


@dataclass
class Marks:
    """Locations of keys and values by data path, plus the raw text of plain scalars."""

    source: str
    keys: dict[Path, Location] = field(default_factory=dict)
    values: dict[Path, Location] = field(default_factory=dict)
    raw: dict[Path, str] = field(default_factory=dict)

    def value(self, path: Path) -> Location:
        """Location of the value at ``path``, or of its nearest ancestor that has one."""
        return self._nearest(self.values, path)

    def key(self, path: Path) -> Location:
        """Location of the key that introduces ``path`` (falls back to the value, then ancestors)."""
        p = tuple(path)
        while p:
            if p in self.keys:
                return self.keys[p]
            if p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get((), Location(self.source, 1, 1))

    def _nearest(self, table: dict[Path, Location], path: Path) -> Location:
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            p = p[:-1]
        return table.get((), Location(self.source, 1, 1))

    def has(self, path: Path) -> bool:
        return tuple(path) in self.values

    def merge(self, other: Marks, prefix: Path = ()) -> None:
        """Take over ``other``'s marks under ``prefix`` (used for --set overrides)."""
        for table, theirs in (
            (self.keys, other.keys),
            (self.values, other.values),
            (self.raw, other.raw),
        ):
            for p in [p for p in table if p[: len(prefix)] == prefix]:
                del table[p]
            for p, loc in theirs.items():
                table[prefix + p] = loc  # type: ignore[index]


@dataclass
class Parsed:
    """Plain Python data from a YAML document, and where each part of it came from."""

    data: Any
    marks: Marks


def _loc(source: str, mark: Any) -> Location:
    return Location(source, mark.line + 1, mark.column + 1)


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + text.count("\r", 0, index) - text.count("\r\n", 0, index)
    start = max(text.rfind("\n", 0, index), text.rfind("\r", 0, index)) + 1
    return line + 1, index - start + 1


class _Walker:
    def __init__(self, source: str, loader: yaml.SafeLoader) -> None:
        self.source = source
        self.loader = loader
        self.marks = Marks(source)
        self.issues: list[Issue] = []
        self.count = 0
        self.active: set[int] = set()

    def fail(self, mark: Any, path: Path, message: str) -> None:
        self.issues.append(Issue(_loc(self.source, mark), path_str(path), message))

    def walk(self, node: yaml.Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge(node)
        self.marks.values.setdefault(path, _loc(self.source, node.start_mark))
        if id(node) in self.active:
            self.fail(node.start_mark, path, "recursive alias is not allowed")
            return None
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path)
            return self.sequence(node, path)
        finally:
            self.active.discard(id(node))

    def scalar(self, node: yaml.ScalarNode, path: Path) -> Any:
        if node.tag not in _SCALAR_TAGS:
            self.fail(
                node.start_mark, path, f"tag {node.tag!r} is not allowed; only plain YAML values"
            )
            return None
        if node.style is None:
            self.marks.raw[path] = node.value
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            self.fail(node.start_mark, path, f"cannot read value {node.value!r}: {exc}")
            return None

    def sequence(self, node: yaml.Node, path: Path) -> list[Any]:
        if node.tag != _SEQ_TAG:
            self.fail(
                node.start_mark, path, f"tag {node.tag!r} is not allowed; only plain YAML values"
            )
            return []
        return [self.walk(child, (*path, i)) for i, child in enumerate(node.value)]

    def mapping(self, node: yaml.Node, path: Path) -> dict[Any, Any]:
        if node.tag != _MAP_TAG:
            self.fail(
                node.start_mark, path, f"tag {node.tag!r} is not allowed; only plain YAML values"
            )
            return {}
        out: dict[Any, Any] = {}
        merged: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.append(value_node)
                continue
            key = self.key(key_node, path)
            if key is _BAD:
                continue
            if key in out:
                self.fail(
                    key_node.start_mark,
                    (*path, key),
                    "duplicate key (YAML would silently keep only the last one)",
                )
                continue
            self.marks.keys[(*path, key)] = _loc(self.source, key_node.start_mark)
            out[key] = self.walk(value_node, (*path, key))
        for value_node in merged:  # explicit keys win over merged ones, as YAML specifies
            sources = (
                value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            )
            for src in sources:
                if not isinstance(src, yaml.MappingNode):
                    self.fail(
                        src.start_mark, path, "a merge key (<<) needs a mapping or list of mappings"
                    )
                    continue
                data = self.walk(src, path)
                for k, v in data.items():
                    out.setdefault(k, v)
        return out

    def key(self, key_node: yaml.Node, path: Path) -> Any:
        if not isinstance(key_node, yaml.ScalarNode):
            self.fail(key_node.start_mark, path, "complex mapping keys are not allowed")
            return _BAD
        if key_node.tag not in _SCALAR_TAGS:
            self.fail(key_node.start_mark, path, f"tag {key_node.tag!r} is not allowed on a key")
            return _BAD
        key = self.loader.construct_object(key_node)
        if isinstance(key, bool):
            word = key_node.value
            self.fail(
                key_node.start_mark,
                path,
                f"the key {word!r} is read by YAML 1.1 as the boolean {key}; quote it: '{word}'",
            )
            return _BAD
        if key is None or not isinstance(key, str | int):
            self.fail(
                key_node.start_mark,
                path,
                f"key {key_node.value!r} must be a name or a whole number",
            )
            return _BAD
        return key


_BAD = object()


class _TooLarge(Exception):
    def __init__(self, node: yaml.Node) -> None:
        self.node = node


def decode(raw: bytes, source: str) -> str:
    """Bytes to text, refusing oversized, empty, non-UTF-8 and control-character input."""
    if len(raw) > MAX_BYTES:
        raise ExerciseFileError(
            [
                Issue(
                    Location(source, 1, 1),
                    "",
                    f"file is {len(raw):,} bytes; the limit is {MAX_BYTES:,}",
                )
            ]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(raw[: exc.start].decode("utf-8", "replace"), exc.start)
        prefix = raw[: exc.start].decode("utf-8", "replace")
        line, col = _line_col(prefix, len(prefix))
        raise ExerciseFileError(
            [
                Issue(
                    Location(source, line, col),
                    "",
                    f"file is not UTF-8 (byte 0x{raw[exc.start]:02x})",
                )
            ]
        ) from None
    return text.removeprefix("\ufeff")


def parse_yaml(text: str, source: str, *, allow_empty: bool = False) -> Parsed:
    """Parse one YAML document safely; raise ExerciseFileError with every problem found."""
    if m := _BAD_CHAR.search(text):
        line, col = _line_col(text, m.start())
        raise ExerciseFileError(
            [
                Issue(
                    Location(source, line, col),
                    "",
                    f"control character U+{ord(m[0]):04X} is not allowed",
                )
            ]
        )
    try:
        loader = yaml.SafeLoader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = _loc(source, mark) if mark else Location(source, 1, 1)
        raise ExerciseFileError([Issue(loc, "", _yaml_message(exc))]) from None
    except yaml.YAMLError as exc:  # ReaderError and friends carry no marks
        raise ExerciseFileError([Issue(Location(source, 1, 1), "", f"YAML: {exc}")]) from None
    if root is None:
        if allow_empty:
            return Parsed(None, Marks(source))
        raise ExerciseFileError([Issue(Location(source, 1, 1), "", "file is empty")])
    walker = _Walker(source, loader)
    try:
        data = walker.walk(root, ())
    except _TooLarge as exc:
        raise ExerciseFileError(
            [
                Issue(
                    _loc(source, exc.node.start_mark),
                    "",
                    f"document too large: more than {MAX_NODES:,} values after expanding aliases "
                    "(an alias bomb?)",
                )
            ]
        ) from None
    except RecursionError:
        raise ExerciseFileError(
            [Issue(Location(source, 1, 1), "", "document nested too deeply")]
        ) from None
    if walker.issues:
        raise ExerciseFileError(walker.issues)
    return Parsed(data, walker.marks)


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or str(exc)
    if "'\\t'" in problem or "\\t" in problem:
        return "YAML: a tab character cannot indent or start a value; use spaces"
    text = problem
    if exc.context and exc.context not in text:
        text = f"{exc.context}: {text}" if "expected a single document" not in exc.context else text
    if "expected a single document" in str(exc):
        return "YAML: the file holds more than one document (---); an exercise is one document"
    return f"YAML: {text}"


def is_yaml_bool_word(raw: str | None) -> bool:
    """True when an unquoted scalar was one of YAML 1.1's boolean words (yes/no/on/off...)."""
    return raw is not None and raw.lower() in _BOOL_WORDS
