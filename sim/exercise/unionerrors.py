"""One complaint per mistake when a field accepts several shapes (a union).

Pydantic reports a value that fits no member of a union once per member: ``site: {lat: 91}``
gives "Input should be a valid string" (the place-name member) *and* "lat: less than or equal
to 90" (the coordinates member). A user wrote one thing and made one mistake, so only the
member whose shape matches what was written is kept: a mapping is judged by the mapping
member, a list by the list member, a scalar (text, number) by the scalar members. Likewise a
misspelt key explains the "missing required field" of the name it was meant to be, so the
missing-field line goes when the unknown-key line suggests that name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

__all__ = ["Split", "model_tag", "pick_union_branches"]

ErrorDict = dict[str, Any]
Split = tuple[tuple[Any, ...], Any, Any, tuple[Any, ...]]  # base, member tag, value, path

_MAPPING_KINDS = frozenset({"model_type", "dict_type", "model_attributes_type"})
_LIST_KINDS = frozenset({"list_type", "tuple_type", "set_type"})


def model_tag(part: Any, node: Any, rest: tuple[Any, ...]) -> bool:
    """A union member's class name in a location (``SitePoint``): a CapWords name that is not a
    key of the mapping it stands in while the next part is one, or the last part of the
    location of a value that is no mapping at all."""
    if not isinstance(part, str) or not part[:1].isupper() or not part.isidentifier():
        return False
    if not isinstance(node, dict):  # a scalar where the member wanted a mapping
        return not rest
    return part not in node and (not rest or rest[0] in node)


def pick_union_branches(
    errors: list[ErrorDict],
    split: Callable[[tuple[Any, ...]], Split],
) -> list[ErrorDict]:
    """Keep, per union, the errors of the members that match the written value's shape.

    ``split(raw_loc)`` returns (the data path of the union field, the union member's tag or
    None when the location passes through none, the value written at that path, the whole
    data path of the error)."""
    parts = [split(tuple(err["loc"])) for err in errors]
    members: dict[tuple[Any, ...], set[Any]] = defaultdict(set)
    for base, tag, _, _ in parts:
        if tag is not None:
            members[base].add(tag)
    kept, dropped = [], defaultdict(list)
    for err, (base, tag, value, path) in zip(errors, parts, strict=True):
        if tag is None or len(members[base]) < 2 or _fits(err, base, value, path):
            kept.append(err)
        else:
            dropped[base].append(err)
    for base, errs in dropped.items():  # never leave a union with nothing said about it
        if not any(p[0] == base and (p[1] is None or _fits(e, base, p[2], p[3]))
                   for e, p in zip(errors, parts, strict=True)):  # fmt: skip
            kept.extend(errs)
    return _drop_explained_missing(kept)


def _fits(err: ErrorDict, base: tuple[Any, ...], value: Any, path: tuple[Any, ...]) -> bool:
    """Whether ``err`` comes from a member of the shape the user wrote at ``base``: a mapping
    or a list is judged by what went wrong inside it, a scalar by the scalar members."""
    deeper = len(path) > len(base)  # inside the value (a key of the mapping, an item)
    if isinstance(value, dict | list):
        return deeper
    return not deeper and err["type"] not in _MAPPING_KINDS | _LIST_KINDS


def _drop_explained_missing(errors: list[ErrorDict]) -> list[ErrorDict]:
    """A "missing required field 'units'" beside "unknown key 'unit'" in the same mapping: the
    misspelling is the mistake, so only it is reported."""
    misspelt = defaultdict(set)
    for e in errors:
        if e["type"] == "extra_forbidden":
            misspelt[tuple(e["loc"][:-1])].add(str(e["loc"][-1]))
    out = []
    for e in errors:
        if e["type"] == "missing":
            parent, name = tuple(e["loc"][:-1]), str(e["loc"][-1])
            if any(_close(name, wrong) for wrong in misspelt.get(parent, ())):
                continue
        out.append(e)
    return out


def _close(name: str, wrong: str) -> bool:
    from difflib import SequenceMatcher

    return SequenceMatcher(None, name.casefold(), wrong.casefold()).ratio() >= 0.75
