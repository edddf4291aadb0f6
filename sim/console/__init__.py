"""The live facilitator console (Textual): shows a ``SessionView``, sends command lines.

``run_console(handle, lang)`` runs it full screen over any ``sim.runs.view.SessionHandle``; it
knows nothing of the model (layer 6 reads only the plain view of layer 5).
"""

from __future__ import annotations

from sim.console.app import ConsoleApp, run_console

__all__ = ["ConsoleApp", "run_console"]
