"""The I/O infrastructure: HTTP, retries, paging, rate limits, fault injection, logs, counters.

May import only bridge.vocab; connectors and policies may import it (docs/architecture.md)."""

from __future__ import annotations
