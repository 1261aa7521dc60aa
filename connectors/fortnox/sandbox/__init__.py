"""The fortnox sandbox."""

from __future__ import annotations
