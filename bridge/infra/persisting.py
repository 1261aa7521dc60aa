"""A transport that saves a file-backed sandbox after every write it passes on.

A real vendor keeps what it accepted even when our process is killed a moment later. The
embedded sandboxes live in our process, so without this a SIGKILL between the vendor's answer and
our outbox record would also erase the vendor's side, and the crash tests would prove nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

READS = frozenset({"GET", "HEAD", "OPTIONS"})


class PersistingTransport(httpx.BaseTransport):
    """Pass requests to ``inner``; after each write (answered or not), call ``save``."""

    def __init__(self, inner: httpx.BaseTransport, save: Callable[[], None]) -> None:
        self._inner = inner
        self._save = save

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer the request, then persist the sandbox if the request may have changed it."""
        try:
            return self._inner.handle_request(request)
        finally:
            if request.method.upper() not in READS:
                self._save()

    def close(self) -> None:
        """Close the inner transport."""
        self._inner.close()
