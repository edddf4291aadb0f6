"""Text before and around YAML: the size limit, decoding, refused characters, line and column of
a position, and what to say about a PyYAML syntax error, in words an exercise writer follows.

Split from ``yamlsafe.py`` (which re-exports the public names): these need no YAML parse.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from sim.exercise.errors import ExerciseFileError, Issue, Location

__all__ = [
    "BAD_CHAR",
    "MAX_BYTES",
    "bad_char_message",
    "decode",
    "is_yaml_bool_word",
    "line_col",
    "yaml_message",
]

MAX_BYTES = 2 * 1024 * 1024
"""Largest exercise file, in bytes."""
# YAML forbids C0 controls (except tab, LF, CR), DEL, C1 controls and surrogates/non-characters.
BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_BOOL_WORDS = {"yes", "no", "on", "off", "y", "n", "true", "false"}


def bad_char_message(char: str) -> str:
    """What to say about a character the tool refuses (control, surrogate, non-character)."""
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return f"U+{code:04X} (half of a surrogate pair, not a character) is not allowed"
    if code in (0xFFFE, 0xFFFF):
        return f"U+{code:04X} is not a character; it is not allowed"
    return f"control character U+{code:04X} is not allowed"


_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]``, counting line breaks as PyYAML does."""
    line, start = 1, 0
    for m in _BREAK.finditer(text, 0, index):
        line, start = line + 1, m.end()
    return line, index - start + 1


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
        prefix = raw[: exc.start].decode("utf-8", "replace")
        line, col = line_col(prefix, len(prefix))
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


def yaml_message(exc: yaml.MarkedYAMLError) -> tuple[Any, str]:
    """Where to point and what to say for a PyYAML syntax error."""
    problem, context = exc.problem or "", exc.context or ""
    mark, cmark = exc.problem_mark or exc.context_mark, exc.context_mark
    if "'\\t'" in problem:
        return mark, "YAML: a tab character cannot indent or start a value; use spaces"
    if "expected a single document" in context:
        return (
            mark,
            "YAML: the file holds more than one document (---); an exercise is one document",
        )
    if context.startswith("found duplicate anchor") and cmark is not None:
        anchor = context.removeprefix("found duplicate anchor ").partition(";")[0]
        return mark, f"YAML: duplicate anchor {anchor} (first defined at line {cmark.line + 1})"
    what = context.removeprefix("while scanning ").removeprefix("while parsing ")
    if cmark is not None and ("end of stream" in problem or "<stream end>" in problem):
        # an unclosed quote or bracket: point where it opens, not at the end of the file
        return cmark, f"YAML: {what} that starts here is never closed ({problem})"
    if cmark is not None and context.startswith("while scanning a simple key"):
        return cmark, f"YAML: {problem} after this key"
    text = problem
    if "mapping values are not allowed" in problem:
        text += " (a ':' missing on an earlier line, or a text with ': ' that needs quotes?)"
    elif "expected <block end>" in problem:
        text += " (check the indentation)"
    if context and cmark is not None and mark is not None and cmark.line != mark.line:
        text += f" ({what} that starts at line {cmark.line + 1})"
    elif context and context not in text and not context.startswith("while scanning for"):
        text = f"{context}: {text}"
    return mark, f"YAML: {text}"


def is_yaml_bool_word(raw: str | None) -> bool:
    """True when an unquoted scalar was one of YAML 1.1's boolean words (yes/no/on/off...)."""
    return raw is not None and raw.lower() in _BOOL_WORDS
