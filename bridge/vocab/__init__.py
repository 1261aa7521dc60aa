"""The vocabulary every part speaks: domain types, errors, settings, secrets, option names.

Imports nothing of the project outside this package (the bottom layer; docs/architecture.md)."""

from __future__ import annotations
