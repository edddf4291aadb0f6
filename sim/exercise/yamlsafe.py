"""Safe YAML reading that keeps the line and column of every key and value.

PyYAML's ``SafeLoader`` composes a node graph with marks; we walk it ourselves so we can refuse
what the tool must never accept (duplicate keys, non-default tags such as ``!!python/object``,
recursive aliases, alias bombs, complex keys, multiple documents, control characters, non-UTF-8)
and so that validation errors found later can be mapped back to ``file:line:col``.
Nothing in a file can run code: only the standard scalar constructors are ever called.

Every value is checked as it is built, so what the loader accepts the rest of the tool can
handle: no control character, lone surrogate or NUL written as an escape (``"\x1b"``,
``"\ud800"``, ``"\0"``), no ``.inf`` or ``.nan``, no text longer than a spreadsheet cell holds.
The number of values is limited while the document is composed (a fast libyaml pass counts
them first when libyaml is installed), so a huge flat list is refused without being built.
Decoding, refused characters and the wording of syntax errors are in ``yamltext.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from sim.exercise.errors import ExerciseFileError, Issue, Location
from sim.exercise.yamltext import (
    BAD_CHAR,
    MAX_BYTES,
    bad_char_message,
    decode,
    is_yaml_bool_word,
    line_col,
    yaml_message,
)
from sim.exercise.yamlvalues import MAX_TEXT, base60_problem, cannot_read, value_problem

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_TEXT",
    "Marks",
    "Parsed",
    "bad_char_message",
    "decode",
    "is_yaml_bool_word",
    "parse_yaml",
    "path_str",
]

MAX_NODES = 200_000
"""Most values (scalars, lists, mappings) in a document, counted as written and after aliases."""
MAX_DEPTH = 100
"""Deepest nesting of lists and mappings."""

Path = tuple[Any, ...]

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_MAP_TAG = _TAG + "map"
_SEQ_TAG = _TAG + "seq"
_MERGE_TAG = _TAG + "merge"


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
                table[prefix + p] = loc  # type: ignore[assignment]


@dataclass
class Parsed:
    """Plain Python data from a YAML document, and where each part of it came from."""

    data: Any
    marks: Marks


def _loc(source: str, mark: Any) -> Location:
    return Location(source, mark.line + 1, mark.column + 1)


class _Loader(yaml.SafeLoader):
    """SafeLoader that remembers where each alias was written and refuses deep nesting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.alias_marks: dict[tuple[int, int], Any] = {}
        self.depth = 0
        self.nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            node = super().compose_node(parent, index)
            if parent is not None and index is not None:
                self.alias_marks[_slot(parent, index)] = mark
            return node
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooLarge(self.peek_event().start_mark)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"nested more than {MAX_DEPTH} levels deep",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _slot(parent: Any, index: Any) -> tuple[int, int]:
    """Key of a child position: (parent node, list index or key node)."""
    return id(parent), index if isinstance(index, int) else id(index)


