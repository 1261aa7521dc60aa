"""dunning-bridge."""

from __future__ import annotations
