"""The operator surfaces: the CLI and its commands, the daemon, report, status and doctor.

The top layer: may import every layer below it; nothing in the project imports it."""

from __future__ import annotations
