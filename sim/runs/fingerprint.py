"""Which model made a journal: a fingerprint of the code and reference data it depends on.

``run.json`` records it, so ``ttx replay`` can tell "the model changed since this run" (a
difference is expected) from "the same model gave another journal" (a determinism bug). The
package version alone cannot: it changes far less often than the model.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

__all__ = ["JOURNAL_INPUTS", "model_fingerprint"]

JOURNAL_INPUTS = ("exercise", "model", "journal.py", "runs/actions.py")
"""What a journal depends on, under ``sim/``: the loader and reference data, the model, the
journal format, and the people's actions (they check and apply a recorded line: a rule they
tighten can refuse a line an older version took). Not the analysis, which only reads journals."""


@cache
def model_fingerprint() -> str:
    """First 16 hex digits of SHA-256 over the journal's inputs (paths and bytes, sorted)."""
    root = Path(__file__).resolve().parent.parent
    files: list[Path] = []
    for part in JOURNAL_INPUTS:
        path = root / part
        if path.is_file():
            files.append(path)
        else:
            files += sorted(p for p in path.rglob("*") if p.suffix in {".py", ".yaml"})
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
