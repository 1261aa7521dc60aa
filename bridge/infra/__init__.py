"""The I/O infrastructure."""

from __future__ import annotations