class _Walker:
    def __init__(self, source: str, loader: _Loader) -> None:
        self.source = source
        self.loader = loader
        self.marks = Marks(source)
        self.issues: list[Issue] = []
        self.count = 0
        self.active: set[int] = set()
        self.aliases: list[Any] = []  # marks of the aliases being expanded, outermost first

    def fail(self, mark: Any, path: Path, message: str) -> None:
        self.issues.append(Issue(_loc(self.source, mark), path_str(path), message))

    def child(self, parent: yaml.Node, index: Any, node: yaml.Node, path: Path) -> Any:
        """Walk a child node; a child written as an alias is located at the alias."""
        alias = self.loader.alias_marks.get(_slot(parent, index))
        if alias is None:
            return self.walk(node, path)
        self.aliases.append(alias)
        try:
            return self.walk(node, path, alias)
        finally:
            self.aliases.pop()

    def walk(self, node: yaml.Node, path: Path, mark: Any = None) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge(self.aliases[0] if self.aliases else node.start_mark)
        self.marks.values.setdefault(path, _loc(self.source, mark or node.start_mark))
        if id(node) in self.active:
            self.fail(mark or node.start_mark, path, "recursive alias is not allowed")
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
        sexagesimal = base60_problem(node)
        if sexagesimal is not None:  # plain, or quoted with an explicit !!int or !!float
            self.fail(node.start_mark, path, sexagesimal)
            return None
        try:
            value = self.loader.construct_object(node, deep=True)
        except Exception as exc:  # explicit tags on bad text: ValueError, KeyError, ...
            self.fail(node.start_mark, path, cannot_read(node, exc))
            return None
        problem = value_problem(value)
        if problem is not None:
            self.fail(node.start_mark, path, problem)
            return None
        return value

    def sequence(self, node: yaml.Node, path: Path) -> list[Any]:
        if node.tag != _SEQ_TAG:
            self.fail(
                node.start_mark, path, f"tag {node.tag!r} is not allowed; only plain YAML values"
            )
            return []
        return [self.child(node, i, child, (*path, i)) for i, child in enumerate(node.value)]

    def mapping(self, node: yaml.Node, path: Path) -> dict[Any, Any]:
        if node.tag != _MAP_TAG:
            self.fail(
                node.start_mark, path, f"tag {node.tag!r} is not allowed; only plain YAML values"
            )
            return {}
        out: dict[Any, Any] = {}
        merged: list[tuple[yaml.Node, yaml.Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.append((key_node, value_node))
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
            out[key] = self.child(node, key_node, value_node, (*path, key))
        for key_node, value_node in merged:  # explicit keys win over merged ones, as YAML says
            if isinstance(value_node, yaml.SequenceNode):
                sources = [(value_node, i, src) for i, src in enumerate(value_node.value)]
            else:
                sources = [(node, key_node, value_node)]  # type: ignore[list-item]
            for parent, index, src in sources:
                if not isinstance(src, yaml.MappingNode):
                    self.fail(
                        src.start_mark, path, "a merge key (<<) needs a mapping or list of mappings"
                    )
                    continue
                data = self.child(parent, index, src, path)
                for k, v in (data or {}).items():  # None: a recursive merge, already reported
                    out.setdefault(k, v)
        return out

    def key(self, key_node: yaml.Node, path: Path) -> Any:
        if not isinstance(key_node, yaml.ScalarNode):
            self.fail(key_node.start_mark, path, "complex mapping keys are not allowed")
            return _BAD
        if key_node.tag not in _SCALAR_TAGS:
            self.fail(key_node.start_mark, path, f"tag {key_node.tag!r} is not allowed on a key")
            return _BAD
        sexagesimal = base60_problem(key_node)
        if sexagesimal is not None:
            self.fail(key_node.start_mark, path, f"key: {sexagesimal}")
            return _BAD
        try:
            key = self.loader.construct_object(key_node)
        except Exception as exc:
            self.fail(key_node.start_mark, path, cannot_read(key_node, exc))
            return _BAD
        problem = value_problem(key)
        if problem is not None:
            self.fail(key_node.start_mark, path, f"key: {problem}")
            return _BAD
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
    def __init__(self, mark: Any) -> None:
        self.mark = mark


def parse_yaml(text: str, source: str, *, allow_empty: bool = False) -> Parsed:
    """Parse one YAML document safely; raise ExerciseFileError with every problem found."""
    if m := BAD_CHAR.search(text):
        line, col = line_col(text, m.start())
        raise ExerciseFileError(
            [
                Issue(
                    Location(source, line, col),
                    "",
                    bad_char_message(m[0]),
                )
            ]
        )
    _precount(text, source)
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except _TooLarge as exc:
        raise ExerciseFileError([_too_large(source, exc.mark, "")]) from None
    except yaml.MarkedYAMLError as exc:
        mark, message = yaml_message(exc)
        loc = _loc(source, mark) if mark else Location(source, 1, 1)
        raise ExerciseFileError([Issue(loc, "", message)]) from None
    except yaml.YAMLError as exc:  # ReaderError and friends carry no marks
        raise ExerciseFileError([Issue(Location(source, 1, 1), "", f"YAML: {exc}")]) from None
    except RecursionError:
        raise ExerciseFileError(
            [Issue(Location(source, 1, 1), "", "document nested too deeply")]
        ) from None
    if root is None:
        if allow_empty:
            return Parsed(None, Marks(source))
        raise ExerciseFileError([Issue(Location(source, 1, 1), "", "file is empty")])
    walker = _Walker(source, loader)
    try:
        data = walker.walk(root, ())
    except _TooLarge as exc:
        raise ExerciseFileError(
            [_too_large(source, exc.mark, " after expanding aliases (an alias bomb?)")]
        ) from None
    except RecursionError:
        raise ExerciseFileError(
            [Issue(Location(source, 1, 1), "", "document nested too deeply")]
        ) from None
    if walker.issues:
        raise ExerciseFileError(walker.issues)
    return Parsed(data, walker.marks)


def _too_large(source: str, mark: Any, why: str) -> Issue:
    return Issue(_loc(source, mark), "", f"document too large: more than {MAX_NODES:,} values{why}")


_CParser = getattr(yaml, "CBaseLoader", None)  # libyaml's parser (no constructor is used)
_NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)


def _precount(text: str, source: str) -> None:
    """Refuse a document with too many values quickly, with libyaml's parser (C), before the
    pure-Python composer (about 40 µs per value) spends seconds on it. Without libyaml, or on
    a syntax error, the composer's own count and messages apply."""
    if _CParser is None or len(text) < MAX_NODES // 2:  # too short to hold that many values
        return
    parser = _CParser(text)
    count = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, _NODE_EVENTS):
                count += 1
                if count > MAX_NODES:
                    raise ExerciseFileError([_too_large(source, event.start_mark, "")])
    except yaml.YAMLError:
        return
    finally:
        parser.dispose()
