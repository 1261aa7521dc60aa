"""The tripletex sandbox."""

from __future__ import annotations
