"""The engine room: one cycle, reconciling, the outbox, channels, hand-over, letters, templates.

May import bridge.store, policies, bridge.infra and bridge.vocab; never bridge.surfaces."""

from __future__ import annotations
