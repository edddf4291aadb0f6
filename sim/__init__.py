"""Knooppunt TTX: tabletop-exercise simulator for Dutch civil-military crisis management."""

__version__ = "0.1.0"
