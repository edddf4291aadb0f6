"""Writing imported injects as exercise YAML that reads like a hand-written file.

The exercise files in ``exercises/`` are read and reviewed by people, so an imported MSEL should
look like them: indented lists, plain numbers for numeric ids, short lists in flow style,
multi-line messages as literal blocks. When the injects go into an existing exercise only the
``injects:`` section is replaced as text, so the planner's header and comments survive.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from sim.exercise.yamlsafe import Marks

__all__ = ["dump_yaml", "id_value", "replace_injects"]


class _Dumper(yaml.SafeDumper):
    """SafeDumper with list items indented under their key, as in the shipped exercises."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value.strip("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def id_value(value: str) -> str | int:
    """``7`` rather than ``'7'`` for MSEL numbers; the loader turns it back into the id '7'."""
    if re.fullmatch(r"[1-9][0-9]{0,8}|0", value):
        return int(value)
    return value


def dump_yaml(data: Any) -> str:
    """Block-style YAML with flow style for short scalar lists and mappings."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=96,
    )


def replace_injects(text: str, marks: Marks, injects_yaml: str) -> str:
    """``text`` with its top-level ``injects:`` section replaced by ``injects_yaml``.

    ``marks`` are the text's parse marks. Comment and blank lines right before the next
    top-level key stay with that key. Without an ``injects:`` section the new one is appended.
    """
    tops = sorted((loc.line or 0, path[0]) for path, loc in marks.keys.items() if len(path) == 1)
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    start = next((line for line, key in tops if key == "injects"), None)
    if start is None:
        gap = "\n" if lines and lines[-1].strip() else ""
        return "".join(lines) + gap + injects_yaml
    end = next((line for line, _ in tops if line > start), len(lines) + 1) - 1
    keep = end  # comment and blank lines before the next key belong to that key
    while keep > start and (not lines[keep - 1].strip() or lines[keep - 1].startswith("#")):
        keep -= 1
    tail = lines[keep:]
    if tail and tail[0].strip():
        tail = ["\n", *tail]
    return "".join(lines[: start - 1]) + injects_yaml + "".join(tail)
