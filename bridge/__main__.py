"""Allow `python -m bridge`."""

from __future__ import annotations

from bridge.surfaces.cli import main

main()
