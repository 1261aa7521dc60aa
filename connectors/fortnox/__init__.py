"""The fortnox connector (not built yet)."""

from __future__ import annotations
