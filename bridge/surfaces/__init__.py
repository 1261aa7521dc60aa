"""The operator surfaces."""

from __future__ import annotations
