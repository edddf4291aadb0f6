"""The versions of Python and of the packages a run depends on (recorded in ``run.json``)."""

from __future__ import annotations

import platform

__all__ = ["package_versions"]


def package_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("simpy", "numpy", "pydantic", "pyyaml", "matplotlib", "pandas"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "missing"
    return out
