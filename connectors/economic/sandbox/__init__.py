"""The economic emulator the demo and the tests run against: state, routes and the demo company.

May import bridge.vocab, bridge.infra and its connector; only the descriptor loads it, lazily."""

from __future__ import annotations
