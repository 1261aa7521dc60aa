"""dunning-bridge: lawful, unattended dunning for Nordic accounting systems."""

from __future__ import annotations

__version__ = "0.1.0"
