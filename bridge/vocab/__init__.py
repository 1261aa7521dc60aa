"""The vocabulary."""

from __future__ import annotations
