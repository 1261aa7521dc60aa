"""The dinero sandbox."""

from __future__ import annotations
