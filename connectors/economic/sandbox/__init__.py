"""The economic sandbox."""

from __future__ import annotations
