"""The engine room."""

from __future__ import annotations
