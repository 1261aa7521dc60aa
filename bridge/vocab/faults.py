"""Faults an in-process vendor sandbox can inject into upcoming requests, for fault tests.

Kinds:

- ``status``: answer ``status`` (a 4xx refusal, 429 or a 5xx) with an error body, without
  acting; ``retry_after`` adds a Retry-After header (a 429 always carries one).
- ``timeout_after_commit``: act on the request, then raise ``httpx.ReadTimeout``, so the caller
  cannot know that it happened (the case the outbox's read-back exists for).
- ``drop``: raise ``httpx.ConnectError`` before acting.
- ``truncated``: act, then send the right status with the body cut in the middle.
- ``malformed``: act, then answer 200 with a body that is not JSON (a broken proxy's page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

FaultKind = Literal["status", "timeout_after_commit", "drop", "truncated", "malformed"]
# 4xx answers stand for a vendor refusing a request; they must never be retried.
FAULT_STATUSES = frozenset({400, 409, 422, 429, 500, 502, 503, 504})


@dataclass
class Fault:
    """One fault for the next ``times`` requests whose path starts with ``path_prefix``."""

    kind: FaultKind
    path_prefix: str | None = None
    times: int = 1
    retry_after: int | None = None
    status: int = 503
    method: str | None = None  # only requests with this method, e.g. "POST"; None = any

    def __post_init__(self) -> None:
        if self.kind not in get_args(FaultKind):
            raise ValueError(f"unknown fault kind {self.kind!r}")
        if self.kind == "status" and self.status not in FAULT_STATUSES:
            raise ValueError(f"a status fault answers one of {sorted(FAULT_STATUSES)}")
        if self.times < 1:
            raise ValueError("a fault must apply at least once")

    def matches(self, method: str, path: str) -> bool:
        """Tell whether this fault applies to a request."""
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path_prefix is None or path.startswith(self.path_prefix)


def take(faults: list[Fault], method: str, path: str) -> Fault | None:
    """Use up one application of the first fault that matches; drop it when spent."""
    for fault in faults:
        if fault.matches(method, path):
            fault.times -= 1
            if fault.times == 0:
                faults.remove(fault)
            return fault
    return None
